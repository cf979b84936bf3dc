"""Booking meeting spaces: requests, series, approval, cancellation (shared/guide/booking.md).

Each write is one keyword-only function in one transaction that checks its permission here.
``booking_create`` is the guarantee: it locks the space row (PostgreSQL; on SQLite the
IMMEDIATE transaction holds the write lock from BEGIN), expires stale requests, checks every
rule, runs an overlap query for a readable message, and inserts inside a savepoint; the
database's own guard (exclusion constraint or trigger, migration 0004) turns a race that got
past all this into an IntegrityError, which becomes "this slot was just taken".
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING

from dateutil.relativedelta import relativedelta
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from network.directory.models import Actor, Membership
from network.directory.services import actor_may_act, require_approved_actor
from website.cache import content_changed
from website.calendars.uids import calendar_uid
from website.geocoding import locate
from website.wording import duration_in_words, moment_in_words

from .models import Booking, Space
from .notifications import (
    booking_cancelled_notify,
    booking_created_notify,
    booking_decided_notify,
    booking_reminder_notify,
    bookings_cancelled_notify,
    series_sequence,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from network.directory.models import ActorQuerySet
    from website.accounts.models import User

    from .models import BookingQuerySet, Closure, OpeningHours

SLOT_TAKEN = "slot_taken"
OVERLAP_SQLSTATE = "23P01"  # exclusion_violation
OVERLAP_SQLITE = "network_booking_no_overlap"
# A series has at most this many dates, whatever its end date.
MAX_OCCURRENCES = 60
# Requesters are reminded of a confirmed booking this long before it starts.
REMINDER_BEFORE = dt.timedelta(hours=24)


class Repeat:
    NONE = ""
    WEEKLY = "weekly"
    MONTHLY = "monthly"
    choices = [
        (NONE, gettext_lazy("Does not repeat")),
        (WEEKLY, gettext_lazy("Every week")),
        (MONTHLY, gettext_lazy("Every month")),
    ]


class SlotTaken(ValidationError):
    """The slot is occupied: what concurrent requesters get, one of them excepted."""

    def __init__(self, message: str | None = None) -> None:
        super().__init__(
            message or _("This slot was just taken. Please choose another."), code=SLOT_TAKEN
        )


@dataclasses.dataclass
class Occurrence:
    start: dt.datetime
    end: dt.datetime
    problems: list = dataclasses.field(default_factory=list)
    taken: bool = False


# --- permissions -------------------------------------------------------------------------


def is_manager(user: User | AnonymousUser | None, space: Space) -> bool:
    if not (user and user.is_authenticated):
        return False
    if user.is_superuser:
        return True
    return space.managers.filter(pk=user.pk).exists()


def _is_member(user: User | AnonymousUser | None, actor: Actor) -> bool:
    if not (user and user.is_authenticated):
        return False
    return Membership.objects.active().filter(actor=actor, user=user).exists()


def can_book_for(user: User | AnonymousUser | None, actor: Actor) -> bool:
    """A member books on behalf of an actor a moderator approved."""
    return actor_may_act(actor) and _is_member(user, actor)


def can_see(user: User | AnonymousUser | None, booking: Booking) -> bool:
    """The requester, the administrators of the actor it was made for, and the space's managers."""
    if not (user and user.is_authenticated):
        return False
    if booking.requested_by_id == user.pk or is_manager(user, booking.space):
        return True
    return Membership.objects.admins().filter(actor_id=booking.actor_id, user=user).exists()


def _require_manager(user: User | AnonymousUser | None, space: Space) -> None:
    if not is_manager(user, space):
        raise PermissionDenied(_("Only the managers of this space can do this."))


# --- the space itself --------------------------------------------------------------------
# Spaces are written in Wagtail's admin (snippets): the admin's views save the form, then
# ``space_locate`` places it (wagtail_hooks). Code that makes spaces calls ``space_save``.

Position = tuple[str, Decimal | None, Decimal | None]


def _position_of(
    space: Space, before: Position | None
) -> tuple[Decimal | None, Decimal | None] | None:
    """The position ``space``'s address gives when its coordinates must come from it
    (``website.geocoding.locate``), else None: its coordinates stand."""
    territory = space.territory if space.territory_id else None
    return locate(
        address=space.address,
        latitude=space.latitude,
        longitude=space.longitude,
        before=before,
        **(territory.place_hint if territory else {}),
    )


def space_save(*, space: Space, before: Position | None = None) -> Space:
    """Create or change a space: its position comes from its address unless coordinates were
    given (``before``: address, latitude and longitude stored until now). Nothing found: saved
    without a position (``latitude`` is None), never refused for it."""
    position = _position_of(space, before)  # before the transaction: it may take seconds
    if position is not None:
        space.latitude, space.longitude = position
    with transaction.atomic():
        space.full_clean()
        space.save()
    return space


def space_locate(*, space: Space, before: Position | None = None) -> bool:
    """Place a saved space from its address, as ``space_save`` would have (the admin saves
    the form itself). Returns whether the space has a position now."""
    position = _position_of(space, before)
    if position is not None:
        space.latitude, space.longitude = position
        Space.objects.filter(pk=space.pk).update(latitude=position[0], longitude=position[1])
        content_changed("spaces")
    return space.latitude is not None and space.longitude is not None


# --- time --------------------------------------------------------------------------------


def occurrences_of(
    *,
    space: Space,
    start: dt.datetime,
    end: dt.datetime,
    repeat: str = Repeat.NONE,
    until: dt.date | None = None,
) -> list[Occurrence]:
    """The dates of a request. A series keeps the local wall-clock time of its first date in
    the space's zone across daylight-saving changes (durations are recomputed per date)."""
    if not repeat:
        return [Occurrence(start, end)]
    if until is None:
        raise ValidationError(_("Choose the date the series ends."), code="until")
    zone = space.zone
    local_start, local_end = start.astimezone(zone), end.astimezone(zone)
    day_span = local_end.date() - local_start.date()
    step = relativedelta(weeks=1) if repeat == Repeat.WEEKLY else relativedelta(months=1)
    found = []
    for index in range(MAX_OCCURRENCES):
        day = local_start.date() + step * index
        if day > until:
            break
        # Built from the wall-clock time with the zone attached, not by adding hours in UTC.
        first = dt.datetime.combine(day, local_start.time(), tzinfo=zone)
        last = dt.datetime.combine(day + day_span, local_end.time(), tzinfo=zone)
        first, last = first.astimezone(dt.UTC), last.astimezone(dt.UTC)  # compared as instants
        if last <= first:
            # The start fell in the hour that clocks skip (02:30 on the day they go from 02:00
            # to 03:00): read with the offset before the change, it is 03:30, maybe after the
            # end. The date then keeps the length of the first.
            last = first + (end - start)
        found.append(Occurrence(first, last))
    return found


def _when(moment: dt.datetime, space: Space) -> str:
    return moment_in_words(moment.astimezone(space.zone))


# --- rules -------------------------------------------------------------------------------


def rule_problems(
    *,
    space: Space,
    start: dt.datetime,
    end: dt.datetime,
    attendees: int | None,
    now: dt.datetime,
    opening_hours: Sequence[OpeningHours] | None = None,
    closures: Sequence[Closure] | None = None,
) -> list[str]:
    """Every rule a date breaks, as translated sentences (empty when the date may be booked).

    ``opening_hours`` and ``closures`` may be passed already loaded (searches over many dates).
    """
    problems = []
    if end <= start:
        return [_("The end must be after the start.")]
    duration = end - start
    if duration < space.min_duration:
        problems.append(
            _("Bookings last at least %(duration)s.")
            % {"duration": duration_in_words(space.min_duration)}
        )
    if duration > space.max_duration:
        problems.append(
            _("Bookings last at most %(duration)s.")
            % {"duration": duration_in_words(space.max_duration)}
        )
    if start < now + space.min_notice:
        problems.append(
            _("Book at least %(duration)s ahead.")
            % {"duration": duration_in_words(space.min_notice)}
        )
    if start > now + space.horizon:
        problems.append(
            ngettext(
                "Bookings open %(days)d day ahead at most.",
                "Bookings open %(days)d days ahead at most.",
                space.horizon.days,
            )
            % {"days": space.horizon.days}
        )
    if attendees is not None and attendees > space.capacity:
        problems.append(
            _("The space holds %(capacity)d people at most.") % {"capacity": space.capacity}
        )
    local_start, local_end = start.astimezone(space.zone), end.astimezone(space.zone)
    if opening_hours is None:
        opening_hours = list(space.opening_hours.all())
    if closures is None:
        closures = list(space.closures.all())
    same_day = local_end.date() == local_start.date() or (
        local_end.date() == local_start.date() + dt.timedelta(days=1)
        and local_end.time() == dt.time(0)
    )
    end_time = dt.time.max if local_end.time() == dt.time(0) else local_end.time()
    is_open = same_day and any(
        hours.weekday == local_start.weekday()
        and hours.opens <= local_start.time()
        and end_time <= hours.closes
        for hours in opening_hours
    )
    if not is_open:
        problems.append(_("The space is not open at that time."))
    for closure in closures:
        if closure.starts_on <= local_start.date() <= closure.ends_on:
            problems.append(
                _("The space is closed that day (%(reason)s).")
                % {"reason": closure.reason or _("closure")}
            )
            break
    return problems


def expire_requests(*, space: Space | None = None, now: dt.datetime | None = None) -> int:
    """Requests nobody decided on before they were due can no longer be approved. Like every
    change, expiry bumps the row's calendar SEQUENCE (a series' is the sum of its rows')."""
    now = now or timezone.now()
    stale = Booking.objects.filter(status=Booking.Status.PENDING, expires_at__lte=now)
    if space is not None:
        stale = stale.filter(space=space)
    expired = stale.update(
        status=Booking.Status.EXPIRED, occupies=False, sequence=F("sequence") + 1
    )
    if expired:
        content_changed("spaces")
    return expired


def _lock(space: Space) -> Space:
    """Serialise every booking of one space: a row lock on PostgreSQL; on SQLite the IMMEDIATE
    transaction already holds the database's write lock."""
    return Space.objects.select_for_update().get(pk=space.pk)


def _is_overlap(error: IntegrityError) -> bool:
    cause = error.__cause__
    return (
        getattr(cause, "sqlstate", None) == OVERLAP_SQLSTATE
        or getattr(cause, "pgcode", None) == OVERLAP_SQLSTATE
        or OVERLAP_SQLITE in str(error)
    )


def _insert(booking: Booking) -> None:
    """Insert in a savepoint, so that a refused row leaves the transaction usable."""
    try:
        with transaction.atomic():
            booking.save(force_insert=True)
    except IntegrityError as error:
        if _is_overlap(error):
            raise SlotTaken() from error
        raise


def _new_uid() -> str:
    return calendar_uid(f"booking-{uuid.uuid4()}")


# --- occupation: the database's guard, asked before writing ------------------------------
# One rule for everything that says a slot is free (the week view, free slots, the API's
# availability, the search, a series' plan): a booking of [start, end) would occupy
# [start, end + space.buffer), and the database refuses it if that meets the
# [start, occupied_until) of an occupying row. Both buffers count: the previous booking's
# (stored in its occupied_until) and the new one's own, which must end before the next starts.


def occupying_rows(
    spaces: Iterable[Space], *, start: dt.datetime, end: dt.datetime, buffer: dt.timedelta
) -> BookingQuerySet:
    """The occupying rows of ``spaces`` that a booking over [start, end) with ``buffer`` would
    meet; for a longer period, every row that some booking inside it could meet."""
    return (
        Booking.objects.occupying()
        .filter(space__in=spaces)
        .overlapping(start=start, until=end + buffer)
    )


@dataclasses.dataclass
class Occupation:
    """The occupying rows of one space over a period, as (start, occupied_until) pairs, and the
    database's test for a new booking there (``occupying_rows`` in memory)."""

    buffer: dt.timedelta
    rows: list = dataclasses.field(default_factory=list)

    def blocks(self, start: dt.datetime, end: dt.datetime) -> bool:
        """Whether the database would refuse a booking over [start, end)."""
        until = end + self.buffer
        return any(begins < until and start < taken_until for begins, taken_until in self.rows)

    def blocked(self) -> list[tuple[dt.datetime, dt.datetime]]:
        """Where a new booking may not lie, as sorted (start, end) pairs: each row widened, before
        it, by the buffer the new booking would leave after itself."""
        return sorted((begins - self.buffer, taken_until) for begins, taken_until in self.rows)


def occupations(
    spaces: Iterable[Space], *, start: dt.datetime, end: dt.datetime
) -> dict[int, Occupation]:
    """Each space's ``Occupation`` over [start, end), by primary key. One query."""
    spaces = list(spaces)
    found = {space.pk: Occupation(space.buffer) for space in spaces}
    if not spaces:
        return found
    longest = max(space.buffer for space in spaces)
    rows = occupying_rows(spaces, start=start, end=end, buffer=longest).values_list(
        "space_id", "start", "occupied_until"
    )
    for space_id, begins, taken_until in rows.order_by("start"):
        found[space_id].rows.append((begins, taken_until))
    return found


def occupation(space: Space, *, start: dt.datetime, end: dt.datetime) -> Occupation:
    """The space's ``Occupation`` over [start, end). One query."""
    return occupations([space], start=start, end=end)[space.pk]


# --- writes ------------------------------------------------------------------------------


def booking_plan(
    *,
    space: Space,
    start: dt.datetime,
    end: dt.datetime,
    attendees: int,
    repeat: str = Repeat.NONE,
    until: dt.date | None = None,
    now: dt.datetime | None = None,
) -> list[Occurrence]:
    """What a request would give, date by date, without writing: each date with its problems."""
    now = now or timezone.now()
    dates = occurrences_of(space=space, start=start, end=end, repeat=repeat, until=until)
    hours, closures = list(space.opening_hours.all()), list(space.closures.all())
    for occurrence in dates:
        occurrence.problems = rule_problems(
            space=space,
            start=occurrence.start,
            end=occurrence.end,
            attendees=attendees,
            now=now,
            opening_hours=hours,
            closures=closures,
        )
        if (
            not occurrence.problems
            and occupying_rows(
                [space], start=occurrence.start, end=occurrence.end, buffer=space.buffer
            ).exists()
        ):
            occurrence.taken = True
            occurrence.problems.append(_("This slot is already taken."))
    return dates


def booking_create(
    *,
    space: Space,
    actor: Actor,
    user: User,
    start: dt.datetime,
    end: dt.datetime,
    purpose: str,
    attendees: int,
    repeat: str = Repeat.NONE,
    until: dt.date | None = None,
    skip_conflicts: bool = False,
    now: dt.datetime | None = None,
) -> list[Booking]:
    """Request a space on behalf of ``actor``: confirmed at once, or waiting for a manager.

    A series is all-or-nothing unless ``skip_conflicts``: then the dates that break a rule or
    are taken are left out (and at least one date must remain). Returns the created rows.
    """
    if not _is_member(user, actor):
        raise PermissionDenied(_("You can only book on behalf of an actor you are a member of."))
    if not purpose.strip():
        raise ValidationError(_("Say what the space is for."), code="purpose")
    now = now or timezone.now()
    with transaction.atomic():
        space = _lock(space)
        # Only an approved actor books: a throwaway one would get round the quota per actor.
        require_approved_actor(actor)
        if not space.is_active:
            raise ValidationError(_("This space does not take bookings."), code="inactive")
        expire_requests(space=space, now=now)
        dates = booking_plan(
            space=space,
            start=start,
            end=end,
            attendees=attendees,
            repeat=repeat,
            until=until,
            now=now,
        )
        active = Booking.objects.filter(
            space=space,
            actor=actor,
            status__in=(Booking.Status.PENDING, Booking.Status.CONFIRMED),
            end__gt=now,
        ).count()
        for occurrence in dates:
            if not occurrence.problems and active >= space.max_active_per_actor:
                occurrence.problems.append(
                    _("Your actor already has %(count)d active bookings of this space.")
                    % {"count": space.max_active_per_actor}
                )
            elif not occurrence.problems:
                active += 1
        _raise_for(dates, space, skip_conflicts=skip_conflicts)
        series = uuid.uuid4() if len(dates) > 1 else None
        status = Booking.Status.PENDING if space.requires_approval else Booking.Status.CONFIRMED
        created = []
        for occurrence in dates:
            if occurrence.problems:
                continue
            booking = Booking(
                space=space,
                actor=actor,
                requested_by=user,
                series=series,
                uid=_new_uid(),
                start=occurrence.start,
                end=occurrence.end,
                buffer=space.buffer,
                occupied_until=occurrence.end + space.buffer,
                status=status,
                occupies=status == Booking.Status.CONFIRMED,
                purpose=purpose.strip(),
                attendees=attendees,
                expires_at=occurrence.start if status == Booking.Status.PENDING else None,
                created_at=now,
            )
            try:
                _insert(booking)
            except SlotTaken:
                if not (skip_conflicts and series):
                    raise
                occurrence.problems.append(_("This slot was just taken."))
                continue
            created.append(booking)
        if not created:
            raise SlotTaken()
        booking_created_notify(bookings=created)
    return created


def _raise_for(dates: list[Occurrence], space: Space, *, skip_conflicts: bool) -> None:
    blocked = [occurrence for occurrence in dates if occurrence.problems]
    if not blocked:
        return
    if len(dates) == 1:
        if dates[0].taken and len(dates[0].problems) == 1:
            raise SlotTaken()
        raise ValidationError(dates[0].problems, code="rules")
    if skip_conflicts and len(blocked) < len(dates):
        return
    messages = [
        _("%(date)s: %(problems)s")
        % {"date": _when(occurrence.start, space), "problems": " ".join(occurrence.problems)}
        for occurrence in blocked
    ]
    raise ValidationError(messages, code="series_conflicts")


def booking_approve(*, booking: Booking, user: User, now: dt.datetime | None = None) -> Booking:
    """Confirm a request, and decline in the same transaction the requests it collides with."""
    now = now or timezone.now()
    with transaction.atomic():
        space = _lock(booking.space)
        _require_manager(user, space)
        expire_requests(space=space, now=now)
        booking = Booking.objects.select_for_update().get(pk=booking.pk)
        if booking.status != Booking.Status.PENDING:
            raise ValidationError(_("This request was already decided."), code="decided")
        # An actor archived (or sent back to review) since it asked no longer books.
        require_approved_actor(booking.actor)
        booking.status = Booking.Status.CONFIRMED
        booking.occupies = True
        booking.decided_by, booking.decided_at = user, now
        booking.sequence = F("sequence") + 1
        try:
            with transaction.atomic():
                booking.save()
        except IntegrityError as error:
            if _is_overlap(error):
                raise SlotTaken(_("Another booking already occupies this slot.")) from error
            raise
        booking.refresh_from_db()
        # Both buffers count: the same test the database applies to occupying rows.
        losers = list(
            Booking.objects.filter(space=space, status=Booking.Status.PENDING)
            .overlapping(start=booking.start, until=booking.occupied_until)
            .exclude(pk=booking.pk)
            .select_for_update()
        )
        reason = _("Another request for this slot was approved.")
        for loser in losers:
            loser.status = Booking.Status.DECLINED
            loser.decided_by, loser.decided_at, loser.reason = user, now, reason
            loser.sequence += 1
            loser.save(update_fields=["status", "decided_by", "decided_at", "reason", "sequence"])
        booking_decided_notify(bookings=[booking, *losers])
    return booking


def booking_decline(
    *, booking: Booking, user: User, reason: str, now: dt.datetime | None = None
) -> Booking:
    if not reason.strip():
        raise ValidationError(_("Give the requester a reason."), code="reason")
    now = now or timezone.now()
    with transaction.atomic():
        _require_manager(user, booking.space)
        booking = Booking.objects.select_for_update().get(pk=booking.pk)
        if booking.status != Booking.Status.PENDING:
            raise ValidationError(_("This request was already decided."), code="decided")
        booking.status = Booking.Status.DECLINED
        booking.decided_by, booking.decided_at, booking.reason = user, now, reason.strip()
        booking.sequence += 1
        booking.save(update_fields=["status", "decided_by", "decided_at", "reason", "sequence"])
        booking_decided_notify(bookings=[booking])
    return booking


def booking_cancel(
    *, booking: Booking, user: User, reason: str = "", now: dt.datetime | None = None
) -> Booking:
    """The requester (or an administrator of its actor) cancels; a manager cancels with a reason."""
    now = now or timezone.now()
    with transaction.atomic():
        booking = Booking.objects.select_for_update().select_related("space").get(pk=booking.pk)
        manager = is_manager(user, booking.space)
        own = booking.requested_by_id == user.pk or (
            Membership.objects.admins().filter(actor_id=booking.actor_id, user=user).exists()
        )
        if not (own or manager):
            raise PermissionDenied(_("You can only cancel your own bookings."))
        if manager and not own and not reason.strip():
            raise ValidationError(_("Give the requester a reason."), code="reason")
        if not booking.is_active:
            raise ValidationError(_("This booking is no longer active."), code="inactive")
        if booking.end <= now:
            raise ValidationError(_("This booking is over."), code="past")
        was_confirmed = booking.status == Booking.Status.CONFIRMED
        booking.status = Booking.Status.CANCELLED
        booking.occupies = False
        booking.reason = reason.strip()
        booking.decided_by, booking.decided_at = user, now
        booking.sequence += 1
        booking.save(
            update_fields=["status", "occupies", "reason", "decided_by", "decided_at", "sequence"]
        )
        booking_cancelled_notify(booking=booking, by_manager=not own, was_confirmed=was_confirmed)
    return booking


def booking_series_cancel(
    *, booking: Booking, user: User, reason: str = "", now: dt.datetime | None = None
) -> list[Booking]:
    """Cancel every coming date of ``booking``'s series that is still active, in one
    transaction, with the permissions of ``booking_cancel``. The requester hears of it once:
    the series' CANCEL when no date of it stays in their calendar (dates already past stay),
    else the updated series. Returns the cancelled rows."""
    if not booking.series:
        return [booking_cancel(booking=booking, user=user, reason=reason, now=now)]
    now = now or timezone.now()
    with transaction.atomic():
        rows = list(
            Booking.objects.select_for_update()
            .select_related("space")
            .filter(series=booking.series)
            .order_by("start")
        )
        first = rows[0]
        manager = is_manager(user, first.space)
        own = first.requested_by_id == user.pk or (
            Membership.objects.admins().filter(actor_id=first.actor_id, user=user).exists()
        )
        if not (own or manager):
            raise PermissionDenied(_("You can only cancel your own bookings."))
        if manager and not own and not reason.strip():
            raise ValidationError(_("Give the requester a reason."), code="reason")
        coming = [row for row in rows if row.is_active and row.end > now]
        if not coming:
            raise ValidationError(_("No date of this series can still be cancelled."), code="past")
        was_confirmed = any(row.status == Booking.Status.CONFIRMED for row in coming)
        for row in coming:
            row.status = Booking.Status.CANCELLED
            row.occupies = False
            row.reason = reason.strip()
            row.decided_by, row.decided_at = user, now
            row.sequence += 1
            row.save(
                update_fields=[
                    "status",
                    "occupies",
                    "reason",
                    "decided_by",
                    "decided_at",
                    "sequence",
                ]
            )
        bookings_cancelled_notify(
            bookings=coming,
            by_manager=not own,
            was_confirmed=was_confirmed,
            key=f"network.booking.series:{booking.series}:cancelled:{series_sequence(rows)}",
        )
    return coming


def bookings_housekeeping(*, now: dt.datetime | None = None) -> dict[str, int]:
    """The periodic task's work: expire requests nobody decided on in time, and remind
    requesters the day before a confirmed booking. Running it twice changes nothing more:
    each reminder is claimed by setting ``reminder_sent_at`` where it is still empty."""
    now = now or timezone.now()
    expired = expire_requests(now=now)
    due = Booking.objects.filter(
        status=Booking.Status.CONFIRMED,
        reminder_sent_at=None,
        start__gt=now,
        start__lte=now + REMINDER_BEFORE,
    ).values_list("pk", flat=True)
    reminded = 0
    for pk in list(due):
        with transaction.atomic():
            if Booking.objects.filter(pk=pk, reminder_sent_at=None).update(reminder_sent_at=now):
                booking_reminder_notify(booking=Booking.objects.get(pk=pk))
                reminded += 1
    return {"expired": expired, "reminded": reminded}


def actors_for_booking(user: User | AnonymousUser | None) -> ActorQuerySet:
    """The actors a person may book on behalf of: approved ones they are a member of."""
    if not (user and user.is_authenticated):
        return Actor.objects.none()
    return (
        Actor.objects.published()
        .filter(memberships__user=user, memberships__status=Membership.Status.ACTIVE)
        .order_by("name")
    )


def bookings_cancel_ahead(user: User) -> None:
    """Before a person's account goes: cancel, as if they did, their requests and bookings that
    have not started yet (in the caller's transaction, notifications included)."""
    active = [Booking.Status.PENDING, Booking.Status.CONFIRMED]
    now = timezone.now()
    future = user.space_bookings.filter(status__in=active, start__gt=now)
    for booking in future.order_by("start", "pk"):
        booking_cancel(booking=booking, user=user, now=now)
