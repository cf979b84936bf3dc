"""Usage statistics of the meeting spaces, for their managers and for elected officials.

Occupancy is booked hours over open hours. Open hours come from the opening hours minus the
closures, day by day in each space's own time zone; booked hours are the confirmed bookings
(without their buffer), cut at local midnight so that each day, week and month of a space gets
its share. Durations are computed in UTC, so a day that changes to or from daylight-saving
time counts its real length. The number of queries does not depend on the number of bookings.
"""

import dataclasses
import datetime as dt
from collections import defaultdict

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.utils import formats
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from network.directory.models import Territory
from network.directory.selectors import with_descendants

from .models import Booking, Closure, OpeningHours, Space

# Members of this group (see forums/demo.py) see the usage of every space.
ELECTED_GROUP = "Elected officials"
# The longest period one page covers.
MAX_PERIOD = dt.timedelta(days=400)


def usage_spaces_for(user):
    """The spaces whose usage ``user`` may see: every space for superusers and elected
    officials, their own spaces for managers. Anyone else is refused."""
    if not (user and user.is_authenticated):
        raise PermissionDenied(_("Log in to see the usage of the spaces."))
    spaces = (
        Space.objects.select_related("territory")
        .prefetch_related(
            Prefetch("opening_hours", queryset=OpeningHours.objects.order_by("weekday", "opens")),
            Prefetch("closures", queryset=Closure.objects.order_by("starts_on")),
        )
        .order_by("name")
    )
    if user.is_superuser or user.groups.filter(name=ELECTED_GROUP).exists():
        return spaces
    if user.managed_spaces.exists():
        return spaces.filter(managers=user)
    raise PermissionDenied(
        _("Only the managers of a space and elected officials can see its usage.")
    )


def can_see_usage(user):
    """Whether a person may open the usage statistics (for links; the page checks again)."""
    try:
        usage_spaces_for(user)
    except PermissionDenied:
        return False
    return True


def default_period(today):
    """From the first day of the month two months ago to the last day of the month in three
    months: past use and what is already booked."""
    first = today.replace(day=1)
    for _step in range(2):
        first = (first - dt.timedelta(days=1)).replace(day=1)
    last = today.replace(day=1)
    for _step in range(4):
        last = (last + dt.timedelta(days=32)).replace(day=1)
    return first, last - dt.timedelta(days=1)


@dataclasses.dataclass
class Usage:
    """Open and booked time of something (a space, a month...), and how many bookings."""

    key: object
    label: str
    open_seconds: float = 0
    booked_seconds: float = 0
    bookings: int = 0

    @property
    def open_hours(self):
        return self.open_seconds / 3600

    @property
    def booked_hours(self):
        return self.booked_seconds / 3600

    @property
    def open_time(self):
        return dt.timedelta(seconds=self.open_seconds)

    @property
    def booked_time(self):
        return dt.timedelta(seconds=self.booked_seconds)

    @property
    def rate(self):
        """Occupancy in percent, or None when the space was never open."""
        if not self.open_seconds:
            return None
        return round(100 * self.booked_seconds / self.open_seconds, 1)

    @property
    def bar(self):
        """The same figure, capped at 100 for a meter (bookings made before a closure
        was decided can exceed the open time)."""
        return min(self.rate or 0, 100)


def _overlap(start, end, other_start, other_end):
    return max((min(end, other_end) - max(start, other_start)).total_seconds(), 0)


def _open_seconds(space, day, hours_by_weekday, closures):
    if any(closure.starts_on <= day <= closure.ends_on for closure in closures):
        return 0
    zone = space.zone
    total = 0
    for hours in hours_by_weekday.get(day.weekday(), ()):
        opens = dt.datetime.combine(day, hours.opens, tzinfo=zone).astimezone(dt.UTC)
        closes = dt.datetime.combine(day, hours.closes, tzinfo=zone).astimezone(dt.UTC)
        total += max((closes - opens).total_seconds(), 0)
    return total


def _week(day):
    return day - dt.timedelta(days=day.weekday())


def _month(day):
    return day.replace(day=1)


def _sector_name(name_fr, name_en):
    return name_en if get_language() == "en" and name_en else name_fr


def space_usage(*, user, start, end, territory=None, space=None):
    """Occupancy by month, by week, by space and by territory, and bookings by sector, of the
    spaces ``user`` may see (optionally those of one territory and below, or one space), from
    ``start`` to ``end`` (local dates, both included). Refuses with PermissionDenied."""
    if end < start:
        start, end = end, start
    end = min(end, start + MAX_PERIOD)
    spaces = usage_spaces_for(user)
    if territory is not None:
        spaces = spaces.filter(territory_id__in=with_descendants(territory))
    if space is not None:
        spaces = spaces.filter(pk=space.pk)
    spaces = list(spaces)
    days = [start + dt.timedelta(days=n) for n in range((end - start).days + 1)]

    # Open time, per space and local day.
    per_day = {}
    for item in spaces:
        hours_by_weekday = defaultdict(list)
        for hours in item.opening_hours.all():
            hours_by_weekday[hours.weekday].append(hours)
        closures = list(item.closures.all())
        for day in days:
            per_day[item.pk, day] = [_open_seconds(item, day, hours_by_weekday, closures), 0]

    # Booked time: one query for the bookings and their actors' sectors (a row per sector).
    by_pk = {item.pk: item for item in spaces}
    bookings, sectors_of = {}, defaultdict(set)
    names = {}
    if spaces:
        earliest = min(dt.datetime.combine(start, dt.time(0), tzinfo=s.zone) for s in spaces)
        latest = max(
            dt.datetime.combine(end + dt.timedelta(days=1), dt.time(0), tzinfo=s.zone)
            for s in spaces
        )
        rows = (
            Booking.objects.filter(
                space__in=spaces,
                status=Booking.Status.CONFIRMED,
                start__lt=latest,
                end__gt=earliest,
            )
            .order_by()
            .values_list(
                "pk",
                "space_id",
                "start",
                "end",
                "actor__sectors__pk",
                "actor__sectors__name_fr",
                "actor__sectors__name_en",
            )
        )
        for pk, space_id, begins, ends, sector_pk, name_fr, name_en in rows:
            bookings[pk] = (space_id, begins, ends)
            if sector_pk is not None:
                sectors_of[pk].add(sector_pk)
                names[sector_pk] = _sector_name(name_fr, name_en)

    booked_of = {}
    for pk, (space_id, begins, ends) in bookings.items():
        zone = by_pk[space_id].zone
        day = max(begins.astimezone(zone).date(), start)
        last = min(ends.astimezone(zone).date(), end)
        seconds = 0
        while day <= last:
            day_start = dt.datetime.combine(day, dt.time(0), tzinfo=zone)
            day_end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tzinfo=zone)
            share = _overlap(begins, ends, day_start, day_end)
            per_day[space_id, day][1] += share
            seconds += share
            day += dt.timedelta(days=1)
        booked_of[pk] = seconds

    # Roll-ups.
    by_month, by_week, by_space, by_territory = {}, {}, {}, {}
    for item in spaces:
        by_space[item.pk] = Usage(item.pk, item.name)
        if item.territory_id not in by_territory:
            by_territory[item.territory_id] = Usage(item.territory_id, item.territory.name)
    for (space_id, day), (open_seconds, booked_seconds) in per_day.items():
        item = by_pk[space_id]
        month = by_month.setdefault(
            _month(day),
            Usage(_month(day), formats.date_format(_month(day), "YEAR_MONTH_FORMAT")),
        )
        week = by_week.setdefault(
            _week(day),
            Usage(
                _week(day),
                _("Week of %(day)s")
                % {"day": formats.date_format(_week(day), "SHORT_DATE_FORMAT")},
            ),
        )
        for usage in (month, week, by_space[space_id], by_territory[item.territory_id]):
            usage.open_seconds += open_seconds
            usage.booked_seconds += booked_seconds
    total = Usage(None, _("All the spaces shown"))
    for usage in by_space.values():
        total.open_seconds += usage.open_seconds
        total.booked_seconds += usage.booked_seconds
    for space_id, _begins, _ends in bookings.values():
        by_space[space_id].bookings += 1
        by_territory[by_pk[space_id].territory_id].bookings += 1
        total.bookings += 1

    by_sector = {}
    for pk, seconds in booked_of.items():
        for sector_pk in sectors_of.get(pk) or [None]:
            usage = by_sector.setdefault(
                sector_pk, Usage(sector_pk, names.get(sector_pk) or _("No sector given"))
            )
            usage.bookings += 1
            usage.booked_seconds += seconds

    return {
        "start": start,
        "end": end,
        "spaces": spaces,
        "total": total,
        "by_month": [by_month[key] for key in sorted(by_month)],
        "by_week": [by_week[key] for key in sorted(by_week)],
        "by_space": sorted(by_space.values(), key=lambda usage: usage.label),
        "by_territory": sorted(by_territory.values(), key=lambda usage: usage.label),
        "by_sector": sorted(by_sector.values(), key=lambda usage: (-usage.bookings, usage.label)),
    }


def usage_filter_choices(*, user):
    """The spaces and territories the filter form offers: those ``user`` may see."""
    spaces = list(usage_spaces_for(user).prefetch_related(None))
    territories = Territory.objects.filter(pk__in={s.territory_id for s in spaces}).order_by("name")
    return spaces, list(territories)
