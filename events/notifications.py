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
from django.utils.translation import gettext as _
from wagtail.models import Locale

from website import wording
from website.addresses import absolute_url, page_url
from website.calendars.ical import REQUEST
from website.calendars.mail import InviteEmail
from website.notifications.registry import renderer
from website.notifications.services import notification_create, pending_supersede
from website.notifications.subscribers import (
    REMINDERS,
    add_unsubscribe_headers,
    mail_links,
    recipient_preferences,
    subscriber_of,
)
from website.selectors import localized_pages

from . import ical, invites
from .models import EventPage, Occurrence, Registration
from .selectors import with_waiting_position
from .subscriptions import ANNOUNCED, SERIES, TOPICS, series_changed_notify, series_scope

CONFIRMED = "events.registration.confirmed"
WAITING = "events.registration.waiting"
CANCELLED = "events.registration.cancelled"
UPDATED = "events.registration.updated"
REMINDER = "events.registration.reminder"

# Edits of an event within this delay become one update per attendee.
UPDATE_DELAY = dt.timedelta(minutes=5)
# What an invite reads of the event's canonical page: its dates and their changes.
INVITE_PREFETCH = ("occurrences", "occurrence_changes")


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
    """Tell each confirmed attendee of an upcoming date, and each follower of the series, that
    the event changed (time, place, status or rule), or was withdrawn.

    Runs in the transaction of the change. What each person is sent is decided when the mail
    leaves (``events.invites``): their holding as it is then, and nothing for those whose
    holding did not change. The update waits ``delay``; a newer change in the meantime
    supersedes it, so a burst of edits sends one message per person.
    """
    registrations = Registration.objects.filter(
        occurrence__event=event,
        occurrence__end__gte=timezone.now(),
        status=Registration.Status.CONFIRMED,
    ).select_related("user")
    registrations = list(registrations)
    # Updates still waiting for these people are replaced by this one: one query for all.
    pending_supersede(kind=UPDATED, payload={"registration": [r.pk for r in registrations]})
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


@renderer(CONFIRMED)
@renderer(WAITING)
@renderer(CANCELLED)
@renderer(UPDATED)
@renderer(REMINDER)
def registration_message(delivery):
    registration = (
        with_waiting_position(Registration.objects.all())
        .select_related("user", "occurrence__event")
        .filter(pk=delivery.notification.payload.get("registration"))
        .first()
    )
    if registration is None:
        return None
    user, occurrence = registration.user, registration.occurrence
    # With what the invite, the holding and the facts read of it, loaded once.
    event = EventPage.objects.prefetch_related(*INVITE_PREFETCH).get(pk=occurrence.event_id)
    occurrence.event = event
    kind = delivery.notification.kind
    if kind in (UPDATED, REMINDER) and registration.status != Registration.Status.CONFIRMED:
        return None  # they cancelled meanwhile: their calendar was told then
    date_cancelled = occurrence.status == Occurrence.Status.CANCELLED
    if kind == REMINDER and (
        date_cancelled or not event.live or occurrence.start <= timezone.now()
    ):
        return None
    zone = zoneinfo.ZoneInfo(user.time_zone or settings.TIME_ZONE)
    links = mail_links(user.email, REMINDERS, user.preferred_language)
    with translation.override(user.preferred_language), timezone.override(zone):
        page = _localized(event, user.preferred_language)
        invite = None
        if kind != REMINDER:
            invite = invites.render_invite(
                address=delivery.recipient,
                attendee_name=user.get_display_name(),
                page=page,
                canonical=event,
                # An update tells only those whose calendar changes; a place on the waiting
                # list changes nothing in it.
                only_if_changed=kind in (UPDATED, WAITING),
            )
            if kind == UPDATED and invite is None:
                return None
        context = {
            "user": user,
            "registration": registration,
            "kind": "date_cancelled"
            if kind == UPDATED and date_cancelled
            else kind.rsplit(".", 1)[1],
            "occurrence": occurrence,
            "promoted": delivery.notification.key.endswith(":promoted"),
            "position": registration.waiting_position,
            "event": page,
            "facts": event_facts(page, event, occurrence, zone),
            "invite": invite,
            "changes": _changes_in_words(invite, event, page),
            "event_url": page_url(page),
            "registration_url": absolute_url(
                reverse("events:registration", args=[registration.token])
            ),
            **links,
        }
        subject = render_to_string("events/mail/registration_subject.txt", context).strip()
        text = render_to_string("events/mail/registration.txt", context)
        html = render_to_string("events/mail/registration.html", context)
    return _mail(subject, text, html, delivery.recipient, invite, links)


def _mail(subject, text, html, recipient, invite, links):
    """A mail with its invite (RFC 6047) when there is one, else a plain one."""
    if invite is None:
        message = EmailMultiAlternatives(subject, text, to=[recipient])
        message.attach_alternative(html, "text/html")
    else:
        message = InviteEmail(
            subject,
            text,
            to=[recipient],
            html=html,
            calendar=invite.calendar.to_ical(),
            method=invite.method,
        )
    return add_unsubscribe_headers(message, links)


def event_facts(page, canonical, occurrence, reader_zone):
    """What every mail about an event tells: when (in the event's zone, and the reader's when
    its clock differs), where or the join link, the organiser's note on the date."""
    from .recurrence import describe_rule

    change = None
    if occurrence is not None:
        change = next(
            (
                c
                for c in canonical.occurrence_changes.all()
                if c.original_start == occurrence.original_start
            ),
            None,
        )
    place = canonical.place if page.booking_id is None else page.place
    address = ", ".join(line.strip() for line in place.address.splitlines() if line.strip())
    online = canonical.online_url if canonical.attendance_mode != "in_person" else ""
    return {
        "when": wording.when_for_reader(
            occurrence.start if occurrence else canonical.start,
            occurrence.end if occurrence else canonical.end,
            canonical.time_zone,
            reader_zone,
            all_day=canonical.all_day,
        ),
        "rule": describe_rule(
            text=canonical.recurrence, local_start=canonical.local_start, all_day=canonical.all_day
        )
        if canonical.recurrence and occurrence is None
        else "",
        "place": ", ".join(part for part in ((place.name or "").strip(), address) if part)
        if canonical.attendance_mode != "online"
        else "",
        "online": online,
        "note": change.note if change else "",
    }


def _changes_in_words(invite, canonical, page):
    """The lines of "what changed" since the person's last invite: moved, cancelled, new dates
    and the place."""
    if invite is None:
        return []
    zone = canonical.time_zone
    lines = []
    for change in invite.changes:
        if change.before and change.after:
            line = _("Date moved: %(before)s → %(after)s") % {
                "before": wording.span_in_words(*change.before, zone, all_day=canonical.all_day),
                "after": wording.span_in_words(*change.after, zone, all_day=canonical.all_day),
            }
        elif change.before and change.cancelled:
            line = _("Date cancelled: %(date)s") % {
                "date": wording.span_in_words(*change.before, zone, all_day=canonical.all_day)
            }
        elif change.before:
            line = _("No longer in your calendar: %(date)s") % {
                "date": wording.span_in_words(*change.before, zone, all_day=canonical.all_day)
            }
        else:
            line = _("New date: %(date)s") % {
                "date": wording.span_in_words(*change.after, zone, all_day=canonical.all_day)
            }
        lines.append(f"{line} ({change.note})" if change.note else line)
    if invite.place_before is not None:
        lines.append(
            _("Place: %(before)s → %(after)s")
            % {"before": invite.place_before, "after": invites.place_of(page, canonical)}
        )
    return lines


def _localized(event, language):
    """The event's live page in ``language``, else the canonical one."""
    locale = Locale.objects.filter(language_code=language).first()
    return localized_pages([event], locale=locale, model=EventPage)[0] if locale else event


@renderer(SERIES)
def series_message(delivery):
    """A whole series (a committee, say) in the calendar of someone who follows it:
    the series when they follow it and when it changes; when they leave it or it is withdrawn,
    what they still hold of it (the dates they registered for), or its CANCEL."""
    payload = delivery.notification.payload
    event = EventPage.objects.filter(pk=payload["event"]).prefetch_related(*INVITE_PREFETCH).first()
    if event is None:
        return None
    change = payload.get("change") or ("request" if payload["method"] == REQUEST else "cancel")
    language, zone_name, user = recipient_preferences(delivery.recipient)
    zone = zoneinfo.ZoneInfo(zone_name)
    links = mail_links(delivery.recipient, series_scope(event), language)
    with translation.override(language), timezone.override(zone):
        page = _localized(event, language)
        invite = invites.render_invite(
            address=delivery.recipient,
            attendee_name=user.get_display_name() if user else "",
            page=page,
            canonical=event,
            only_if_changed=change == "update",
        )
        if invite is None and change in ("update", "request", "withdrawn"):
            return None  # their calendar already holds it as it is
        now = timezone.now()
        next_date = min(
            (
                o
                for o in event.occurrences.all()
                if o.status == Occurrence.Status.SCHEDULED and o.end >= now
            ),
            key=lambda occurrence: occurrence.start,
            default=None,
        )
        context = {
            "user": user,
            "event": page,
            "change": change,
            "cancel": change in ("cancel", "withdrawn"),
            "withdrawn": change == "withdrawn" or not event.live,
            "invite": invite,
            "keeps_dates": invite is not None and invite.method == REQUEST,
            "next_date": next_date,
            "facts": event_facts(page, event, None, zone)
            if next_date is None
            else {**event_facts(page, event, next_date, zone), "rule": _rule(event)},
            "changes": _changes_in_words(invite, event, page),
            "event_url": page_url(page),
            "language": language,
            **links,
        }
        subject = " ".join(render_to_string("events/mail/series_subject.txt", context).split())
        text = render_to_string("events/mail/series.txt", context)
        html = render_to_string("events/mail/series.html", context)
    return _mail(subject, text, html, delivery.recipient, invite, links)


def _rule(event):
    from .recurrence import describe_rule

    if not event.recurrence:
        return ""
    return describe_rule(
        text=event.recurrence, local_start=event.local_start, all_day=event.all_day
    )


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
    with translation.override(language):
        # The same for every reader but the time in their zone (``when``, per mail).
        facts = {**event_facts(page, event, next_date, None), "rule": _rule(event)}
    return page, calendar, next_date, facts


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
    page, calendar, next_date, facts = _announced(
        event.pk, event.last_published_at, language, bucket
    )
    with translation.override(language), timezone.override(zoneinfo.ZoneInfo(zone_name)):
        if next_date is not None:
            facts = {
                **facts,
                "when": wording.when_for_reader(
                    next_date.start,
                    next_date.end,
                    event.time_zone,
                    zone_name,
                    all_day=event.all_day,
                ),
            }
        context = {
            "user": user,
            "event": page,
            "next_date": next_date,
            "facts": facts,
            "event_url": page_url(page),
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
