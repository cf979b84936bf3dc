"""The one iCalendar serialiser: every .ics download, feed and e-mailed invite is built here.

It follows the team's calendar guide (RFC 5545, 5546, 7986). In short: the UID comes from the
canonical page's stored translation key, SEQUENCE from the stored counters, a single event is
written in UTC, a series in its local zone (TZID form for DTSTART, RRULE, EXDATE and
RECURRENCE-ID, with a VTIMEZONE), an all-day event with dates and an exclusive DTEND.

Callers choose the page whose texts are shown (a translation, in the reader's language) and,
when they already have it, pass the canonical page that holds the schedule, to save queries.
"""

import datetime as dt
import itertools
from email.utils import parseaddr
from urllib.parse import urlsplit

from dateutil.rrule import rrulestr
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vCalAddress, vDuration, vRecur, vText

from .models import AttendanceMode, OccurrenceChange

PRODID = "-//Essaim//Essaim//FR"
FEED_REFRESH = dt.timedelta(hours=1)

PUBLISH = "PUBLISH"
REQUEST = "REQUEST"
CANCEL = "CANCEL"

# VTIMEZONE transitions are written up to this date for rules without an end.
OPEN_ENDED_ZONE_LIMIT = dt.date(2038, 1, 1)


def event_uid(event) -> str:
    """The calendar UID of an event: stored (the canonical page's translation key), never derived
    from a URL or a title, shared by its translations and by every output."""
    # Translations share the translation key of the canonical page: no lookup needed.
    return f"{event.translation_key}@{_domain()}"


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


def event_vevents(event, *, canonical=None, occurrences=None, dtstamp=None, request=None):
    """The VEVENTs of one event, with the texts of ``event`` and the schedule of its canonical page.

    Without ``occurrences``: the whole event, i.e. one VEVENT for a single event, or the series
    master (RRULE, EXDATE for cancelled dates) plus one VEVENT per moved date (RECURRENCE-ID).
    With ``occurrences`` (rows of the canonical page): only those dates, as RECURRENCE-ID
    instances of the series (or the single VEVENT of a single event), e.g. the dates someone
    registered for. ``dtstamp`` defaults to the last publication (feeds); mails pass the time
    the message is built.
    """
    canonical = canonical or _canonical(event)
    if dtstamp is None:
        dtstamp = _last_change(event, canonical) or timezone.now()
    common = _common_properties(event, canonical, request=request)
    uid = event_uid(canonical)

    if not canonical.recurrence:
        occurrence = next(iter(occurrences or canonical.occurrences.all()), None)
        vevent = _vevent(uid, common, dtstamp, _sequence(canonical))
        if occurrence is not None:
            start, end = occurrence.start, occurrence.end
            cancelled = occurrence.status == occurrence.Status.CANCELLED
        else:
            start, end, cancelled = canonical.start, canonical.end, False
        _add_times(vevent, canonical, start, end, utc=True)
        vevent.add("status", "CANCELLED" if cancelled else "CONFIRMED")
        return [vevent]

    if occurrences is not None:
        return [
            _occurrence_vevent(
                uid,
                common,
                dtstamp,
                canonical,
                original_start=occurrence.original_start,
                start=occurrence.start,
                end=occurrence.end,
                sequence=_sequence(canonical, occurrence),
                cancelled=occurrence.status == occurrence.Status.CANCELLED,
            )
            for occurrence in occurrences
        ]

    master = _vevent(uid, common, dtstamp, _sequence(canonical))
    _add_times(master, canonical, canonical.start, canonical.end, utc=False)
    master.add("rrule", _rrule(canonical))
    changes = sorted(canonical.occurrence_changes.all(), key=lambda change: change.original_start)
    cancelled = [c.original_start for c in changes if c.action == OccurrenceChange.Action.CANCEL]
    if cancelled:
        master.add("exdate", [_local(canonical, start) for start in cancelled])
    master.add("status", "CONFIRMED")
    vevents = [master]
    rows = {occurrence.original_start: occurrence for occurrence in canonical.occurrences.all()}
    for change in changes:
        if change.action != OccurrenceChange.Action.MOVE:
            continue
        row = rows.get(change.original_start)
        vevents.append(
            _occurrence_vevent(
                uid,
                common,
                dtstamp,
                canonical,
                original_start=change.original_start,
                start=change.new_start,
                end=change.new_end,
                sequence=_sequence(canonical, row) if row else canonical.sequence,
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


def calendar_from_vevents(vevents, *, method=PUBLISH, name=None, refresh=True):
    """Wrap VEVENTs from ``event_vevents`` in a VCALENDAR with the VTIMEZONEs they need."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    if name:
        # As vText, or icalendar writes these two unescaped and a line break in an event's
        # title would end the property (it raises instead, and the feed fails).
        calendar.add("name", vText(name))
        calendar.add("x-wr-calname", vText(name))
    if refresh:
        # RFC 7986, and the older property that Outlook and Apple read.
        calendar.add("refresh-interval", FEED_REFRESH, parameters={"VALUE": "DURATION"})
        calendar.add("x-published-ttl", vDuration(FEED_REFRESH))
    for vevent in vevents:
        calendar.add_component(vevent)
    span = _zone_span(vevents)
    if span:
        calendar.add_missing_timezones(first_date=span[0], last_date=span[1])
    return calendar


def invite_calendar(
    event,
    *,
    attendee_email,
    attendee_name="",
    method,
    occurrence=None,
    sequence=None,
    dtstamp=None,
    canonical=None,
    request=None,
):
    """An iTIP message (RFC 5546) for one recipient: METHOD:REQUEST or METHOD:CANCEL.

    Exactly one ATTENDEE, the recipient, who registered on the site (PARTSTAT=ACCEPTED). With
    ``occurrence``, only that date of a series (RECURRENCE-ID). CANCEL carries STATUS:CANCELLED
    and no VALARM. ``sequence`` lets the caller pass a counter it bumped for this message (a
    registration cancelled while the event did not change); the stored one is the floor.
    DTSTAMP is the time the message is built.
    """
    if method not in (REQUEST, CANCEL):
        raise ValueError(f"An invite is a REQUEST or a CANCEL, not {method!r}.")
    canonical = canonical or _canonical(event)
    dtstamp = dtstamp or timezone.now()
    occurrences = [occurrence] if occurrence is not None else None
    vevents = event_vevents(
        event, canonical=canonical, occurrences=occurrences, dtstamp=dtstamp, request=request
    )
    if method == CANCEL:
        # Cancelling the series cancels its moved dates with it: the master is enough.
        vevents = vevents[:1]
    for vevent in vevents:
        if sequence is not None and sequence > vevent["SEQUENCE"]:
            vevent.pop("SEQUENCE")
            vevent.add("sequence", sequence)
        if method == CANCEL:
            vevent.pop("STATUS", None)
            vevent.add("status", "CANCELLED")
            vevent.subcomponents = [c for c in vevent.subcomponents if c.name != "VALARM"]
        attendee = vCalAddress(f"mailto:{attendee_email}")
        if attendee_name:
            attendee.params["CN"] = attendee_name
        attendee.params["CUTYPE"] = "INDIVIDUAL"
        attendee.params["ROLE"] = "REQ-PARTICIPANT"
        if method == REQUEST:
            attendee.params["PARTSTAT"] = "ACCEPTED"
        attendee.params["RSVP"] = "FALSE"
        vevent.add("attendee", attendee)
    return calendar_from_vevents(vevents, method=method, refresh=False)


# Building blocks.


def _canonical(event):
    return event.canonical


def _domain():
    return urlsplit(settings.BASE_URL).hostname or "localhost"


def _last_change(event, canonical):
    stamps = [page.last_published_at for page in (event, canonical) if page.last_published_at]
    return max(stamps, default=None)


def organiser_address(event):
    """ORGANIZER as RFC 5546 wants it: a bare mailto URI, the name in CN."""
    email = event.organiser_email or parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    organiser = vCalAddress(f"mailto:{email}")
    organiser.params["CN"] = event.organiser_name
    return organiser


def _common_properties(event, canonical, *, request=None):
    """What every VEVENT of an event carries besides UID, DTSTAMP and SEQUENCE, as (name, value)
    pairs in a stable order."""
    url = event.get_full_url(request)
    properties = [("summary", event.title)]
    lines = [event.summary.strip()] if event.summary.strip() else []
    if url:
        lines.append(_("Details and registration: %(url)s") % {"url": url})
    if canonical.online_url and canonical.attendance_mode != AttendanceMode.IN_PERSON:
        lines.append(_("Join online: %(url)s") % {"url": canonical.online_url})
    properties.append(("description", "\n\n".join(lines)))
    location = _location(event, canonical)
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


def _location(event, canonical):
    # ``place``: a booked meeting space gives the venue (EventPage.place).
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


def _vevent(uid, common, dtstamp, sequence):
    vevent = Event()
    # Always the stored UID: icalendar must not invent one.
    vevent.add("uid", uid)
    vevent.add("dtstamp", dtstamp.astimezone(dt.UTC))
    vevent.add("sequence", sequence)
    for name, value in common:
        vevent.add(name, value)
    return vevent


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
    rule = vRecur.from_ical(text)
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


def _zone_span(vevents):
    """The dates the VTIMEZONEs must cover, or None when every time is UTC or a date."""
    moments = []
    open_ended = False
    for vevent in vevents:
        for name in ("DTSTART", "DTEND", "RECURRENCE-ID"):
            if name in vevent:
                moments.append(vevent.decoded(name))
        exdates = vevent.get("EXDATE")
        for exdate in exdates if isinstance(exdates, list) else [exdates] if exdates else []:
            moments.extend(value.dt for value in exdate.dts)
        if "RRULE" in vevent:
            last = _last_of_rule(vevent)
            if last is None:
                open_ended = True
            else:
                moments.append(last)
    zoned = [m for m in moments if isinstance(m, dt.datetime) and m.tzinfo not in (None, dt.UTC)]
    if not zoned:
        return None
    # Whole years: the same VTIMEZONE for every event of a year, whatever its dates.
    first = dt.date(min(m.year for m in zoned) - 1, 12, 31)
    last = dt.date(max(m.year for m in zoned) + 1, 1, 1)
    if open_ended:
        last = max(last, OPEN_ENDED_ZONE_LIMIT)
    return first, last


def _last_of_rule(vevent, limit=5000):
    """The last start a bounded rule gives (in the zone of DTSTART), or None when it has no end."""
    rule = vevent["RRULE"]
    if "COUNT" not in rule and "UNTIL" not in rule:
        return None
    start = vevent.decoded("DTSTART")
    if not isinstance(start, dt.datetime):
        # All-day: a date UNTIL goes with a floating start.
        start = dt.datetime.combine(start, dt.time(0))
    text = rule.to_ical().decode()
    try:
        starts = list(itertools.islice(rrulestr(text, dtstart=start), limit))
    except (ValueError, TypeError):
        return None
    if len(starts) >= limit:
        return None
    return starts[-1] if starts else start
