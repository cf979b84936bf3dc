from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    """The directory of the SSE: sectors (filières), territories, legal forms, and the actors
    with their members, umbrella networks, needs and offers, map, statistics and open data.

    It keeps the label ``network`` it was born with, as Wagtail's core keeps ``wagtailcore``:
    its tables, migrations, content types and permissions (``network.moderate_actor``) stay
    what they have been since the first release."""

    name = "network.directory"
    label = "network"
    verbose_name = _("Directory")

    def ready(self):
        from website import registry, sitesearch
        from website.cache import register_scope

        from . import api, models, selectors

        register_scope(
            "directory",
            models.Sector,
            models.Territory,
            models.LegalForm,
            models.Actor,
            models.Membership,
            models.UmbrellaMembership,
            models.ActorChange,
            models.NeedOffer,
        )
        registry.api_router("/", api.router)
        registry.personal_data("directory", selectors.personal_data)
        sitesearch.register(
            "actors",
            label=_("Actors"),
            order=20,
            find=lambda request, query, limit: selectors.search_group(query=query, limit=limit),
        )
