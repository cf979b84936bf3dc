"""Business rules of events: schedules into occurrences, registrations and the waiting list."""

from __future__ import annotations

import datetime as dt
import hashlib
import zoneinfo
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from website.cache import content_changed
from website.geocoding import locate
from website.notifications.services import notification_create

from .models import EventPage, Occurrence, OccurrenceChange, Registration
from .notifications import REMINDER, event_changed_notify, registration_notify
from .recurrence import recurrence_rule
from .subscriptions import event_announce

if TYPE_CHECKING:
    from website.accounts.models import User

# Rules without an end are expanded this far ahead.
OPEN_ENDED_HORIZON = dt.timedelta(days=550)
MAX_OCCURRENCES = 500


def event_position(
    *,
    event: EventPage,
    address: str,
    latitude: Decimal | None,
    longitude: Decimal | None,
    territory: Any = None,
) -> tuple[Decimal | None, Decimal | None] | None:
    """The position the page's new ``address`` gives, when it needs one: no coordinates, or
    a changed address with the coordinates ``event`` (the page as stored) had. None when the
    person's coordinates stand; (None, None) when nothing was found (the page is saved all
    the same, without a position).

    Called by the admin's form (``EventPageForm.clean``), so that the draft, the preview and
    the published page all carry the position; never from ``save()``."""
    return locate(
        address=address,
        latitude=latitude,
        longitude=longitude,
        before=(event.address, event.latitude, event.longitude) if event.pk else None,
        **(territory.place_hint if territory is not None else {}),
    )


class RegistrationError(ValidationError):
    """Why a registration cannot be made, in words for the person who tried."""


def event_schedule(
    *, event: EventPage, now: dt.datetime | None = None
) -> list[tuple[dt.datetime, dt.datetime, dt.datetime, bool]]:
    """The dates an event's schedule gives, as (original_start, start, end, cancelled) in UTC.

    The rule is expanded from the start in the event's own time zone, so every occurrence
    keeps its local wall-clock time across daylight-saving changes; each one lasts as long
    as the first, measured in UTC.
    """
    duration = event.end - event.start
    if event.all_day:
        # All-day events cover whole local days: from midnight of the first to the end of the last.
        duration = max(duration, dt.timedelta(days=1))
    if event.recurrence:
        rule = recurrence_rule(text=event.recurrence, local_start=event.local_start)
        horizon = (now or timezone.now()) + OPEN_ENDED_HORIZON
        starts: list[dt.datetime] = []
        for local in rule:
            # Wall-clock arithmetic kept the local time; let the zone give the right offset.
            start = local.replace(tzinfo=event.zone).astimezone(dt.UTC)
            if start > horizon or len(starts) >= MAX_OCCURRENCES:
                break
            starts.append(start)
    else:
        starts = [event.start.astimezone(dt.UTC)]

    changes = {change.original_start: change for change in event.occurrence_changes.all()}
    dates = []
    for start in starts:
        change = changes.get(start)
        if change is None:
            dates.append((start, start, start + duration, False))
        elif change.action == OccurrenceChange.Action.CANCEL:
            dates.append((start, start, start + duration, True))
        else:
            dates.append((start, change.new_start, change.new_end, False))
    return dates


def series_starts(
    *,
    text: str | None,
    start: dt.datetime,
    end: dt.datetime | None = None,
    time_zone: str,
    all_day: bool = False,
    now: dt.datetime | None = None,
) -> list[dt.datetime]:
    """The starts (UTC) of every date of a schedule, as ``event_schedule`` gives them: the
    ``original_start`` a change to one date must name. Raises ``RecurrenceError``."""
    # An unsaved page: no changes to single dates, the schedule as the rule gives it.
    event = EventPage(
        start=start,
        end=end if end and end > start else start,
        time_zone=time_zone,
        all_day=all_day,
        recurrence=text or "",
    )
    return [original for original, _start, _end, _cancelled in event_schedule(event=event, now=now)]


def next_dates(
    *,
    text: str | None,
    start: dt.datetime,
    end: dt.datetime | None = None,
    time_zone: str,
    all_day: bool = False,
    count: int = 10,
    now: dt.datetime | None = None,
) -> list[dt.datetime]:
    """The next ``count`` starts of a schedule from ``now``, in the event's zone."""
    now = now or timezone.now()
    zone = zoneinfo.ZoneInfo(time_zone)
    starts = series_starts(
        text=text, start=start, end=end, time_zone=time_zone, all_day=all_day, now=now
    )
    if all_day:
        # An all-day date lasts its whole local day: today's is still to come.
        now = now - dt.timedelta(days=1)
    return [moment.astimezone(zone) for moment in starts if moment >= now][:count]


def calendar_fingerprint(event: EventPage) -> str:
    """A digest of what calendars must be told again when it changes (calendar.md: time,
    place, status, recurrence); descriptions alone are left out."""
    changes = sorted(
        (c.original_start.isoformat(), c.action, str(c.new_start), str(c.new_end))
        for c in event.occurrence_changes.all()
    )
    parts = [
        event.start.isoformat(),
        event.end.isoformat(),
        event.time_zone,
        str(event.all_day),
        event.recurrence,
        repr(changes),
        event.attendance_mode,
        event.venue_name,
        event.address,
        event.online_url,
    ]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


@transaction.atomic
def event_sync_occurrences(*, event: EventPage) -> list[Occurrence]:
    """Make the occurrences of an event match its published schedule.

    Dates that left the schedule are deleted when nobody registered, and cancelled
    otherwise, so that registrations and their history stay. Returns the occurrences whose
    time or status changed (for notifications).
    """
    event = EventPage.objects.select_for_update().get(pk=event.canonical.pk)
    wanted = {
        original: (start, end, cancelled)
        for original, start, end, cancelled in event_schedule(event=event)
    }
    existing = {
        occurrence.original_start: occurrence
        for occurrence in event.occurrences.select_for_update()
    }
    if not event.recurrence and len(existing) == 1 and len(wanted) == 1:
        # A single event that moved is the same event: its registrations follow it.
        (occurrence,) = existing.values()
        occurrence.original_start = next(iter(wanted))
        existing = {occurrence.original_start: occurrence}
    changed = []

    for original, occurrence in existing.items():
        if original in wanted:
            continue
        if occurrence.registrations.exclude(status=Registration.Status.CANCELLED).exists():
            if occurrence.status != Occurrence.Status.CANCELLED:
                occurrence.status = Occurrence.Status.CANCELLED
                occurrence.sequence += 1
                occurrence.save(update_fields=["status", "sequence"])
                changed.append(occurrence)
        else:
            occurrence.delete()

    for original, (start, end, cancelled) in wanted.items():
        status = Occurrence.Status.CANCELLED if cancelled else Occurrence.Status.SCHEDULED
        occurrence = existing.get(original)
        if occurrence is None:
            Occurrence.objects.create(
                event=event,
                original_start=original,
                start=start,
                end=end,
                status=status,
                capacity=event.capacity,
            )
            continue
        significant = (occurrence.start, occurrence.end, occurrence.status) != (start, end, status)
        revived = occurrence.status == Occurrence.Status.CANCELLED and not cancelled
        occurrence.start, occurrence.end, occurrence.status = start, end, status
        # Seats already confirmed stay confirmed: capacity never drops below them.
        if event.capacity is None:
            occurrence.capacity = None
        else:
            occurrence.capacity = max(event.capacity, occurrence.seats_taken)
        if significant:
            # A CANCEL went out at sequence + 1: what brings the date back must pass it.
            occurrence.sequence += 2 if revived else 1
            changed.append(occurrence)
        occurrence.save(
            update_fields=["original_start", "start", "end", "status", "capacity", "sequence"]
        )
        _promote_waiting(occurrence)

    fingerprint = calendar_fingerprint(event)
    if fingerprint != event.calendar_fingerprint:
        # The first publication starts at SEQUENCE 0; every significant change after it bumps.
        fields = {"calendar_fingerprint": fingerprint}
        if event.calendar_fingerprint:
            # After a withdrawal, its CANCEL went out at sequence + 1: the return passes it.
            fields["sequence"] = F("sequence") + (
                2 if event.calendar_fingerprint == WITHDRAWN else 1
            )
        EventPage.objects.filter(pk=event.pk).update(**fields)
        content_changed("events")
        if event.calendar_fingerprint:
            event.refresh_from_db(fields=["sequence"])
            event_changed_notify(event=event)
        else:
            event_announce(event=event)
    return changed


# Marks an event taken off line: publishing it again is a change that calendars must hear.
WITHDRAWN = "withdrawn"


@transaction.atomic
def event_withdraw(*, event: EventPage) -> None:
    """The event is unpublished (or deleted): its upcoming dates are cancelled, and everyone
    who has it in their calendar gets a CANCEL at once. Registrations stay, so that
    publishing it again puts it back in their calendars with an update."""
    event = EventPage.objects.select_for_update().get(pk=event.canonical.pk)
    if event.calendar_fingerprint in ("", WITHDRAWN):
        return
    for occurrence in event.occurrences.select_for_update().filter(
        end__gte=timezone.now(), status=Occurrence.Status.SCHEDULED
    ):
        occurrence.status = Occurrence.Status.CANCELLED
        occurrence.sequence += 1
        occurrence.save(update_fields=["status", "sequence"])
    EventPage.objects.filter(pk=event.pk).update(
        sequence=F("sequence") + 1, calendar_fingerprint=WITHDRAWN
    )
    content_changed("events")
    event.refresh_from_db(fields=["sequence"])
    event_changed_notify(event=event, delay=None, withdrawn=True)


def event_deletion_blocker(*, event: EventPage) -> str | None:
    """Why an event cannot be deleted yet, or None: people who have it in their calendar
    must receive its CANCEL first, which unpublishing sends."""
    from website.notifications.models import Delivery

    from .notifications import UPDATED
    from .subscriptions import SERIES

    event = event.canonical
    registrations = Registration.objects.filter(
        occurrence__event=event,
        occurrence__end__gte=timezone.now(),
        status=Registration.Status.CONFIRMED,
    )
    followed = event.subscriptions.exists() or registrations.exists()
    if event.live and followed:
        return _(
            "People have this event in their calendar. Unpublish it first: they are told at "
            "once that it is cancelled. Then you can delete it."
        )
    pending = Delivery.objects.filter(status=Delivery.Status.PENDING).filter(
        Q(
            notification__kind=UPDATED,
            notification__payload__registration__in=list(
                registrations.values_list("pk", flat=True)
            ),
        )
        | Q(notification__kind=SERIES, notification__payload__event=event.pk)
    )
    if pending.exists():
        return _(
            "The cancellation of this event is still on its way to the people who had it in "
            "their calendar. Try again in a few minutes."
        )
    return None


def reminders_due(*, now: dt.datetime | None = None) -> int:
    """Record a reminder for each confirmed registration whose reminder time has come.

    Each person chooses how long before (their subscriber's ``reminder_hours``; a day when
    they never chose); never for cancelled registrations or dates, nor for people who
    registered after that time (their confirmation just reached them). A date that moves
    gets a new reminder. Returns how many were recorded.
    """
    from website.notifications.models import Subscriber

    now = now or timezone.now()
    longest = dt.timedelta(hours=max(Subscriber.Reminder.values))
    candidates = (
        Registration.objects.filter(
            status=Registration.Status.CONFIRMED,
            occurrence__status=Occurrence.Status.SCHEDULED,
            occurrence__event__live=True,
            occurrence__start__gt=now,
            occurrence__start__lte=now + longest,
        )
        .exclude(reminded_for=F("occurrence__start"))
        .select_related("occurrence", "user__subscriber")
    )
    count = 0
    for registration in candidates:
        subscriber = getattr(registration.user, "subscriber", None)
        hours = subscriber.reminder_hours if subscriber else Subscriber.Reminder.DAY
        if not hours:
            continue
        # Reminder.DAY is an IntegerChoices member: a tuple to mypy without django-stubs.
        remind_at = registration.occurrence.start - dt.timedelta(hours=hours)  # type: ignore[arg-type]
        if remind_at > now:
            continue
        with transaction.atomic():
            updated = (
                Registration.objects.filter(
                    pk=registration.pk, status=Registration.Status.CONFIRMED
                )
                .exclude(reminded_for=registration.occurrence.start)
                .update(reminded_for=registration.occurrence.start)
            )
            if not updated or registration.created_at > remind_at:
                continue
            notification_create(
                kind=REMINDER,
                key=f"{REMINDER}:{registration.pk}:{registration.occurrence.start:%Y%m%dT%H%M}",
                recipients=[registration.user],
                payload={"registration": registration.pk},
            )
            count += 1
    return count


def registration_open_error(
    *, occurrence: Occurrence, now: dt.datetime | None = None
) -> str | None:
    """Why registration to this occurrence is closed, or None when it is open."""
    now = now or timezone.now()
    event = occurrence.event
    if not event.live:
        return _("This event is not published.")
    if not event.registration_enabled:
        return _("This event does not take registrations.")
    if occurrence.status == Occurrence.Status.CANCELLED:
        return _("This date has been cancelled.")
    if occurrence.start <= now:
        return _("This date has already started.")
    if event.registration_opens_at and now < event.registration_opens_at:
        return _("Registration has not opened yet.")
    if event.registration_closes_at and now >= event.registration_closes_at:
        return _("Registration is closed.")
    return None


def registration_create(
    *, occurrence: Occurrence, user: User, now: dt.datetime | None = None
) -> Registration:
    """Register a person for one occurrence: a seat if one is left, else the waiting list.

    The occurrence row is locked (PostgreSQL) or the whole write serialised (SQLite,
    IMMEDIATE transactions), and the database refuses more seats than the capacity: the
    last seat goes to exactly one person. Registering twice returns the first registration.
    """
    with transaction.atomic():
        occurrence = (
            Occurrence.objects.select_for_update(of=("self",))
            .select_related("event")
            .get(pk=occurrence.pk)
        )
        existing = (
            Registration.objects.filter(occurrence=occurrence, user=user)
            .exclude(status=Registration.Status.CANCELLED)
            .first()
        )
        if existing is not None:
            return existing
        error = registration_open_error(occurrence=occurrence, now=now)
        if error:
            raise RegistrationError(error)
        if not occurrence.is_full:
            status = Registration.Status.CONFIRMED
            Occurrence.objects.filter(pk=occurrence.pk).update(seats_taken=F("seats_taken") + 1)
        elif occurrence.event.waiting_list_enabled:
            status = Registration.Status.WAITING
        else:
            raise RegistrationError(_("This date is full."))
        registration = Registration.objects.create(occurrence=occurrence, user=user, status=status)
        registration_notify(registration=registration, change="created")
        return registration


def registration_cancel(*, registration: Registration, user: User) -> Registration | None:
    """Cancel one's own registration; a freed seat goes to the first person waiting.

    Returns the registration promoted from the waiting list, if any.
    """
    if registration.user_id != user.pk:
        raise RegistrationError(_("You can only cancel your own registration."))
    with transaction.atomic():
        occurrence = Occurrence.objects.select_for_update(of=("self",)).get(
            pk=registration.occurrence_id
        )
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        if registration.status == Registration.Status.CANCELLED:
            return None
        was_confirmed = registration.status == Registration.Status.CONFIRMED
        registration.status = Registration.Status.CANCELLED
        registration.save(update_fields=["status", "updated_at"])
        registration_notify(registration=registration, change="cancelled")
        if not was_confirmed:
            return None
        Occurrence.objects.filter(pk=occurrence.pk).update(seats_taken=F("seats_taken") - 1)
        occurrence.refresh_from_db()
        promoted = _promote_waiting(occurrence)
        return promoted[0] if promoted else None


def _promote_waiting(occurrence: Occurrence) -> list[Registration]:
    """Give free seats to the people waiting longest. Runs inside the caller's transaction."""
    promoted: list[Registration] = []
    if occurrence.status != Occurrence.Status.SCHEDULED:
        return promoted
    free = None if occurrence.capacity is None else occurrence.capacity - occurrence.seats_taken
    waiting = occurrence.registrations.filter(status=Registration.Status.WAITING).order_by(
        "created_at", "pk"
    )
    if free is not None:
        waiting = waiting[: max(free, 0)]
    for registration in waiting.select_for_update():
        registration.status = Registration.Status.CONFIRMED
        registration.save(update_fields=["status", "updated_at"])
        Occurrence.objects.filter(pk=occurrence.pk).update(seats_taken=F("seats_taken") + 1)
        promoted.append(registration)
        registration_notify(registration=registration, change="promoted")
    if promoted:
        occurrence.refresh_from_db()
    return promoted
