"""Wagtail's publish action has no hook, only the ``page_published`` signal: this receiver is
the one place that reacts to it, and it only calls the service."""

from django.dispatch import receiver
from wagtail.signals import page_published, page_unpublished

from .models import EventPage


@receiver(page_published, sender=EventPage)
def sync_occurrences_on_publish(sender, instance, **kwargs):
    from .services import event_sync_occurrences

    # In the publishing transaction: the page and its dates go live together.
    event_sync_occurrences(event=instance)


@receiver(page_unpublished, sender=EventPage)
def withdraw_on_unpublish(sender, instance, **kwargs):
    from .services import event_withdraw

    # Unpublishing a translation leaves the event on line in its other languages.
    if instance.canonical.pk == instance.pk:
        event_withdraw(event=instance)
