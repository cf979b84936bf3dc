"""The month view's calendar table: weeks from Monday, each date on its event's local day.

``events.views.agenda_month`` serves the view and keeps the table as HTML
(``website.cache.cached_fragment``); this module draws it. A date is placed on the days it
covers in its event's own time zone, not the site's; a day shows at most the agenda's
``MONTH_DATES_PER_DAY`` dates, then "N more" links to that day's list.
"""

import calendar
import datetime as dt
import zoneinfo
from collections import defaultdict

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.dates import WEEKDAYS, WEEKDAYS_ABBR

from .selectors import occurrences_between


def month_table(page, request, *, year, month, filters, today):
    """(the calendar table's HTML, the number of dates in the month) of the agenda ``page``."""
    weeks = calendar.Calendar(firstweekday=calendar.MONDAY).monthdatescalendar(year, month)
    first, last = weeks[0][0], weeks[-1][-1]
    # A day more on each side: an event's local day can differ from the site's by up to 14 h.
    zone = timezone.get_default_timezone()
    start = dt.datetime.combine(first - dt.timedelta(days=1), dt.time.min, tzinfo=zone)
    end = dt.datetime.combine(last + dt.timedelta(days=2), dt.time.min, tzinfo=zone)
    occurrences = occurrences_between(start=start, end=end, filters=filters, index=page)
    # A first pass reads five columns of every date in the weeks shown; only the dates a
    # day shows (MONTH_DATES_PER_DAY) are then fetched whole, with their pages.
    days_of, hidden = {}, defaultdict(int)
    per_day = defaultdict(int)
    in_month = 0
    for pk, starts, ends, time_zone, all_day in occurrences.values_list(
        "pk", "start", "end", "event__time_zone", "event__all_day"
    ):
        days = calendar_days(starts, ends, time_zone, all_day)
        for day in days:
            if first <= day <= last:
                if per_day[day] < page.MONTH_DATES_PER_DAY:
                    per_day[day] += 1
                    days_of.setdefault(pk, []).append(day)
                else:
                    hidden[day] += 1
        if any(day.month == month and day.year == year for day in days):
            in_month += 1
    by_day = defaultdict(list)
    for occurrence in occurrences.filter(pk__in=list(days_of)):
        for day in days_of[occurrence.pk]:
            by_day[day].append(occurrence)
    table = render_to_string(
        "events/includes/month_table.html",
        {
            "month_start": dt.date(year, month, 1),
            "weekdays": [(WEEKDAYS[i], WEEKDAYS_ABBR[i]) for i in range(7)],
            "weeks": [
                [
                    {
                        "date": day,
                        "in_month": day.month == month,
                        "is_today": day == today,
                        "occurrences": by_day.get(day, []),
                        "more": hidden.get(day, 0),
                        "more_url": day_url(page, request, day, today) if day in hidden else "",
                    }
                    for day in week
                ]
                for week in weeks
            ],
        },
        request=request,
    )
    return table, in_month


def calendar_days(start, end, time_zone, all_day):
    """The local days a date covers in its event's zone: its first only, unless it lasts a
    whole day or more (an evening until 1 a.m. belongs to its evening)."""
    zone = zoneinfo.ZoneInfo(time_zone)
    first = timezone.localtime(start, zone).date()
    if not all_day and end - start < dt.timedelta(days=1):
        return [first]
    # The end is exclusive: midnight ends the day before.
    last = max((timezone.localtime(end, zone) - dt.timedelta(microseconds=1)).date(), first)
    return [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]


def day_url(page, request, day, today):
    """The list of one day's dates (the archive for a past day), keeping the filters."""
    params = request.GET.copy()
    params.pop("page", None)
    params["date_from"] = params["date_to"] = day.isoformat()
    view = "archive" if day < today else "upcoming"
    return f"{page.get_url(request)}{page.reverse_subpage(view)}?{params.urlencode()}"
