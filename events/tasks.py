from celery import shared_task
from django.conf import settings


@shared_task(name="events.tasks.extend_open_ended_series")
def extend_open_ended_series():
    """Keep rules without an end expanded far enough ahead (daily). Safe to run twice."""
    from .models import EventPage
    from .services import event_sync_occurrences

    for event in (
        EventPage.objects.live()
        .filter(locale__language_code=settings.LANGUAGE_CODE)
        .exclude(recurrence="")
    ):
        if "COUNT=" not in event.recurrence.upper() and "UNTIL=" not in event.recurrence.upper():
            event_sync_occurrences(event=event)


@shared_task(name="events.tasks.send_reminders")
def send_reminders():
    """Reminders before events (every few minutes). Safe to run twice."""
    from .services import reminders_due

    reminders_due()
