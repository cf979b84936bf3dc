from celery import shared_task

from . import services


@shared_task(name="website.notifications.tasks.deliver")
def deliver(delivery_id):
    """Send one delivery. Safe to run twice: only a pending delivery is sent."""
    services.delivery_send(delivery_id=delivery_id)


@shared_task(name="website.notifications.tasks.dispatch_due")
def dispatch_due():
    """Queue again what is still pending: lost by the broker, or waiting for its retry."""
    for pk in services.deliveries_due():
        deliver.delay(pk)
