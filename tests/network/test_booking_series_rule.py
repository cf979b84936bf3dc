"""The RRULE of a series of bookings gives back every date ``occurrences_of`` made, in any zone,
across changes of hour, for any day of the month, whichever dates were skipped at creation:
read from the rows alone (the rule is not stored), as clients expand it (dateutil)."""

import datetime as dt
import types
import zoneinfo

from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from network.spaces.models import Space
from network.spaces.notifications import _series_rule
from network.spaces.services import Repeat, occurrences_of

ZONES = ["Europe/Paris", "America/New_York", "America/Santiago", "Australia/Lord_Howe", "UTC"]


@settings(derandomize=True, deadline=None, max_examples=300, database=None)
@given(
    zone_name=st.sampled_from(ZONES),
    day=st.dates(min_value=dt.date(2026, 1, 1), max_value=dt.date(2030, 12, 31)),
    time=st.builds(dt.time, st.integers(0, 23), st.sampled_from([0, 30])),
    repeat=st.sampled_from([Repeat.WEEKLY, Repeat.MONTHLY]),
    weeks=st.integers(0, 120),
    kept=st.lists(st.booleans(), min_size=60, max_size=60),
)
@example(  # the 31st: 28 (or 29) February, 31 March, 30 April...
    zone_name="Europe/Paris",
    day=dt.date(2027, 1, 31),
    time=dt.time(18),
    repeat=Repeat.MONTHLY,
    weeks=30,
    kept=[False] + [True] * 59,  # and the 31 January skipped: the rule starts on 28 February
)
@example(  # two rows 28 days apart (February of a common year): read as weekly, still right
    zone_name="Europe/Paris",
    day=dt.date(2027, 2, 1),
    time=dt.time(18),
    repeat=Repeat.MONTHLY,
    weeks=5,
    kept=[True] * 60,
)
@example(  # 02:30 does not exist on 28 March 2027 in Paris
    zone_name="Europe/Paris",
    day=dt.date(2027, 3, 14),
    time=dt.time(2, 30),
    repeat=Repeat.WEEKLY,
    weeks=3,
    kept=[True] * 60,
)
def test_the_rule_of_a_series_gives_back_each_of_its_dates(
    zone_name, day, time, repeat, weeks, kept
):
    zone = zoneinfo.ZoneInfo(zone_name)
    start = dt.datetime.combine(day, time, tzinfo=zone)
    dates = occurrences_of(
        space=Space(time_zone=zone_name),
        start=start,
        end=start + dt.timedelta(hours=1),
        repeat=repeat,
        until=day + dt.timedelta(weeks=weeks),
    )
    rows = [
        types.SimpleNamespace(start=occurrence.start)
        for occurrence, keep in zip(dates, kept, strict=False)
        if keep
    ]
    assume(rows)
    rule, starts = _series_rule(rows, zone)
    # Every row is a date of the rule (no RDATE needed), from the first row to the last.
    assert {row.start for row in rows} <= set(starts)
    assert starts[0] == rows[0].start and starts[-1] == rows[-1].start
    if rule is not None and rule["FREQ"] == "MONTHLY":
        assert len(starts) <= len(dates)
