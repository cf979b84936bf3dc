"""Times across zones and daylight-saving changes: event series and booking series keep their
local wall-clock time, intervals are half-open and well formed, nothing falls outside the
bounds; a call's state only moves forward in time.

Negative control: building a series by adding 7 days in UTC (``start + n * timedelta(weeks=1)``)
instead of from the local wall-clock time shifts every date after a change of hour by one hour,
and ``test_a_booking_series_keeps_its_local_time`` fails on its first example across March.
"""

import datetime as dt
import zoneinfo

import pytest
from django.utils import timezone
from hypothesis import assume, example, given
from hypothesis import strategies as st

from events.models import EventPage
from events.services import event_schedule
from network.directory.models import Actor, ActorStatus
from network.incubators.models import CLOSING_SOON_WITHIN, Call, CallState, Programme
from network.incubators.services import END_OF_DAY, local_moment
from network.spaces.models import Space
from network.spaces.services import MAX_OCCURRENCES, Repeat, occurrences_of
from tests.properties.conftest import examples

ZONES = [
    "Europe/Paris",
    "America/New_York",
    "America/Santiago",  # changes at midnight
    "Australia/Lord_Howe",  # a 30-minute change
    "Pacific/Auckland",
    "Asia/Tehran",
    "Africa/Casablanca",  # summer time suspended during Ramadan
    "Africa/Dakar",
    "UTC",
]

zones = st.sampled_from(ZONES)
local_days = st.dates(min_value=dt.date(2026, 1, 1), max_value=dt.date(2030, 12, 31))
# Quarter hours, including the small hours when clocks change.
times = st.builds(dt.time, st.integers(0, 23), st.sampled_from([0, 15, 30, 45]))
durations = st.integers(1, 16 * 4).map(lambda quarters: dt.timedelta(minutes=15 * quarters))


def exists(local_naive, zone):
    """Whether a wall-clock time exists in a zone (not skipped by a change of hour)."""
    aware = local_naive.replace(tzinfo=zone)
    back = aware.astimezone(dt.UTC).astimezone(zone).replace(tzinfo=None)
    return back == local_naive


@examples(150)
@given(
    zone_name=zones,
    day=local_days,
    time=times,
    duration=durations,
    repeat=st.sampled_from([Repeat.WEEKLY, Repeat.MONTHLY]),
    weeks=st.integers(0, 80),
)
@example(  # Paris springs forward on 28 March 2027, every other Sunday in this series
    zone_name="Europe/Paris",
    day=dt.date(2027, 3, 14),
    time=dt.time(10),
    duration=dt.timedelta(hours=2),
    repeat=Repeat.WEEKLY,
    weeks=4,
)
@example(  # the next Sunday's 02:30 does not exist in Paris: clocks go from 02:00 to 03:00
    zone_name="Europe/Paris",
    day=dt.date(2027, 3, 21),
    time=dt.time(2, 30),
    duration=dt.timedelta(minutes=45),
    repeat=Repeat.WEEKLY,
    weeks=2,
)
def test_a_booking_series_keeps_its_local_time(zone_name, day, time, duration, repeat, weeks):
    zone = zoneinfo.ZoneInfo(zone_name)
    local_start = dt.datetime.combine(day, time)
    local_end = local_start + duration
    assume(exists(local_start, zone) and exists(local_end, zone))
    space = Space(time_zone=zone_name)
    start, end = local_start.replace(tzinfo=zone), local_end.replace(tzinfo=zone)
    until = day + dt.timedelta(weeks=weeks)
    dates = occurrences_of(space=space, start=start, end=end, repeat=repeat, until=until)

    assert 1 <= len(dates) <= MAX_OCCURRENCES
    assert dates[0].start == start and dates[0].end == end
    previous_end = None
    for occurrence in dates:
        first, last = occurrence.start.astimezone(zone), occurrence.end.astimezone(zone)
        assert occurrence.start.tzinfo is not None
        assert first.date() <= until
        if previous_end is not None:
            # Half-open [start, end): one date may begin when the previous ends, not before.
            assert occurrence.start >= previous_end
        previous_end = occurrence.end
        assert occurrence.end > occurrence.start, (first, last)
        if not (
            exists(dt.datetime.combine(first.date(), time), zone)
            and exists(dt.datetime.combine(last.date(), local_end.time()), zone)
        ):
            continue  # that day's clocks skip the time asked for
        assert first.time() == time and last.time() == local_end.time()
        assert last.date() - first.date() == local_end.date() - local_start.date()


@pytest.mark.django_db  # a page reads its default locale
@examples(80)
@given(
    zone_name=zones,
    day=local_days,
    time=times,
    duration=durations,
    count=st.integers(1, 60),
    frequency=st.sampled_from(["DAILY", "WEEKLY", "MONTHLY", "WEEKLY;INTERVAL=2"]),
)
def test_an_event_series_keeps_its_local_time(zone_name, day, time, duration, count, frequency):
    zone = zoneinfo.ZoneInfo(zone_name)
    local_start = dt.datetime.combine(day, time)
    assume(exists(local_start, zone))
    start = local_start.replace(tzinfo=zone)
    event = EventPage(
        title="Série",
        start=start,
        end=start + duration,
        time_zone=zone_name,
        recurrence=f"FREQ={frequency};COUNT={count}",
    )
    dates = event_schedule(event=event, now=start)
    assert 1 <= len(dates) <= count
    assert dates[0][0] == start
    originals = [original for original, *_rest in dates]
    assert originals == sorted(set(originals))
    for original, begins, ends, cancelled in dates:
        local = original.astimezone(zone)
        assert begins == original and ends - begins == duration and not cancelled
        if exists(dt.datetime.combine(local.date(), time), zone):
            assert local.time() == time, (original, local)


@examples(60)
@given(zone_name=zones, day=local_days, time=st.one_of(st.none(), times))
def test_a_deadline_given_as_a_day_closes_at_the_end_of_that_local_day(zone_name, day, time):
    moment = local_moment(day, time, zone_name)
    local = moment.astimezone(zoneinfo.ZoneInfo(zone_name))
    assert local.date() == day
    if time is None:
        assert local.time() == END_OF_DAY
    # Everything later that local day is after the deadline only from the next day on.
    next_day = dt.datetime.combine(
        day + dt.timedelta(days=1), dt.time(0), zoneinfo.ZoneInfo(zone_name)
    )
    assert moment < next_day


RANK = {CallState.COMING: 0, CallState.OPEN: 1, CallState.CLOSING_SOON: 2, CallState.CLOSED: 3}


@pytest.fixture
def call(db):
    incubator = Actor.objects.create(
        name="Pépinière", slug="pepiniere", status=ActorStatus.PUBLISHED, is_incubator=True
    )
    programme = Programme.objects.create(actor=incubator, name="Amorçage", slug="amorcage")
    now = timezone.now()
    return Call.objects.create(
        programme=programme,
        title="Appel",
        opens_at=now,
        closes_at=now + dt.timedelta(days=30),
        apply_url="https://example.org/apply",
    )


@pytest.mark.django_db
@examples(40)
@given(
    zone_name=zones,
    opens=st.datetimes(min_value=dt.datetime(2026, 1, 1), max_value=dt.datetime(2029, 1, 1)),
    length=st.one_of(
        st.none(), st.timedeltas(min_value=dt.timedelta(0), max_value=dt.timedelta(days=90))
    ),
    probes=st.lists(
        st.timedeltas(min_value=dt.timedelta(days=-30), max_value=dt.timedelta(days=130)),
        min_size=2,
        max_size=8,
    ),
)
def test_a_call_state_only_moves_forward(call, zone_name, opens, length, probes):
    zone = zoneinfo.ZoneInfo(zone_name)
    opens_at = opens.replace(tzinfo=zone)
    closes_at = None if length is None else opens_at + length + dt.timedelta(seconds=1)
    Call.objects.filter(pk=call.pk).update(
        opens_at=opens_at,
        closes_at=closes_at,
        time_zone=zone_name,
        cadence=Call.Cadence.PERMANENT if closes_at is None else Call.Cadence.ONE_OFF,
    )
    moments = sorted(
        {opens_at + offset for offset in probes}
        | {opens_at}
        | ({closes_at, closes_at - CLOSING_SOON_WITHIN} if closes_at else set())
    )
    states = [
        CallState(Call.objects.filter(pk=call.pk).with_state(now=moment).get().state)
        for moment in moments
    ]
    assert [RANK[s] for s in states] == sorted(RANK[s] for s in states), states
    for moment, state in zip(moments, states, strict=True):
        # The boundaries are half-open: open at opens_at, closed at closes_at.
        if moment < opens_at:
            assert state == CallState.COMING
        elif closes_at is not None and moment >= closes_at:
            assert state == CallState.CLOSED
        elif closes_at is not None and moment >= closes_at - CLOSING_SOON_WITHIN:
            assert state == CallState.CLOSING_SOON
        else:
            assert state == CallState.OPEN
