"""The one iCalendar serialiser beneath every app: every VEVENT the platform writes is made by
``vevent`` here, and wrapped by ``calendar_from_vevents`` (feeds, downloads) or
``invite_calendar`` (mailed invites, RFC 5546).

It follows the team's calendar guide (RFC 5545, 5546, 7986): the UID is always a stored one
(``website.calendars.uids``), DTSTAMP is in UTC, SEQUENCE is the caller's stored counter; the
VTIMEZONEs a calendar needs are added for the span of its dates. What an event, a booking or a
call's deadline says (its properties) is its app's; how a component is made is decided here.
"""

import datetime as dt
import itertools

from dateutil.rrule import rrulestr
from icalendar import Calendar, Event, vCalAddress, vDuration, vRecur, vText

PRODID = "-//Essaim//Essaim//FR"
FEED_REFRESH = dt.timedelta(hours=1)

PUBLISH = "PUBLISH"
REQUEST = "REQUEST"
CANCEL = "CANCEL"

# VTIMEZONE transitions are written up to this date for rules without an end.
OPEN_ENDED_ZONE_LIMIT = dt.date(2038, 1, 1)


def vevent(uid, *, dtstamp, sequence, properties=()):
    """A VEVENT: the stored ``uid`` (icalendar must not invent one), ``dtstamp`` in UTC, the
    ``sequence`` counter, then ``properties`` as (name, value) or (name, value, parameters), in
    their order."""
    component = Event()
    component.add("uid", uid)
    component.add("dtstamp", dtstamp.astimezone(dt.UTC))
    component.add("sequence", sequence)
    for name, value, *parameters in properties:
        component.add(name, value, parameters=parameters[0] if parameters else None)
    return component


def recurrence_rule(value):
    """An RRULE's value, from its text (``FREQ=WEEKLY;COUNT=3``) or from a dict of its parts."""
    return vRecur.from_ical(value) if isinstance(value, str) else vRecur(value)


def rule_text(rule):
    """An RRULE's value as text, as calendars read it (``FREQ=WEEKLY;UNTIL=…``)."""
    return vRecur(rule).to_ical().decode()


def address(email, name="", **parameters):
    """A calendar user address (ORGANIZER, ATTENDEE): a bare mailto URI, the name in CN."""
    value = vCalAddress(f"mailto:{email}")
    if name:
        value.params["CN"] = name
    for key, param in parameters.items():
        value.params[key.upper().replace("_", "-")] = param
    return value


def calendar_from_vevents(vevents, *, method=PUBLISH, name=None, refresh=True):
    """Wrap ``vevents`` in a VCALENDAR with the VTIMEZONEs they need."""
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


def invite_calendar(vevents, *, method, attendee_email, attendee_name="", sequence=None):
    """An iTIP message (RFC 5546) for one recipient: METHOD:REQUEST or METHOD:CANCEL of
    ``vevents`` (one UID: one event, or one booking).

    Exactly one ATTENDEE, the recipient, who registered on the site (PARTSTAT=ACCEPTED).
    A CANCEL carries the series alone, with STATUS:CANCELLED and no VALARM. ``sequence``, when
    given, is the message's SEQUENCE on every component (``events.invites`` keeps it above
    everything sent to the recipient before).
    """
    if method not in (REQUEST, CANCEL):
        raise ValueError(f"An invite is a REQUEST or a CANCEL, not {method!r}.")
    if method == CANCEL:
        # Cancelling the series cancels its moved dates with it: the master is enough.
        vevents = vevents[:1]
    if sequence is not None:
        with_sequence(vevents, sequence)
    for component in vevents:
        if method == CANCEL:
            component.pop("STATUS", None)
            component.add("status", "CANCELLED")
            component.subcomponents = [c for c in component.subcomponents if c.name != "VALARM"]
        attendee = address(attendee_email, attendee_name, cutype="INDIVIDUAL")
        attendee.params["ROLE"] = "REQ-PARTICIPANT"
        if method == REQUEST:
            attendee.params["PARTSTAT"] = "ACCEPTED"
        attendee.params["RSVP"] = "FALSE"
        component.add("attendee", attendee)
    return calendar_from_vevents(vevents, method=method, refresh=False)


def with_sequence(vevents, sequence):
    """``vevents`` with one SEQUENCE on every component (one UID: one counter)."""
    for vevent in vevents:
        vevent.pop("SEQUENCE")
        vevent.add("sequence", sequence)
    return vevents


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
