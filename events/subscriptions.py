"""Following events: kinds, sectors and territories (announcements, at once or in digests)
and series such as committees (calendar invites for the whole series).

This module holds the rules; it plugs them into the platform's notification mechanism
(website.notifications.registry): what an unsubscribe link does, what a confirmed address
gets, the preferences page's section, and the digest's section.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from network.directory.models import Sector, Territory
from website.addresses import page_url
from website.notifications import registry
from website.notifications.models import Delivery, Subscriber
from website.notifications.services import notification_create
from website.notifications.subscribers import digest_add
from website.selectors import localized_pages

from . import ical, wording
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
    """Turn ``[(target, value), ...]`` into Subscription fields, refusing unknown values."""
    fields = []
    for target, value in targets:
        if target == Subscription.Target.KIND and value in EventKind.values:
            fields.append({"target": target, "kind": value})
        elif target == Subscription.Target.SECTOR and Sector.objects.filter(pk=value).exists():
            fields.append({"target": target, "sector_id": int(value)})
        elif (
            target == Subscription.Target.TERRITORY and Territory.objects.filter(pk=value).exists()
        ):
            fields.append({"target": target, "territory_id": int(value)})
        elif target == Subscription.Target.SERIES and (event := _canonical_event(value)):
            if not event.live:
                raise ValidationError(_("This event is not published."))
            fields.append({"target": target, "event_id": event.pk})
        else:
            raise ValidationError(_("This subscription is not available any more."))
    return fields


@transaction.atomic
def subscriptions_add(*, subscriber, targets):
    """Follow what ``targets`` name. A series sends its invite to the subscriber at once.
    Following something already followed changes nothing."""
    created = []
    for fields in parse_targets(targets):
        subscription, is_new = Subscription.objects.get_or_create(subscriber=subscriber, **fields)
        if is_new:
            created.append(subscription)
            if subscription.target == Subscription.Target.SERIES:
                _series_notify(subscription, "request", ical.REQUEST)
    return created


@transaction.atomic
def subscription_remove(*, subscription, subscriber):
    """Stop following one thing. Only its subscriber may. A series is removed from their
    calendar with a CANCEL."""
    if subscription.subscriber_id != subscriber.pk:
        raise PermissionDenied
    if subscription.target == Subscription.Target.SERIES:
        _series_notify(subscription, "cancel", ical.CANCEL)
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
    Delivery.objects.filter(
        notification__kind=SERIES,
        notification__payload__subscription__in=[s.pk for s in subscriptions],
        status=Delivery.Status.PENDING,
    ).update(status=Delivery.Status.SUPERSEDED)
    for subscription in subscriptions:
        if withdrawn:
            _series_notify(subscription, "withdrawn", ical.CANCEL)
        else:
            _series_notify(subscription, "update", ical.REQUEST, send_at=send_at)


def announcement_subscribers(event):
    """Confirmed subscribers who follow the event's kind, one of its sectors, or its
    territory, or a broader sector or territory that contains them."""
    sectors = set()
    for sector in event.sectors.all():
        while sector is not None and sector.pk not in sectors:
            sectors.add(sector.pk)
            sector = sector.parent
    territories = set()
    territory = event.territory
    while territory is not None and territory.pk not in territories:
        territories.add(territory.pk)
        territory = territory.parent
    follows = Q(
        event_subscriptions__target=Subscription.Target.KIND, event_subscriptions__kind=event.kind
    )
    if sectors:
        follows |= Q(event_subscriptions__sector__in=sectors)
    if territories:
        follows |= Q(event_subscriptions__territory__in=territories)
    return Subscriber.objects.filter(follows).distinct()


def topic_subscribers(*, sectors, territories):
    """Confirmed subscribers who follow one of ``sectors`` or ``territories``, or a broader
    sector or territory that contains one: the audience other apps (incubators' calls) reach
    through the same follows, so that people subscribe once."""
    sector_ids, territory_ids = set(), set()
    for ids, nodes in ((sector_ids, sectors), (territory_ids, territories)):
        for node in nodes:
            while node is not None and node.pk not in ids:
                ids.add(node.pk)
                node = node.parent
    follows = Q(pk__in=[])
    if sector_ids:
        follows |= Q(
            event_subscriptions__target=Subscription.Target.SECTOR,
            event_subscriptions__sector__in=sector_ids,
        )
    if territory_ids:
        follows |= Q(
            event_subscriptions__target=Subscription.Target.TERRITORY,
            event_subscriptions__territory__in=territory_ids,
        )
    return Subscriber.objects.filter(follows).distinct()


def event_announce(*, event):
    """Tell the people who follow its topics that an event is published: at once, or in
    their next digest. Runs in the publishing transaction; announced once per event."""
    if event.end < timezone.now():
        return
    immediate, digest = [], []
    for subscriber in announcement_subscribers(event).only("pk", "email", "frequency"):
        if subscriber.frequency == Subscriber.Frequency.IMMEDIATE:
            immediate.append(subscriber.email)
        else:
            digest.append(subscriber)
    if immediate:
        notification_create(
            kind=ANNOUNCED,
            key=f"{ANNOUNCED}:{event.pk}",
            recipients=immediate,
            payload={"event": event.pk},
        )
    if digest:
        digest_add(subscribers=digest, kind=DIGEST_KIND, object_id=event.pk)


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


@registry.preference_section
def _preferences(subscriber, manage_token):
    subscriptions = list(
        subscriber.event_subscriptions.select_related("sector", "territory", "event").order_by(
            "target", "pk"
        )
    )
    series = [s for s in subscriptions if s.target == Subscription.Target.SERIES]
    pages = localized_pages([s.event for s in series], model=EventPage)
    for subscription, page in zip(series, pages, strict=True):
        subscription.page = page
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
