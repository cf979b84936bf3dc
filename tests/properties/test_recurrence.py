"""Recurrence rules as editors type them: any text is either refused with a message or gives
a bounded list of dates, and the page's validation reads a rule exactly as the expansion does.

Negative control: before ``events.services.recurrence_rule`` existed, ``EventPage.clean``
parsed the rule from a naive start and ``event_schedule`` from an aware one, so
``FREQ=WEEKLY;UNTIL=20270630`` passed validation and then raised ValueError at publication
(a 500), while the help text's own example ``UNTIL=20270630T000000Z`` was refused; and
``FREQ=YEARLY;BYEASTER=999999999`` or ``INTERVAL=-1`` passed and failed while expanding.
``test_any_text_is_refused_or_expands_to_bounded_dates`` finds those again on that code.
"""

import datetime as dt
import zoneinfo

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from hypothesis import example, given
from hypothesis import strategies as st

from events.models import EventPage
from events.recurrence import recurrence_problem
from events.services import MAX_OCCURRENCES, OPEN_ENDED_HORIZON, event_schedule
from tests.properties.conftest import examples

# A page reads its default locale from the database.
pytestmark = pytest.mark.django_db

ZONES = ["Europe/Paris", "America/New_York", "Pacific/Auckland", "Africa/Dakar", "Asia/Kolkata"]
NOW = dt.datetime(2027, 1, 15, 12, 0, tzinfo=dt.UTC)

numbers = st.one_of(
    st.integers(-400, 400), st.sampled_from([0, 10**20, -(10**6), 9999, 10000])
).map(str)
number_lists = st.lists(numbers, min_size=1, max_size=3).map(",".join)
weekdays = st.builds(
    lambda sign, ordinal, day: f"{sign}{ordinal}{day}",
    st.sampled_from(["", "+", "-"]),
    st.sampled_from(["", "1", "2", "5", "6", "53", "60"]),
    st.sampled_from(["MO", "TU", "WE", "SU", "XX", "mo"]),
)
untils = st.one_of(
    st.dates(min_value=dt.date(1, 1, 2), max_value=dt.date(9999, 12, 30)).map(
        lambda d: f"{d.year:04d}{d.month:02d}{d.day:02d}"
    ),
    st.datetimes(min_value=dt.datetime(2026, 1, 1), max_value=dt.datetime(2031, 1, 1)).map(
        lambda d: d.strftime("%Y%m%dT%H%M%S")
    ),
    st.datetimes(min_value=dt.datetime(2026, 1, 1), max_value=dt.datetime(2031, 1, 1)).map(
        lambda d: d.strftime("%Y%m%dT%H%M%SZ")
    ),
    st.sampled_from(["2027", "20271340", "20270230T000000Z", "yesterday", "00000000"]),
)
# Impossible combinations (BYMONTH=2 with BYMONTHDAY=30) are legal and refused as giving no
# date, but dateutil looks for one until year 9999: a few seconds each, so they are examples
# below rather than in the random mix.
parts = st.one_of(
    st.tuples(st.just("COUNT"), numbers),
    st.tuples(st.just("INTERVAL"), numbers),
    st.tuples(st.just("UNTIL"), untils),
    st.tuples(st.just("BYDAY"), st.lists(weekdays, min_size=1, max_size=3).map(",".join)),
    st.tuples(st.just("BYMONTH"), number_lists),
    st.tuples(st.just("BYHOUR"), number_lists),
    st.tuples(st.just("BYSETPOS"), number_lists),
    st.tuples(st.just("WKST"), st.sampled_from(["MO", "SU", "XX"])),
    st.tuples(st.sampled_from(["BYEASTER", "X-NAME", "DTSTART", "freq", ""]), numbers),
)
frequencies = st.sampled_from(
    ["DAILY", "WEEKLY", "MONTHLY", "YEARLY", "HOURLY", "MINUTELY", "SECONDLY", "weekly", "NEVER"]
)


@st.composite
def rules(draw):
    text = "FREQ=" + draw(frequencies)
    for name, value in draw(st.lists(parts, max_size=3)):
        text += f";{name}={value}"
    prefix = draw(st.sampled_from(["", "RRULE:", "rrule:", " "]))
    suffix = draw(
        st.sampled_from(["", "\nEXDATE:20270317T140000", "\nRDATE:20270318", "\r\n", ";", "\x00"])
    )
    return prefix + text + suffix


def unsaved_event(recurrence, *, zone="Europe/Paris", start=None, all_day=False):
    start = start or dt.datetime(2027, 3, 10, 14, 0, tzinfo=zoneinfo.ZoneInfo(zone))
    return EventPage(
        title="Série",
        start=start,
        end=start + dt.timedelta(hours=2),
        time_zone=zone,
        all_day=all_day,
        recurrence=recurrence,
    )


@examples(120)
@given(text=st.one_of(rules(), st.text(max_size=300)), zone=st.sampled_from(ZONES))
@example(text="FREQ=WEEKLY;UNTIL=20270630T000000Z", zone="Europe/Paris")  # the help text's
@example(text="FREQ=WEEKLY;UNTIL=20270630", zone="Europe/Paris")
@example(text="FREQ=WEEKLY;UNTIL=20270630T000000", zone="Pacific/Auckland")
@example(text="FREQ=YEARLY;BYEASTER=999999999", zone="Europe/Paris")
@example(text="FREQ=DAILY;INTERVAL=-1", zone="Europe/Paris")
@example(text="FREQ=DAILY;INTERVAL=0", zone="Europe/Paris")
@example(text="FREQ=SECONDLY", zone="Europe/Paris")
@example(text="FREQ=DAILY", zone="Europe/Paris")  # open-ended: capped by the horizon
@example(text="FREQ=DAILY;COUNT=99999999999999999999", zone="Europe/Paris")
@example(text="DTSTART:19000101T000000\nRRULE:FREQ=WEEKLY;COUNT=2", zone="Europe/Paris")
@example(text="RRULE:FREQ=WEEKLY;COUNT=2\nEXDATE:20270317T140000", zone="Europe/Paris")
@example(text="FREQ=DAILY;BYHOUR=24", zone="Europe/Paris")
@example(text="FREQ=WEEKLY;COUNT=3;UNTIL=20270630", zone="Europe/Paris")
def test_any_text_is_refused_or_expands_to_bounded_dates(text, zone):
    event = unsaved_event(text, zone=zone)
    problem = recurrence_problem(text=text, local_start=event.local_start)
    if problem is not None:
        assert isinstance(problem, str) and problem
        return
    dates = event_schedule(event=event, now=NOW)
    assert 1 <= len(dates) <= MAX_OCCURRENCES
    starts = [original for original, _start, _end, _cancelled in dates]
    assert starts == sorted(starts)
    assert starts[0] >= event.start
    assert all(start <= NOW + OPEN_ENDED_HORIZON for start in starts[1:])
    for original, start, end, cancelled in dates:
        assert original.tzinfo is not None and end > start and not cancelled


@pytest.mark.parametrize(
    "text",
    [
        "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30",  # a 30 February
        "FREQ=MONTHLY;BYDAY=MO;BYSETPOS=6",  # a sixth Monday
        "FREQ=WEEKLY;UNTIL=20200101",  # ends before it starts
    ],
)
def test_a_rule_that_gives_no_date_is_refused(text):
    event = unsaved_event(text)
    with translation.override("en"):
        problem = recurrence_problem(text=text, local_start=event.local_start)
    assert problem == "This rule gives no date: check its days, months and end."


HOSTILE_RULES = [
    ("FREQ=SECONDLY", "An event repeats at most once a day"),
    ("FREQ=MINUTELY;COUNT=5", "An event repeats at most once a day"),
    ("FREQ=WEEKLY;BYEASTER=0", "This is not a valid recurrence rule."),
    ("FREQ=WEEKLY\nRDATE:20270318", "This is not a valid recurrence rule."),
    ("FREQ=WEEKLY;UNTIL=20270631", "This is not a valid recurrence rule."),
]


def test_the_page_refuses_a_hostile_rule_with_a_message(make_event):
    # One test for all (the agenda's fixture loads the demo): each rule is refused alone.
    for text, message in HOSTILE_RULES:
        with translation.override("en"), pytest.raises(ValidationError) as refused:
            make_event(recurrence=text)
        assert message in " ".join(refused.value.message_dict["recurrence"]), text
    assert not EventPage.objects.filter(recurrence__in=[t for t, _m in HOSTILE_RULES]).exists()


def test_until_is_read_as_the_calendar_feed_writes_it(make_event):
    """UTC, floating and date UNTIL all publish; a date includes its own last day (ical.py
    writes it as 23:59:59 local), a UTC time stops at that instant."""
    paris = zoneinfo.ZoneInfo("Europe/Paris")
    start = dt.datetime(2027, 3, 10, 14, 0, tzinfo=paris)
    by_text = {}
    for text in (
        "FREQ=WEEKLY;UNTIL=20270331",
        "FREQ=WEEKLY;UNTIL=20270331T140000",
        "FREQ=WEEKLY;UNTIL=20270331T115959Z",
    ):
        event = make_event(start=start, recurrence=text)
        by_text[text] = [o.local_start for o in event.occurrences.order_by("start")]
    assert [d.day for d in by_text["FREQ=WEEKLY;UNTIL=20270331"]] == [10, 17, 24, 31]
    assert [d.day for d in by_text["FREQ=WEEKLY;UNTIL=20270331T140000"]] == [10, 17, 24, 31]
    # 11:59:59 UTC is 13:59:59 in Paris (summer time from 28 March): the 31st is left out.
    assert [d.day for d in by_text["FREQ=WEEKLY;UNTIL=20270331T115959Z"]] == [10, 17, 24]
    assert {d.time() for dates in by_text.values() for d in dates} == {dt.time(14, 0)}
