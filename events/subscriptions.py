"""Following events: kinds, sectors and territories (announcements, at once or in digests)
and series such as committees (calendar invites for the whole series).

This module holds the rules; it plugs them into the platform's notification mechanism
(website.notifications.registry): what an unsubscribe link does, what a confirmed address
gets, the preferences page's section, and the digest's section.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from network.directory import follows
from website import wording
from website.addresses import page_url
from website.calendars.ical import CANCEL, REQUEST
from website.notifications import registry
from website.notifications.models import Subscriber
from website.notifications.services import notification_create, pending_supersede
from website.notifications.subscribers import announce
from website.selectors import localized_pages

from . import ical
from .models import EventKind, EventPage, Subscription

ANNOUNCED = "events.announcement"
SERIES = "events.series.invite"
DIGEST_KIND = "events.event"
TOPICS = "events.topics"  # unsubscribe scope: every kind, sector and territory followed


def series_scope(event):
    return f"events.series:{event.pk}"


def _canonical_event(pk):
    event = EventPage.objects.filter(pk=pk).first()
    return event.canonical if event else None


def parse_targets(targets):
    """Turn ``[(target, value), ...]`` into the fields of Subscriptions (kinds, series) and of
    the directory's follows (sectors, territories), refusing unknown values."""
    fields, follow_fields = [], []
    for target, value in targets:
        if target == Subscription.Target.KIND and value in EventKind.values:
            fields.append({"target": target, "kind": value})
        elif target in follows.TARGETS and (found := follows.follow_fields(target, value)):
            follow_fields.append(found)
        elif target == Subscription.Target.SERIES and (event := _canonical_event(value)):
            if not event.live:
                raise ValidationError(_("This event is not published."))
            fields.append({"target": target, "event_id": event.pk})
        else:
            raise ValidationError(_("This subscription is not available any more."))
    return fields, follow_fields


@transaction.atomic
def subscriptions_add(*, subscriber, targets):
    """Follow what ``targets`` name. A series sends its invite to the subscriber at once.
    Following something already followed changes nothing."""
    fields, follow_fields = parse_targets(targets)
    created = []
    for values in fields:
        subscription, is_new = Subscription.objects.get_or_create(subscriber=subscriber, **values)
        if is_new:
            created.append(subscription)
            if subscription.target == Subscription.Target.SERIES:
                _series_notify(subscription, "request", REQUEST)
    return created + follows.follows_add(subscriber=subscriber, fields=follow_fields)


@transaction.atomic
def subscription_remove(*, subscription, subscriber):
    """Stop following one thing. Only its subscriber may. A series is removed from their
    calendar with a CANCEL."""
    if subscription.subscriber_id != subscriber.pk:
        raise PermissionDenied
    if subscription.target == Subscription.Target.SERIES:
        _series_notify(subscription, "cancel", CANCEL)
    subscription.delete()


def _series_notify(subscription, change, method, *, send_at=None):
    """Record the mail a follower gets: ``change`` says why ("request" when they follow,
    "cancel" when they leave, "update", "withdrawn"); the invite itself carries what they
    hold when it leaves (``events.invites``)."""
    event = subscription.event
    notification_create(
        kind=SERIES,
        key=f"{SERIES}:{subscription.pk}:{change}:{event.sequence}",
        recipients=[subscription.subscriber.email],
        payload={
            "event": event.pk,
            "subscription": subscription.pk,
            "method": method,
            "change": change,
        },
        send_at=send_at,
    )


def series_changed_notify(*, event, send_at=None, withdrawn=False):
    """In the transaction of a change: series subscribers get the updated series (after
    ``send_at``, superseding an update still waiting), or a CANCEL when it is withdrawn."""
    subscriptions = list(
        Subscription.objects.filter(event=event, target=Subscription.Target.SERIES).select_related(
            "subscriber", "event"
        )
    )
    if not subscriptions:
        return
    pending_supersede(kind=SERIES, payload={"subscription": [s.pk for s in subscriptions]})
    for subscription in subscriptions:
        if withdrawn:
            _series_notify(subscription, "withdrawn", CANCEL)
        else:
            _series_notify(subscription, "update", REQUEST, send_at=send_at)


def announcement_subscribers(event):
    """Confirmed subscribers who follow the event's kind, one of its sectors, or its
    territory, or a broader sector or territory that contains them."""
    of_kind = Q(
        event_subscriptions__target=Subscription.Target.KIND, event_subscriptions__kind=event.kind
    )
    of_topics = follows.followers_q(sectors=event.sectors.all(), territories=[event.territory])
    return Subscriber.objects.filter(of_kind | of_topics).distinct()


def event_announce(*, event):
    """Tell the people who follow its topics that an event is published: at once, or in
    their next digest. Runs in the publishing transaction; announced once per event."""
    if event.end < timezone.now():
        return
    announce(
        kind=ANNOUNCED,
        key=f"{ANNOUNCED}:{event.pk}",
        recipients=announcement_subscribers(event).only("pk", "user_id", "email", "frequency"),
        object_id=event.pk,
        payload={"event": event.pk},
        digest_kind=DIGEST_KIND,
    )


# How events plug into the shared mechanism.


@registry.subscription_confirmer("events")
def _confirm(subscriber, targets):
    try:
        subscriptions_add(subscriber=subscriber, targets=targets)
    except ValidationError:
        # A series withdrawn before the link was opened: keep what is still there.
        for target in targets:
            try:
                subscriptions_add(subscriber=subscriber, targets=[target])
            except ValidationError:
                continue


@registry.address_forgetter
def _forget(addresses):
    """What the calendars of a deleted account's addresses were told."""
    from .models import CalendarCopy

    CalendarCopy.objects.filter(recipient__in=addresses).delete()


@registry.unsubscribe_handler
def _unsubscribe(subscriber, scope):
    subscriptions = subscriber.event_subscriptions.select_related("event", "subscriber")
    if scope == TOPICS:
        subscriptions = subscriptions.exclude(target=Subscription.Target.SERIES)
    elif scope.startswith("events.series:"):
        subscriptions = subscriptions.filter(
            target=Subscription.Target.SERIES, event_id=scope.rsplit(":", 1)[1]
        )
    elif scope != "all":
        return
    for subscription in subscriptions:
        subscription_remove(subscription=subscription, subscriber=subscriber)
    if scope in (TOPICS, "all"):
        follows.follows_remove_all(subscriber=subscriber)


@registry.preference_section
def _preferences(subscriber, manage_token):
    subscriptions = list(subscriber.event_subscriptions.select_related("event").order_by("pk"))
    series = [s for s in subscriptions if s.target == Subscription.Target.SERIES]
    pages = localized_pages([s.event for s in series], model=EventPage)
    for subscription, page in zip(series, pages, strict=True):
        subscription.page = page
    for subscription in subscriptions:
        subscription.remove_url = reverse("events:subscription_remove", args=[subscription.pk])
    topics = follows.follows_of(subscriber)
    for follow in topics:
        follow.remove_url = reverse("network:follow_remove", args=[follow.pk])
    # Kinds, sectors, series, territories: as the list has always been ordered.
    subscriptions = sorted([*subscriptions, *topics], key=lambda item: (item.target, item.pk))
    return (
        "events/includes/subscription_preferences.html",
        {"subscriptions": subscriptions, "manage_token": manage_token},
    )


@registry.digest_section(DIGEST_KIND)
def _digest(subscriber, object_ids):
    events = list(
        EventPage.objects.live()
        .filter(pk__in=object_ids, end__gte=timezone.now())
        .order_by("start")
    )
    pages = localized_pages(events, model=EventPage)
    entries = [
        {
            "title": page.title,
            "url": page_url(page),
            "when": wording.moment_in_words(timezone.localtime(event.start)),
            "summary": page.summary,
        }
        for event, page in zip(events, pages, strict=True)
    ]
    attachments = []
    if events:
        calendar = ical.calendar_for(pages, refresh=False)
        attachments.append(("events.ics", calendar.to_ical(), "text/calendar"))
    return registry.DigestSection(title=_("New events"), entries=entries, attachments=attachments)
