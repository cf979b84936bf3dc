"""The space's buffer in everything that says a slot is free (issue 17, item 7).

A booking [start, end) occupies [start, end + buffer): the database refuses two occupying rows
whose occupied intervals meet. So a slot is free only if its OWN buffer ends before the next
booking starts, and it starts after the previous booking's buffer. Each place that tells a
person a slot is free or bookable is checked here against a booking right after and one right
before, and every slot it shows as free is then offered to the database's guard itself.
"""

import datetime as dt
import uuid

import pytest
from django.db import transaction
from django.urls import reverse

from network.spaces import selectors, services
from network.spaces.models import Booking

from .booking_helpers import book, local, make_space, next_week_day

BUFFER = dt.timedelta(minutes=30)


pytestmark = pytest.mark.usefixtures("in_english")


@pytest.fixture
def space(vocab, manager):
    return make_space(vocab["nantes"], manager=manager, buffer=BUFFER)


@pytest.fixture
def day():
    return next_week_day()


@pytest.fixture
def booked(space, requester, day):
    """A confirmed booking from 11:00 to 12:00: it occupies the space until 12:30."""
    return book(space, requester, local(day, 11), local(day, 12))[0]


class _Probe(Exception):
    pass


def passes_the_guard(space, booking, start, end):
    """Whether the database (exclusion constraint or trigger) would take an occupying row of
    ``space`` over [start, end) with the space's buffer: inserted, then rolled back."""
    probe = Booking(
        space=space,
        actor=booking.actor,
        requested_by=booking.requested_by,
        uid=f"probe-{uuid.uuid4()}@test",
        start=start,
        end=end,
        buffer=space.buffer,
        occupied_until=end + space.buffer,
        status=Booking.Status.CONFIRMED,
        occupies=True,
        purpose="probe",
        attendees=1,
    )
    try:
        with transaction.atomic():
            services._insert(probe)
            raise _Probe
    except services.SlotTaken:
        return False
    except _Probe:
        return True


def test_the_guard_itself_counts_both_buffers(space, booked, day):
    assert not passes_the_guard(space, booked, local(day, 10), local(day, 11))  # runs into it
    assert not passes_the_guard(space, booked, local(day, 12), local(day, 13))  # in its buffer
    assert passes_the_guard(space, booked, local(day, 9, 30), local(day, 10, 30))
    assert passes_the_guard(space, booked, local(day, 12, 30), local(day, 13))


def test_the_week_view_shows_no_cell_free_whose_buffer_runs_into_the_next_booking(
    space, booked, day
):
    monday = day - dt.timedelta(days=day.weekday())
    week = selectors.week_view(space=space, monday=monday)
    column = week["days"].index(day)
    states = {row["time"]: row["cells"][column].state for row in week["rows"]}
    assert states[dt.time(10)] == "free"
    assert states[dt.time(10, 30)] == "booked"  # its buffer would run into 11:00
    assert states[dt.time(11)] == states[dt.time(11, 30)] == "booked"
    assert states[dt.time(12)] == "booked"  # the booking's own buffer
    assert states[dt.time(12, 30)] == "free"
    for row in week["rows"]:
        cell = row["cells"][column]
        if cell.state == "free":
            assert passes_the_guard(space, booked, cell.start, cell.start + selectors.SLOT_STEP)


def test_free_slots_leave_room_for_the_buffer_before_and_after_a_booking(space, booked, day):
    slots = selectors.free_slots(space=space, day=day, duration=dt.timedelta(hours=1))
    starts = {start.astimezone(local(day, 0).tzinfo).time() for start, _end in slots}
    assert dt.time(9, 30) in starts  # ends 10:30, its buffer at 11:00: back to back
    for taken in (dt.time(10), dt.time(10, 30), dt.time(11), dt.time(11, 30), dt.time(12)):
        assert taken not in starts
    assert dt.time(12, 30) in starts
    for start, end in slots:
        assert passes_the_guard(space, booked, start, end)


def test_availability_ends_free_time_a_buffer_before_the_next_booking(space, booked, day):
    found = selectors.availability(space=space, first_day=day, last_day=day)
    assert found["busy"] == [(local(day, 11), local(day, 12, 30))]
    assert found["free"] == [
        (local(day, 8), local(day, 10, 30)),
        (local(day, 12, 30), local(day, 22)),
    ]
    for start, end in found["free"]:
        assert passes_the_guard(space, booked, start, end)
        assert passes_the_guard(space, booked, end - space.min_duration, end)


def test_the_availability_api_offers_no_time_the_database_would_refuse(client, space, booked, day):
    response = client.get(f"/api/v1/spaces/{space.slug}/availability?start={day}&end={day}")
    assert response.status_code == 200
    free = [
        (dt.datetime.fromisoformat(i["start"]), dt.datetime.fromisoformat(i["end"]))
        for i in response.json()["free"]
    ]
    assert free == [(local(day, 8), local(day, 10, 30)), (local(day, 12, 30), local(day, 22))]


def test_the_availability_of_the_last_day_sees_a_booking_just_after_midnight(vocab, requester, day):
    """A booking at 00:15 the next day takes the last quarter of a day open until midnight."""
    space = make_space(vocab["nantes"], slug="nuit", buffer=BUFFER)
    space.opening_hours.update(opens=dt.time(0), closes=dt.time(23, 59, 59, 999999))
    after = day + dt.timedelta(days=1)
    (booked,) = book(space, requester, local(after, 0, 15), local(after, 1))
    found = selectors.availability(space=space, first_day=day, last_day=day)
    assert found["busy"] == []
    (free,) = found["free"]
    assert free[1] == local(day, 23, 45)
    assert passes_the_guard(space, booked, free[1] - space.min_duration, free[1])


def test_free_slots_of_a_day_see_a_booking_the_next_morning_within_a_long_buffer(
    vocab, requester, day
):
    """A buffer longer than the slot reaches past the day's end: 23:00-23:30 keeps the space
    until 01:00, so a booking at 00:45 the next day takes it."""
    space = make_space(vocab["nantes"], slug="nuit", buffer=dt.timedelta(minutes=90))
    space.opening_hours.update(opens=dt.time(0), closes=dt.time(23, 59, 59, 999999))
    after = day + dt.timedelta(days=1)
    (booked,) = book(space, requester, local(after, 0, 45), local(after, 1, 30))
    slots = selectors.free_slots(space=space, day=day, duration=dt.timedelta(minutes=30))
    starts = [start for start, _end in slots]
    assert local(day, 22, 30) in starts
    assert local(day, 23) not in starts
    for start, end in slots:
        assert passes_the_guard(space, booked, start, end)


def test_the_search_leaves_out_a_space_whose_buffer_runs_into_a_booking(client, space, booked, day):
    def listed(time, minutes):
        url = reverse("spaces:spaces") + f"?date={day.isoformat()}&time={time}&duration={minutes}"
        return f"/spaces/{space.slug}/" in client.get(url).content.decode()

    assert listed("09:30", 60)
    assert not listed("10:00", 60)  # its buffer would run into 11:00
    assert not listed("12:00", 30)  # in the booking's buffer
    assert listed("12:30", 30)
    found = selectors.spaces_search(
        filters={"date": day, "time": dt.time(10), "duration": dt.timedelta(hours=1)}
    )
    assert space not in found


def test_the_plan_of_a_series_counts_the_buffer_on_both_sides(space, requester, booked, day):
    # 9:00-9:45 a week later: its buffer keeps the space until 10:15.
    before = day + dt.timedelta(weeks=2)
    book(space, requester, local(before, 9), local(before, 9, 45))
    plan = services.booking_plan(
        space=space,
        start=local(day, 10),
        end=local(day, 11),
        attendees=5,
        repeat=services.Repeat.WEEKLY,
        until=day + dt.timedelta(weeks=3),
    )
    taken = [occurrence.start.date() for occurrence in plan if occurrence.taken]
    assert taken == [day, before]  # the 11:00 booking right after, the 9:00 one right before
    for occurrence in plan:
        if not occurrence.problems:
            assert passes_the_guard(space, booked, occurrence.start, occurrence.end)


def test_the_booking_form_lists_the_dates_whose_buffer_runs_into_a_booking(
    client, space, requester, booked, day
):
    client.force_login(requester)
    response = client.post(
        reverse("spaces:space_book", args=[space.slug]),
        {
            "actor": requester.actor.slug,
            "date": day.isoformat(),
            "start_time": "10:00",
            "end_time": "11:00",
            "purpose": "Réunion",
            "attendees": 5,
            "repeat": "weekly",
            "until": (day + dt.timedelta(weeks=1)).isoformat(),
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    plan = response.context["plan"]
    assert [occurrence.taken for occurrence in plan] == [True, False]
    assert "already taken" in response.content.decode()
    assert Booking.objects.count() == 1


@pytest.mark.parametrize(
    ("notice", "horizon"),
    [
        (dt.timedelta(hours=24), dt.timedelta(days=3)),
        (dt.timedelta(hours=1), dt.timedelta(days=400)),
    ],
)
def test_every_cell_the_week_view_calls_free_can_be_booked_by_every_rule(vocab, notice, horizon):
    """The week shown on the space's page and the booking rules are one: a "free" half hour
    passes every rule of ``rule_problems`` (the notice and the horizon included), and a cell
    refused only by the notice or the horizon says so in words."""
    space = make_space(vocab["nantes"], slug="preavis", min_notice=notice, horizon=horizon)
    now = local(dt.date.today(), 12)
    today = now.astimezone(space.zone).date()
    states = set()
    for week in range(2):
        monday = today - dt.timedelta(days=today.weekday()) + dt.timedelta(weeks=week)
        for row in selectors.week_view(space=space, monday=monday, now=now)["rows"]:
            for cell in row["cells"]:
                states.add(cell.state)
                problems = services.rule_problems(
                    space=space,
                    start=cell.start,
                    end=cell.start + selectors.SLOT_STEP,
                    attendees=1,
                    now=now,
                )
                if cell.state == "free":
                    assert problems == [], cell
                elif cell.state == "too_late":
                    assert problems == [
                        f"Book at least {int(notice.total_seconds()) // 3600} h ahead."
                    ]
                elif cell.state == "not_yet":
                    assert len(problems) == 1 and "ahead at most" in problems[0]
    assert "free" in states
    if notice >= dt.timedelta(hours=24):
        assert {"too_late", "not_yet"} <= states
