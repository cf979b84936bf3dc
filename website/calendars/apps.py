from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CalendarsConfig(AppConfig):
    """The iCalendar layer: serialiser, UIDs, invites, feeds and their tokens."""

    name = "website.calendars"
    label = "calendars"
    verbose_name = _("Calendars")

    def ready(self):
        from . import uids  # noqa: F401 - registers the system check of the UID domain
