"""What an event says in calendars: its VEVENTs, made by the one serialiser beneath every app
(``website.calendars.ical``) for every .ics download, feed and e-mailed invite.

It follows the team's calendar guide (RFC 5545, 5546, 7986). In short: the UID comes from the
canonical page's stored translation key, SEQUENCE from the stored counters, a single event is
written in UTC, a series in its local zone (TZID form for DTSTART, RRULE, EXDATE and
RECURRENCE-ID, with a VTIMEZONE), an all-day event with dates and an exclusive DTEND.

Callers choose the page whose texts are shown (a translation, in the reader's language) and,
when they already have it, pass the canonical page that holds the schedule, to save queries.
"""

import datetime as dt
from email.utils import parseaddr

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from website import wording
from website.addresses import page_url
from website.calendars import ical as serialiser
from website.calendars.ical import PUBLISH, address, calendar_from_vevents
from website.calendars.uids import calendar_uid

from .models import AttendanceMode


def event_uid(event) -> str:
    """The calendar UID of an event: stored (the canonical page's translation key), never derived
    from a URL or a title, shared by its translations and by every output."""
    # Translations share the translation key of the canonical page: no lookup needed.
    return calendar_uid(event.translation_key)


def event_sequence(event, occurrence=None) -> int:
    """SEQUENCE of a series (or single event), or of one occurrence of it.

    The series counter is bumped by the services when the series changes; an occurrence keeps
    its own counter for changes to that date. A date is never below its series; the series
    is never below any of its dates, since a cancelled or moved date changes the series too.
    """
    return _sequence(_canonical(event), occurrence)


def _sequence(canonical, occurrence=None):
    if occurrence is not None:
        return max(canonical.sequence, occurrence.sequence)
    return max([canonical.sequence, *(o.sequence for o in canonical.occurrences.all())])


def event_vevents(event, *, canonical=None, held=None, dtstamp=None, request=None):
    """The VEVENTs of one event, with the texts of ``event`` and the schedule of its canonical page.

    Without ``held``: the whole event, i.e. one VEVENT for a single event, or the series
    master (RRULE, EXDATE for cancelled dates) plus one VEVENT per moved date (RECURRENCE-ID).
    With ``held`` (scheduled rows of the canonical page: the dates one person holds): a single
    event as itself; a series reduced to those dates, the master's rule ending at the last of
    them and excluding every other date, with a VEVENT for each of them that moved. So one
    UID always carries everything a person holds of an event (calendar.md). ``dtstamp``
    defaults to the last publication (feeds); mails pass the time the message is built.
    """
    canonical = canonical or _canonical(event)
    if dtstamp is None:
        dtstamp = _last_change(event, canonical) or timezone.now()
    changes = {change.original_start: change for change in canonical.occurrence_changes.all()}
    common = _common_properties(event, canonical, request=request)
    uid = event_uid(canonical)
    sequence = _sequence(canonical)

    if not canonical.recurrence:
        occurrence = next(iter(held or canonical.occurrences.all()), None)
        vevent = _vevent(uid, common, dtstamp, sequence)
        if occurrence is not None:
            start, end = occurrence.start, occurrence.end
            cancelled = occurrence.status == occurrence.Status.CANCELLED
        else:
            start, end, cancelled = canonical.start, canonical.end, False
        _add_times(vevent, canonical, start, end, utc=True)
        vevent.add("status", "CANCELLED" if cancelled else "CONFIRMED")
        return [vevent]

    rows = list(canonical.occurrences.all())
    rule = _rrule(canonical)
    if held is None:
        shown = {row.original_start for row in rows if row.status == row.Status.SCHEDULED}
        excluded = {
            start for start, change in changes.items() if change.action == change.Action.CANCEL
        }
    else:
        shown = {row.original_start for row in held}
        last = max(shown)
        rule.pop("COUNT", None)
        rule["UNTIL"] = [_local(canonical, last) if canonical.all_day else last.astimezone(dt.UTC)]
        excluded = {row.original_start for row in rows if row.original_start <= last} - shown
    # DTSTART is always an instance for calendars, even when the rule does not give it.
    if canonical.start not in shown and canonical.start not in {row.original_start for row in rows}:
        excluded.add(canonical.start)
    # A person who holds some dates hears of the changes to those only.
    told_changes = changes if held is None else {k: v for k, v in changes.items() if k in shown}
    master = _vevent(uid, _with_changes(common, canonical, told_changes), dtstamp, sequence)
    _add_times(master, canonical, canonical.start, canonical.end, utc=False)
    master.add("rrule", rule)
    if excluded:
        master.add("exdate", [_local(canonical, start) for start in sorted(excluded)])
    master.add("status", "CONFIRMED")
    vevents = [master]
    for row in sorted(rows, key=lambda row: row.original_start):
        change = changes.get(row.original_start)
        if row.original_start not in shown or change is None or change.action != change.Action.MOVE:
            continue
        vevents.append(
            _occurrence_vevent(
                uid,
                _with_note(common, change.note),
                dtstamp,
                canonical,
                original_start=row.original_start,
                start=row.start,
                end=row.end,
                sequence=_sequence(canonical, row),
                cancelled=False,
            )
        )
    return vevents


def calendar_for(
    events,
    *,
    method=PUBLISH,
    name=None,
    canonicals=None,
    refresh=True,
    request=None,
):
    """A calendar of whole events (a feed, or one event's .ics).

    ``canonicals`` maps translation keys to canonical pages already loaded (with their
    ``occurrence_changes`` and ``occurrences`` prefetched); without it each one is looked up.
    """
    canonicals = canonicals or {}
    vevents = []
    for event in events:
        canonical = canonicals.get(event.translation_key)
        vevents.extend(event_vevents(event, canonical=canonical, request=request))
    return calendar_from_vevents(vevents, method=method, name=name, refresh=refresh)


# Building blocks.


def _canonical(event):
    return event.canonical


def _last_change(event, canonical):
    stamps = [page.last_published_at for page in (event, canonical) if page.last_published_at]
    return max(stamps, default=None)


def organiser_address(event):
    """ORGANIZER as RFC 5546 wants it: a bare mailto URI, the name in CN."""
    email = event.organiser_email or parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    return address(email, event.organiser_name)


def _common_properties(event, canonical, *, request=None):
    """What every VEVENT of an event carries besides UID, DTSTAMP and SEQUENCE, as (name, value)
    pairs in a stable order."""
    url = page_url(event, request)
    properties = [("summary", event.title)]
    lines = [event.summary.strip()] if event.summary.strip() else []
    if url:
        lines.append(_("Details and registration: %(url)s") % {"url": url})
    if canonical.online_url and canonical.attendance_mode != AttendanceMode.IN_PERSON:
        lines.append(_("Join online: %(url)s") % {"url": canonical.online_url})
    properties.append(("description", "\n\n".join(lines)))
    location = location_of(event, canonical)
    if location:
        properties.append(("location", location))
    place = canonical.place
    if place.latitude is not None and place.longitude is not None:
        properties.append(("geo", (float(place.latitude), float(place.longitude))))
    if url:
        properties.append(("url", url))
    properties.append(("categories", [str(canonical.get_kind_display())]))
    properties.append(("organizer", organiser_address(event)))
    return properties


def location_of(event, canonical):
    """LOCATION: the venue and address (a booked space's: ``EventPage.place``), or the join link
    of an event that is only online."""
    place, schedule_place = event.place, canonical.place
    venue = (place.name or schedule_place.name).strip()
    address = ", ".join(
        line.strip()
        for line in (place.address or schedule_place.address).splitlines()
        if line.strip()
    )
    parts = [part for part in (venue, address) if part]
    if not parts and canonical.attendance_mode == AttendanceMode.ONLINE:
        return canonical.online_url
    return ", ".join(parts)


def change_in_words(canonical, change):
    """A changed date's line in calendars, in the active language and the event's zone:
    "Date moved: Tuesday 4 May 2027, 6 p.m. → Thursday 6 May 2027, 6:30 p.m. (note)"."""
    zone = canonical.zone
    when = wording.moment_in_words(timezone.localtime(change.original_start, zone))
    if change.action == change.Action.CANCEL:
        what = _("Date cancelled: %(date)s") % {"date": when}
    else:
        new = wording.moment_in_words(timezone.localtime(change.new_start, zone))
        what = _("Date moved: %(date)s → %(new)s") % {"date": when, "new": new}
    return f"{what} ({change.note})" if change.note else what


def _with_changes(common, canonical, changes):
    """The properties of a series: its description ends with its cancelled and moved dates, with
    the organiser's notes (a calendar shows no other trace of an excluded date)."""
    lines = [
        change_in_words(canonical, change)
        for _start, change in sorted(changes.items())
        if change.note or change.action == change.Action.CANCEL
    ]
    if not lines:
        return common
    return [
        (name, f"{value}\n\n" + "\n".join(lines) if name == "description" else value)
        for name, value in common
    ]


def _with_note(common, note):
    """The properties of a moved date: the organiser's note first in its description."""
    if not note:
        return common
    return [
        (name, f"{note}\n\n{value}" if name == "description" else value) for name, value in common
    ]


def _vevent(uid, common, dtstamp, sequence):
    return serialiser.vevent(uid, dtstamp=dtstamp, sequence=sequence, properties=common)


def _occurrence_vevent(
    uid, common, dtstamp, canonical, *, original_start, start, end, sequence, cancelled
):
    vevent = _vevent(uid, common, dtstamp, sequence)
    vevent.add("recurrence-id", _local(canonical, original_start))
    _add_times(vevent, canonical, start, end, utc=False)
    vevent.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    return vevent


def _local(canonical, moment):
    """A stored UTC moment in the series' TZID form (a date for all-day events)."""
    local = timezone.localtime(moment, canonical.zone)
    return local.date() if canonical.all_day else local


def _add_times(vevent, canonical, start, end, *, utc):
    if canonical.all_day:
        first, after_last = _all_day_dates(canonical, start, end)
        vevent.add("dtstart", first)
        vevent.add("dtend", after_last)
    elif utc:
        vevent.add("dtstart", start.astimezone(dt.UTC))
        vevent.add("dtend", end.astimezone(dt.UTC))
    else:
        vevent.add("dtstart", timezone.localtime(start, canonical.zone))
        vevent.add("dtend", timezone.localtime(end, canonical.zone))


def _all_day_dates(canonical, start, end):
    """First day and the day after the last: DTEND of an all-day event is exclusive (RFC 5545
    3.6.1). An end at local midnight already means "up to that day", not "into it"."""
    local_start = timezone.localtime(start, canonical.zone)
    local_end = timezone.localtime(end, canonical.zone)
    last = local_end.date()
    if local_end.time() == dt.time(0) and local_end > local_start:
        last -= dt.timedelta(days=1)
    last = max(last, local_start.date())
    return local_start.date(), last + dt.timedelta(days=1)


def _rrule(canonical):
    """The stored rule, with UNTIL in the form RFC 5545 requires next to DTSTART: UTC for a
    DTSTART with TZID, a date for an all-day series."""
    text = canonical.recurrence.strip()
    if text.upper().startswith("RRULE:"):
        text = text[len("RRULE:") :]
    rule = serialiser.recurrence_rule(text)
    until = rule.get("UNTIL")
    if until:
        value = until[0]
        if canonical.all_day:
            value = value.date() if isinstance(value, dt.datetime) else value
        elif isinstance(value, dt.datetime):
            if value.tzinfo is None:
                value = value.replace(tzinfo=canonical.zone)
            value = value.astimezone(dt.UTC)
        else:
            # A bare date: the end of that local day.
            value = dt.datetime.combine(value, dt.time(23, 59, 59), canonical.zone)
            value = value.astimezone(dt.UTC)
        rule["UNTIL"] = [value]
    return rule
