"""Reads about meeting spaces: search, a week of availability, free slots, people's bookings.

Nothing here names who booked a slot: the public sees "booked", only the requester, the actor's
administrators and the space's managers see a booking itself.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from django.db.models import Count, Prefetch, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import ngettext

from network.directory.models import Membership
from network.directory.selectors import with_descendants
from website import sitesearch, textsearch
from website.accounts.selectors import when

from .models import Booking, Closure, OpeningHours, Space
from .notifications import BOOKING_CALENDAR_RELATED
from .services import occupation, occupations, rule_problems

if TYPE_CHECKING:
    from website.accounts.models import User

    from .models import BookingQuerySet, SpaceQuerySet

    # A span of time, from its start (included) to its end (excluded).
    Interval = tuple[dt.datetime, dt.datetime]

# The week view and free slots are cut in steps of this length.
SLOT_STEP = dt.timedelta(minutes=30)
# Where the words are looked for (folded: see website.textsearch).
SEARCH_FIELDS = ["name", "address", "territory__name"]


def spaces_for_listing() -> SpaceQuerySet:
    return (
        Space.objects.active()
        .select_related("territory", "owner_territory", "owner_actor")
        .prefetch_related(
            Prefetch("opening_hours", queryset=OpeningHours.objects.order_by("weekday", "opens")),
            Prefetch("closures", queryset=Closure.objects.order_by("starts_on")),
        )
    )


def spaces_filtered(*, filters: Mapping[str, Any]) -> SpaceQuerySet:
    """Active spaces matching capacity, equipment, accessibility, territory (and below) and
    words, as a queryset with what listings read (a fixed number of queries)."""
    spaces = spaces_for_listing()
    if filters.get("capacity"):
        spaces = spaces.filter(capacity__gte=filters["capacity"])
    for name in filters.get("equipment") or ():
        if name in Space.EQUIPMENT:
            spaces = spaces.filter(**{name: True})
    for name in filters.get("accessibility") or ():
        if name in Space.ACCESSIBILITY:
            spaces = spaces.filter(**{name: True})
    if filters.get("territory"):
        spaces = spaces.filter(territory_id__in=with_descendants(filters["territory"]))
    if filters.get("q"):
        terms = textsearch.search_terms(filters["q"])
        spaces = spaces.filter(textsearch.matching(terms, SEARCH_FIELDS, fuzzy=("name",)))
    return spaces


def spaces_search(*, filters: Mapping[str, Any], now: dt.datetime | None = None) -> list[Space]:
    """Spaces matching the filters of ``SpaceSearchForm.cleaned_data``; with a start and a
    duration, only those where that slot could be booked (rules and occupation), each with
    its problems left out. Queries: a fixed number whatever the count of spaces."""
    spaces = list(spaces_filtered(filters=filters).order_by("name"))
    day, start_time, duration = filters.get("date"), filters.get("time"), filters.get("duration")
    if not (day and start_time and duration):
        return spaces
    now = now or timezone.now()
    # The date and time asked are read in each space's own zone: "Tuesday 14:00" in Dakar
    # is Tuesday 14:00 there.
    slots = {}
    for space in spaces:
        start = dt.datetime.combine(day, start_time, tzinfo=space.zone)
        slots[space.pk] = (start, start + duration)
    if not slots:
        return spaces
    earliest = min(start for start, _ in slots.values())
    latest = max(end for _, end in slots.values())
    occupied = occupations(spaces, start=earliest, end=latest)
    free = []
    for space in spaces:
        start, end = slots[space.pk]
        if rule_problems(
            space=space,
            start=start,
            end=end,
            attendees=filters.get("capacity"),
            now=now,
            opening_hours=list(space.opening_hours.all()),
            closures=list(space.closures.all()),
        ):
            continue
        if occupied[space.pk].blocks(start, end):
            continue
        space.searched_start = start
        free.append(space)
    return free


def space_for_page(*, slug: str) -> Space:
    return spaces_for_listing().prefetch_related("managers").get(slug=slug)


@dataclasses.dataclass
class Cell:
    start: dt.datetime
    state: str  # "closed", "free", "booked", "past"


def week_view(
    *, space: Space, monday: dt.date, now: dt.datetime | None = None
) -> dict[str, list[Any]]:
    """Rows of half hours (local time) by seven days: the state of each cell, for a table.

    A cell is "free" only if a booking of just that half hour would be taken: "booked" covers
    a booking, its buffer, and the buffer a booking of the cell would need before the next;
    "too_late" is inside the space's minimum notice, "not_yet" beyond its horizon."""
    now = now or timezone.now()
    zone = space.zone
    hours = list(space.opening_hours.all())
    closures = list(space.closures.all())
    if hours:
        first = min(h.opens for h in hours)
        last = max(h.closes for h in hours)
    else:
        first, last = dt.time(9), dt.time(18)
    days = [monday + dt.timedelta(days=offset) for offset in range(7)]
    week_start = dt.datetime.combine(monday, dt.time(0), tzinfo=zone)
    week_end = dt.datetime.combine(monday + dt.timedelta(days=7), dt.time(0), tzinfo=zone)
    occupied = occupation(space, start=week_start, end=week_end)
    rows = []
    moment = dt.datetime.combine(monday, first)
    stop = dt.datetime.combine(monday, last)
    while moment < stop:
        cells = []
        for day in days:
            start = dt.datetime.combine(day, moment.time(), tzinfo=zone)
            end = start + SLOT_STEP
            if start < now:
                state = "past"
            elif start < now + space.min_notice:
                state = "too_late"
            elif start > now + space.horizon:
                state = "not_yet"
            elif occupied.blocks(start, end):
                state = "booked"
            elif _is_open(hours, closures, start.astimezone(zone), end.astimezone(zone)):
                state = "free"
            else:
                state = "closed"
            cells.append(Cell(start, state))
        rows.append({"time": moment.time(), "cells": cells})
        moment += SLOT_STEP
    return {"days": days, "rows": rows}


def _is_open(
    hours: Iterable[OpeningHours],
    closures: Iterable[Closure],
    local_start: dt.datetime,
    local_end: dt.datetime,
) -> bool:
    if any(c.starts_on <= local_start.date() <= c.ends_on for c in closures):
        return False
    return any(
        h.weekday == local_start.weekday()
        and h.opens <= local_start.time()
        and local_end.time() <= h.closes
        for h in hours
    )


def free_slots(
    *,
    space: Space,
    day: dt.date,
    duration: dt.timedelta,
    now: dt.datetime | None = None,
    limit: int = 48,
) -> list[Interval]:
    """Starts on ``day`` (local) where a booking of ``duration`` passes every rule and is free."""
    now = now or timezone.now()
    zone = space.zone
    hours = list(space.opening_hours.all())
    closures = list(space.closures.all())
    day_start = dt.datetime.combine(day, dt.time(0), tzinfo=zone)
    occupied = occupation(space, start=day_start, end=day_start + dt.timedelta(days=1) + duration)
    slots = []
    for h in (h for h in hours if h.weekday == day.weekday()):
        start = dt.datetime.combine(day, h.opens, tzinfo=zone)
        while start + duration <= dt.datetime.combine(day, h.closes, tzinfo=zone):
            end = start + duration
            if not rule_problems(
                space=space,
                start=start,
                end=end,
                attendees=None,
                now=now,
                opening_hours=hours,
                closures=closures,
            ) and not occupied.blocks(start, end):
                slots.append((start, end))
            start += SLOT_STEP
            if len(slots) >= limit:
                return slots
    return slots


def bookings_of(*, user: User) -> BookingQuerySet:
    """A person's bookings and those of the actors they administer."""
    admin_of = Membership.objects.admins().filter(user=user).values("actor_id")
    return (
        Booking.objects.filter(Q(requested_by=user) | Q(actor_id__in=admin_of))
        .select_related("space", "actor")
        .order_by("-start")
    )


def manager_queue(*, user: User, now: dt.datetime | None = None) -> dict[str, list[Booking]]:
    """Pending requests and upcoming bookings of the spaces a person manages."""
    now = now or timezone.now()
    bookings = Booking.objects.filter(end__gt=now).select_related("space", "actor", "requested_by")
    if not user.is_superuser:
        bookings = bookings.filter(space__managers=user)
    return {
        "pending": list(awaiting_decision(bookings, now=now).order_by("start")),
        "confirmed": list(bookings.filter(status=Booking.Status.CONFIRMED).order_by("start")[:200]),
    }


def managed_spaces(*, user: User) -> SpaceQuerySet:
    """The spaces a person manages (every space for a superuser)."""
    spaces = Space.objects.select_related("territory").order_by("name")
    return spaces if user.is_superuser else spaces.filter(managers=user)


def space_feed_bookings(*, space: Space, since: dt.datetime) -> list[Booking]:
    """The rows of a space's calendar feed: every status (the feed leaves some out, its
    validators do not), ending after ``since``."""
    return list(
        Booking.objects.filter(space=space, end__gte=since)
        .select_related(*BOOKING_CALENDAR_RELATED, "actor")
        .order_by("start", "pk")
    )


# The longest span one availability answer covers.
MAX_AVAILABILITY_DAYS = 31


def _subtract(intervals: Iterable[Interval], busy: Sequence[Interval]) -> list[Interval]:
    """``intervals`` (sorted, disjoint) minus the ``busy`` ones, as (start, end) pairs."""
    free = []
    for start, end in intervals:
        pieces = [(start, end)]
        for begins, until in busy:
            pieces = [
                part
                for piece_start, piece_end in pieces
                for part in (
                    ((piece_start, min(piece_end, begins)), (max(piece_start, until), piece_end))
                    if begins < piece_end and piece_start < until
                    else ((piece_start, piece_end),)
                )
                if part[1] > part[0]
            ]
        free.extend(pieces)
    return free


def availability(
    *, space: Space, first_day: dt.date, last_day: dt.date, now: dt.datetime | None = None
) -> dict[str, list[Interval]]:
    """When a space is busy and when it can still be booked, from ``first_day`` to
    ``last_day`` (local dates, both included). Names nobody: a busy interval is an occupying
    booking and its buffer, whoever made it. A free interval is open (opening hours, not a
    closure), after the minimum notice and within the horizon, at least as long as the
    shortest booking, and a booking anywhere inside it would be taken: it ends one buffer
    before the next busy interval, since a booking's own buffer must not run into the next
    (``booking.Occupation``). Queries: one (with the space's hours and closures prefetched)."""
    now = now or timezone.now()
    zone = space.zone
    window_start = dt.datetime.combine(first_day, dt.time(0), tzinfo=zone)
    window_end = dt.datetime.combine(last_day + dt.timedelta(days=1), dt.time(0), tzinfo=zone)
    occupied = occupation(space, start=window_start, end=window_end)
    busy = [
        (max(start, window_start), min(until, window_end))
        for start, until in occupied.rows
        # Rows just after the window are read for their effect on its end, not shown.
        if start < window_end and until > window_start
    ]
    hours = list(space.opening_hours.all())
    closures = list(space.closures.all())
    bookable_from, bookable_until = now + space.min_notice, now + space.horizon
    # From the next half hour: the times the booking form offers.
    step = int(SLOT_STEP.total_seconds())
    bookable_from = dt.datetime.fromtimestamp(
        -(-int(bookable_from.timestamp()) // step) * step, tz=dt.UTC
    )
    open_intervals = []
    day = first_day
    while day <= last_day:
        if not any(c.starts_on <= day <= c.ends_on for c in closures):
            for h in sorted(
                (h for h in hours if h.weekday == day.weekday()), key=lambda h: h.opens
            ):
                start = max(dt.datetime.combine(day, h.opens, tzinfo=zone), bookable_from)
                end = dt.datetime.combine(day, h.closes, tzinfo=zone)
                if start > bookable_until:
                    continue
                end = min(end, bookable_until + space.max_duration)
                if end > start:
                    open_intervals.append((start, end))
        day += dt.timedelta(days=1)
    free = [
        (start, end)
        for start, end in _subtract(open_intervals, occupied.blocked())
        if end - start >= space.min_duration
    ]
    return {"busy": busy, "free": free}


def awaiting_decision(bookings: BookingQuerySet, *, now: dt.datetime) -> BookingQuerySet:
    """The requests of ``bookings`` a manager may still decide. A request still "pending"
    whose time or delay passed is expired, even before the periodic task writes it so
    (``network.booking.expire_requests``)."""
    return bookings.filter(status=Booking.Status.PENDING, end__gt=now).filter(
        Q(expires_at__isnull=True) | Q(expires_at__gt=now)
    )


def bookings_to_decide(*, user: User, now: dt.datetime | None = None) -> list[dict[str, Any]]:
    """The spaces a person manages (all of them for a superuser) that have requests waiting
    for a decision, as dicts of ``name``, ``slug`` and ``count``, by name. One query."""
    now = now or timezone.now()
    pending = awaiting_decision(Booking.objects.all(), now=now)
    if not user.is_superuser:
        pending = pending.filter(space__managers=user)
    return list(
        pending.values("space__name", "space__slug")
        .annotate(count=Count("pk"))
        .order_by("space__name")
    )


def personal_data(user: User) -> list[dict[str, Any]]:
    """Room bookings the person asked for, for their export."""
    return [
        {
            "space": str(booking.space),
            "start": when(booking.start),
            "end": when(booking.end),
            "status": booking.status,
            "purpose": booking.purpose,
            "requested_at": when(booking.created_at),
        }
        for booking in Booking.objects.filter(requested_by=user).select_related("space")
    ]


def search_group(*, query: str, limit: int) -> sitesearch.Group:
    """The site search's group of meeting spaces: active ones matching the words, with the
    spaces' listing filtered by the same words."""
    spaces = spaces_filtered(filters={"q": query}).order_by("name", "pk")
    hits = [
        sitesearch.Hit(
            title=space.name,
            url=space.get_absolute_url(),
            context=" · ".join(
                part
                for part in (
                    str(space.territory or ""),
                    ngettext("%(count)d person", "%(count)d people", space.capacity)
                    % {"count": space.capacity},
                )
                if part
            ),
            summary=space.address,
        )
        for space in spaces[:limit]
    ]
    more = f"{reverse('spaces:spaces')}?{urlencode({'q': query})}"
    return sitesearch.Group(hits=hits, total=spaces.count(), more_url=more)
