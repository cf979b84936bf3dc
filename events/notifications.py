"""How the events app's notifications read: confirmation with a calendar invite (REQUEST),
waiting list, and cancellation (CANCEL), each in the recipient's language and time zone."""

import datetime as dt
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

from . import ical
from .models import Occurrence, Registration

CONFIRMED = "events.registration.confirmed"
WAITING = "events.registration.waiting"
CANCELLED = "events.registration.cancelled"
UPDATED = "events.registration.updated"

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


def event_changed_notify(*, event):
    """Tell each confirmed attendee of an upcoming date that the event changed (time, place,
    status or rule), with an updated invite, or a CANCEL when their date was cancelled.

    Runs in the transaction of the change. The update waits ``UPDATE_DELAY``; a newer change
    in the meantime supersedes it, so a burst of edits sends one message per person.
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
    send_at = timezone.now() + UPDATE_DELAY
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
    if kind == UPDATED and registration.status != Registration.Status.CONFIRMED:
        return None  # they cancelled meanwhile: their CANCEL already went out
    date_cancelled = occurrence.status == Occurrence.Status.CANCELLED
    zone = zoneinfo.ZoneInfo(user.time_zone or settings.TIME_ZONE)
    with translation.override(user.preferred_language), timezone.override(zone):
        locale = Locale.objects.filter(language_code=user.preferred_language).first()
        page = (event.get_translation_or_none(locale) if locale else None) or event
        if not page.live:
            page = event
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
        }
        subject = render_to_string("events/mail/registration_subject.txt", context).strip()
        text = render_to_string("events/mail/registration.txt", context)
        html = render_to_string("events/mail/registration.html", context)
        if kind == WAITING:
            message = EmailMultiAlternatives(subject, text, to=[delivery.recipient])
            message.attach_alternative(html, "text/html")
            return message
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
    return InviteEmail(
        subject,
        text,
        to=[delivery.recipient],
        html=html,
        calendar=calendar.to_ical(),
        method=method,
    )


def _sequence(event, occurrence, cancel):
    """A CANCEL must carry a higher SEQUENCE than the REQUEST it withdraws (RFC 5546)."""
    sequence = ical.event_sequence(event, occurrence if event.recurrence else None)
    return sequence + 1 if cancel else sequence
