from celery import shared_task

from website import mail


@shared_task(
    name="website.tasks.deliver_email",
    autoretry_for=(OSError,),
    retry_backoff=30,
    retry_backoff_max=30 * 60,
    retry_jitter=True,
    max_retries=8,
)
def deliver_email(data):
    """Hand one message to the delivery backend; network errors (SMTP down) are retried."""
    return mail.deliver(data)
