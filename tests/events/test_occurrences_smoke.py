import datetime as dt

import pytest

from events.models import Occurrence

pytestmark = pytest.mark.django_db


def test_publishing_an_event_creates_its_occurrence(make_event):
    event = make_event()
    occurrence = Occurrence.objects.get(event=event)
    assert occurrence.start == event.start
    assert occurrence.end - occurrence.start == dt.timedelta(hours=2)
