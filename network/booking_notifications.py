"""What people hear about bookings, through the platform's outbox: managers learn of new
requests; requesters learn of confirmation (with a calendar invite, METHOD:REQUEST), refusal,
and cancellation (METHOD:CANCEL). The calendar parts go through events/ical.py's wrapper, so
they carry the same PRODID, VTIMEZONE handling and MIME shape as event invites."""

import datetime as dt
from email.utils import parseaddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from icalendar import Event, vCalAddress

from events import ical
from events.notifications import InviteEmail
from website.notifications.registry import renderer
from website.notifications.services import notification_create

from .models import Booking

REQUESTED = "network.booking.requested"
CONFIRMED = "network.booking.confirmed"
DECLINED = "network.booking.declined"
CANCELLED = "network.booking.cancelled"
REMINDER = "network.booking.reminder"


def _key(bookings, what):
    first = bookings[0]
    return f"network.booking:{first.pk}:{what}:{len(bookings)}:{first.sequence}"


def _requester(booking):
    """The requester as a recipient list: empty once they deleted their account."""
    return [booking.requested_by] if booking.requested_by_id else []


def booking_created_notify(*, bookings):
    """In the creation's transaction: the requester's confirmation, or the managers' request."""
    first = bookings[0]
    ids = [booking.pk for booking in bookings]
    if first.status == Booking.Status.CONFIRMED:
        notification_create(
            kind=CONFIRMED,
            key=_key(bookings, "confirmed"),
            recipients=_requester(first),
            payload={"bookings": ids},
        )
        return
    managers = list(first.space.managers.all())
    if managers:
        notification_create(
            kind=REQUESTED,
            key=_key(bookings, "requested"),
            recipients=managers,
            payload={"bookings": ids},
        )


def booking_decided_notify(*, bookings):
    """Each decided request tells its requester: confirmed (with the invite) or declined."""
    for booking in bookings:
        confirmed = booking.status == Booking.Status.CONFIRMED
        notification_create(
            kind=CONFIRMED if confirmed else DECLINED,
            key=_key([booking], booking.status),
            recipients=_requester(booking),
            payload={"bookings": [booking.pk]},
        )


def booking_cancelled_notify(*, booking, by_manager, was_confirmed):
    recipients = _requester(booking)
    if not by_manager and booking.status == Booking.Status.CANCELLED and was_confirmed:
        recipients += [m for m in booking.space.managers.all() if m.pk != booking.requested_by_id]
    notification_create(
        kind=CANCELLED,
        key=_key([booking], "cancelled"),
        recipients=recipients,
        payload={"bookings": [booking.pk], "with_invite": was_confirmed},
    )


def booking_reminder_notify(*, booking):
    notification_create(
        kind=REMINDER,
        key=f"network.booking:{booking.pk}:reminder",
        recipients=_requester(booking),
        payload={"bookings": [booking.pk]},
    )


# --- calendar ----------------------------------------------------------------------------


def organiser(space):
    """ORGANIZER as RFC 5546 wants it: a bare mailto URI, the name in CN."""
    address = vCalAddress(f"mailto:{parseaddr(settings.DEFAULT_FROM_EMAIL)[1]}")
    address.params["CN"] = space.owner_name or space.name
    return address


def booking_vevent(
    booking, *, dtstamp, method=None, attendee_email=None, attendee_name="", status=None
):
    """One booked date as a VEVENT: the same UID and SEQUENCE in invites and feeds.

    Invites pass the recipient (the one ATTENDEE) and the iTIP method; feeds pass neither and
    may pass ``status`` (TENTATIVE for a request waiting for a manager).
    """
    vevent = Event()
    vevent.add("uid", booking.uid)  # the stored one: icalendar must not invent it
    vevent.add("dtstamp", dtstamp.astimezone(dt.UTC))
    vevent.add("sequence", booking.sequence)
    vevent.add("dtstart", booking.start.astimezone(dt.UTC))
    vevent.add("dtend", booking.end.astimezone(dt.UTC))
    vevent.add("summary", f"{booking.space.name} · {booking.purpose}")
    url = settings.BASE_URL + booking.get_absolute_url()
    vevent.add("description", f"{booking.purpose}\n\n{url}")
    location = ", ".join(
        line.strip() for line in booking.space.address.splitlines() if line.strip()
    )
    vevent.add("location", f"{booking.space.name}, {location}")
    if booking.space.latitude is not None and booking.space.longitude is not None:
        vevent.add("geo", (float(booking.space.latitude), float(booking.space.longitude)))
    vevent.add("organizer", organiser(booking.space))
    if attendee_email:
        attendee = vCalAddress(f"mailto:{attendee_email}")
        attendee.params["CN"] = attendee_name
        attendee.params["PARTSTAT"] = "ACCEPTED"
        vevent.add("attendee", attendee)
    if status is None:
        status = "CANCELLED" if method == ical.CANCEL else "CONFIRMED"
    vevent.add("status", status)
    return vevent


def feed_status(booking):
    """What a feed says of a booking: confirmed, or TENTATIVE while a manager has to decide;
    None for the others (declined, cancelled, expired), which feeds leave out."""
    if booking.status == Booking.Status.CONFIRMED:
        return "CONFIRMED"
    if booking.status == Booking.Status.PENDING:
        return "TENTATIVE"
    return None


def booking_changed_at(booking):
    """The last moment a booking changed in a way a calendar shows (feeds' Last-Modified)."""
    moments = [booking.created_at, booking.decided_at]
    if booking.status == Booking.Status.EXPIRED:
        moments.append(booking.expires_at)  # expired by a bulk update, at that moment
    return max(moment for moment in moments if moment)


def booking_feed_state(booking):
    """Everything of a booking that a feed shows, for the feeds' ETag."""
    space = booking.space
    return (
        booking.pk,
        booking.status,
        booking.sequence,
        booking.start.isoformat(),
        booking.end.isoformat(),
        booking.purpose,
        space.name,
        space.address,
        str(space.latitude),
        str(space.longitude),
    )


def booking_invite(bookings, *, attendee_email, attendee_name, method, dtstamp=None):
    """An iTIP message for one recipient: one VEVENT per booked date, each with its own UID."""
    dtstamp = dtstamp or timezone.now()
    vevents = [
        booking_vevent(
            booking,
            attendee_email=attendee_email,
            attendee_name=attendee_name,
            method=method,
            dtstamp=dtstamp,
        )
        for booking in bookings
    ]
    return ical.calendar_from_vevents(vevents, method=method, refresh=False)


# --- renderers ---------------------------------------------------------------------------


@renderer(REQUESTED)
@renderer(CONFIRMED)
@renderer(DECLINED)
@renderer(CANCELLED)
@renderer(REMINDER)
def booking_message(delivery):
    payload = delivery.notification.payload
    bookings = list(
        Booking.objects.select_related("space", "actor", "requested_by")
        .filter(pk__in=payload.get("bookings", []))
        .order_by("start")
    )
    if not bookings:
        return None
    kind = delivery.notification.kind
    if kind == REMINDER and bookings[0].status != Booking.Status.CONFIRMED:
        return None  # cancelled meanwhile
    user = delivery.user
    language = getattr(user, "preferred_language", None) or settings.LANGUAGE_CODE
    space = bookings[0].space
    with translation.override(language), timezone.override(space.zone):
        context = {
            "kind": kind.rsplit(".", 1)[1],
            "bookings": bookings,
            "booking": bookings[0],
            "space": space,
            "booking_url": settings.BASE_URL + reverse("network:booking", args=[bookings[0].pk]),
            "manage_url": settings.BASE_URL + reverse("network:spaces_manage"),
        }
        subject = " ".join(
            render_to_string("network/spaces/mail/booking_subject.txt", context).split()
        )
        text = render_to_string("network/spaces/mail/booking.txt", context)
    to_requester = user is not None and user.pk == bookings[0].requested_by_id
    method = None
    if to_requester and kind == CONFIRMED:
        method = ical.REQUEST
        if any(booking.status != Booking.Status.CONFIRMED for booking in bookings):
            bookings = [b for b in bookings if b.status == Booking.Status.CONFIRMED]
            if not bookings:
                return None  # cancelled meanwhile: its CANCEL goes out on its own
    elif to_requester and kind == CANCELLED and payload.get("with_invite"):
        method = ical.CANCEL
    if method is None:
        return EmailMultiAlternatives(subject, text, to=[delivery.recipient])
    calendar = booking_invite(
        bookings,
        attendee_email=delivery.recipient,
        attendee_name=user.get_display_name() if hasattr(user, "get_display_name") else "",
        method=method,
    )
    html = "<pre>" + _escape(text) + "</pre>"
    return InviteEmail(
        subject,
        text,
        to=[delivery.recipient],
        html=html,
        calendar=calendar.to_ical(),
        method=method,
    )


def _escape(text):
    from django.utils.html import escape

    return escape(text)
