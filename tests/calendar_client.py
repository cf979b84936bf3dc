"""A calendar that applies invitations the way calendar clients do (RFC 5546, iTIP), so that
tests can replay every mail a person received and ask what their calendar now holds.

For each UID it keeps the series (the component without RECURRENCE-ID) and its instances by
RECURRENCE-ID. A component whose SEQUENCE is below the highest this calendar has seen for its
UID (or equal, with an older DTSTAMP) is ignored, as clients do, and recorded in ``dropped``:
a test asserts that nothing a person received ever went backwards. METHOD:PUBLISH attachments
(announcements, .ics files) are not applied: people add those by hand, if at all.
"""

import dataclasses
import datetime as dt
from email import message_from_bytes, policy

import icalendar
import recurring_ical_events


@dataclasses.dataclass
class Version:
    sequence: int
    stamp: dt.datetime
    component: icalendar.Event


@dataclasses.dataclass
class Entry:
    top: tuple = (-1, dt.datetime.min.replace(tzinfo=dt.UTC))  # highest (SEQUENCE, DTSTAMP)
    series: Version | None = None
    instances: dict = dataclasses.field(default_factory=dict)  # RECURRENCE-ID -> Version
    cancelled: set = dataclasses.field(default_factory=set)  # RECURRENCE-IDs


def _key(value):
    """A RECURRENCE-ID as a comparable value (UTC for date-times)."""
    value = value.dt if hasattr(value, "dt") else value
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC) if value.tzinfo else value
    return value


def calendar_parts(message):
    """The iTIP parts of a mail (django EmailMessage or bytes): (method, bytes) pairs, once each
    (the attachment repeats the inline part)."""
    raw = message.message().as_bytes() if hasattr(message, "message") else message
    parsed = message_from_bytes(raw, policy=policy.default)
    parts = []
    for part in parsed.walk():
        if part.get_content_type() == "text/calendar" and part.get_param("method"):
            parts.append((part.get_param("method").upper(), part.get_content().encode()))
    return parts


class CalendarClient:
    def __init__(self):
        self.entries = {}
        self.seen = {}  # UIDs removed: the highest (SEQUENCE, DTSTAMP) they reached
        self.timezones = {}
        self.dropped = []

    def receive(self, message):
        for method, data in calendar_parts(message):
            self.apply(icalendar.Calendar.from_ical(data), method=method)

    def apply(self, calendar, *, method=None):
        method = (method or str(calendar.get("METHOD", "PUBLISH"))).upper()
        for zone in calendar.walk("VTIMEZONE"):
            self.timezones[str(zone["TZID"])] = zone
        if method not in ("REQUEST", "CANCEL"):
            return
        components = calendar.walk("VEVENT")
        assert len({str(c["UID"]) for c in components}) <= 1, "one UID per iTIP message"
        series = [c for c in components if "RECURRENCE-ID" not in c]
        instances = [c for c in components if "RECURRENCE-ID" in c]
        for component in series:
            self._apply_series(method, component, instances)
        if not series:
            for component in instances:
                self._apply_instance(method, component)

    def _apply_series(self, method, component, instances):
        uid, sequence, stamp = _identity(component)
        entry = self.entries.get(uid) or self.seen.get(uid)
        if entry and entry.top > (sequence, stamp):
            self.dropped.append((method, uid, None, sequence, entry.top[0]))
            return
        if method == "CANCEL":
            self.entries.pop(uid, None)
            self.seen[uid] = Entry(top=(sequence, stamp))
            return
        # An update of the whole event replaces it, instances included (RFC 5546 3.2.2).
        entry = Entry(top=(sequence, stamp), series=Version(sequence, stamp, component))
        for instance in instances:
            entry.instances[_key(instance["RECURRENCE-ID"])] = Version(
                *_identity(instance)[1:], instance
            )
        self.entries[uid] = entry

    def _apply_instance(self, method, component):
        uid, sequence, stamp = _identity(component)
        rid = _key(component["RECURRENCE-ID"])
        entry = self.entries.get(uid) or Entry(top=self.seen.get(uid, Entry()).top)
        if entry.top > (sequence, stamp):
            self.dropped.append((method, uid, rid, sequence, entry.top[0]))
            return
        entry.top = (sequence, stamp)
        self.entries[uid] = entry
        if method == "CANCEL":
            entry.instances.pop(rid, None)
            entry.cancelled.add(rid)
            if entry.series is None and not entry.instances:
                self.entries.pop(uid, None)
                self.seen[uid] = Entry(top=entry.top)
            return
        entry.cancelled.discard(rid)
        entry.instances[rid] = Version(sequence, stamp, component)

    def held(self, start, end):
        """What the calendar shows between ``start`` and ``end``: sorted (uid, start, end, summary)
        in UTC, cancelled instances left out."""
        shown = []
        for uid, entry in self.entries.items():
            if entry.series is None:
                for version in entry.instances.values():
                    shown.extend(self._single(uid, version.component, start, end))
                continue
            calendar = icalendar.Calendar()
            for zone in self.timezones.values():
                calendar.add_component(zone)
            series = entry.series.component.copy()
            for rid in entry.cancelled:
                series.add("exdate", rid)
            calendar.add_component(series)
            for version in entry.instances.values():
                calendar.add_component(version.component)
            for occurrence in recurring_ical_events.of(calendar).between(start, end):
                if str(occurrence.get("STATUS", "")).upper() == "CANCELLED":
                    continue
                shown.append(_shown(uid, occurrence))
        return sorted(shown, key=lambda row: (row[1], row[0]))

    def _single(self, uid, component, start, end):
        if str(component.get("STATUS", "")).upper() == "CANCELLED":
            return []
        row = _shown(uid, component)
        return [row] if row[1] < _utc(end) and row[2] > _utc(start) else []


def _identity(component):
    return (
        str(component["UID"]),
        int(component.get("SEQUENCE", 0)),
        component.decoded("DTSTAMP").astimezone(dt.UTC),
    )


def _utc(value):
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC)
    return dt.datetime.combine(value, dt.time(0), tzinfo=dt.UTC)


def _shown(uid, component):
    start = component.decoded("DTSTART")
    end = component.decoded("DTEND") if "DTEND" in component else start
    return (uid, _utc(start), _utc(end), str(component.get("SUMMARY", "")))
