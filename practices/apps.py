from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PracticesConfig(AppConfig):
    """Good practices that member cities and networks share, as Wagtail pages."""

    name = "practices"
    label = "practices"
    verbose_name = _("Good practices")

    def ready(self):
        from website import sitesearch

        from . import models, selectors, views  # noqa: F401 - views register what pages show

        sitesearch.register(
            "practices",
            label=_("Good practices"),
            order=50,
            find=lambda request, query, limit: selectors.search_group(query=query, limit=limit),
            page_models=[models.GoodPracticePage],
        )
