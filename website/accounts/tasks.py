from celery import shared_task
from django.core import management


@shared_task(name="website.accounts.tasks.clear_expired_sessions")
def clear_expired_sessions():
    """Remove expired sessions (scheduled daily in CELERY_BEAT_SCHEDULE). Safe to run twice."""
    management.call_command("clearsessions")
