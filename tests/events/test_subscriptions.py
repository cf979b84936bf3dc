"""Following events: announcements, digests, series invites, reminders, double opt-in and
one-click unsubscribe (RFC 8058)."""

import datetime as dt
import email
import re

import icalendar
import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from events import services as event_services
from events.models import EventKind, Occurrence, Registration, Subscription
from events.subscriptions import subscription_remove, subscriptions_add
from network.directory.models import Sector
from tests.factories.accounts import UserFactory
from website.notifications import services, subscribers
from website.notifications.models import DigestItem, Subscriber
from website.notifications.tasks import send_digests

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(db):
    return UserFactory(email="awa@coop.example", display_name="Awa", preferred_language="fr")


def send_pending(now=None):
    now = now or timezone.now()
    for pk in services.deliveries_due(now=now):
        services.delivery_send(delivery_id=pk, now=now)


def parsed(message):
    return email.message_from_bytes(message.message().as_bytes())


def invite_calendar(message):
    part = parsed(message).get_payload()[0].get_payload()[2]
    assert part.get_content_type() == "text/calendar"
    calendar = icalendar.Calendar.from_ical(part.get_payload(decode=True))
    assert part.get_param("method") == calendar["METHOD"]
    return calendar


def link(message, name):
    """The first URL of the mail whose path contains ``name``."""
    return re.search(rf"https?://\S*/{name}/\S+/", message.body).group(0)


def test_a_published_event_is_announced_once_to_those_who_follow_its_kind(
    make_event, person, django_capture_on_commit_callbacks
):
    subscriptions_add(
        subscriber=subscribers.subscriber_for_user(person), targets=[["kind", EventKind.WORKSHOP]]
    )
    with django_capture_on_commit_callbacks(execute=True):
        event = make_event(kind=EventKind.WORKSHOP)
        make_event(kind=EventKind.FAIR, title="Salon", slug="salon")
    with django_capture_on_commit_callbacks(execute=True):
        event.save_revision().publish()  # published again: not a new event

    (message,) = mail.outbox
    assert message.to == ["awa@coop.example"]
    assert event.title in message.subject
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.extra_headers["List-Unsubscribe"].startswith("<http")
    ((filename, content, mimetype),) = message.attachments
    assert (filename, mimetype) == ("event.ics", "text/calendar")
    calendar = icalendar.Calendar.from_ical(content)
    assert calendar["METHOD"] == "PUBLISH"
    (vevent,) = calendar.walk("VEVENT")
    assert str(vevent["UID"]).startswith(str(event.translation_key))


def test_a_broader_sector_includes_the_sectors_within_it(
    make_event, person, django_capture_on_commit_callbacks
):
    parent = Sector.objects.create(name_fr="Alimentation", name_en="Food", slug="alim")
    child = Sector.objects.create(
        name_fr="Circuits courts", name_en="Short", slug="cc", parent=parent
    )
    subscriptions_add(
        subscriber=subscribers.subscriber_for_user(person), targets=[["sector", parent.pk]]
    )
    event = make_event(publish=False, kind=EventKind.FAIR)
    event.sectors.add(child)
    with django_capture_on_commit_callbacks(execute=True):
        event.save_revision().publish()
    assert [m.to for m in mail.outbox] == [["awa@coop.example"]]


def test_digest_subscribers_get_one_mail_with_everything_when_it_is_due(
    make_event, person, django_capture_on_commit_callbacks
):
    subscriber = subscribers.subscriber_for_user(person)
    subscriber.frequency = Subscriber.Frequency.DAILY
    subscriber.save()
    subscriptions_add(subscriber=subscriber, targets=[["kind", EventKind.WORKSHOP]])
    with django_capture_on_commit_callbacks(execute=True):
        first, second = make_event(), make_event()
    assert mail.outbox == []
    assert DigestItem.objects.filter(subscriber=subscriber).count() == 2

    with django_capture_on_commit_callbacks(execute=True):
        send_digests()
        send_digests()  # beat ran twice: still one digest
    (digest,) = mail.outbox
    assert first.title in digest.body and second.title in digest.body
    assert "2" in digest.subject
    ((filename, content, _mimetype),) = digest.attachments
    assert len(icalendar.Calendar.from_ical(content).walk("VEVENT")) == 2
    assert "List-Unsubscribe" in digest.extra_headers

    with django_capture_on_commit_callbacks(execute=True):
        third = make_event()
        send_digests()  # not due yet: the last digest left less than a day ago
    assert len(mail.outbox) == 1
    later = timezone.now() + dt.timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        subscribers.digest_send(subscriber=subscriber, now=later)
    assert third.title in mail.outbox[1].body


def test_without_an_account_nothing_is_sent_before_the_address_is_confirmed(
    client, make_event, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("events:subscribe"),
            {"email": "lea@asso.example", "kinds": [EventKind.WORKSHOP], "frequency": "immediate"},
        )
        client.post(  # asked twice: one confirmation mail
            reverse("events:subscribe"),
            {"email": "lea@asso.example", "kinds": [EventKind.WORKSHOP], "frequency": "immediate"},
        )
    assert response.status_code == 200
    assert not Subscriber.objects.exists()
    (confirmation,) = mail.outbox
    url = link(confirmation, "confirm")
    with django_capture_on_commit_callbacks(execute=True):
        make_event()  # not confirmed yet: no announcement
    assert len(mail.outbox) == 1

    assert client.get(url).status_code == 200  # a link checker opening it confirms nothing
    assert not Subscriber.objects.exists()
    assert client.post(url[:-5] + "xxxx/").status_code == 400
    response = client.post(url)
    assert response.status_code == 302
    subscriber = Subscriber.objects.get(email="lea@asso.example")
    assert subscriber.event_subscriptions.get().kind == EventKind.WORKSHOP
    with django_capture_on_commit_callbacks(execute=True):
        make_event()
    assert mail.outbox[-1].to == ["lea@asso.example"]


def test_one_click_unsubscribe_works_without_logging_in_and_cannot_be_forged(
    client, make_event, person, django_capture_on_commit_callbacks
):
    other = Subscriber.objects.create(email="other@coop.example")
    subscriptions_add(subscriber=other, targets=[["kind", EventKind.WORKSHOP]])
    subscriptions_add(
        subscriber=subscribers.subscriber_for_user(person), targets=[["kind", EventKind.WORKSHOP]]
    )
    with django_capture_on_commit_callbacks(execute=True):
        make_event()
    message = next(m for m in mail.outbox if m.to == ["awa@coop.example"])
    url = message.extra_headers["List-Unsubscribe"].strip("<>")
    path = url.split("://", 1)[1].split("/", 1)[1]

    token = path.rstrip("/").rsplit("/", 1)[1]
    forged = token[:-3] + ("abc" if token[-3:] != "abc" else "abd")
    assert (
        client.post(
            f"/{path}".replace(token, forged), {"List-Unsubscribe": "One-Click"}
        ).status_code
        == 404
    )
    assert client.get(f"/{path}").status_code == 200  # GET shows a button, changes nothing
    assert Subscription.objects.count() == 2

    response = client.post(f"/{path}", {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert list(Subscription.objects.values_list("subscriber__email", flat=True)) == [
        "other@coop.example"
    ]
    assert client.post(f"/{path}", {"List-Unsubscribe": "One-Click"}).status_code == 200


def test_following_a_series_puts_it_in_the_calendar_and_keeps_it_there(
    make_event, person, django_capture_on_commit_callbacks
):
    committee = make_event(
        kind=EventKind.COMMITTEE, recurrence="FREQ=MONTHLY;BYDAY=1TU;COUNT=6", title="Comité"
    )
    subscriber = Subscriber.objects.create(email="elu@ville.example", language="en")
    with django_capture_on_commit_callbacks(execute=True):
        subscriptions_add(subscriber=subscriber, targets=[["series", committee.pk]])
    (invite,) = mail.outbox
    calendar = invite_calendar(invite)
    assert calendar["METHOD"] == "REQUEST"
    (vevent,) = calendar.walk("VEVENT")
    assert "RRULE" in vevent
    assert str(vevent["ATTENDEE"]) == "mailto:elu@ville.example"
    assert str(vevent["ORGANIZER"]) == "mailto:agenda@nantes.example"
    uid, sequence = str(vevent["UID"]), int(vevent.get("SEQUENCE", 0))
    assert invite.subject.startswith("In your calendar")

    committee.start += dt.timedelta(hours=1)
    committee.end += dt.timedelta(hours=1)
    with django_capture_on_commit_callbacks(execute=True):
        committee.save_revision().publish()
    send_pending(timezone.now() + dt.timedelta(minutes=6))
    update = invite_calendar(mail.outbox[1]).walk("VEVENT")[0]
    assert str(update["UID"]) == uid and int(update["SEQUENCE"]) > sequence

    with django_capture_on_commit_callbacks(execute=True):
        subscription_remove(
            subscription=subscriber.event_subscriptions.get(), subscriber=subscriber
        )
    cancel = invite_calendar(mail.outbox[2])
    assert cancel["METHOD"] == "CANCEL"
    (cancelled,) = cancel.walk("VEVENT")
    assert str(cancelled["UID"]) == uid
    assert int(cancelled["SEQUENCE"]) > int(update["SEQUENCE"])


def test_unpublishing_an_event_cancels_it_in_every_calendar_and_publishing_restores_it(
    make_event, person, django_capture_on_commit_callbacks
):
    event = make_event(capacity=5)
    occurrence = Occurrence.objects.get(event=event)
    with django_capture_on_commit_callbacks(execute=True):
        event_services.registration_create(occurrence=occurrence, user=person)
    request = invite_calendar(mail.outbox[0]).walk("VEVENT")[0]
    assert event_services.event_deletion_blocker(event=event) is not None

    with django_capture_on_commit_callbacks(execute=True):
        event.unpublish()
    cancel = invite_calendar(mail.outbox[1])
    assert cancel["METHOD"] == "CANCEL"
    (vevent,) = cancel.walk("VEVENT")
    assert vevent["UID"] == request["UID"]
    assert int(vevent["SEQUENCE"]) > int(request.get("SEQUENCE", 0))
    assert event_services.event_deletion_blocker(event=event) is None

    event.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        event.save_revision().publish()
    send_pending(timezone.now() + dt.timedelta(minutes=6))
    back = invite_calendar(mail.outbox[2])
    assert back["METHOD"] == "REQUEST"
    assert int(back.walk("VEVENT")[0]["SEQUENCE"]) > int(vevent["SEQUENCE"])
    assert Registration.objects.get().status == Registration.Status.CONFIRMED


def test_reminders_come_once_at_the_chosen_time_and_never_for_cancelled_seats(
    make_event, person, django_user_model, django_capture_on_commit_callbacks
):
    start = timezone.now() + dt.timedelta(hours=30)
    event = make_event(start=start, capacity=5)
    occurrence = Occurrence.objects.get(event=event)
    quiet = django_user_model.objects.create_user(email="quiet@coop.example", password="x")
    gone = django_user_model.objects.create_user(email="gone@coop.example", password="x")
    with django_capture_on_commit_callbacks(execute=True):
        for user in (person, quiet, gone):
            event_services.registration_create(
                occurrence=occurrence, user=user, now=timezone.now() - dt.timedelta(days=2)
            )
    Registration.objects.update(created_at=timezone.now() - dt.timedelta(days=2))
    quiet_subscriber = subscribers.subscriber_for_user(quiet)
    quiet_subscriber.reminder_hours = Subscriber.Reminder.NONE
    quiet_subscriber.save()
    with django_capture_on_commit_callbacks(execute=True):
        event_services.registration_cancel(
            registration=Registration.objects.get(user=gone), user=gone
        )
    mail.outbox.clear()

    assert event_services.reminders_due() == 0  # 30 hours before: not yet (a day before)
    later = timezone.now() + dt.timedelta(hours=7)
    with django_capture_on_commit_callbacks(execute=True):
        assert event_services.reminders_due(now=later) == 1
        assert event_services.reminders_due(now=later) == 0
    (reminder,) = mail.outbox
    assert reminder.to == ["awa@coop.example"]
    assert reminder.subject.startswith("Rappel")
    assert "List-Unsubscribe" in reminder.extra_headers


def test_the_preferences_page_works_from_the_mail_link_and_only_for_its_owner(
    client, make_event, person, django_capture_on_commit_callbacks
):
    mine = Subscriber.objects.create(email="lea@asso.example")
    other = Subscriber.objects.create(email="other@asso.example")
    subscriptions_add(subscriber=mine, targets=[["kind", EventKind.WORKSHOP]])
    (theirs,) = subscriptions_add(subscriber=other, targets=[["kind", EventKind.FAIR]])
    token = subscribers.manage_token("lea@asso.example")
    url = reverse("notifications:preferences_token", args=[token])

    response = client.get(url)
    assert response.status_code == 200
    assert "Atelier" in response.content.decode() or "Workshop" in response.content.decode()
    assert (
        client.post(
            reverse("events:subscription_remove", args=[theirs.pk]), {"token": token}
        ).status_code
        == 404
    )
    assert Subscription.objects.filter(pk=theirs.pk).exists()

    response = client.post(url, {"frequency": "weekly"})
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.frequency == "weekly"
    assert client.get(url[:-4] + "abc/").status_code == 404


def test_nobody_can_flood_an_address_with_confirmation_requests(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        for kind in EventKind.values:
            response = client.post(
                reverse("events:subscribe"),
                {"email": "victim@asso.example", "kinds": [kind], "frequency": "immediate"},
            )
            assert response.status_code == 200  # the same answer every time
    assert len(mail.outbox) == subscribers.CONFIRMATIONS_PER_DAY


def assert_itip(message, *, recipient, method):
    """calendar.md's rules for an invite, checked on the mail as sent."""
    from tests.events.test_ical import parse_everywhere

    calendar = invite_calendar(message)  # the part's method parameter equals METHOD
    assert calendar["METHOD"] == method
    parse_everywhere(calendar.to_ical())  # icalendar, ical and vobject all read it
    for vevent in calendar.walk("VEVENT"):
        attendee = vevent["ATTENDEE"]
        assert not isinstance(attendee, list)
        assert str(attendee) == f"mailto:{recipient}"
        organizer = str(vevent["ORGANIZER"])
        assert organizer.startswith("mailto:") and "<" not in organizer
        assert "CN" in vevent["ORGANIZER"].params
    return calendar.walk("VEVENT")[0]


def test_every_invite_of_a_registration_follows_the_rules_and_shares_the_feed_uid(
    client, make_event, person, django_capture_on_commit_callbacks
):
    event = make_event(capacity=5)
    occurrence = Occurrence.objects.get(event=event)
    with django_capture_on_commit_callbacks(execute=True):
        registration = event_services.registration_create(occurrence=occurrence, user=person)
    event.start += dt.timedelta(days=1)
    event.end += dt.timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        event.save_revision().publish()
    send_pending(timezone.now() + dt.timedelta(minutes=6))
    with django_capture_on_commit_callbacks(execute=True):
        event_services.registration_cancel(registration=registration, user=person)

    request, update, cancel = mail.outbox
    sequences = []
    for message, method in ((request, "REQUEST"), (update, "REQUEST"), (cancel, "CANCEL")):
        vevent = assert_itip(message, recipient="awa@coop.example", method=method)
        sequences.append(int(vevent.get("SEQUENCE", 0)))
        uid = str(vevent["UID"])
    assert sequences == sorted(set(sequences))  # strictly increasing

    download = client.get(reverse("events:event_ics", args=[event.translation_key]))
    feed = client.get(reverse("events:feed"))
    for response in (download, feed):
        uids = {
            str(v["UID"]) for v in icalendar.Calendar.from_ical(response.content).walk("VEVENT")
        }
        assert uid in uids


@pytest.fixture
def vocab_sectors(db):
    from tests.factories.directory import SectorFactory, TerritoryFactory

    return SectorFactory(name_fr="Alimentation"), TerritoryFactory(name="Occitanie")


def test_sectors_and_territories_followed_show_among_the_events_and_stop_from_the_page(
    client, vocab_sectors
):
    """Follows of sectors and territories live in the directory (issue 19); the preferences
    page still lists them with kinds and series, and each one's button stops it, for its
    owner only."""
    from network.directory.models import Follow

    food, region = vocab_sectors
    mine = Subscriber.objects.create(email="lea@asso.example")
    other = Subscriber.objects.create(email="other@asso.example")
    subscriptions_add(
        subscriber=mine,
        targets=[["kind", EventKind.WORKSHOP], ["sector", food.pk], ["territory", region.pk]],
    )
    (theirs,) = subscriptions_add(subscriber=other, targets=[["sector", food.pk]])
    token = subscribers.manage_token("lea@asso.example")
    page = client.get(reverse("notifications:preferences_token", args=[token])).content.decode()
    follow = Follow.objects.get(subscriber=mine, target="sector")
    removal = reverse("network:follow_remove", args=[follow.pk])
    assert page.index("Atelier") < page.index(food.name_fr) < page.index(region.name)
    assert f'action="{removal}"' in page

    foreign = reverse("network:follow_remove", args=[theirs.pk])
    assert client.post(foreign, {"token": token}).status_code == 404
    assert Follow.objects.filter(pk=theirs.pk).exists()
    response = client.post(removal, {"token": token})
    assert response.status_code == 302
    assert list(mine.follows.values_list("target", flat=True)) == ["territory"]
    assert mine.event_subscriptions.count() == 1
