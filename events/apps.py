from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    """Events as Wagtail pages, their occurrences, registrations and calendar output."""

    name = "events"
    verbose_name = _("Events")

    def ready(self):
        from website import registry, sitesearch
        from website.cache import register_scope
        from website.calendars.feeds import personal_feed_source

        # Signals connect; the views register the agenda's routes and the event page's context.
        from . import api, feeds, forms, models, selectors, signals, views  # noqa: F401

        # As Wagtail's admin gives ``Page`` its form in its own ready(): the model never
        # imports its forms, which import it.
        models.EventPage.base_form_class = forms.EventPageForm

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
        personal_feed_source(feeds.registrations_feed_part)
        sitesearch.register(
            "events",
            label=_("Events"),
            order=10,
            find=lambda request, query, limit: selectors.search_group(query=query, limit=limit),
            page_models=[models.EventPage],
        )
