"""What the directory tells people, through the platform's outbox: decisions on an actor
or a proposed change, join requests to actor admins, and the yearly "still up to date?"."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from website.addresses import absolute_url
from website.notifications.registry import renderer
from website.notifications.services import notification_create

from .models import Actor, ActorStatus, Membership

DECISION = "network.actor.decision"
JOIN_REQUEST = "network.membership.requested"
REMINDER = "network.actor.reminder"


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
        key=f"network.membership:{membership.pk}:requested:{int(timezone.now().timestamp())}",
        recipients=admins,
        payload={"membership": membership.pk},
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
        subject = render_to_string(f"network/mail/{template}_subject.txt", context).strip()
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
    from .services import confirmation_token  # services import this module

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


# Bookings of meeting spaces say what they say in their own module; importing it here
# registers its renderers when the outbox loads each app's ``notifications``.
from . import booking_notifications, incubator_notifications  # noqa: E402, F401
