"""The outbox: one delivery per change and recipient, sent once, retried, failures shown."""

import datetime as dt
import email
import smtplib
import socket

import icalendar
import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from events import services as event_services
from events.models import Occurrence
from tests.factories.accounts import UserFactory
from website.notifications import services
from website.notifications.models import Delivery, Notification
from website.notifications.tasks import deliver, dispatch_due

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(db):
    return UserFactory(email="awa@coop.example", display_name="Awa", preferred_language="fr")


@pytest.fixture
def smtp_down(settings):
    """A real SMTP backend aimed at a port where nothing listens: the server is down."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.ESSAIM_EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", port, False
    settings.EMAIL_TIMEOUT = 2
    return settings


def registration_for(make_event, person, capture, **fields):
    occurrence = Occurrence.objects.get(event=make_event(**fields))
    with capture(execute=True):
        return event_services.registration_create(occurrence=occurrence, user=person)


def test_a_change_is_recorded_once_and_a_delivery_sent_once(
    make_event, person, django_capture_on_commit_callbacks
):
    registration = registration_for(
        make_event, person, django_capture_on_commit_callbacks, capacity=5
    )
    delivery = Delivery.objects.get(user=person)
    assert delivery.status == Delivery.Status.SENT
    assert len(mail.outbox) == 1

    deliver(delivery.pk)  # the queue handed the same task over twice
    services.notification_create(
        kind="events.registration.confirmed",
        key=f"events.registration:{registration.pk}:created",
        recipients=[person],
    )
    assert len(mail.outbox) == 1
    assert Notification.objects.count() == Delivery.objects.count() == 1


def test_a_rolled_back_change_leaves_nothing_to_send(person, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                services.notification_create(kind="x", key="rolled-back", recipients=[person])
                raise RuntimeError("the change failed")
        except RuntimeError:
            pass
    assert not Notification.objects.exists()
    assert mail.outbox == []


def test_the_confirmation_is_an_invite_calendars_apply(
    make_event, person, django_capture_on_commit_callbacks
):
    registration_for(make_event, person, django_capture_on_commit_callbacks, capacity=5)
    message = email.message_from_bytes(mail.outbox[0].message().as_bytes())

    assert message.get_content_type() == "multipart/mixed"
    alternative, attachment = message.get_payload()
    assert alternative.get_content_type() == "multipart/alternative"
    parts = [part.get_content_type() for part in alternative.get_payload()]
    assert parts == ["text/plain", "text/html", "text/calendar"]
    calendar_part = alternative.get_payload()[2]
    assert calendar_part.get_param("method") == "REQUEST"
    assert attachment.get_content_type() == "application/ics"
    assert attachment.get_filename() == "invitation.ics"

    calendar = icalendar.Calendar.from_ical(calendar_part.get_payload(decode=True))
    assert calendar["METHOD"] == "REQUEST"
    (event,) = calendar.walk("VEVENT")
    attendees = event.get("ATTENDEE")
    assert not isinstance(attendees, list)
    assert str(attendees) == "mailto:awa@coop.example"
    assert attendees.params["PARTSTAT"] == "ACCEPTED"
    assert str(event["ORGANIZER"]) == "mailto:agenda@nantes.example"


def test_cancelling_sends_a_cancel_with_a_higher_sequence(
    make_event, person, django_capture_on_commit_callbacks
):
    registration = registration_for(
        make_event, person, django_capture_on_commit_callbacks, capacity=5
    )
    with django_capture_on_commit_callbacks(execute=True):
        event_services.registration_cancel(registration=registration, user=person)

    def calendar_of(sent):
        message = email.message_from_bytes(sent.message().as_bytes())
        part = message.get_payload()[0].get_payload()[2]
        return icalendar.Calendar.from_ical(part.get_payload(decode=True))

    request, cancel = calendar_of(mail.outbox[0]), calendar_of(mail.outbox[1])
    assert cancel["METHOD"] == "CANCEL"
    (request_event,), (cancel_event,) = request.walk("VEVENT"), cancel.walk("VEVENT")
    assert cancel_event["UID"] == request_event["UID"]
    assert cancel_event["STATUS"] == "CANCELLED"
    assert int(cancel_event["SEQUENCE"]) > int(request_event.get("SEQUENCE", 0))
    assert not cancel_event.walk("VALARM")


def test_mail_during_an_smtp_outage_waits_and_leaves_when_smtp_is_back(
    make_event, person, smtp_down, django_capture_on_commit_callbacks
):
    registration_for(make_event, person, django_capture_on_commit_callbacks, capacity=5)
    delivery = Delivery.objects.get(user=person)
    assert delivery.status == Delivery.Status.PENDING
    assert delivery.attempts == 1
    assert "ConnectionRefusedError" in delivery.last_error
    assert delivery.next_attempt_at > timezone.now()

    dispatch_due()  # not yet due: nothing happens
    delivery.refresh_from_db()
    assert delivery.attempts == 1

    smtp_down.ESSAIM_EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
    dispatch_due()
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.SENT
    assert len(mail.outbox) == 1


def test_after_the_last_attempt_a_failure_is_shown_to_administrators_who_can_retry(
    client, make_event, person, smtp_down, django_user_model, django_capture_on_commit_callbacks
):
    registration_for(make_event, person, django_capture_on_commit_callbacks, capacity=5)
    delivery = Delivery.objects.get(user=person)
    later = timezone.now()
    for _ in range(services.MAX_ATTEMPTS - 1):
        later += dt.timedelta(hours=7)  # past each retry's time
        services.delivery_send(delivery_id=delivery.pk, now=later)
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.FAILED
    assert delivery.attempts == services.MAX_ATTEMPTS

    admin = django_user_model.objects.create_superuser(email="admin@ville.example", password="x")
    client.force_login(admin)
    page = client.get("/admin/deliveries/").content.decode()
    assert "awa@coop.example" in page
    assert "ConnectionRefusedError" in page

    smtp_down.ESSAIM_EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/admin/deliveries/{delivery.pk}/retry/")
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.SENT
    assert len(mail.outbox) == 1


def test_only_administrators_see_deliveries(client, person):
    client.force_login(person)
    assert client.get("/admin/deliveries/").status_code in (302, 403)


def test_smtp_answers_are_sorted_into_passing_and_lasting_troubles():
    assert services.is_transient(smtplib.SMTPServerDisconnected("gone"))
    assert services.is_transient(ConnectionRefusedError())
    assert services.is_transient(smtplib.SMTPResponseException(421, b"busy"))
    assert not services.is_transient(smtplib.SMTPResponseException(550, b"no such user"))
    assert not services.is_transient(smtplib.SMTPRecipientsRefused({"a@b.c": (550, b"unknown")}))
    assert services.is_transient(smtplib.SMTPRecipientsRefused({"a@b.c": (452, b"full")}))
    assert not services.is_transient(ValueError("a bug"))
    assert services.retry_delay(1) == dt.timedelta(minutes=1)
    assert services.retry_delay(20) == dt.timedelta(hours=6)


def test_without_beat_cron_runs_the_periodic_tasks(
    make_event, person, smtp_down, django_capture_on_commit_callbacks
):
    from django.core.management import CommandError, call_command

    registration_for(make_event, person, django_capture_on_commit_callbacks, capacity=5)
    smtp_down.ESSAIM_EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    Delivery.objects.update(next_attempt_at=timezone.now())

    call_command("run_periodic_tasks", "dispatch-due-notifications")

    assert Delivery.objects.get().status == Delivery.Status.SENT
    with pytest.raises(CommandError, match="Unknown periodic task"):
        call_command("run_periodic_tasks", "nope")


def sent_calendar(message):
    parsed = email.message_from_bytes(message.message().as_bytes())
    part = parsed.get_payload()[0].get_payload()[2]
    return icalendar.Calendar.from_ical(part.get_payload(decode=True))


def test_a_burst_of_edits_sends_one_updated_invite_after_the_delay(
    make_event, person, django_capture_on_commit_callbacks
):
    registration = registration_for(
        make_event, person, django_capture_on_commit_callbacks, capacity=5
    )
    event = registration.occurrence.event
    assert len(mail.outbox) == 1
    for _ in (1, 2):  # moved twice within the delay
        event.start += dt.timedelta(hours=1)
        event.end += dt.timedelta(hours=1)
        with django_capture_on_commit_callbacks(execute=True):
            event.save_revision().publish()
    assert len(mail.outbox) == 1  # nothing leaves before the delay

    later = timezone.now() + dt.timedelta(minutes=6)
    for pk in services.deliveries_due(now=later):
        services.delivery_send(delivery_id=pk, now=later)

    assert len(mail.outbox) == 2
    update = mail.outbox[1]
    assert update.subject.startswith("Modification\u00a0:") or update.subject.startswith("Changed:")
    (vevent,) = sent_calendar(update).walk("VEVENT")
    assert vevent["DTSTART"].dt == registration.occurrence.start + dt.timedelta(hours=2)
    assert int(vevent["SEQUENCE"]) == 2
    assert Delivery.objects.filter(status=Delivery.Status.SUPERSEDED).count() == 1


def test_cancelling_the_only_date_someone_holds_sends_them_a_cancel(
    make_event, person, django_capture_on_commit_callbacks
):
    """They hold nothing else of the series: the event leaves their calendar (a date they
    still held would stay, with an updated invite: tests/events/test_calendar_holdings.py)."""
    from events.models import OccurrenceChange

    event = make_event(capacity=5, recurrence="FREQ=WEEKLY;COUNT=3")
    second = Occurrence.objects.filter(event=event).order_by("start")[1]
    with django_capture_on_commit_callbacks(execute=True):
        event_services.registration_create(occurrence=second, user=person)
    event.occurrence_changes.add(
        OccurrenceChange(original_start=second.original_start, action="cancel")
    )
    with django_capture_on_commit_callbacks(execute=True):
        event.save_revision().publish()
    later = timezone.now() + dt.timedelta(minutes=6)
    for pk in services.deliveries_due(now=later):
        services.delivery_send(delivery_id=pk, now=later)

    calendar = sent_calendar(mail.outbox[-1])
    assert calendar["METHOD"] == "CANCEL"
    (vevent,) = calendar.walk("VEVENT")
    assert "RECURRENCE-ID" not in vevent
    assert vevent["STATUS"] == "CANCELLED"
    assert int(vevent["SEQUENCE"]) > int(
        sent_calendar(mail.outbox[0]).walk("VEVENT")[0]["SEQUENCE"]
    )
