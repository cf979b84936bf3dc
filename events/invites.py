"""The calendar part of every mail about an event: what the recipient holds of it, now.

A calendar keeps one entry per UID and applies the version with the highest SEQUENCE it has
seen (calendar.md, "What a recipient's calendar holds"). A person can hold an event two ways:
by following its series, and by registering for some of its dates; both live under the
event's one UID, so that nobody sees a date twice. Hence the rule of every invite about an
event, whatever made it leave (a registration, a follow, an update, a cancellation):

- it carries the recipient's whole holding as it is when the mail leaves: the series when
  they follow it, else only the dates they registered for (the series reduced to them,
  ``ical.event_vevents(held=…)``), else a CANCEL of the event, or nothing at all when their
  calendar was never told of it;
- its SEQUENCE is above everything sent to that address about that event before
  (``CalendarCopy``), and never below the event's own counter (what feeds and .ics files say);
- an update whose holding did not change for that person is not sent.

So leaving a series never removes the dates one registered for, cancelling a registration
never removes a followed series, and whatever order the mails leave in, the last one applied
is the current one. ``render_invite`` runs when the mail is rendered, inside the outbox's
transaction: what it records in ``CalendarCopy`` is kept only if the message leaves.
"""

import dataclasses
import datetime as dt
import hashlib
import json

from django.utils import timezone

from website.calendars.ical import CANCEL, REQUEST, invite_calendar

from . import ical
from .models import CalendarCopy, Occurrence, Registration, Subscription

# At most this many upcoming dates are remembered per address, to say what changed.
TOLD_DATES = 24
# The key of a single event's date among those remembered (its start moves with it).
SINGLE = "single"


@dataclasses.dataclass(frozen=True)
class Holding:
    """What one address holds of an event: the series (``follows``), some dates, or nothing."""

    follows: bool
    occurrences: tuple  # scheduled rows of the canonical page, by original start

    @property
    def form(self):
        return "series" if self.follows else "dates" if self.occurrences else "none"


@dataclasses.dataclass(frozen=True)
class DateChange:
    """One date as the person was told it, and as it is now (None: gone, or new)."""

    original_start: dt.datetime | None  # None: a single event's one date
    before: tuple | None  # (start, end)
    after: tuple | None
    cancelled: bool = False  # gone because the organiser cancelled it
    note: str = ""


@dataclasses.dataclass(frozen=True)
class Invite:
    method: str
    calendar: object  # icalendar.Calendar
    changes: list  # DateChange, for the mail's words
    place_before: str | None  # the place they were told, when it changed


def holding_of(*, address, event):
    """What ``address`` holds of ``event`` (its canonical page, its ``occurrences`` prefetched
    or not): the series when they follow it, else their confirmed registrations. Of an event
    taken off line, only the dates that took place (their calendar keeps its history)."""
    scheduled = sorted(
        (o for o in event.occurrences.all() if o.status == Occurrence.Status.SCHEDULED),
        key=lambda occurrence: occurrence.original_start,
    )
    follows = Subscription.objects.filter(
        target=Subscription.Target.SERIES, event=event, subscriber__email__iexact=address
    ).exists()
    if follows:
        held = scheduled
    else:
        mine = set(
            Registration.objects.filter(
                occurrence__event=event,
                user__email__iexact=address,
                status=Registration.Status.CONFIRMED,
            ).values_list("occurrence_id", flat=True)
        )
        held = [occurrence for occurrence in scheduled if occurrence.pk in mine]
    if not event.live:
        # Withdrawal cancelled the coming dates; a followed series is no longer whole.
        return Holding(False, tuple(o for o in held if o.end < timezone.now()))
    return Holding(follows, tuple(held))


def place_of(page, canonical):
    """The place as calendars say it (a booked space's, or the venue's), and the join link of
    an event held online too: a change of either is news for the person's calendar."""
    parts = [ical.location_of(page, canonical)]
    if canonical.online_url and canonical.attendance_mode != "in_person":
        parts.append(canonical.online_url)
    return " · ".join(dict.fromkeys(part for part in parts if part))


def render_invite(*, address, attendee_name, page, canonical, only_if_changed=False, now=None):
    """The iTIP part of a mail to ``address`` about ``canonical`` (texts of ``page``), or None
    when their calendar has nothing to learn: never told and holding nothing, or, with
    ``only_if_changed``, holding what it was last told. Records what it tells. Call it inside
    the transaction that sends the mail."""
    now = now or timezone.now()
    address = address.lower()
    # The copy first, locked: two workers with mails for one address wait for each other,
    # and the second then reads the holding as the first left it.
    copy, _created = CalendarCopy.objects.select_for_update().get_or_create(
        recipient=address, event=canonical
    )
    holding = holding_of(address=address, event=canonical)
    before = copy.told or {}
    place = place_of(page, canonical)
    told = _told(holding, place, now, single=not canonical.recurrence)
    if not _unknown(before):
        if holding.form == "none" and before.get("form", "none") == "none":
            return None
        if only_if_changed and before.get("digest") == told["digest"]:
            return None
    sequence = max(ical.event_sequence(canonical), copy.sequence + 1)
    if holding.form == "none":
        vevents = ical.event_vevents(page, canonical=canonical, dtstamp=now)
        method = CANCEL
    else:
        held = None if holding.follows else list(holding.occurrences)
        vevents = ical.event_vevents(page, canonical=canonical, held=held, dtstamp=now)
        method = REQUEST
    calendar = invite_calendar(
        vevents,
        method=method,
        attendee_email=address,
        attendee_name=attendee_name,
        sequence=sequence,
    )
    copy.sequence, copy.told = sequence, told
    copy.save(update_fields=["sequence", "told", "updated_at"])
    return Invite(
        method=method,
        calendar=calendar,
        changes=_changes(before, told, canonical, now),
        place_before=before.get("place") if before.get("place") not in (None, place) else None,
    )


def _unknown(told):
    # Copies made by migration 0006 for people told under the earlier rules.
    return bool(told.get("unknown"))


def _told(holding, place, now, *, single=False):
    """What a message says, remembered: its form, a digest of everything a calendar shows
    (every date held, the place), and the next dates and the place in clear, to word what
    changed next time. A single event's one date is the same date wherever it moves."""
    dates = [(o.original_start, o.start, o.end) for o in holding.occurrences]
    digest = hashlib.sha256(
        json.dumps([holding.form, place, [[str(part) for part in date] for date in dates]]).encode()
    ).hexdigest()
    upcoming = [date for date in dates if date[2] >= now][:TOLD_DATES]
    return {
        "form": holding.form,
        "digest": digest,
        "place": place,
        "dates": {
            (SINGLE if single else original.isoformat()): [start.isoformat(), end.isoformat()]
            for original, start, end in upcoming
        },
    }


def _changes(before, after, canonical, now):
    """The dates whose time changed, or that left or joined what the person holds, between two
    messages (among the next dates remembered; a date that has ended since is not news)."""
    if not before.get("dates"):
        return []
    old, new = before["dates"], after["dates"]
    old = {
        original: span
        for original, span in old.items()
        if original in new or dt.datetime.fromisoformat(span[1]) >= now
    }
    # Beyond the last date remembered on either side, nothing is known: leave those out.
    if not (old or new):
        return []
    horizon = max([*old, *new])
    for dates in (old, new):
        if len(dates) >= TOLD_DATES:
            horizon = min(horizon, max(dates))
    notes = {
        change.original_start.isoformat(): change for change in canonical.occurrence_changes.all()
    }
    cancelled = {
        occurrence.original_start.isoformat()
        for occurrence in canonical.occurrences.all()
        if occurrence.status == Occurrence.Status.CANCELLED
    }
    changes = []
    for original in sorted(set(old) | set(new)):
        if original > horizon or old.get(original) == new.get(original):
            continue
        change = notes.get(original)
        changes.append(
            DateChange(
                original_start=None if original == SINGLE else dt.datetime.fromisoformat(original),
                before=_span(old.get(original)),
                after=_span(new.get(original)),
                cancelled=original in cancelled,
                note=change.note if change else "",
            )
        )
    return changes


def _span(pair):
    return tuple(dt.datetime.fromisoformat(value) for value in pair) if pair else None
