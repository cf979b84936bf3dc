"""A series of bookings in its requester's calendar (issue 17, item 8): one recurring VEVENT
with one UID, whatever happens to its dates.

Each test replays every mail the requester received, in order, into a model of a calendar
client (tests/calendar_client.py), and asserts that it ends holding exactly the dates the
requester holds, that nothing was ignored for a lower SEQUENCE, and that each iTIP message
carries one UID.
"""

import datetime as dt

import icalendar
import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from network.spaces import services
from network.spaces.models import Booking
from network.spaces.notifications import SERIES_UPDATE_DELAY, series_uid
from tests.calendar_client import CalendarClient, calendar_parts
from website.calendars.uids import calendar_uid
from website.notifications import services as outbox

from .booking_helpers import PARIS, book, local, next_week_day

FOREVER = (dt.datetime(2000, 1, 1, tzinfo=dt.UTC), dt.datetime(2100, 1, 1, tzinfo=dt.UTC))


pytestmark = pytest.mark.usefixtures("in_english")


@pytest.fixture
def requester(make_requester, make_actor):
    actor = make_actor(name="Recyclerie du Breil")
    return make_requester(actor=actor, display_name="Awa", preferred_language="en")


@pytest.fixture
def rival(make_requester, make_actor):
    return make_requester("rivale@example.org", actor=make_actor(name="Autre association"))


def send_due():
    """Send what waits for its time (updates merged over SERIES_UPDATE_DELAY), as the periodic
    dispatch would once the delay is over."""
    later = timezone.now() + SERIES_UPDATE_DELAY + dt.timedelta(seconds=1)
    for pk in outbox.deliveries_due(now=later):
        outbox.delivery_send(delivery_id=pk, now=later)


def mails_to(user):
    return [message for message in mail.outbox if user.email in message.to]


def itip(message):
    """The iTIP parts of a mail as (method, calendar)."""
    return [
        (method, icalendar.Calendar.from_ical(data)) for method, data in calendar_parts(message)
    ]


def replay(user):
    """Every mail ``user`` received, in order, into a fresh calendar client."""
    client = CalendarClient()
    for message in mails_to(user):
        for _method, calendar in itip(message):
            assert len({str(v["UID"]) for v in calendar.walk("VEVENT")}) == 1
        client.receive(message)
    return client


def held_dates(client):
    return [(start, end) for _uid, start, end, _summary in client.held(*FOREVER)]


def holds(user):
    """What the requester holds, according to the database."""
    return [
        (booking.start, booking.end)
        for booking in Booking.objects.filter(
            requested_by=user, status=Booking.Status.CONFIRMED
        ).order_by("start")
    ]


def series_messages(user, series):
    """(method, the one VEVENT) of every iTIP message about the series, in order."""
    found = []
    for message in mails_to(user):
        for method, calendar in itip(message):
            (vevent,) = calendar.walk("VEVENT")
            if str(vevent["UID"]) == series_uid(series):
                found.append((method, vevent))
    return found


def assert_sequences_grow(messages):
    sequences = [int(vevent["SEQUENCE"]) for _method, vevent in messages]
    assert sequences == sorted(set(sequences)), sequences


def test_a_weekly_series_of_six_with_a_conflicting_date_skipped_is_one_recurring_event(
    space, requester, rival, django_capture_on_commit_callbacks
):
    day = next_week_day()
    taken = day + dt.timedelta(weeks=2)
    with django_capture_on_commit_callbacks(execute=True):
        book(space, rival, local(taken, 18, 30), local(taken, 19))
        created = book(
            space,
            requester,
            local(day, 18),
            local(day, 20),
            repeat=services.Repeat.WEEKLY,
            until=day + dt.timedelta(weeks=5),
            skip_conflicts=True,
        )
    assert len(created) == 5
    series = created[0].series

    (message,) = mails_to(requester)
    ((method, calendar),) = itip(message)
    assert method == "REQUEST"
    (vevent,) = calendar.walk("VEVENT")
    assert str(vevent["UID"]) == calendar_uid(f"booking-series-{series}")
    assert vevent["SEQUENCE"] == 0
    assert vevent["DTSTART"].params["TZID"] == "Europe/Paris"
    assert vevent.decoded("DTSTART") == local(day, 18)
    assert vevent.decoded("DTEND") == local(day, 20)
    rule = vevent["RRULE"]
    assert rule["FREQ"] == ["WEEKLY"]
    assert rule["UNTIL"] == [local(day + dt.timedelta(weeks=5), 18).astimezone(dt.UTC)]
    (exdate,) = [vevent["EXDATE"]] if not isinstance(vevent["EXDATE"], list) else vevent["EXDATE"]
    assert [value.dt for value in exdate.dts] == [local(taken, 18)]
    assert exdate.params["TZID"] == "Europe/Paris"
    assert calendar.walk("VTIMEZONE")
    attendees = vevent.get("ATTENDEE")
    assert str(attendees) == "mailto:demandeuse@example.org"

    client = replay(requester)
    assert held_dates(client) == holds(requester) == [(b.start, b.end) for b in created]
    assert client.dropped == []


def test_a_date_cancelled_by_the_requester_leaves_the_other_dates_in_the_calendar(
    space, requester, manager, django_capture_on_commit_callbacks
):
    day = next_week_day()
    with django_capture_on_commit_callbacks(execute=True):
        created = book(
            space,
            requester,
            local(day, 18),
            local(day, 20),
            repeat=services.Repeat.WEEKLY,
            until=day + dt.timedelta(weeks=5),
        )
    with django_capture_on_commit_callbacks(execute=True):
        services.booking_cancel(booking=created[1], user=requester)
    with django_capture_on_commit_callbacks(execute=True):
        services.booking_cancel(booking=created[4], user=manager, reason="Dégât des eaux")

    client = replay(requester)
    assert len(holds(requester)) == 4
    assert held_dates(client) == holds(requester)
    assert client.dropped == []
    messages = series_messages(requester, created[0].series)
    assert [method for method, _vevent in messages] == ["REQUEST"] * 3
    assert_sequences_grow(messages)
    last = messages[-1][1]
    assert "RRULE" in last and last["SEQUENCE"] == 2
    cancelled = mails_to(requester)[1]
    assert "was cancelled" in cancelled.body and "updates the series" in cancelled.body
    # The managers heard of the requester's cancellation, without an invite.
    (told,) = [m for m in mail.outbox if manager.email in m.to]
    assert calendar_parts(told) == []


def test_a_date_declined_on_a_space_that_needs_approval_while_others_are_approved_one_by_one(
    approval_space, requester, manager, django_capture_on_commit_callbacks
):
    day = next_week_day()
    with django_capture_on_commit_callbacks(execute=True):
        created = book(
            approval_space,
            requester,
            local(day, 18),
            local(day, 20),
            repeat=services.Repeat.WEEKLY,
            until=day + dt.timedelta(weeks=5),
        )
    assert mails_to(requester) == []  # nothing in the calendar while a manager decides

    def approve(*indexes):
        with django_capture_on_commit_callbacks(execute=True):
            for index in indexes:
                services.booking_approve(booking=created[index], user=manager)
        assert len(mails_to(requester)) == sent  # the update waits for the burst to end
        send_due()

    sent = 0
    approve(0)
    sent = 1
    approve(1, 2)  # a burst: one updated invite
    with django_capture_on_commit_callbacks(execute=True):
        services.booking_decline(booking=created[3], user=manager, reason="Salle prise")
    sent = 3  # two invites, the refusal
    approve(4, 5)

    received = mails_to(requester)
    assert len(received) == 4
    assert [len(calendar_parts(message)) for message in received] == [1, 1, 0, 1]
    assert "was declined" in received[2].body
    # Both dates of the burst, in words.
    assert len([line for line in received[1].body.splitlines() if line.startswith("- ")]) == 2
    client = replay(requester)
    assert held_dates(client) == holds(requester)
    assert [start.date() for start, _end in holds(requester)] == [
        day + dt.timedelta(weeks=week) for week in (0, 1, 2, 4, 5)
    ]
    assert client.dropped == []
    messages = series_messages(requester, created[0].series)
    assert [method for method, _vevent in messages] == ["REQUEST"] * 3
    assert_sequences_grow(messages)
    # The first update still excluded the dates waiting for a manager.
    first = messages[0][1]
    first_exdates = first["EXDATE"] if isinstance(first["EXDATE"], list) else [first["EXDATE"]]
    assert len([value for exdate in first_exdates for value in exdate.dts]) == 5


def test_the_whole_series_cancelled_is_one_cancel_of_the_series_uid(
    space, requester, manager, django_capture_on_commit_callbacks
):
    day = next_week_day()
    with django_capture_on_commit_callbacks(execute=True):
        created = book(
            space,
            requester,
            local(day, 18),
            local(day, 20),
            repeat=services.Repeat.WEEKLY,
            until=day + dt.timedelta(weeks=5),
        )
        services.booking_cancel(booking=created[2], user=requester)
    with django_capture_on_commit_callbacks(execute=True):
        cancelled = services.booking_series_cancel(booking=created[0], user=requester)
    assert len(cancelled) == 5
    assert holds(requester) == []

    messages = series_messages(requester, created[0].series)
    assert [method for method, _vevent in messages] == ["REQUEST", "REQUEST", "CANCEL"]
    cancel = messages[-1][1]
    assert cancel["STATUS"] == "CANCELLED" and cancel["SEQUENCE"] == 6
    (last_mail,) = mails_to(requester)[-1:]
    assert [method for method, _calendar in itip(last_mail)] == ["CANCEL"]
    client = replay(requester)
    assert held_dates(client) == []
    assert client.dropped == []
    # The managers were told in words, once.
    told = [m for m in mail.outbox if manager.email in m.to]
    assert len(told) == 2 and all(calendar_parts(m) == [] for m in told)


def test_the_booking_page_cancels_every_coming_date_of_the_series(
    client, space, requester, django_capture_on_commit_callbacks
):
    day = next_week_day()
    created = book(
        space,
        requester,
        local(day, 18),
        local(day, 20),
        repeat=services.Repeat.WEEKLY,
        until=day + dt.timedelta(weeks=2),
    )
    client.force_login(requester)
    url = reverse("spaces:booking", args=[created[1].pk])
    assert 'name="scope" value="series"' in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("spaces:booking_cancel", args=[created[1].pk]),
            {"scope": "series"},
            follow=True,
        )
    assert "The series is cancelled (3 dates)." in response.content.decode()
    assert set(Booking.objects.values_list("status", flat=True)) == {"cancelled"}
    (cancel,) = [m for m in mails_to(requester) if calendar_parts(m)]
    assert [method for method, _data in calendar_parts(cancel)] == ["CANCEL"]


def test_a_weekly_series_across_a_daylight_saving_change_keeps_its_local_time(
    space, requester, django_capture_on_commit_callbacks
):
    start = dt.datetime(2027, 3, 10, 18, 30, tzinfo=PARIS)  # clocks change on 28 March
    with django_capture_on_commit_callbacks(execute=True):
        created = book(
            space,
            requester,
            start,
            start + dt.timedelta(hours=2),
            repeat=services.Repeat.WEEKLY,
            until=dt.date(2027, 4, 14),
        )
    with django_capture_on_commit_callbacks(execute=True):
        services.booking_cancel(booking=created[3], user=requester)  # 31 March, summer time
    client = replay(requester)
    shown = held_dates(client)
    assert shown == holds(requester)
    assert len(shown) == 5
    assert {s.astimezone(PARIS).time() for s, _e in shown} == {dt.time(18, 30)}
    assert {e.astimezone(PARIS).time() for _s, e in shown} == {dt.time(20, 30)}
    assert {s.astimezone(dt.UTC).hour for s, _e in shown} == {16, 17}
    assert client.dropped == []
    raw = b"".join(data for _method, data in calendar_parts(mails_to(requester)[-1]))
    unfolded = raw.replace(b"\r\n ", b"")
    assert b"DTSTART;TZID=Europe/Paris:20270310T183000" in unfolded
    assert b"EXDATE;TZID=Europe/Paris:20270331T183000" in unfolded
    assert b"BEGIN:VTIMEZONE" in unfolded


def test_a_monthly_series_on_the_31st_falls_on_each_month_s_last_day(
    space, requester, django_capture_on_commit_callbacks
):
    start = dt.datetime(2027, 1, 31, 18, tzinfo=PARIS)
    with django_capture_on_commit_callbacks(execute=True):
        created = book(
            space,
            requester,
            start,
            start + dt.timedelta(hours=2),
            repeat=services.Repeat.MONTHLY,
            until=dt.date(2027, 7, 31),
        )
    assert [b.start.astimezone(PARIS).day for b in created] == [31, 28, 31, 30, 31, 30, 31]
    with django_capture_on_commit_callbacks(execute=True):
        services.booking_cancel(booking=created[3], user=requester)  # 30 April
    ((_method, vevent),) = series_messages(requester, created[0].series)[-1:]
    rule = vevent["RRULE"]
    assert rule["FREQ"] == ["MONTHLY"]
    assert rule["BYMONTHDAY"] == [28, 29, 30, 31] and rule["BYSETPOS"] == [-1]
    client = replay(requester)
    assert held_dates(client) == holds(requester)
    assert len(holds(requester)) == 6
    assert client.dropped == []


def test_a_monthly_series_whose_first_date_was_skipped_keeps_the_day_it_asked_for(
    space, requester, rival, django_capture_on_commit_callbacks
):
    """31 January taken: the rule starts on 28 February, and still gives 31 March."""
    start = dt.datetime(2027, 1, 31, 18, tzinfo=PARIS)
    book(space, rival, start, start + dt.timedelta(hours=1))
    with django_capture_on_commit_callbacks(execute=True):
        created = book(
            space,
            requester,
            start,
            start + dt.timedelta(hours=2),
            repeat=services.Repeat.MONTHLY,
            until=dt.date(2027, 5, 31),
            skip_conflicts=True,
        )
    assert [b.start.astimezone(PARIS).date().isoformat() for b in created] == [
        "2027-02-28",
        "2027-03-31",
        "2027-04-30",
        "2027-05-31",
    ]
    ((_method, vevent),) = series_messages(requester, created[0].series)
    assert vevent.decoded("DTSTART") == created[0].start
    assert "EXDATE" not in vevent
    client = replay(requester)
    assert held_dates(client) == holds(requester)
    assert client.dropped == []


def test_a_single_booking_keeps_its_own_uid(space, requester, django_capture_on_commit_callbacks):
    day = next_week_day()
    with django_capture_on_commit_callbacks(execute=True):
        (booking,) = book(space, requester, local(day, 10), local(day, 12))
    with django_capture_on_commit_callbacks(execute=True):
        services.booking_cancel(booking=booking, user=requester)
    methods = []
    for message in mails_to(requester):
        for method, calendar in itip(message):
            (vevent,) = calendar.walk("VEVENT")
            assert str(vevent["UID"]) == booking.uid
            assert "RRULE" not in vevent
            methods.append((method, vevent["SEQUENCE"]))
    assert methods == [("REQUEST", 0), ("CANCEL", 1)]
    client = replay(requester)
    assert held_dates(client) == [] and client.dropped == []
