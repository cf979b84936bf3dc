from celery import shared_task

from . import services


@shared_task(name="website.notifications.tasks.deliver")
def deliver(delivery_id):
    """Send one delivery. Safe to run twice: only a pending delivery is sent."""
    services.delivery_send(delivery_id=delivery_id)


@shared_task(name="website.notifications.tasks.fan_out")
def fan_out(notification_id):
    """Queue one task per delivery of a notification for many people."""
    services.enqueue(services.pending_deliveries(notification_id))


@shared_task(name="website.notifications.tasks.dispatch_due")
def dispatch_due():
    """Queue again what is still pending: lost by the broker, or waiting for its retry."""
    services.enqueue(services.deliveries_due())


@shared_task(name="website.notifications.tasks.send_digests")
def send_digests():
    """Record the daily and weekly digests that are due (hourly). Safe to run twice."""
    from .models import Subscriber
    from .subscribers import digest_send, digests_due

    for subscriber in Subscriber.objects.filter(pk__in=digests_due()):
        digest_send(subscriber=subscriber)
