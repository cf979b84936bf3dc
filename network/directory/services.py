"""Business rules of the directory: creating actors, proposing and approving changes,
memberships, umbrella networks, needs and offers, duplicates and yearly confirmations.

Every write checks its permission here and runs in one transaction. The public only ever
sees what a moderator approved: a new actor waits in ``pending``, a change to a published
actor waits as an ``ActorChange`` and touches the actor only when approved.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from website.cache import content_changed
from website.geocoding import locate

from .models import (
    Actor,
    ActorChange,
    ActorStatus,
    LegalForm,
    Membership,
    NeedOffer,
    NotDuplicate,
    Sector,
    Territory,
    UmbrellaMembership,
)
from .notifications import (
    actor_decision_notify,
    actor_review_notify,
    change_review_notify,
    membership_request_notify,
    reminder_notify,
    umbrella_decision_notify,
    umbrella_request_notify,
)
from .permissions import can_moderate
from .tokens import CONFIRM_LINK_MAX_AGE, CONFIRM_SALT

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from website.accounts.models import User

# Keeping entries alive: a reminder a year after the last confirmation; an entry nobody
# confirms within STALE_AFTER of the reminder is flagged as possibly out of date.
CONFIRM_EVERY = dt.timedelta(days=365)
STALE_AFTER = dt.timedelta(days=60)

FOREIGN_KEYS = {"legal_form": LegalForm, "territory": Territory}
DECIMALS = ("latitude", "longitude")


# --- permissions -------------------------------------------------------------------------


def is_actor_admin(user: User | AnonymousUser | None, actor: Actor) -> bool:
    if not (user and user.is_authenticated):
        return False
    return Membership.objects.admins().filter(actor=actor, user=user).exists()


def _require_admin(user: User | AnonymousUser | None, actor: Actor) -> None:
    if not (is_actor_admin(user, actor) or can_moderate(user)):
        raise PermissionDenied(_("Only the actor's administrators can do this."))


def _require_moderator(user: User | AnonymousUser | None) -> None:
    if not can_moderate(user):
        raise PermissionDenied(_("Only moderators can do this."))


# --- acting on behalf of an actor --------------------------------------------------------
# Only an actor a moderator approved acts: books spaces, runs programmes and calls, publishes
# needs and offers, joins umbrella networks. Were a pending one allowed, anybody could make
# throwaway actors to get round the per-actor limits (a space's quota of active bookings).

NOT_APPROVED = "actor_not_approved"
WAITING_FOR_REVIEW = (ActorStatus.PENDING, ActorStatus.DUPLICATE)


def actor_may_act(actor: Actor) -> bool:
    return actor.status == ActorStatus.PUBLISHED


def not_approved_message(actor: Actor, status: str | None = None) -> str:
    """Why ``actor`` may not act yet, in the reader's language."""
    status = status or actor.status
    if status == ActorStatus.ARCHIVED:
        return _(
            "%(name)s is archived: it can no longer book spaces, run calls for applications "
            "or publish needs and offers."
        ) % {"name": actor.name}
    if status == ActorStatus.DRAFT:
        return _(
            "%(name)s is not published yet: edit it to submit it for review. Once a moderator "
            "approves it, it can book spaces, run calls for applications and publish needs "
            "and offers."
        ) % {"name": actor.name}
    return _(
        "%(name)s is waiting for a moderator's approval: once approved, it can book spaces, "
        "run calls for applications and publish needs and offers."
    ) % {"name": actor.name}


def require_approved_actor(actor: Actor) -> None:
    """Refuse to act for an actor that is not published, as stored now (the instance the
    caller holds may be older than a moderator's decision)."""
    status = Actor.objects.filter(pk=actor.pk).values_list("status", flat=True).first()
    if status != ActorStatus.PUBLISHED:
        raise ValidationError(not_approved_message(actor, status), code=NOT_APPROVED)


# --- values <-> JSON for proposals -------------------------------------------------------


def serialize_values(values: Mapping[str, Any]) -> dict[str, Any]:
    """Form values (model instances, decimals, querysets) as the JSON a proposal stores."""
    data: dict[str, Any] = {}
    for name in Actor.PUBLIC_FIELDS:
        if name not in values:
            continue
        value = values[name]
        if name == "sectors":
            data[name] = sorted(sector.pk for sector in value)
        elif name in FOREIGN_KEYS:
            data[name] = value.pk if value is not None else None
        elif isinstance(value, Decimal):
            data[name] = str(value)
        else:
            data[name] = value
    return data


def current_values(actor: Actor) -> dict[str, Any]:
    """What the actor holds now, in the proposal's JSON shape."""
    values = {name: getattr(actor, name) for name in Actor.PUBLIC_FIELDS if name != "sectors"}
    values["sectors"] = list(actor.sectors.all())
    return serialize_values(values)


def _apply_values(actor: Actor, data: Mapping[str, Any]) -> list[int] | None:
    """Set proposal values on an actor (unsaved); returns the sector ids to set after save."""
    sectors = None
    for name, value in data.items():
        if name not in Actor.PUBLIC_FIELDS:
            continue
        if name == "sectors":
            sectors = list(Sector.objects.filter(pk__in=value).values_list("pk", flat=True))
        elif name in FOREIGN_KEYS:
            setattr(actor, f"{name}_id", value)
        elif name in DECIMALS:
            setattr(actor, name, Decimal(value) if value not in (None, "") else None)
        else:
            setattr(actor, name, value)
    return sectors


def _decimal_or_none(value: Any) -> Decimal | None:
    return Decimal(value) if value not in (None, "") else None


def _locate(data: dict[str, Any], *, before: Actor | None = None) -> None:
    """Fill the position of proposal ``data`` (its JSON shape) from its address, when it has
    an address and no coordinates, or a new address and the old coordinates (``before``: the
    actor as stored). Coordinates the person gave are kept. Nothing found: the data stays as
    it was for a new actor; a changed address loses the old one's position. The actor without
    a position (``has_location``) is saved all the same."""
    if "address" not in data:
        return
    latitude = _decimal_or_none(
        data.get("latitude", before.latitude if before is not None else None)
    )
    longitude = _decimal_or_none(
        data.get("longitude", before.longitude if before is not None else None)
    )
    territory_id = data.get("territory", before.territory_id if before is not None else None)
    territory = Territory.objects.filter(pk=territory_id).first() if territory_id else None
    position = locate(
        address=data["address"] or "",
        latitude=latitude,
        longitude=longitude,
        before=(before.address, before.latitude, before.longitude) if before else None,
        **(territory.place_hint if territory else {}),
    )
    if position is not None:
        data["latitude"], data["longitude"] = (
            str(value) if value is not None else None for value in position
        )


# Paths of the directory that a profile's slug must not take.
RESERVED_SLUGS = {
    "map",
    "new",
    "mine",
    "needs-and-offers",
    "statistics",
    "open-data",
    "confirm",
    "memberships",
    "umbrella-requests",
    "needs",
    "spaces",
    "programmes",
}


def unique_slug(name: str, *, exclude_pk: int | None = None) -> str:
    base = slugify(name)[:200] or "acteur"
    if base in RESERVED_SLUGS:
        base = f"{base}-ess"
    slug, n = base, 1
    taken = Actor.objects.filter(slug__startswith=base)
    if exclude_pk:
        taken = taken.exclude(pk=exclude_pk)
    existing = set(taken.values_list("slug", flat=True))
    while slug in existing:
        n += 1
        slug = f"{base}-{n}"
    return slug


# --- actors ------------------------------------------------------------------------------


def actor_create(
    *,
    user: User | AnonymousUser | None,
    values: Mapping[str, Any],
    private: Mapping[str, Any] | None = None,
    # A TextChoices member: a tuple to mypy without django-stubs (see [tool.mypy]).
    status: str = ActorStatus.PENDING,  # type: ignore[assignment]
) -> Actor:
    """A signed-in person registers an actor: it waits for a moderator, and they become
    its administrator. ``values`` holds public fields, ``private`` the private contact.
    An address without coordinates is geocoded; when nothing is found the actor is saved
    without a position (``has_location`` tells the caller)."""
    if not (user and user.is_authenticated):
        raise PermissionDenied(_("Log in to add an actor."))
    if status not in (ActorStatus.PENDING, ActorStatus.DRAFT):
        raise PermissionDenied(_("A new actor waits for a moderator before it is published."))
    data = serialize_values(values)
    _locate(data)  # before the transaction: a geocoder may take seconds
    with transaction.atomic():
        actor = Actor(status=status, created_by=user)
        sectors = _apply_values(actor, data)
        for name, value in (private or {}).items():
            if name in Actor.PRIVATE_FIELDS:
                setattr(actor, name, value)
        actor.slug = unique_slug(actor.name)
        actor.full_clean()
        actor.save()
        if sectors:
            actor.sectors.set(sectors)
        Membership.objects.create(
            actor=actor, user=user, role=Membership.Role.ADMIN, status=Membership.Status.ACTIVE
        )
        _flag_if_duplicate(actor)
        if actor.status in WAITING_FOR_REVIEW:
            actor_review_notify(actor=actor)
    return actor


def _flag_if_duplicate(actor: Actor) -> None:
    """A new actor that looks like one already in the directory waits as a potential
    duplicate, for a moderator to decide."""
    from .dedupe import DuplicateIndex, Entry

    index = DuplicateIndex.from_database()
    found = index.find(
        Entry(
            actor.pk,
            actor.name,
            actor.identifier,
            actor.territory_id,
            actor.latitude,
            actor.longitude,
        )
    )
    if found is not None:
        actor_flag_duplicate(actor=actor, of=Actor(pk=found[0].key))
        actor.refresh_from_db(fields=["status", "duplicate_of"])


def actor_update(
    *,
    actor: Actor,
    user: User,
    values: Mapping[str, Any],
    private: Mapping[str, Any] | None = None,
) -> ActorChange | None:
    """An actor admin changes their actor.

    Private contact data is never public: it is saved at once. For an actor not published
    yet, public fields are saved too (nobody sees them) and it goes back to review. For a
    published actor, changed public fields become one pending proposal (replacing an older
    one); the public keeps seeing the approved values. Returns the proposal, if any.
    A new address whose coordinates were not given (or not moved) is geocoded (``_locate``).
    """
    _require_admin(user, actor)
    # Before the transaction (a geocoder may take seconds), against the actor as the person
    # saw it when they edited it.
    proposed = serialize_values(values)
    _locate(proposed, before=actor)
    with transaction.atomic():
        actor = Actor.objects.select_for_update().get(pk=actor.pk)
        private_changed = []
        for name, value in (private or {}).items():
            if name in Actor.PRIVATE_FIELDS and getattr(actor, name) != value:
                setattr(actor, name, value)
                private_changed.append(name)
        if actor.status != ActorStatus.PUBLISHED:
            sectors = _apply_values(actor, proposed)
            submitted = actor.status in (ActorStatus.DRAFT, ActorStatus.ARCHIVED)
            if submitted:
                actor.status = ActorStatus.PENDING
            actor.full_clean()
            actor.save()
            if sectors is not None:
                actor.sectors.set(sectors)
            # Moderators hear of each submission once, not of every edit while it waits.
            if submitted:
                actor_review_notify(actor=actor)
            return None
        if private_changed:
            actor.full_clean()
            actor.save(update_fields=[*private_changed, "updated_at"])
        now = current_values(actor)
        changed = {name: value for name, value in proposed.items() if now.get(name) != value}
        if not changed:
            return None
        # Validate the proposal as it would be applied, without touching the actor.
        preview = Actor.objects.get(pk=actor.pk)
        _apply_values(preview, changed)
        preview.full_clean()
        actor.changes.filter(status=ActorChange.Status.PENDING).update(
            status=ActorChange.Status.SUPERSEDED
        )
        change = ActorChange.objects.create(actor=actor, data=changed, proposed_by=user)
        change_review_notify(change=change)
        return change


def actor_locate(
    *, actor: Actor, before: tuple[str, Decimal | None, Decimal | None] | None = None
) -> bool:
    """Place a saved actor from its address, as ``actor_create`` and ``actor_update`` would
    have (Wagtail's admin saves its form itself, then calls this); ``before``: the address and
    coordinates stored until then. Returns whether the actor has a position now."""
    data: dict[str, Any] = {
        "address": actor.address,
        "latitude": actor.latitude,
        "longitude": actor.longitude,
        "territory": actor.territory_id,
    }
    previous = None
    if before is not None:
        previous = Actor(address=before[0], latitude=before[1], longitude=before[2])
        previous.territory_id = actor.territory_id
    _locate(data, before=previous)
    if data["latitude"] != actor.latitude or data["longitude"] != actor.longitude:
        actor.latitude, actor.longitude = Decimal(data["latitude"]), Decimal(data["longitude"])
        Actor.objects.filter(pk=actor.pk).update(latitude=actor.latitude, longitude=actor.longitude)
        content_changed("directory")
    return actor.has_location


def actor_approve(*, actor: Actor, user: User) -> Actor:
    """A moderator publishes a new actor (pending, or a duplicate found to be none)."""
    _require_moderator(user)
    with transaction.atomic():
        actor = Actor.objects.select_for_update().get(pk=actor.pk)
        if actor.status == ActorStatus.PUBLISHED:
            return actor
        if actor.status not in (ActorStatus.PENDING, ActorStatus.DUPLICATE):
            raise ValidationError(_("Only an actor waiting for review can be approved."))
        now = timezone.now()
        actor.status = ActorStatus.PUBLISHED
        actor.published_at = actor.published_at or now
        actor.confirmed_at = now
        actor.is_stale = False
        actor.duplicate_of = None
        actor.save()
        actor_decision_notify(actor=actor, decision="approved")
    return actor


def actor_reject(*, actor: Actor, user: User, note: str = "") -> Actor:
    """A moderator sends a new actor back to its admins as a draft."""
    _require_moderator(user)
    with transaction.atomic():
        actor = Actor.objects.select_for_update().get(pk=actor.pk)
        if actor.status not in (ActorStatus.PENDING, ActorStatus.DUPLICATE):
            raise ValidationError(_("Only an actor waiting for review can be declined."))
        actor.status = ActorStatus.DRAFT
        actor.save(update_fields=["status", "updated_at"])
        actor_decision_notify(actor=actor, decision="rejected", note=note)
    return actor


def actor_archive(*, actor: Actor, user: User) -> None:
    _require_admin(user, actor)
    with transaction.atomic():
        Actor.objects.filter(pk=actor.pk).update(
            status=ActorStatus.ARCHIVED, updated_at=timezone.now()
        )
        content_changed("directory")


def change_approve(*, change: ActorChange, user: User) -> ActorChange:
    """A moderator approves a proposal: its values go to the actor, in one transaction."""
    _require_moderator(user)
    with transaction.atomic():
        change = ActorChange.objects.select_for_update().get(pk=change.pk)
        if change.status != ActorChange.Status.PENDING:
            raise ValidationError(_("This proposal was already decided."))
        actor = Actor.objects.select_for_update().get(pk=change.actor_id)
        sectors = _apply_values(actor, change.data)
        # The slug stays when the name changes: links to the profile keep working.
        actor.full_clean()
        actor.confirmed_at = timezone.now()
        actor.is_stale = False
        actor.save()
        if sectors is not None:
            actor.sectors.set(sectors)
        change.status = ActorChange.Status.APPROVED
        change.decided_by, change.decided_at = user, timezone.now()
        change.save(update_fields=["status", "decided_by", "decided_at"])
        actor_decision_notify(actor=actor, decision="change_approved", change=change)
    return change


def change_reject(*, change: ActorChange, user: User, note: str = "") -> ActorChange:
    _require_moderator(user)
    with transaction.atomic():
        change = ActorChange.objects.select_for_update().get(pk=change.pk)
        if change.status != ActorChange.Status.PENDING:
            raise ValidationError(_("This proposal was already decided."))
        change.status = ActorChange.Status.REJECTED
        change.decided_by, change.decided_at, change.note = user, timezone.now(), note
        change.save(update_fields=["status", "decided_by", "decided_at", "note"])
        actor_decision_notify(actor=change.actor, decision="change_rejected", change=change)
    return change


# --- memberships -------------------------------------------------------------------------


def membership_request(*, actor: Actor, user: User | AnonymousUser | None) -> Membership:
    """A signed-in person asks to join a published actor; its admins decide."""
    if not (user and user.is_authenticated):
        raise PermissionDenied(_("Log in to join an actor."))
    if actor.status != ActorStatus.PUBLISHED:
        raise ValidationError(_("You can only join a published actor."))
    with transaction.atomic():
        membership, created = Membership.objects.get_or_create(actor=actor, user=user)
        if not created and membership.status == Membership.Status.REJECTED:
            membership.status = Membership.Status.PENDING
            membership.save(update_fields=["status"])
            created = True
        if created:
            membership_request_notify(membership=membership)
    return membership


def membership_decide(
    *,
    membership: Membership,
    user: User,
    approve: bool,
    # A TextChoices member: a tuple to mypy without django-stubs (see [tool.mypy]).
    role: str = Membership.Role.MEMBER,  # type: ignore[assignment]
) -> Membership:
    _require_admin(user, membership.actor)
    with transaction.atomic():
        membership = Membership.objects.select_for_update().get(pk=membership.pk)
        if approve:
            membership.status = Membership.Status.ACTIVE
            membership.role = role
        else:
            if membership.role == Membership.Role.ADMIN and membership.status == "active":
                others = Membership.objects.admins().filter(actor=membership.actor_id)
                if others.exclude(pk=membership.pk).count() == 0:
                    raise ValidationError(_("An actor keeps at least one administrator."))
            membership.status = Membership.Status.REJECTED
        membership.decided_by = user
        membership.save(update_fields=["status", "role", "decided_by"])
    return membership


def umbrella_join_request(*, umbrella: Actor, member: Actor, user: User) -> UmbrellaMembership:
    """An actor's admin asks that their actor join an umbrella network; the umbrella's
    admins are told. A request already waiting, or a membership already approved, is not
    sent again; one that was declined may be."""
    _require_admin(user, member)
    if not (umbrella.is_umbrella and umbrella.status == ActorStatus.PUBLISHED):
        raise ValidationError(_("This actor is not a published umbrella network."))
    if umbrella.pk == member.pk:
        raise ValidationError(_("An umbrella network cannot join itself."))
    with transaction.atomic():
        require_approved_actor(member)
        link, created = UmbrellaMembership.objects.get_or_create(
            umbrella=umbrella, member=member, defaults={"requested_by": user}
        )
        if not created:
            link = UmbrellaMembership.objects.select_for_update().get(pk=link.pk)
            names = {"actor": member.name, "network": umbrella.name}
            if link.status == UmbrellaMembership.Status.PENDING:
                raise ValidationError(
                    _(
                        "%(actor)s already asked to join %(network)s: the request is waiting "
                        "for its administrators."
                    )
                    % names,
                    code="already_asked",
                )
            if link.status == UmbrellaMembership.Status.APPROVED:
                raise ValidationError(
                    _("%(actor)s is already a member of %(network)s.") % names,
                    code="already_member",
                )
            link.status = UmbrellaMembership.Status.PENDING
            link.requested_by = user
            link.decided_by = None
            link.save(update_fields=["status", "requested_by", "decided_by"])
        umbrella_request_notify(link=link)
    return link


def umbrella_decide(*, link: UmbrellaMembership, user: User, approve: bool) -> UmbrellaMembership:
    """The umbrella's admins (not the joining actor's) approve or decline a member; whoever
    asked is told."""
    _require_admin(user, link.umbrella)
    with transaction.atomic():
        link = UmbrellaMembership.objects.select_for_update().get(pk=link.pk)
        if link.status != UmbrellaMembership.Status.PENDING:
            raise ValidationError(_("This request was already decided."), code="decided")
        if approve:  # archived or sent back to review since it asked
            require_approved_actor(link.member)
        link.status = (
            UmbrellaMembership.Status.APPROVED if approve else UmbrellaMembership.Status.REJECTED
        )
        link.decided_by = user
        link.save(update_fields=["status", "decided_by"])
        umbrella_decision_notify(link=link)
    return link


# --- needs and offers --------------------------------------------------------------------


def need_offer_create(
    *,
    actor: Actor,
    user: User,
    kind: str,
    category: str,
    title: str,
    description: str = "",
    expires_on: dt.date,
) -> NeedOffer:
    _require_admin(user, actor)
    require_approved_actor(actor)
    if expires_on < timezone.localdate():
        raise ValidationError({"expires_on": _("The end date cannot be in the past.")})
    item = NeedOffer(
        actor=actor,
        kind=kind,
        category=category,
        title=title,
        description=description,
        expires_on=expires_on,
    )
    item.full_clean()
    item.save()
    return item


def need_offer_delete(*, item: NeedOffer, user: User) -> None:
    _require_admin(user, item.actor)
    item.delete()


# --- duplicates --------------------------------------------------------------------------


def not_duplicate_pair(a_pk: int, b_pk: int) -> tuple[int, int]:
    return (a_pk, b_pk) if a_pk < b_pk else (b_pk, a_pk)


def actor_mark_not_duplicate(*, actor: Actor, user: User) -> Actor:
    """A moderator says a flagged actor is not a duplicate: the pair is remembered, so that
    detection never flags it again, and the actor goes back to the review queue."""
    _require_moderator(user)
    with transaction.atomic():
        actor = Actor.objects.select_for_update().get(pk=actor.pk)
        if actor.duplicate_of_id:
            first, second = not_duplicate_pair(actor.pk, actor.duplicate_of_id)
            try:
                with transaction.atomic():
                    NotDuplicate.objects.create(first_id=first, second_id=second, decided_by=user)
            except IntegrityError:
                pass  # already remembered
        actor.duplicate_of = None
        if actor.status == ActorStatus.DUPLICATE:
            actor.status = ActorStatus.PENDING
        actor.save(update_fields=["duplicate_of", "status", "updated_at"])
    return actor


def actor_flag_duplicate(*, actor: Actor, of: Actor) -> bool:
    """Detection (import, scan) flags a potential duplicate; a published actor stays public
    but is listed for moderators, others wait in the queue as duplicates."""
    first, second = not_duplicate_pair(actor.pk, of.pk)
    if NotDuplicate.objects.filter(first_id=first, second_id=second).exists():
        return False
    fields: dict[str, Any] = {"duplicate_of": of}
    if actor.status in (ActorStatus.PENDING, ActorStatus.DRAFT):
        fields["status"] = ActorStatus.DUPLICATE
    Actor.objects.filter(pk=actor.pk).update(**fields)
    content_changed("directory")
    return True


# --- keeping entries alive ---------------------------------------------------------------


def actor_confirm_current(*, token: str) -> Actor:
    """The one-click "still up to date" link from the yearly mail. Raises ValidationError
    for a link that is forged or too old."""
    try:
        data = signing.loads(token, salt=CONFIRM_SALT, max_age=CONFIRM_LINK_MAX_AGE)
    except signing.SignatureExpired:
        raise ValidationError(_("This link is too old. Log in to confirm your entry.")) from None
    except signing.BadSignature:
        raise ValidationError(_("This link is not valid.")) from None
    with transaction.atomic():
        actor = Actor.objects.select_for_update().filter(pk=data.get("actor")).first()
        if actor is None:
            raise ValidationError(_("This entry no longer exists."))
        actor.confirmed_at = timezone.now()
        actor.is_stale = False
        actor.save(update_fields=["confirmed_at", "is_stale"])
    return actor


def reminders_send(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Once a year per actor, ask its admins whether the entry is still right; flag entries
    nobody confirmed after the reminder. Safe to run twice: the sent date and the
    notification key (actor and year of the reminder) keep it to one mail."""
    now = now or timezone.now()
    due = (
        Actor.objects.published()
        .filter(Q(confirmed_at__lt=now - CONFIRM_EVERY) | Q(confirmed_at__isnull=True))
        .filter(Q(reminder_sent_at__isnull=True) | Q(reminder_sent_at__lt=now - CONFIRM_EVERY))
    )
    sent = 0
    # A list, not a cursor: SQLite must not be written to under an open read of the table.
    for actor in list(due.only("pk", "name")):
        with transaction.atomic():
            admins = [
                m.user
                for m in Membership.objects.admins().filter(actor=actor).select_related("user")
            ]
            Actor.objects.filter(pk=actor.pk).update(reminder_sent_at=now)
            if admins:
                reminder_notify(actor=actor, admins=admins, year=now.year)
                sent += 1
    stale = (
        Actor.objects.published()
        .filter(is_stale=False, reminder_sent_at__lt=now - STALE_AFTER)
        .filter(Q(confirmed_at__isnull=True) | Q(confirmed_at__lt=now - CONFIRM_EVERY))
        .update(is_stale=True)
    )
    if stale:
        content_changed("directory")
    return {"reminded": sent, "flagged_stale": stale}


def scan_for_duplicates() -> int:
    """Flag existing actors that look like an older one; returns how many were flagged.
    Pairs marked "not a duplicate" stay unflagged."""
    from .dedupe import DuplicateIndex, Entry

    index = DuplicateIndex(NotDuplicate.objects.values_list("first_id", "second_id"))
    actors = {
        a.pk: a
        for a in Actor.objects.exclude(status=ActorStatus.ARCHIVED)
        .filter(duplicate_of__isnull=True)
        .order_by("pk")
    }
    flagged = 0
    for pk, name, identifier, territory_id, lat, lon in (
        Actor.objects.exclude(status=ActorStatus.ARCHIVED)
        .order_by("pk")
        .values_list("pk", "name", "identifier", "territory_id", "latitude", "longitude")
    ):
        entry = Entry(pk, name, identifier, territory_id, lat, lon)
        found = index.find(entry)
        if (
            found is not None
            and pk in actors
            and actor_flag_duplicate(actor=actors[pk], of=Actor(pk=found[0].key))
        ):
            flagged += 1
        index.add(entry)
    return flagged
