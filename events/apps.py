from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    """Events as Wagtail pages, their occurrences, registrations and calendar output."""

    name = "events"
    verbose_name = _("Events")

    def ready(self):
        from . import signals  # noqa: F401
