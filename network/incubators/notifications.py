"""What followers of a sector or territory hear about incubators' calls: that a call opened,
and a reminder before it closes. At once (a mail with one-click unsubscribe) or in their
digest, through the platform's outbox and its registry.

Each alert is recorded once per call (the call row is claimed by ``network.incubators``) and
the outbox's unique key makes each mail once per recipient.
"""

import zoneinfo

from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from network.directory.follows import followers
from website import wording
from website.addresses import absolute_url
from website.notifications import registry
from website.notifications.mails import mail
from website.notifications.subscribers import (
    add_unsubscribe_headers,
    announce,
    mail_links,
    recipient_preferences,
    subscriber_of,
)

from .models import Call, CallAlertOptOut, Programme

OPENED = "network.call.opened"
CLOSING = "network.call.closing"
# Unsubscribe scope: alerts about calls, keeping the follows that events use.
CALLS_SCOPE = "network.calls"


def call_subscribers(call):
    """Who follows the call's sectors or territory (or broader ones), less those who opted out
    of call alerts."""
    programme = call.programme
    territory = programme.territory or programme.actor.territory
    return followers(
        sectors=list(programme.sectors.all()), territories=[territory] if territory else []
    ).exclude(call_alert_opt_out__isnull=False)


def _notify(call, kind, key):
    return announce(
        kind=kind,
        key=key,
        recipients=call_subscribers(call).only("pk", "user_id", "email", "frequency"),
        object_id=call.pk,
        payload={"call": call.pk, "closes_at": call.closes_at and call.closes_at.isoformat()},
    )


def call_opened_notify(*, call):
    """In the transaction that claimed the announcement (once per opening date: a call moved
    to a later opening before it opened is announced when it does)."""
    return _notify(call, OPENED, f"{OPENED}:{call.pk}:{call.opens_at:%Y%m%dT%H%M%S}")


def call_closing_notify(*, call):
    """In the transaction that claimed the reminder of this closing date."""
    return _notify(call, CLOSING, f"{CLOSING}:{call.pk}:{call.closes_at:%Y%m%dT%H%M%S}")


def _call(pk):
    return (
        Call.objects.select_related("programme__actor")
        .filter(pk=pk, programme__in=Programme.objects.public())
        .open_now()
        .first()
    )


def _absolute(path_name, *args, language):
    with translation.override(language):
        return absolute_url(reverse(path_name, args=args))


@registry.renderer(OPENED)
@registry.renderer(CLOSING)
def call_message(delivery):
    """Nothing is sent for a call withdrawn or closed meanwhile, a reminder whose closing date
    moved (the new date gets its own), or someone who unsubscribed meanwhile."""
    notification = delivery.notification
    call = _call(notification.payload.get("call"))
    subscriber = subscriber_of(delivery.recipient)
    if call is None or subscriber is None:
        return None
    if CallAlertOptOut.objects.filter(subscriber=subscriber).exists():
        return None
    closing = notification.kind == CLOSING
    if closing and (
        call.closes_at is None
        or call.closes_at.isoformat() != notification.payload.get("closes_at")
    ):
        return None
    language, zone_name, user = recipient_preferences(delivery.recipient, subscriber)
    links = mail_links(delivery.recipient, CALLS_SCOPE, language)
    with translation.override(language), timezone.override(zoneinfo.ZoneInfo(zone_name)):
        context = {
            "user": user,
            "call": call,
            "programme": call.programme,
            "closing": closing,
            # In the call's zone, then in the recipient's when their clock differs.
            "deadline": wording.moment_for_reader(call.closes_at, call.time_zone, zone_name)
            if call.closes_at
            else "",
            "call_url": _absolute(
                "incubators:call", call.programme.slug, call.pk, language=language
            ),
            "language": language,
            **links,
        }
        message = mail(
            "network/incubators/mail/call_alert_subject.txt",
            "network/incubators/mail/call_alert",
            context,
            to=delivery.recipient,
            language=language,
        )
    return add_unsubscribe_headers(message, links)


def _digest_entries(object_ids):
    calls = (
        Call.objects.select_related("programme__actor")
        .filter(pk__in=object_ids, programme__in=Programme.objects.public())
        .open_now()
        .order_by("closes_at", "pk")
    )
    entries = []
    for call in calls:
        if call.closes_at:
            # The digest renders in the subscriber's zone (``timezone.override``).
            when = _("closes %(date)s") % {
                "date": wording.moment_for_reader(
                    call.closes_at, call.time_zone, timezone.get_current_timezone()
                )
            }
        else:
            when = _("open all year round")
        entries.append(
            {
                "title": f"{call.title} ({call.programme.actor.name})",
                "url": absolute_url(call.get_absolute_url()),
                "when": when,
                "summary": call.programme.name,
            }
        )
    return entries


@registry.digest_section(OPENED)
def _digest_opened(subscriber, object_ids):
    if CallAlertOptOut.objects.filter(subscriber=subscriber).exists():
        return None
    return registry.DigestSection(
        title=_("Calls for applications now open"), entries=_digest_entries(object_ids)
    )


@registry.digest_section(CLOSING)
def _digest_closing(subscriber, object_ids):
    if CallAlertOptOut.objects.filter(subscriber=subscriber).exists():
        return None
    return registry.DigestSection(
        title=_("Calls for applications closing soon"), entries=_digest_entries(object_ids)
    )


def call_alerts_set(*, subscriber, enabled):
    """Turn alerts about calls off (they keep following their sectors and territories for
    events) or back on. The caller checked that the subscriber is the one acting."""
    if enabled:
        CallAlertOptOut.objects.filter(subscriber=subscriber).delete()
    else:
        CallAlertOptOut.objects.get_or_create(subscriber=subscriber)
        subscriber.digest_items.filter(kind__in=[OPENED, CLOSING]).delete()


@registry.unsubscribe_handler
def _unsubscribe(subscriber, scope):
    # "all" needs nothing here: the events' handler removes every follow, and the outbox
    # clears the digest.
    if scope == CALLS_SCOPE:
        call_alerts_set(subscriber=subscriber, enabled=False)


@registry.preference_section
def _preferences(subscriber, manage_token):
    return (
        "network/incubators/includes/alert_preferences.html",
        {
            "enabled": not CallAlertOptOut.objects.filter(subscriber=subscriber).exists(),
            "manage_token": manage_token,
        },
    )
