from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SpacesConfig(AppConfig):
    """Meeting spaces that cities and networks lend, and the bookings of actors."""

    name = "network.spaces"
    label = "spaces"
    verbose_name = _("Meeting spaces")

    def ready(self):
        from website import registry, sitesearch
        from website.cache import register_scope
        from website.calendars.feeds import personal_feed_source

        from . import api, feeds, models, selectors, services

        register_scope("spaces", models.Space, models.OpeningHours, models.Closure, models.Booking)
        registry.api_router("/", api.router)
        registry.personal_data("bookings", selectors.personal_data)
        registry.before_account_deletion(services.bookings_cancel_ahead)
        personal_feed_source(feeds.bookings_feed_part)
        sitesearch.register(
            "spaces",
            label=_("Meeting spaces"),
            order=30,
            find=lambda request, query, limit: selectors.search_group(query=query, limit=limit),
        )
