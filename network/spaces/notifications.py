"""What people hear about bookings, through the platform's outbox: managers learn of new
requests; requesters learn of confirmation (with a calendar invite, METHOD:REQUEST), refusal,
and cancellation (METHOD:CANCEL). The calendar parts are made by the one serialiser
(``website.calendars``), so they carry the same PRODID, VTIMEZONE handling and MIME shape as
event invites.

One UID per iTIP message (RFC 5546: clients show a message with several UIDs as one event). A
single booking is its own VEVENT, with its stored UID. A series is, for its requester, ONE
recurring VEVENT (``series_vevents``): the series' UID, the first date in the space's zone,
an RRULE that gives the dates ``booking.occurrences_of`` gave, and an EXDATE for each date of
the rule the requester does not hold. Every change to a series sends its whole current state
(REQUEST), or its CANCEL once no date of it is held; approvals in a burst become one update.
The requester's personal feed shows a series the same way; a space's feed, for its managers,
keeps one VEVENT per booking.
"""

import datetime as dt
from email.utils import parseaddr

from dateutil.rrule import rrulestr
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db.models import Sum
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from website.addresses import absolute_url
from website.calendars import ical
from website.calendars.ical import CANCEL, address, vevent
from website.calendars.mail import InviteEmail
from website.calendars.uids import calendar_uid
from website.notifications.registry import renderer
from website.notifications.services import notification_create, pending_supersede

from .models import Booking

REQUESTED = "network.booking.requested"
CONFIRMED = "network.booking.confirmed"
DECLINED = "network.booking.declined"
CANCELLED = "network.booking.cancelled"
REMINDER = "network.booking.reminder"

# What booking_vevent and series_vevents read (ORGANIZER names the space's owner).
BOOKING_CALENDAR_RELATED = ("space", "space__owner_actor", "space__owner_territory")
# Approvals of a series' dates within this delay become one updated invite.
SERIES_UPDATE_DELAY = dt.timedelta(minutes=5)


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


def booking_decided_notify(*, bookings, delay=SERIES_UPDATE_DELAY):
    """Each decided request tells its requester: confirmed (with the invite) or declined.

    A date of a series confirmed is announced with the updated series after ``delay``; an
    update of the same series still waiting is superseded by it, and the dates it announced
    are carried over, so that a manager approving the dates one by one sends one message.
    """
    for booking in bookings:
        confirmed = booking.status == Booking.Status.CONFIRMED
        if confirmed and booking.series:
            _series_confirmed_notify(booking, delay=delay)
            continue
        notification_create(
            kind=CONFIRMED if confirmed else DECLINED,
            key=_key([booking], booking.status),
            recipients=_requester(booking),
            payload={"bookings": [booking.pk]},
        )


def _series_confirmed_notify(booking, *, delay):
    series = str(booking.series)
    announced = {booking.pk}
    for payload in pending_supersede(kind=CONFIRMED, payload={"series": series}):
        announced.update(payload.get("bookings", []))
    sequence = Booking.objects.filter(series=booking.series).aggregate(total=Sum("sequence"))
    notification_create(
        kind=CONFIRMED,
        key=f"network.booking.series:{series}:confirmed:{sequence['total']}",
        recipients=_requester(booking),
        payload={"bookings": sorted(announced), "series": series},
        send_at=timezone.now() + delay if delay else None,
    )


def booking_cancelled_notify(*, booking, by_manager, was_confirmed):
    """A date cancelled: its requester (with its CANCEL, or for a date of a series the updated
    series) and, when the requester cancelled a confirmed date, the managers."""
    bookings_cancelled_notify(
        bookings=[booking],
        by_manager=by_manager,
        was_confirmed=was_confirmed,
        key=_key([booking], "cancelled"),
    )


def bookings_cancelled_notify(*, bookings, by_manager, was_confirmed, key):
    """Dates cancelled in one change (one date, or the rest of a series): one message each."""
    first = bookings[0]
    recipients = _requester(first)
    if not by_manager and was_confirmed:
        recipients += [m for m in first.space.managers.all() if m.pk != first.requested_by_id]
    notification_create(
        kind=CANCELLED,
        key=key,
        recipients=recipients,
        payload={"bookings": [booking.pk for booking in bookings], "with_invite": was_confirmed},
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
    return address(parseaddr(settings.DEFAULT_FROM_EMAIL)[1], space.owner_name or space.name)


def booking_vevent(
    booking,
    *,
    dtstamp,
    method=None,
    attendee_email=None,
    attendee_name="",
    status=None,
    summary=None,
):
    """One booked date as a VEVENT: the same UID and SEQUENCE in invites and feeds.

    Invites pass the recipient (the one ATTENDEE) and the iTIP method; feeds pass neither and
    may pass ``status`` (TENTATIVE for a request waiting for a manager) and ``summary`` (a
    space's feed names the actor). A date of a series has its own UID here, which only a
    space's feed uses: its requester sees the series as one VEVENT (``series_vevents``).
    """
    if status is None:
        status = "CANCELLED" if method == CANCEL else "CONFIRMED"
    return vevent(
        booking.uid,  # the stored one
        dtstamp=dtstamp,
        sequence=booking.sequence,
        properties=[
            ("dtstart", booking.start.astimezone(dt.UTC)),
            ("dtend", booking.end.astimezone(dt.UTC)),
            *_described(
                booking,
                attendee_email=attendee_email,
                attendee_name=attendee_name,
                summary=summary,
            ),
            ("status", status),
        ],
    )


def _described(booking, *, attendee_email=None, attendee_name="", summary=None):
    """What every VEVENT of a booking carries besides its identity, times and status, as
    (name, value) pairs in a stable order."""
    properties = [("summary", summary or f"{booking.space.name} · {booking.purpose}")]
    url = absolute_url(booking.get_absolute_url())
    properties.append(("description", f"{booking.purpose}\n\n{url}"))
    location = ", ".join(
        line.strip() for line in booking.space.address.splitlines() if line.strip()
    )
    properties.append(("location", f"{booking.space.name}, {location}"))
    if booking.space.latitude is not None and booking.space.longitude is not None:
        properties.append(("geo", (float(booking.space.latitude), float(booking.space.longitude))))
    properties.append(("organizer", organiser(booking.space)))
    if attendee_email:
        properties.append(
            ("attendee", address(attendee_email, attendee_name or "", partstat="ACCEPTED"))
        )
    return properties


# --- a series, as one recurring VEVENT ---------------------------------------------------


def series_uid(series):
    """The calendar UID of a series of bookings, made of its stored UUID: the same in every
    invite and in the requester's feed."""
    return calendar_uid(f"booking-series-{series}")


def series_sequence(rows):
    """SEQUENCE of a series' one VEVENT: the sum of the counters of all its rows.

    A client keeps, per UID, the version with the highest SEQUENCE it has seen and ignores
    anything lower, so the series' counter must never go down for its requester, whichever
    date changed and whichever path sent the message. Each row's counter is bumped by one in
    the transaction of every change to it (approval, decline, cancellation, expiry), and rows
    are never deleted, so the sum grows by exactly one per change, and a message built after a
    change carries more than any message built before it. The highest row counter would not
    do (cancelling two dates one after the other would send the same SEQUENCE twice), and a
    counter stored on the series would need a table (or a migration) and a second write on
    every change to one of its dates.
    """
    return sum(row.sequence for row in rows)


def _series_rule(rows, zone):
    """The RRULE that gives back the dates ``booking.occurrences_of`` made for a series, read
    from its rows (the rule is not stored), with every start it gives (UTC).

    Anchored on the first row: a first date skipped at creation has no row, and is simply not
    part of the rule. Weekly when every row falls a whole number of weeks after the first
    (local dates). Monthly otherwise: ``relativedelta`` keeps the day of the month and clamps
    it to the month's last day (31 January, 28 February, 31 March...), which is
    ``BYMONTHDAY=28,...,D;BYSETPOS=-1`` for a day D from 29 to 31 (the last of those days the
    month has); D is the highest day a row falls on, since each row falls on min(D, the
    length of its month). UNTIL is the last row's start, in UTC, the form RFC 5545 requires
    next to a DTSTART with TZID. None for a series of one row.
    """
    if len(rows) == 1:
        return None, [rows[0].start]
    first = rows[0].start.astimezone(zone)
    days = [row.start.astimezone(zone).date() for row in rows]
    if all((day - days[0]).days % 7 == 0 for day in days):
        rule = {"FREQ": "WEEKLY"}
    else:
        rule = {"FREQ": "MONTHLY"}
        last_day = max(day.day for day in days)
        if last_day > 28:
            rule.update({"BYMONTHDAY": list(range(28, last_day + 1)), "BYSETPOS": -1})
    rule["UNTIL"] = rows[-1].start.astimezone(dt.UTC)
    # Expanded the way clients expand it: dateutil, in the space's zone (wall-clock times).
    text = ical.rule_text(rule)
    starts = [moment.astimezone(dt.UTC) for moment in rrulestr(text, dtstart=first)]
    return rule, starts


def series_vevents(
    rows, *, dtstamp, method=None, attendee_email=None, attendee_name="", feed=False
):
    """A series of bookings as one recurring VEVENT: the series' UID, ``series_sequence``,
    DTSTART and DTEND of the first date in the space's zone (TZID; ``ical.calendar_from_vevents``
    adds the VTIMEZONE), the RRULE of ``_series_rule``, and an EXDATE for every date of the
    rule that is not shown: skipped at creation, declined, cancelled, expired, or (in an
    invite) still waiting for a manager.

    ``rows`` are all the rows of the series, whatever their status. An invite shows the dates
    the requester holds (confirmed); its CANCEL withdraws the whole series. A feed (``feed``)
    also shows the dates waiting for a manager: as TENTATIVE instances (RECURRENCE-ID) of a
    series that has confirmed dates, else as a TENTATIVE series; it shows nothing of a series
    none of whose dates is confirmed or waiting.
    """
    rows = sorted(rows, key=lambda row: row.start)
    first = rows[0]
    zone = first.space.zone
    rule, starts = _series_rule(rows, zone)
    confirmed = [row for row in rows if row.status == Booking.Status.CONFIRMED]
    pending = [row for row in rows if feed and row.status == Booking.Status.PENDING]
    shown = sorted(confirmed + pending, key=lambda row: row.start)
    if feed and not shown:
        return []
    if method == CANCEL:
        status = "CANCELLED"
    else:
        status = "CONFIRMED" if confirmed or not pending else "TENTATIVE"
    uid, sequence = series_uid(first.series), series_sequence(rows)
    properties = [
        ("dtstart", first.start.astimezone(zone)),
        ("dtend", first.end.astimezone(zone)),
    ]
    if rule:
        properties.append(("rrule", rule))
    if method != CANCEL:
        held = {row.start for row in shown}
        excluded = [start.astimezone(zone) for start in starts if start not in held]
        if excluded:
            properties.append(("exdate", excluded))
        # Never the case for rows made by occurrences_of; kept so that no held date is lost.
        outside = [row.start.astimezone(zone) for row in shown if row.start not in set(starts)]
        if outside:
            properties.append(("rdate", outside))
    properties += _described(first, attendee_email=attendee_email, attendee_name=attendee_name)
    properties.append(("status", status))
    vevents = [vevent(uid, dtstamp=dtstamp, sequence=sequence, properties=properties)]
    if status == "CONFIRMED" and pending:
        for row in pending:
            instance = [
                ("recurrence-id", row.start.astimezone(zone)),
                ("dtstart", row.start.astimezone(zone)),
                ("dtend", row.end.astimezone(zone)),
                *_described(row),
                ("status", "TENTATIVE"),
            ]
            vevents.append(vevent(uid, dtstamp=dtstamp, sequence=sequence, properties=instance))
    return vevents


def requester_vevents(bookings):
    """A requester's bookings in their personal feed, as their invites show them: a single
    booking as its own VEVENT, a series as its one recurring VEVENT (same UID, SEQUENCE,
    RRULE and EXDATE as the last invite), dates waiting for a manager as TENTATIVE.
    ``bookings`` must hold every row of each series (its rule is read from them all)."""
    vevents = []
    series = {}
    for booking in bookings:
        if booking.series is not None:
            series.setdefault(booking.series, []).append(booking)
            continue
        status = feed_status(booking)
        if status:
            vevents.append(
                booking_vevent(booking, dtstamp=booking_changed_at(booking), status=status)
            )
    for rows in series.values():
        changed = max(booking_changed_at(row) for row in rows)
        vevents.extend(series_vevents(rows, dtstamp=changed, feed=True))
    return vevents


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
    """An iTIP message for one recipient, about ONE UID: a single booking's own VEVENT, or,
    given every row of a series, the series' one recurring VEVENT (``series_vevents``)."""
    dtstamp = dtstamp or timezone.now()
    first = bookings[0]
    if first.series is None and len(bookings) > 1:
        raise ValueError("One UID per message: one single booking, or the rows of one series.")
    if any(booking.series != first.series for booking in bookings):
        raise ValueError("One UID per message: the rows of one series only.")
    attendee = {"attendee_email": attendee_email, "attendee_name": attendee_name}
    if first.series is None:
        vevents = [booking_vevent(first, method=method, dtstamp=dtstamp, **attendee)]
    else:
        vevents = series_vevents(bookings, method=method, dtstamp=dtstamp, **attendee)
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
    to_requester = user is not None and user.pk == bookings[0].requested_by_id
    method, rows = None, bookings
    if to_requester and kind == CONFIRMED:
        method = ical.REQUEST
        bookings = [b for b in bookings if b.status == Booking.Status.CONFIRMED]
        if not bookings:
            return None  # cancelled meanwhile: its CANCEL goes out on its own
    elif to_requester and kind == CANCELLED and payload.get("with_invite"):
        method = ical.CANCEL
    series = bookings[0].series
    if method and series:
        # Whatever the change, the series as it is now (rendered when sent, so a message
        # that waited never carries an older state or SEQUENCE than one sent before it).
        rows = list(
            Booking.objects.filter(series=series)
            .select_related(*BOOKING_CALENDAR_RELATED)
            .order_by("start")
        )
        if any(row.status == Booking.Status.CONFIRMED for row in rows):
            # A date cancelled while others stay held: the whole series again, with one more
            # EXDATE and a higher SEQUENCE, rather than a CANCEL with RECURRENCE-ID. The
            # REQUEST carries the full state, so it also repairs a calendar that missed or
            # mishandled an earlier message, and any later REQUEST of the series must carry
            # that EXDATE anyway (it replaces the event, instances included: RFC 5546 3.2.2).
            # Clients differ most in how they apply a mailed CANCEL of one instance (some
            # keep it, some add a separate cancelled entry); all apply an updated series.
            method = ical.REQUEST
        else:
            method = ical.CANCEL  # no date of it left: the series leaves the calendar
    language = getattr(user, "preferred_language", None) or settings.LANGUAGE_CODE
    space = bookings[0].space
    with translation.override(language), timezone.override(space.zone):
        context = {
            "kind": kind.rsplit(".", 1)[1],
            "bookings": bookings,
            "booking": bookings[0],
            "space": space,
            "series_update": bool(series) and kind == CANCELLED and method == ical.REQUEST,
            "booking_url": absolute_url(reverse("spaces:booking", args=[bookings[0].pk])),
            "manage_url": absolute_url(reverse("spaces:spaces_manage")),
        }
        subject = " ".join(
            render_to_string("network/spaces/mail/booking_subject.txt", context).split()
        )
        text = render_to_string("network/spaces/mail/booking.txt", context)
    if method is None:
        return EmailMultiAlternatives(subject, text, to=[delivery.recipient])
    calendar = booking_invite(
        rows,
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
