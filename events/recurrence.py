"""Recurrence rules for people: the builder's parts of a rule, and the rule said in words.

Editors never type RFC 5545. The admin's builder (``events.widgets.RecurrenceWidget``) shows
a rule as ``RuleParts``: a frequency, an interval, weekdays, a day of the month or "the first
Tuesday", and an end (never, a local date or a number of dates). ``compose_rule`` writes the
same RRULE text the page has always stored, so the model, the expansion and calendars are
unchanged; a rule the builder cannot show (``parse_rule`` gives None) stays as it was, raw.

A rule is read here alone, by ``recurrence_rule``: the page's ``clean``, the builder and the
expansion all take it as that function does. The dates always come from ``events.services``
(``event_schedule``, and ``series_starts`` and ``next_dates`` for the admin): nothing here
expands a rule into dates, and nothing here imports the models, which import this module.
"""

import dataclasses
import datetime as dt
import re

from dateutil.rrule import rrule, rrulestr
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext, ngettext, pgettext

from website.wording import day_of_month, format_date, format_time

# RFC 5545 weekday codes, Monday first: indexes are Python's ``date.weekday()``.
WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
FREQUENCIES = ("DAILY", "WEEKLY", "MONTHLY", "YEARLY")
# The weeks of a month the builder offers for "the first Tuesday": 1 to 4, and -1 for last.
NTH_WEEKS = (1, 2, 3, 4, -1)
# The parts the builder can show; anything else (BYSETPOS, BYMONTH...) keeps the rule raw.
BUILDER_PARTS = {"FREQ", "INTERVAL", "BYDAY", "BYMONTHDAY", "COUNT", "UNTIL", "WKST"}
NTH_WEEKDAY = re.compile(r"([+-]?\d{1,2})(MO|TU|WE|TH|FR|SA|SU)")
UNTIL_DATE = re.compile(r"\d{8}")
UNTIL_TIME = re.compile(r"(\d{8})T(\d{6})(Z?)")
# Any date works to check a rule's syntax: recurrence_rule only needs one to count from.
SYNTAX_START = dt.datetime(2000, 1, 3)


# Reading a rule ------------------------------------------------------------------------


# The parts of a rule (RFC 5545 3.3.10) with the bounds of the numeric ones, which dateutil
# does not all check: out of range, it would fail while expanding, or search until year 9999.
RULE_NUMBERS = {
    "BYSECOND": (0, 59),
    "BYMINUTE": (0, 59),
    "BYHOUR": (0, 23),
    "BYMONTHDAY": (-31, 31),
    "BYYEARDAY": (-366, 366),
    "BYWEEKNO": (-53, 53),
    "BYMONTH": (1, 12),
    "BYSETPOS": (-366, 366),
    "COUNT": (1, 9999),
    "INTERVAL": (1, 9999),
}
RULE_PARTS = {"FREQ", "UNTIL", "BYDAY", "WKST", *RULE_NUMBERS}
# An agenda's dates repeat at most daily: by the hour, minute or second, one rule would give
# hundreds of dates a day.
RULE_FREQUENCIES = {"DAILY", "WEEKLY", "MONTHLY", "YEARLY"}
RULE_WEEKDAY = re.compile(r"[+-]?(?:[1-9]|[1-4][0-9]|5[0-3])?(?:MO|TU|WE|TH|FR|SA|SU)")
RULE_VALUE = re.compile(r"[A-Z0-9+,-]+")
RULE_UNTIL = re.compile(r"(\d{8})(?:T(\d{6})(Z?))?")


class RecurrenceError(ValueError):
    """Why a recurrence rule is refused, in words for the editor."""


def recurrence_rule(*, text: str | None, local_start: dt.datetime) -> rrule:
    """The dateutil rule of an event's RRULE, counted from its local start as wall-clock time.

    Dates come out naive, in the zone of ``local_start``. Only one RRULE with the parts of
    RFC 5545 is taken (no DTSTART, RDATE or EXDATE lines). UNTIL is read as ``ical._rrule``
    writes it for calendars: a UTC time (``Z``) in that zone, a floating time as local, a date
    as the end of that local day. Raises ``RecurrenceError``.
    """
    invalid = RecurrenceError(gettext("This is not a valid recurrence rule."))
    text = (text or "").strip()
    if text.upper().startswith("RRULE:"):
        text = text[len("RRULE:") :]
    parts = {}
    for item in text.split(";"):
        name, _equals, value = item.partition("=")
        name, value = name.strip().upper(), value.strip().upper()
        if name not in RULE_PARTS or name in parts or not RULE_VALUE.fullmatch(value):
            raise invalid
        parts[name] = value
    if "FREQ" not in parts or ("COUNT" in parts and "UNTIL" in parts):
        raise invalid
    if parts["FREQ"] not in RULE_FREQUENCIES:
        raise RecurrenceError(
            gettext(
                "An event repeats at most once a day: use FREQ=DAILY, WEEKLY, MONTHLY or YEARLY."
            )
        )
    for name, (lowest, highest) in RULE_NUMBERS.items():
        for number in parts.get(name, "").split(",") if name in parts else ():
            if not re.fullmatch(r"[+-]?\d{1,4}", number):
                raise invalid
            if not lowest <= int(number) <= highest or (lowest < 0 and int(number) == 0):
                raise invalid
    if "BYDAY" in parts and not all(RULE_WEEKDAY.fullmatch(d) for d in parts["BYDAY"].split(",")):
        raise invalid
    if parts.get("WKST", "MO") not in ("MO", "TU", "WE", "TH", "FR", "SA", "SU"):
        raise invalid
    until = None
    if "UNTIL" in parts:
        match = RULE_UNTIL.fullmatch(parts.pop("UNTIL"))
        if match is None:
            raise invalid
        day, time, utc = match.groups()
        try:
            until = dt.datetime.strptime(day + (time or "235959"), "%Y%m%d%H%M%S")
            if utc:
                until = until.replace(tzinfo=dt.UTC).astimezone(local_start.tzinfo)
                until = until.replace(tzinfo=None)
        except (ValueError, OverflowError) as error:
            raise invalid from error
    try:
        rule = rrulestr(
            ";".join(f"{name}={value}" for name, value in parts.items()),
            dtstart=local_start.replace(tzinfo=None),
        )
        return rule.replace(until=until) if until else rule
    except (ValueError, TypeError, OverflowError) as error:
        raise invalid from error


def recurrence_problem(*, text: str | None, local_start: dt.datetime) -> str | None:
    """Why an event's rule cannot be used, or None: what editors are told."""
    try:
        first = next(iter(recurrence_rule(text=text, local_start=local_start)), None)
    except RecurrenceError as error:
        return str(error)
    except (ValueError, TypeError, IndexError, OverflowError):
        return gettext("This is not a valid recurrence rule.")
    if first is None:
        return gettext("This rule gives no date: check its days, months and end.")
    return None


# The builder's parts -------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class RuleParts:
    """A rule as the builder shows it.

    ``weekdays`` are for weekly rules (0 is Monday); none means the start's weekday. A
    monthly rule repeats on ``month_day``, or on the ``nth`` ``nth_weekday`` (-1 for the
    last), or, with neither, on the start's day. It ends after ``count`` dates, on the
    local date ``until`` (included), or never.
    """

    frequency: str
    interval: int = 1
    weekdays: tuple[int, ...] = ()
    month_day: int | None = None
    nth: int | None = None
    nth_weekday: int | None = None
    count: int | None = None
    until: dt.date | None = None

    @property
    def end(self):
        """ "never", "until" or "count"."""
        if self.count is not None:
            return "count"
        return "until" if self.until is not None else "never"


def _split(text):
    """The rule's parts as a dict of upper-case names and values, or None."""
    text = (text or "").strip().upper()
    if text.startswith("RRULE:"):
        text = text[len("RRULE:") :]
    parts = {}
    for item in text.split(";"):
        name, _equals, value = item.partition("=")
        name, value = name.strip(), value.strip()
        if not name or name in parts:
            return None
        parts[name] = value
    return parts


def _read(text, local_start=None):
    """RuleParts of a rule that ``recurrence_rule`` accepts, or None.

    Without ``local_start`` only a bare date can end the rule (what the builder writes); with
    it, an UNTIL time (UTC or floating) becomes the local date of the last possible date.
    """
    try:
        recurrence_rule(text=text, local_start=local_start or SYNTAX_START)
    except (RecurrenceError, ValueError, TypeError, OverflowError):
        return None
    parts = _split(text)
    if not parts or set(parts) - BUILDER_PARTS or parts.get("WKST", "MO") != "MO":
        return None
    frequency = parts["FREQ"]
    interval = int(parts.get("INTERVAL", "1"))
    count = int(parts["COUNT"]) if "COUNT" in parts else None
    until = None
    if "UNTIL" in parts:
        until = _until_date(parts["UNTIL"], local_start)
        if until is None:
            return None
    days = parts["BYDAY"].split(",") if "BYDAY" in parts else []
    month_days = parts["BYMONTHDAY"].split(",") if "BYMONTHDAY" in parts else []
    fields = {"frequency": frequency, "interval": interval, "count": count, "until": until}
    if frequency in ("DAILY", "YEARLY"):
        if days or month_days:
            return None
        return RuleParts(**fields)
    if frequency == "WEEKLY":
        if month_days or not all(day in WEEKDAY_CODES for day in days):
            return None
        weekdays = tuple(sorted({WEEKDAY_CODES.index(day) for day in days}))
        return RuleParts(**fields, weekdays=weekdays)
    # Monthly: one day of the month, or one "nth weekday", or the start's day.
    if days and month_days or len(days) > 1 or len(month_days) > 1:
        return None
    if month_days:
        day = int(month_days[0])
        return RuleParts(**fields, month_day=day) if 1 <= day <= 31 else None
    if days:
        match = NTH_WEEKDAY.fullmatch(days[0])
        if match is None or int(match[1]) not in NTH_WEEKS:
            return None
        return RuleParts(**fields, nth=int(match[1]), nth_weekday=WEEKDAY_CODES.index(match[2]))
    return RuleParts(**fields)


def _until_date(value, local_start):
    """The last local date an UNTIL value lets through, or None."""
    if UNTIL_DATE.fullmatch(value):
        return dt.datetime.strptime(value, "%Y%m%d").date()
    match = UNTIL_TIME.fullmatch(value)
    if match is None or local_start is None:
        return None
    until = dt.datetime.strptime(match[1] + match[2], "%Y%m%d%H%M%S")
    if match[3] and local_start.tzinfo is not None:
        until = until.replace(tzinfo=dt.UTC).astimezone(local_start.tzinfo).replace(tzinfo=None)
    # A series at 18:00 "until 30 June, 02:00" ends on 29 June.
    if until.time() < local_start.replace(tzinfo=None).time():
        return until.date() - dt.timedelta(days=1)
    return until.date()


def parse_rule(text):
    """The builder's parts of a stored rule, or None when the builder cannot show it."""
    if not (text or "").strip():
        return None
    return _read(text)


def compose_rule(parts):
    """The canonical RRULE text of ``parts``: FREQ, INTERVAL, BYDAY, BYMONTHDAY, COUNT, UNTIL.

    ``parse_rule(compose_rule(parts)) == parts``. UNTIL is written as a bare date, which
    ``recurrence_rule`` reads as the end of that local day.
    """
    items = [f"FREQ={parts.frequency}"]
    if parts.interval != 1:
        items.append(f"INTERVAL={parts.interval}")
    if parts.frequency == "WEEKLY" and parts.weekdays:
        items.append("BYDAY=" + ",".join(WEEKDAY_CODES[day] for day in sorted(parts.weekdays)))
    if parts.frequency == "MONTHLY":
        if parts.nth is not None and parts.nth_weekday is not None:
            items.append(f"BYDAY={parts.nth}{WEEKDAY_CODES[parts.nth_weekday]}")
        elif parts.month_day is not None:
            items.append(f"BYMONTHDAY={parts.month_day}")
    if parts.count is not None:
        items.append(f"COUNT={parts.count}")
    elif parts.until is not None:
        items.append(f"UNTIL={parts.until:%Y%m%d}")
    return ";".join(items)


# The rule in words ---------------------------------------------------------------------


def _weekday_after_every(day):
    # Translators: a weekday after "every", as in "every Monday"; French: "tous les lundis".
    names = (
        pgettext("after every", "Monday"),
        pgettext("after every", "Tuesday"),
        pgettext("after every", "Wednesday"),
        pgettext("after every", "Thursday"),
        pgettext("after every", "Friday"),
        pgettext("after every", "Saturday"),
        pgettext("after every", "Sunday"),
    )
    return names[day]


def _weekday_after_on(day):
    # Translators: a weekday after "on", as in "every other week on Tuesday"; French:
    # "toutes les deux semaines le mardi".
    names = (
        pgettext("after on", "Monday"),
        pgettext("after on", "Tuesday"),
        pgettext("after on", "Wednesday"),
        pgettext("after on", "Thursday"),
        pgettext("after on", "Friday"),
        pgettext("after on", "Saturday"),
        pgettext("after on", "Sunday"),
    )
    return names[day]


def nth_label(nth):
    """ "first" ... "fourth", "last": which of a month's weekdays."""
    labels = {
        1: pgettext("weekday of a month", "first"),
        2: pgettext("weekday of a month", "second"),
        3: pgettext("weekday of a month", "third"),
        4: pgettext("weekday of a month", "fourth"),
        -1: pgettext("weekday of a month", "last"),
    }
    return labels[nth]


def _and_list(items):
    items = [str(item) for item in items]
    if len(items) < 2:
        return "".join(items)
    return gettext("%(items)s and %(last)s") % {"items": ", ".join(items[:-1]), "last": items[-1]}


def _frequency_words(parts, local_start):
    interval = parts.interval
    if parts.frequency == "DAILY":
        if interval == 1:
            return gettext("every day")
        if interval == 2:
            return gettext("every other day")
        return ngettext("every %(count)s day", "every %(count)s days", interval) % {
            "count": interval
        }
    if parts.frequency == "WEEKLY":
        weekdays = parts.weekdays or (local_start.weekday(),)
        if interval == 1:
            return gettext("every %(days)s") % {
                "days": _and_list(_weekday_after_every(day) for day in weekdays)
            }
        days = _and_list(_weekday_after_on(day) for day in weekdays)
        if interval == 2:
            return gettext("every other week on %(days)s") % {"days": days}
        return ngettext(
            "every %(count)s week on %(days)s", "every %(count)s weeks on %(days)s", interval
        ) % {"count": interval, "days": days}
    if parts.frequency == "MONTHLY":
        if parts.nth is not None:
            values = {"nth": nth_label(parts.nth), "weekday": WEEKDAYS[parts.nth_weekday]}
            if interval == 1:
                return gettext("on the %(nth)s %(weekday)s of every month") % values
            if interval == 2:
                return gettext("on the %(nth)s %(weekday)s of every other month") % values
            return ngettext(
                "on the %(nth)s %(weekday)s every %(count)s month",
                "on the %(nth)s %(weekday)s every %(count)s months",
                interval,
            ) % {**values, "count": interval}
        day = day_of_month(parts.month_day or local_start.day)
        if interval == 1:
            return gettext("on day %(day)s of every month") % {"day": day}
        if interval == 2:
            return gettext("on day %(day)s of every other month") % {"day": day}
        return ngettext(
            "on day %(day)s every %(count)s month",
            "on day %(day)s every %(count)s months",
            interval,
        ) % {"day": day, "count": interval}
    date = format_date(local_start, year=False)
    if interval == 1:
        return gettext("every year on %(date)s") % {"date": date}
    if interval == 2:
        return gettext("every other year on %(date)s") % {"date": date}
    return ngettext(
        "every %(count)s year on %(date)s", "every %(count)s years on %(date)s", interval
    ) % {"count": interval, "date": date}


def describe_rule(*, text, local_start, all_day):
    """The rule in words, in the active language: "every Monday at 6 pm, 8 times", "tous les
    lundis à 18 h, 8 fois". ``local_start`` is the first date in the event's zone; all-day
    series have no time. A rule the words cannot say gets a general sentence."""
    if not (text or "").strip():
        return gettext("does not repeat")
    parts = _read(text, local_start)
    if parts is None:
        return gettext("repeats according to a custom rule")
    words = _frequency_words(parts, local_start)
    if not all_day:
        words = gettext("%(rule)s at %(time)s") % {"rule": words, "time": format_time(local_start)}
    if parts.count == 1:
        end = gettext("once")
    elif parts.count is not None:
        end = ngettext("%(count)s time", "%(count)s times", parts.count) % {"count": parts.count}
    elif parts.until is not None:
        end = gettext("until %(date)s") % {"date": format_date(parts.until)}
    else:
        return words
    return gettext("%(rule)s, %(end)s") % {"rule": words, "end": end}
