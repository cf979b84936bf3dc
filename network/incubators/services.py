"""Incubators' programmes and calls for applications: who may manage them, writing them, and
telling subscribers when a call opens and before it closes.

The state of a call (coming, open, closing soon, closed) is never stored: it is computed from
its dates by ``CallQuerySet.with_state`` (network.models), the one place of that rule.
"""

from __future__ import annotations

import datetime as dt
import logging
import zoneinfo
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from network.directory.permissions import can_moderate
from network.directory.services import is_actor_admin, require_approved_actor
from website import wording
from website.addresses import absolute_url
from website.calendars.ical import calendar_from_vevents, vevent
from website.calendars.uids import calendar_uid

from .models import Call, CallState, Programme

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser
    from django.http import HttpRequest
    from icalendar import Calendar

    from network.directory.models import Actor, Sector
    from website.accounts.models import User

    from .models import CallQuerySet

logger = logging.getLogger(__name__)

# A deadline given as a day closes at the end of that day, in the call's own time zone.
END_OF_DAY = dt.time(23, 59, 59)
# Subscribers are reminded this long before a call closes.
REMIND_BEFORE_CLOSING = dt.timedelta(days=3)
# Fields whose change moves the call in people's calendars (SEQUENCE goes up).
CALENDAR_FIELDS = ("title", "opens_at", "pre_deposit_at", "closes_at", "cadence")

PROGRAMME_FIELDS = (
    "name",
    "description",
    "offers_hosting",
    "offers_training",
    "offers_funding",
    "offers_mentoring",
    "offers_advice",
    "territory",
    "duration",
    "cost",
    "eligibility",
    "audience",
    "is_active",
)
CALL_FIELDS = (
    "title",
    "cadence",
    "recurrence",
    "description",
    "time_zone",
    "opens_at",
    "pre_deposit_at",
    "closes_at",
    "apply_url",
    "apply_email",
)


def local_moment(day: dt.date, time: dt.time | None, zone_name: str) -> dt.datetime:
    """A day and an optional time written in ``zone_name``, as an aware datetime (UTC stored).
    Without a time, the end of the day."""
    return dt.datetime.combine(day, time or END_OF_DAY, tzinfo=zoneinfo.ZoneInfo(zone_name))


# --- permissions -------------------------------------------------------------------------


def can_manage_programmes(user: User | AnonymousUser | None, actor: Actor) -> bool:
    """An incubator's admins (and moderators) manage its programmes and calls."""
    return actor.is_incubator and (is_actor_admin(user, actor) or can_moderate(user))


def _require_manager(user: User | AnonymousUser | None, actor: Actor) -> None:
    """Who may write (an incubator's admins, moderators), and for whom: only an incubator a
    moderator approved runs programmes and calls."""
    if not can_manage_programmes(user, actor):
        raise PermissionDenied(_("Only the incubator's administrators can do this."))
    require_approved_actor(actor)


# --- programmes --------------------------------------------------------------------------


def _unique_slug(name: str, *, exclude_pk: int | None = None) -> str:
    base = slugify(name)[:200] or "programme"
    if base == "manage":  # the managing pages' address
        base = "manage-programme"
    slug, n = base, 2
    while Programme.objects.exclude(pk=exclude_pk).filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def programme_create(
    *, user: User, actor: Actor, values: Mapping[str, Any], sectors: Iterable[Sector] = ()
) -> Programme:
    _require_manager(user, actor)
    programme = Programme(actor=actor, **{k: v for k, v in values.items() if k in PROGRAMME_FIELDS})
    programme.slug = _unique_slug(programme.name)
    programme.full_clean()
    programme.save()
    programme.sectors.set(sectors)
    return programme


@transaction.atomic
def programme_update(
    *,
    user: User,
    programme: Programme,
    values: Mapping[str, Any],
    sectors: Iterable[Sector] | None = None,
) -> Programme:
    _require_manager(user, programme.actor)
    for name, value in values.items():
        if name in PROGRAMME_FIELDS:
            setattr(programme, name, value)
    programme.full_clean()
    programme.save()
    if sectors is not None:
        programme.sectors.set(sectors)
    return programme


# --- calls -------------------------------------------------------------------------------


def _announce_after_commit(call: Call, now: dt.datetime | None = None) -> None:
    """A call already open when saved is announced at once after commit; one still coming
    is found by the periodic ``calls_announce_due`` when its time comes."""
    now = now or timezone.now()
    if call.opens_at <= now and (call.closes_at is None or call.closes_at > now):
        from .tasks import announce_call

        def announce() -> None:
            try:
                announce_call.delay(call.pk)
            except Exception:  # noqa: BLE001 - the broker is down: calls_alert announces it
                logger.warning("Broker unavailable: call %s waits for calls_alert", call.pk)

        transaction.on_commit(announce)


@transaction.atomic
def call_create(*, user: User, programme: Programme, values: Mapping[str, Any]) -> Call:
    _require_manager(user, programme.actor)
    call = Call(programme=programme, **{k: v for k, v in values.items() if k in CALL_FIELDS})
    call.full_clean()
    call.save()
    _announce_after_commit(call)
    return call


@transaction.atomic
def call_update(*, user: User, call: Call, values: Mapping[str, Any]) -> Call:
    call = Call.objects.select_for_update().select_related("programme__actor").get(pk=call.pk)
    _require_manager(user, call.programme.actor)
    before = {name: getattr(call, name) for name in CALENDAR_FIELDS}
    for name, value in values.items():
        if name in CALL_FIELDS:
            setattr(call, name, value)
    call.full_clean()
    if any(getattr(call, name) != value for name, value in before.items()):
        call.sequence += 1
    if call.opens_at != before["opens_at"] and call.opens_at > timezone.now():
        # Moved to a later opening before it was announced, or re-opened later: announce
        # it when it opens.
        call.announced_at = None
    call.save()
    _announce_after_commit(call)
    return call


# --- alerts ------------------------------------------------------------------------------


def _alertable(now: dt.datetime) -> CallQuerySet:
    """Calls of public programmes that people can apply to at ``now``."""
    return Call.objects.filter(programme__in=Programme.objects.public()).open_now(now)


def calls_due_for_announcement(now: dt.datetime | None = None) -> list[int]:
    now = now or timezone.now()
    return list(_alertable(now).filter(announced_at__isnull=True).values_list("pk", flat=True))


def calls_due_for_reminder(now: dt.datetime | None = None) -> list[int]:
    """Calls closing within REMIND_BEFORE_CLOSING, not yet reminded of this closing date.

    A call announced when it was already that close is not reminded: the announcement said
    the deadline a moment ago."""
    now = now or timezone.now()
    return list(
        _alertable(now)
        .filter(
            closes_at__lte=now + REMIND_BEFORE_CLOSING,
            announced_at__lt=F("closes_at") - REMIND_BEFORE_CLOSING,
        )
        .filter(Q(reminded_for__isnull=True) | ~Q(reminded_for=F("closes_at")))
        .values_list("pk", flat=True)
    )


@transaction.atomic
def call_announce(*, call_id: int, now: dt.datetime | None = None) -> bool:
    """Tell the call's followers that it opened, once: the row is claimed by a conditional
    update, so a second run (or a concurrent one) finds it announced and does nothing."""
    from .notifications import call_opened_notify

    now = now or timezone.now()
    claimed = _alertable(now).filter(pk=call_id, announced_at__isnull=True).update(announced_at=now)
    if not claimed:
        return False
    call_opened_notify(call=_loaded(call_id))
    return True


@transaction.atomic
def call_remind(*, call_id: int, now: dt.datetime | None = None) -> bool:
    """Remind the call's followers that it closes soon, once per closing date."""
    from .notifications import call_closing_notify

    now = now or timezone.now()
    call = _alertable(now).filter(pk=call_id).values("closes_at").first()
    if call is None or call["closes_at"] is None:
        return False
    claimed = (
        Call.objects.filter(pk=call_id, closes_at=call["closes_at"])
        .exclude(reminded_for=call["closes_at"])
        .update(reminded_for=call["closes_at"])
    )
    if not claimed:
        return False
    call_closing_notify(call=_loaded(call_id))
    return True


def _loaded(call_id: int) -> Call:
    return (
        Call.objects.select_related("programme__actor__territory", "programme__territory")
        .prefetch_related("programme__sectors")
        .get(pk=call_id)
    )


def calls_alert(*, now: dt.datetime | None = None) -> dict[str, int]:
    """The periodic task's work: announce calls that opened, remind those closing soon.
    Safe to run twice: each call is claimed once per alert."""
    now = now or timezone.now()
    announced = sum(call_announce(call_id=pk, now=now) for pk in calls_due_for_announcement(now))
    reminded = sum(call_remind(call_id=pk, now=now) for pk in calls_due_for_reminder(now))
    return {"announced": announced, "reminded": reminded}


def call_state(call: Call, now: dt.datetime | None = None) -> CallState | None:
    """The state of one call, from the same rule the listings use."""
    now = now or timezone.now()
    row = Call.objects.with_state(now).filter(pk=call.pk).values_list("state", flat=True).first()
    return CallState(row) if row else None


# --- display -----------------------------------------------------------------------------
# A call's dates are told in the call's own zone (where the incubator reads its mail), then in
# the reader's when their clock differs: a Dakar deadline of 11 December 23:59 is "vendredi 11
# décembre 2026, 23 h 59 (heure de Dakar) ; soit samedi 12 décembre 2026, 0 h 59, heure de
# Paris", never "12 décembre 00:59 (Europe/Paris)".


def machine_time(moment: dt.datetime, zone: str | dt.tzinfo) -> dt.datetime:
    """A moment for ``<time datetime>``: in ``zone``, whole seconds (HTML allows no more than
    three decimals)."""
    return timezone.localtime(moment, zoneinfo.ZoneInfo(str(zone))).replace(microsecond=0)


def with_dates_for_reader(calls: Iterable[Call], reader_zone: str | dt.tzinfo | None) -> list[Call]:
    """``calls`` as a list, each with ``dates_told``: its opening, pre-deposit and closing
    (those it has) as ``{"machine": ..., "words": ...}`` for ``reader_zone``."""
    calls = list(calls)
    for call in calls:
        call.dates_told = {
            name: {
                "machine": machine_time(moment, call.time_zone).isoformat(),
                "words": wording.moment_for_reader(moment, call.time_zone, reader_zone),
            }
            for name, moment in (
                ("opens", call.opens_at),
                ("pre_deposit", call.pre_deposit_at),
                ("closes", call.closes_at),
            )
            if moment is not None
        }
    return calls


# --- calendar ----------------------------------------------------------------------------


def deadline_uid(call: Call, which: str) -> str:
    """Stable UIDs from the call's stored UUID: one for its closing, one for its pre-deposit."""
    return calendar_uid(f"call-{call.uid}-{which}")


def deadlines_calendar(calls: Iterable[Call], *, request: HttpRequest | None = None) -> Calendar:
    """A VCALENDAR with one VEVENT per closing date and per pre-deposit date of ``calls``.

    A deadline is a moment, written in UTC: DTSTART without DTEND (RFC 5545 3.6.1: it ends
    when it starts). SEQUENCE is the call's, bumped when its dates change.
    """
    vevents = []
    for call in calls:
        url = absolute_url(call.get_absolute_url())
        actor = call.programme.actor.name
        for which, moment, label, told in (
            (
                "pre-deposit",
                call.pre_deposit_at,
                _("Pre-application due: %(title)s (%(actor)s)"),
                _("Pre-application due: %(when)s"),
            ),
            (
                "closes",
                call.closes_at,
                _("Deadline: %(title)s (%(actor)s)"),
                _("Deadline: %(when)s"),
            ),
        ):
            if moment is None:
                continue
            # The calendar shows DTSTART in its owner's zone; the description keeps the
            # call's own (a feed has no reader to add: it is the same for everybody).
            when = wording.moment_for_reader(moment, call.time_zone, None)
            description = (told % {"when": when}, _("How to apply: %(url)s") % {"url": url})
            vevents.append(
                vevent(
                    deadline_uid(call, which),
                    dtstamp=call.updated_at,
                    sequence=call.sequence,
                    properties=[
                        ("summary", label % {"title": call.title, "actor": actor}),
                        ("dtstart", moment.astimezone(dt.UTC)),
                        ("description", "\n".join(description)),
                        ("url", url),
                        ("categories", [call.programme.name]),
                    ],
                )
            )
    return calendar_from_vevents(vevents, name=_("Deadlines of incubators' calls"))
