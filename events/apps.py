from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    """Events as Wagtail pages, their occurrences, registrations and calendar output."""

    name = "events"
    verbose_name = _("Events")

    def ready(self):
        from website import registry
        from website.cache import register_scope

        from . import api, models, selectors, signals  # noqa: F401 - signals connect

        register_scope(
            "events",
            models.EventPage,
            models.Occurrence,
            models.OccurrenceChange,
            models.Registration,
        )
        registry.api_router("/", api.router)
        registry.personal_data("event_registrations", selectors.personal_data)
        registry.subscriber_data("follows", selectors.subscriber_follows)
