"""Every person's calendar, rebuilt from the mails they received, holds exactly the dates they
hold on the site (issue 17): the demo's content, then its people follow and leave series,
register and cancel, get promoted from a waiting list, book rooms and cancel a date; the
organiser moves and cancels dates and withdraws an event. A calendar client replays, in
order, every mail each address received."""

import datetime as dt
from collections import defaultdict

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.utils import timezone

from events import services as events
from events.models import EventPage, Occurrence, OccurrenceChange, Registration, Subscription
from network.spaces import services as bookings
from network.spaces.models import Booking
from tests.calendar_client import CalendarClient
from tests.events.following import follow, unfollow
from website.notifications import services as outbox

pytestmark = pytest.mark.django_db


def flush():
    """Send every mail the outbox holds, those waiting for a burst to end included."""
    later = timezone.now() + dt.timedelta(minutes=10)
    for pk in outbox.deliveries_due(now=later):
        outbox.delivery_send(delivery_id=pk, now=later)


@pytest.fixture
def run(full_demo, django_capture_on_commit_callbacks):
    flush()  # what loading the demo recorded

    def do(change, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            result = change(*args, **kwargs)
        flush()
        return result

    return do


def person(email):
    return get_user_model().objects.get(email=email)


def committee():
    return EventPage.objects.get(slug="commission-ess-nantes", locale__language_code="fr")


def unchanged_dates_of(event):
    """Its scheduled dates that the demo did not move already."""
    changed = set(event.occurrence_changes.values_list("original_start", flat=True))
    return [
        occurrence
        for occurrence in Occurrence.objects.filter(
            event=event, status=Occurrence.Status.SCHEDULED
        ).order_by("original_start")
        if occurrence.original_start not in changed
    ]


def held_on_the_site(address):
    """What the site says ``address`` holds: every date of a series they follow, else their
    seats; the confirmed bookings they made."""
    held = []
    follows = set(
        Subscription.objects.filter(
            target=Subscription.Target.SERIES, subscriber__email__iexact=address, event__live=True
        ).values_list("event_id", flat=True)
    )
    for occurrence in Occurrence.objects.filter(
        event_id__in=follows, status=Occurrence.Status.SCHEDULED
    ):
        held.append((occurrence.start, occurrence.end))
    seats = Registration.objects.filter(
        user__email__iexact=address,
        status=Registration.Status.CONFIRMED,
        occurrence__status=Occurrence.Status.SCHEDULED,
        occurrence__event__live=True,
    ).exclude(occurrence__event_id__in=follows)
    held += [(r.occurrence.start, r.occurrence.end) for r in seats.select_related("occurrence")]
    held += list(
        Booking.objects.filter(
            requested_by__email__iexact=address, status=Booking.Status.CONFIRMED
        ).values_list("start", "end")
    )
    return sorted(held)


def test_after_the_demos_scenarios_every_calendar_holds_exactly_the_dates_each_person_holds(
    run,
):
    sophie, lee = person("membre@essaim.example"), person("member@essaim.example")
    moderator, claire = person("moderateur@essaim.example"), person("editrice@essaim.example")
    event = committee()
    _first, second, third, fourth, *_rest = unchanged_dates_of(event)

    # Sophie follows the committee, takes seats on two dates, then leaves the series.
    follow(run, sophie, event)
    run(events.registration_create, occurrence=second, user=sophie)
    run(events.registration_create, occurrence=fourth, user=sophie)
    unfollow(run, sophie, event)
    # Lee follows it, takes a seat, then cancels the seat: the series stays.
    follow(run, lee, event)
    seat = run(events.registration_create, occurrence=third, user=lee)
    run(events.registration_cancel, registration=seat, user=lee)
    # The full training: Sophie gives her seat up, the moderator waiting gets it.
    training = Registration.objects.get(
        user=sophie, status=Registration.Status.CONFIRMED, occurrence__event__capacity=2
    )
    run(events.registration_cancel, registration=training, user=sophie)
    assert Registration.objects.filter(
        user=moderator, status=Registration.Status.CONFIRMED, occurrence=training.occurrence
    ).exists()
    # The organiser moves Sophie's fourth date by a day and cancels the second.
    event = EventPage.objects.get(pk=event.pk)
    event.occurrence_changes.add(
        OccurrenceChange(
            original_start=fourth.original_start,
            action=OccurrenceChange.Action.MOVE,
            new_start=fourth.start + dt.timedelta(days=1),
            new_end=fourth.end + dt.timedelta(days=1),
            note="Salle indisponible le mardi",
        )
    )
    event.occurrence_changes.add(
        OccurrenceChange(original_start=second.original_start, action="cancel", note="Grève")
    )
    run(event.save_revision().publish)
    # Claire follows it; it is withdrawn, then published again.
    follow(run, claire, event)
    run(EventPage.objects.get(pk=event.pk).unpublish)
    run(EventPage.objects.get(pk=event.pk).save_revision().publish)
    # Bookings: Sophie cancels one date of her weekly board meetings.
    series = Booking.objects.filter(
        requested_by=sophie, status=Booking.Status.CONFIRMED, series__isnull=False
    ).order_by("start")
    run(bookings.booking_cancel, booking=series[2], user=sophie)

    received = defaultdict(list)
    for message in mail.outbox:
        for address in message.to:
            received[address.lower()].append(message)
    assert received, "nobody was mailed"
    window = (timezone.now() - dt.timedelta(days=400), timezone.now() + dt.timedelta(days=500))
    checked = 0
    for address, messages in received.items():
        calendar = CalendarClient()
        for message in messages:
            calendar.receive(message)  # refuses an iTIP message with more than one UID
        assert calendar.dropped == [], f"{address}: a message went backwards"
        shown = sorted((start, end) for _uid, start, end, _title in calendar.held(*window))
        assert shown == held_on_the_site(address), address
        checked += 1
    assert checked >= 4
