"""How the events app's notifications read: confirmation with a calendar invite (REQUEST),
waiting list, and cancellation (CANCEL), each in the recipient's language and time zone."""

import datetime as dt
import functools
import time
import zoneinfo

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from wagtail.models import Locale

from website.notifications.models import Delivery
from website.notifications.registry import renderer
from website.notifications.services import notification_create
from website.notifications.subscribers import (
    REMINDERS,
    add_unsubscribe_headers,
    mail_links,
    recipient_preferences,
    subscriber_of,
)
from website.selectors import localized_pages

from . import ical
from .models import EventPage, Occurrence, Registration, Subscription
from .subscriptions import ANNOUNCED, SERIES, TOPICS, series_changed_notify, series_scope

CONFIRMED = "events.registration.confirmed"
WAITING = "events.registration.waiting"
CANCELLED = "events.registration.cancelled"
UPDATED = "events.registration.updated"
REMINDER = "events.registration.reminder"

# Edits of an event within this delay become one update per attendee.
UPDATE_DELAY = dt.timedelta(minutes=5)


def registration_notify(*, registration, change):
    """Record, in the caller's transaction, what a registration's holder must be told.

    ``change`` names the change ("created", "promoted", "cancelled"): with the registration
    it makes the key that lets each change be announced once.
    """
    if registration.status == Registration.Status.CANCELLED:
        kind = CANCELLED
    elif registration.status == Registration.Status.CONFIRMED:
        kind = CONFIRMED
    else:
        kind = WAITING
    notification_create(
        kind=kind,
        key=f"events.registration:{registration.pk}:{change}",
        recipients=[registration.user],
        payload={"registration": registration.pk},
    )


def event_changed_notify(*, event, delay=UPDATE_DELAY, withdrawn=False):
    """Tell each confirmed attendee of an upcoming date that the event changed (time, place,
    status or rule), with an updated invite, or a CANCEL when their date was cancelled; and
    series subscribers, with the updated series or its CANCEL when ``withdrawn``.

    Runs in the transaction of the change. The update waits ``delay``; a newer change in the
    meantime supersedes it, so a burst of edits sends one message per person.
    """
    registrations = Registration.objects.filter(
        occurrence__event=event,
        occurrence__end__gte=timezone.now(),
        status=Registration.Status.CONFIRMED,
    ).select_related("user")
    registrations = list(registrations)
    # Updates still waiting for these people are replaced by this one: one query for all.
    Delivery.objects.filter(
        notification__kind=UPDATED,
        notification__payload__registration__in=[r.pk for r in registrations],
        status=Delivery.Status.PENDING,
    ).update(status=Delivery.Status.SUPERSEDED)
    send_at = timezone.now() + delay if delay else None
    series_changed_notify(event=event, send_at=send_at, withdrawn=withdrawn)
    for registration in registrations:
        notification_create(
            kind=UPDATED,
            key=f"events.registration:{registration.pk}:update:{event.sequence}",
            recipients=[registration.user],
            payload={"registration": registration.pk},
            send_at=send_at,
        )


class InviteEmail(EmailMultiAlternatives):
    """A mail whose alternatives end with text/calendar carrying the iTIP method (RFC 6047),
    followed by the same calendar as an invitation.ics attachment."""

    def __init__(self, *args, html, calendar, method, **kwargs):
        super().__init__(*args, **kwargs)
        self.calendar_method = method
        self.attach_alternative(html, "text/html")
        self.attach_alternative(calendar.decode(), "text/calendar")
        self.attach("invitation.ics", calendar, "application/ics")

    def _create_mime_attachment(self, content, mimetype):
        part = super()._create_mime_attachment(content, mimetype)
        if mimetype == "text/calendar":
            part.set_param("method", self.calendar_method)
        return part


@renderer(CONFIRMED)
@renderer(WAITING)
@renderer(CANCELLED)
@renderer(UPDATED)
@renderer(REMINDER)
def registration_message(delivery):
    registration = (
        Registration.objects.select_related("user", "occurrence__event")
        .filter(pk=delivery.notification.payload.get("registration"))
        .first()
    )
    if registration is None:
        return None
    user, occurrence = registration.user, registration.occurrence
    event = occurrence.event
    kind = delivery.notification.kind
    if kind in (UPDATED, REMINDER) and registration.status != Registration.Status.CONFIRMED:
        return None  # they cancelled meanwhile: their CANCEL already went out
    date_cancelled = occurrence.status == Occurrence.Status.CANCELLED
    if kind == REMINDER and (
        date_cancelled or not event.live or occurrence.start <= timezone.now()
    ):
        return None
    zone = zoneinfo.ZoneInfo(user.time_zone or settings.TIME_ZONE)
    links = mail_links(user.email, REMINDERS, user.preferred_language)
    with translation.override(user.preferred_language), timezone.override(zone):
        page = _localized(event, user.preferred_language)
        context = {
            "user": user,
            "registration": registration,
            "kind": "date_cancelled"
            if kind == UPDATED and date_cancelled
            else kind.rsplit(".", 1)[1],
            "occurrence": occurrence,
            "event": page,
            "event_url": settings.BASE_URL + (page.url or ""),
            "registration_url": settings.BASE_URL
            + reverse("events:registration", args=[registration.token]),
            **links,
        }
        subject = render_to_string("events/mail/registration_subject.txt", context).strip()
        text = render_to_string("events/mail/registration.txt", context)
        html = render_to_string("events/mail/registration.html", context)
        if kind in (WAITING, REMINDER):
            message = EmailMultiAlternatives(subject, text, to=[delivery.recipient])
            message.attach_alternative(html, "text/html")
            return add_unsubscribe_headers(message, links)
        cancel = kind == CANCELLED or (kind == UPDATED and date_cancelled)
        method = ical.CANCEL if cancel else ical.REQUEST
        calendar = ical.invite_calendar(
            page,
            attendee_email=delivery.recipient,
            attendee_name=user.get_display_name(),
            method=method,
            occurrence=occurrence if event.recurrence else None,
            sequence=_sequence(event, occurrence, cancel),
        )
    message = InviteEmail(
        subject,
        text,
        to=[delivery.recipient],
        html=html,
        calendar=calendar.to_ical(),
        method=method,
    )
    return add_unsubscribe_headers(message, links)


def _localized(event, language):
    """The event's live page in ``language``, else the canonical one."""
    locale = Locale.objects.filter(language_code=language).first()
    return localized_pages([event], locale=locale, model=EventPage)[0] if locale else event


@renderer(SERIES)
def series_message(delivery):
    """A whole series (a committee, say) in the calendar of someone who follows it:
    REQUEST when they subscribe and when it changes, CANCEL when they leave or it ends."""
    payload = delivery.notification.payload
    event = EventPage.objects.filter(pk=payload["event"]).first()
    if event is None:
        return None
    method = payload["method"]
    if method == ical.REQUEST and (
        not event.live or not Subscription.objects.filter(pk=payload["subscription"]).exists()
    ):
        return None  # withdrawn or unsubscribed meanwhile: a CANCEL follows or went out
    language, zone_name, user = recipient_preferences(delivery.recipient)
    links = mail_links(delivery.recipient, series_scope(event), language)
    with translation.override(language), timezone.override(zoneinfo.ZoneInfo(zone_name)):
        page = _localized(event, language)
        next_date = (
            event.occurrences.filter(status=Occurrence.Status.SCHEDULED, end__gte=timezone.now())
            .order_by("start")
            .first()
        )
        context = {
            "user": user,
            "event": page,
            "cancel": method == ical.CANCEL,
            "withdrawn": not event.live,
            "next_date": next_date,
            "event_url": settings.BASE_URL + (page.url or ""),
            "language": language,
            **links,
        }
        subject = " ".join(render_to_string("events/mail/series_subject.txt", context).split())
        text = render_to_string("events/mail/series.txt", context)
        html = render_to_string("events/mail/series.html", context)
        calendar = ical.invite_calendar(
            page,
            attendee_email=delivery.recipient,
            attendee_name=user.get_display_name() if user else "",
            method=method,
            sequence=ical.event_sequence(event) + (1 if method == ical.CANCEL else 0),
        )
    message = InviteEmail(
        subject,
        text,
        to=[delivery.recipient],
        html=html,
        calendar=calendar.to_ical(),
        method=method,
    )
    return add_unsubscribe_headers(message, links)


@functools.lru_cache(maxsize=32)
def _announced(event_pk, published_at, language, _bucket):
    """What an announcement says the same way to everyone reading ``language``: computed
    once per worker process for a fan-out to thousands (``published_at`` keys it to the
    version published, so a change is never served from an older one)."""
    event = EventPage.objects.get(pk=event_pk)
    with translation.override(language):
        page = _localized(event, language)
        calendar = ical.calendar_for([page], refresh=False).to_ical()
    next_date = (
        event.occurrences.filter(status=Occurrence.Status.SCHEDULED, end__gte=timezone.now())
        .order_by("start")
        .first()
    )
    return page, calendar, next_date


@renderer(ANNOUNCED)
def announcement_message(delivery):
    """A new event in a topic someone follows, with its .ics to add (METHOD:PUBLISH)."""
    event = EventPage.objects.filter(pk=delivery.notification.payload["event"]).first()
    subscriber = subscriber_of(delivery.recipient)
    if event is None or not event.live or subscriber is None:
        return None
    language, zone_name, user = recipient_preferences(delivery.recipient, subscriber)
    links = mail_links(delivery.recipient, TOPICS, language)
    # Kept five minutes at most: a translation published meanwhile is not missed for long.
    bucket = int(time.time() // 300)
    page, calendar, next_date = _announced(event.pk, event.last_published_at, language, bucket)
    with translation.override(language), timezone.override(zoneinfo.ZoneInfo(zone_name)):
        context = {
            "user": user,
            "event": page,
            "next_date": next_date,
            "event_url": settings.BASE_URL + (page.url or ""),
            "language": language,
            **links,
        }
        subject = " ".join(
            render_to_string("events/mail/announcement_subject.txt", context).split()
        )
        text = render_to_string("events/mail/announcement.txt", context)
        html = render_to_string("events/mail/announcement.html", context)
    message = EmailMultiAlternatives(subject, text, to=[delivery.recipient])
    message.attach_alternative(html, "text/html")
    message.attach("event.ics", calendar, "text/calendar")
    return add_unsubscribe_headers(message, links)


def _sequence(event, occurrence, cancel):
    """A CANCEL must carry a higher SEQUENCE than the REQUEST it withdraws (RFC 5546)."""
    sequence = ical.event_sequence(event, occurrence if event.recurrence else None)
    return sequence + 1 if cancel else sequence
