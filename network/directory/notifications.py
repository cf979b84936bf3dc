"""What the directory tells people, through the platform's outbox: decisions on an actor
or a proposed change, join requests to actor admins, requests to join an umbrella network
and their outcome, what waits for the moderators, and the yearly "still up to date?"."""

import re

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.mail import EmailMultiAlternatives
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from website.addresses import absolute_url
from website.notifications.registry import DigestSection, digest_section, renderer
from website.notifications.services import notification_create
from website.notifications.subscribers import announce

from .models import Actor, ActorChange, ActorStatus, Membership, UmbrellaMembership
from .permissions import can_moderate
from .tokens import confirmation_token

DECISION = "network.actor.decision"
JOIN_REQUEST = "network.membership.requested"
REMINDER = "network.actor.reminder"
REVIEW_ACTOR = "network.review.actor"
REVIEW_CHANGE = "network.review.change"
UMBRELLA_REQUEST = "network.umbrella.requested"
UMBRELLA_DECISION = "network.umbrella.decided"

# What a moderator may still have to decide about an actor (services.WAITING_FOR_REVIEW).
WAITING = (ActorStatus.PENDING, ActorStatus.DUPLICATE)


def _admins(actor):
    return [m.user for m in Membership.objects.admins().filter(actor=actor).select_related("user")]


def actor_decision_notify(*, actor, decision, change=None, note=""):
    """Tell an actor's admins what a moderator decided. Runs in the decision's transaction."""
    admins = _admins(actor)
    if not admins:
        return
    # An actor can be declined, corrected and approved: each decision is its own message.
    moment = int(timezone.now().timestamp() * 1000)
    suffix = f"change:{change.pk}" if change is not None else str(moment)
    notification_create(
        kind=DECISION,
        key=f"network.actor:{actor.pk}:{decision}:{suffix}",
        recipients=admins,
        payload={"actor": actor.pk, "decision": decision, "note": note},
    )


def membership_request_notify(*, membership):
    admins = _admins(membership.actor)
    if not admins:
        return
    notification_create(
        kind=JOIN_REQUEST,
        key=f"network.membership:{membership.pk}:requested:{_moment()}",
        recipients=admins,
        payload={"membership": membership.pk},
    )


def _moment():
    return int(timezone.now().timestamp() * 1000)


def moderators():
    """Everybody who may approve actors (the permission, given directly, through a group or
    as a superuser: ``permissions.can_moderate``), active and with an address."""
    permission = Permission.objects.filter(
        codename="moderate_actor", content_type__app_label="network"
    )
    return list(
        get_user_model()
        .objects.filter(is_active=True)
        .exclude(email="")
        .filter(
            Q(is_superuser=True)
            | Q(user_permissions__in=permission)
            | Q(groups__permissions__in=permission)
        )
        .distinct()
        .order_by("pk")
    )


def _tell_moderators(*, kind, key, object_id):
    """One mail per moderator now, or an entry in the digest of those who chose one. Runs in
    the caller's transaction."""
    announce(
        kind=kind, key=key, recipients=moderators(), object_id=object_id, payload={"id": object_id}
    )


def actor_review_notify(*, actor):
    """A new actor, or one submitted again, waits for review: once per submission (editing
    it while it waits tells nobody)."""
    _tell_moderators(
        kind=REVIEW_ACTOR, key=f"network.review.actor:{actor.pk}:{_moment()}", object_id=actor.pk
    )


def change_review_notify(*, change):
    """A change proposed to a published actor waits for review: once per proposal. One that a
    newer proposal replaced before the mail left is not sent."""
    _tell_moderators(
        kind=REVIEW_CHANGE, key=f"network.review.change:{change.pk}", object_id=change.pk
    )


def umbrella_request_notify(*, link):
    """Tell an umbrella network's admins that an actor asks to join it, once per request."""
    admins = _admins(link.umbrella)
    if not admins:
        return
    notification_create(
        kind=UMBRELLA_REQUEST,
        key=f"network.umbrella:{link.pk}:requested:{_moment()}",
        recipients=admins,
        payload={"link": link.pk},
    )


def umbrella_decision_notify(*, link):
    """Tell whoever asked (else the member actor's admins) what the umbrella's admins decided."""
    recipients = [link.requested_by] if link.requested_by_id else _admins(link.member)
    if not recipients:
        return
    notification_create(
        kind=UMBRELLA_DECISION,
        key=f"network.umbrella:{link.pk}:{link.status}:{_moment()}",
        recipients=recipients,
        payload={"link": link.pk, "status": link.status},
    )


def reminder_notify(*, actor, admins, year):
    notification_create(
        kind=REMINDER,
        key=f"network.actor:{actor.pk}:reminder:{year}",
        recipients=admins,
        payload={"actor": actor.pk},
    )


def _message(delivery, template, context):
    user = delivery.user
    language = getattr(user, "preferred_language", None) or settings.LANGUAGE_CODE
    with translation.override(language):
        # One line whatever the names hold: a header cannot carry a line break.
        subject = render_to_string(f"network/mail/{template}_subject.txt", context)
        # Not str.split(): it would take French no-break spaces for line breaks too.
        subject = re.sub(r"[\r\n\t ]+", " ", subject).strip()
        text = render_to_string(f"network/mail/{template}.txt", context)
    return EmailMultiAlternatives(subject, text, to=[delivery.recipient])


def _absolute(name, *args, language=None):
    with translation.override(language or settings.LANGUAGE_CODE):
        return absolute_url(reverse(name, args=args))


@renderer(DECISION)
def decision_message(delivery):
    payload = delivery.notification.payload
    actor = Actor.objects.filter(pk=payload.get("actor")).first()
    if actor is None:
        return None
    language = getattr(delivery.user, "preferred_language", None)
    context = {
        "actor": actor,
        "decision": payload.get("decision"),
        "note": payload.get("note", ""),
        "profile_url": _absolute("network:actor", actor.slug, language=language),
        "mine_url": _absolute("network:mine", language=language),
    }
    return _message(delivery, "decision", context)


@renderer(JOIN_REQUEST)
def join_request_message(delivery):
    membership = (
        Membership.objects.select_related("actor", "user")
        .filter(pk=delivery.notification.payload.get("membership"))
        .first()
    )
    if membership is None or membership.status != Membership.Status.PENDING:
        return None
    language = getattr(delivery.user, "preferred_language", None)
    context = {
        "membership": membership,
        "actor": membership.actor,
        "members_url": _absolute("network:members", membership.actor.slug, language=language),
    }
    return _message(delivery, "join_request", context)


@renderer(REMINDER)
def reminder_message(delivery):

    actor = Actor.objects.filter(
        pk=delivery.notification.payload.get("actor"), status=ActorStatus.PUBLISHED
    ).first()
    if actor is None:
        return None
    language = getattr(delivery.user, "preferred_language", None)
    context = {
        "actor": actor,
        "confirm_url": _absolute("network:confirm", confirmation_token(actor), language=language),
        "edit_url": _absolute("network:edit", actor.slug, language=language),
        "profile_url": _absolute("network:actor", actor.slug, language=language),
    }
    return _message(delivery, "reminder", context)


def _is_moderator(user):

    return user is not None and user.is_active and can_moderate(user)


def _review_url():
    return absolute_url(reverse("network_review"))


@renderer(REVIEW_ACTOR)
def review_actor_message(delivery):
    """Nothing is sent once the actor was decided, or to someone no longer a moderator."""
    actor = (
        Actor.objects.select_related("created_by", "territory", "duplicate_of")
        .filter(pk=delivery.notification.payload.get("id"), status__in=WAITING)
        .first()
    )
    if actor is None or not _is_moderator(delivery.user):
        return None
    context = {
        "actor": actor,
        "person": actor.created_by.get_display_name() if actor.created_by else "",
        "review_url": _review_url(),
    }
    return _message(delivery, "review_actor", context)


@renderer(REVIEW_CHANGE)
def review_change_message(delivery):
    change = (
        ActorChange.objects.select_related("actor", "proposed_by")
        .filter(pk=delivery.notification.payload.get("id"), status=ActorChange.Status.PENDING)
        .first()
    )
    if change is None or not _is_moderator(delivery.user):
        return None
    language = getattr(delivery.user, "preferred_language", None)
    context = {
        "actor": change.actor,
        "change": change,
        "person": change.proposed_by.get_display_name() if change.proposed_by else "",
        "review_url": _review_url(),
        "profile_url": _absolute("network:actor", change.actor.slug, language=language),
    }
    return _message(delivery, "review_change", context)


def _waited_since(moment):
    return _("waiting since %(date)s") % {
        "date": date_format(timezone.localtime(moment), "DATE_FORMAT")
    }


@digest_section(REVIEW_ACTOR)
def digest_review_actors(subscriber, object_ids):
    """The actors of a digest still waiting for review, for a reader still a moderator."""
    if not _is_moderator(subscriber.user):
        return None
    actors = Actor.objects.filter(pk__in=object_ids, status__in=WAITING).order_by("created_at")
    url = _review_url()
    return DigestSection(
        title=_("New actors waiting for review"),
        entries=[
            {"title": actor.name, "url": url, "when": _waited_since(actor.created_at)}
            for actor in actors
        ],
    )


@digest_section(REVIEW_CHANGE)
def digest_review_changes(subscriber, object_ids):
    if not _is_moderator(subscriber.user):
        return None
    changes = (
        ActorChange.objects.select_related("actor")
        .filter(pk__in=object_ids, status=ActorChange.Status.PENDING)
        .order_by("created_at")
    )
    url = _review_url()
    return DigestSection(
        title=_("Changes to actors waiting for review"),
        entries=[
            {"title": change.actor.name, "url": url, "when": _waited_since(change.created_at)}
            for change in changes
        ],
    )


@renderer(UMBRELLA_REQUEST)
def umbrella_request_message(delivery):
    """Nothing is sent for a request decided (or withdrawn) before the mail left."""
    link = (
        UmbrellaMembership.objects.select_related("umbrella", "member", "requested_by")
        .filter(pk=delivery.notification.payload.get("link"))
        .first()
    )
    if link is None or link.status != UmbrellaMembership.Status.PENDING:
        return None
    language = getattr(delivery.user, "preferred_language", None)
    context = {
        "link": link,
        "network": link.umbrella,
        "member": link.member,
        "person": link.requested_by.get_display_name() if link.requested_by else "",
        "member_url": _absolute("network:actor", link.member.slug, language=language),
        "mine_url": _absolute("network:mine", language=language),
    }
    return _message(delivery, "umbrella_request", context)


@renderer(UMBRELLA_DECISION)
def umbrella_decision_message(delivery):
    """Nothing is sent when the request changed again before the mail left."""
    payload = delivery.notification.payload
    link = (
        UmbrellaMembership.objects.select_related("umbrella", "member")
        .filter(pk=payload.get("link"), status=payload.get("status"))
        .first()
    )
    if link is None:
        return None
    language = getattr(delivery.user, "preferred_language", None)
    context = {
        "network": link.umbrella,
        "member": link.member,
        "approved": link.status == UmbrellaMembership.Status.APPROVED,
        "network_url": _absolute("network:actor", link.umbrella.slug, language=language),
        "mine_url": _absolute("network:mine", language=language),
    }
    return _message(delivery, "umbrella_decision", context)
