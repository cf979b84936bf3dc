from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IncubatorsConfig(AppConfig):
    """Incubators' programmes and their calls for applications."""

    name = "network.incubators"
    label = "incubators"
    verbose_name = _("Incubators")

    def ready(self):
        from website import registry, sitesearch
        from website.cache import register_scope

        from . import api, models, selectors

        register_scope("incubators", models.Programme, models.Call)
        registry.api_router("/", api.router)
        registry.subscriber_data("call_alerts", selectors.subscriber_call_alerts)
        sitesearch.register(
            "calls",
            label=_("Calls for applications"),
            order=40,
            find=lambda request, query, limit: selectors.search_group(query=query, limit=limit),
        )
