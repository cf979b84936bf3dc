"""Wagtail's publish action has no hook, only the ``page_published`` signal: this receiver is
the one place that reacts to it, and it only calls the service."""

from django.dispatch import receiver
from wagtail.signals import page_published

from .models import EventPage


@receiver(page_published, sender=EventPage)
def sync_occurrences_on_publish(sender, instance, **kwargs):
    from .services import event_sync_occurrences

    # In the publishing transaction: the page and its dates go live together.
    event_sync_occurrences(event=instance)
