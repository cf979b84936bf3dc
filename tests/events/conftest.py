"""Fixtures of the events tests."""

import datetime as dt

import pytest
from django.utils import timezone

from website.notifications import services as outbox


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """Run a change and send what it queued, including updates that wait for a burst to end."""

    def do(change, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            result = change(*args, **kwargs)
        later = timezone.now() + dt.timedelta(minutes=6)
        for pk in outbox.deliveries_due(now=later):
            outbox.delivery_send(delivery_id=pk, now=later)
        return result

    return do
