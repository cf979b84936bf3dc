from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class CalendarFeedToken(models.Model):
    """The secret in the address of a person's own calendar feed.

    Regenerating it revokes the old address.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed_token"
    )
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "events_calendarfeedtoken"  # kept from when events held it
        verbose_name = _("calendar feed token")

    def __str__(self):
        return f"{self.user} ({self.created_at:%Y-%m-%d})"
