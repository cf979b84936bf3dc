"""Personal data: a person downloads everything kept about them, and deleting the account
removes it (what they wrote for others stays, without their name)."""

import json

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.utils import translation

from events.models import Occurrence, Registration
from events.models import Subscription as EventSubscription
from events.services import registration_create
from forums import services as forum_services
from forums.models import Category, ForumNotification, ForumProfile, Post, Topic
from forums.models import Subscription as ForumSubscription
from network.directory.models import Actor, ActorChange, ActorStatus, Follow, Membership, Sector
from tests.factories.accounts import UserFactory
from website.accounts.services import user_delete
from website.notifications.models import Subscriber
from website.notifications.subscribers import subscriber_for_user

pytestmark = pytest.mark.django_db

PASSWORD = "un-mot-de-passe-solide-2026"


@pytest.fixture(autouse=True)
def _forum_rules(settings):
    settings.FORUMS_APPROVAL_FIRST_POSTS = 0


def person(django_user_model, email, name):
    return UserFactory(
        email=email, password=PASSWORD, display_name=name, time_zone="Africa/Dakar", verified=True
    )


@pytest.fixture
def lives(django_user_model, make_event):
    """Awa and Omar, each with a life on the platform that touches the other's."""
    awa = person(django_user_model, "awa@coop.example", "Awa Diop")
    omar = person(django_user_model, "omar@asso.example", "Omar Diallo")
    EmailAddress.objects.create(user=awa, email="awa.perso@mail.example", verified=True)
    # An address she typed but never verified: it is somebody else's.
    EmailAddress.objects.create(user=awa, email="voisine@mail.example", verified=False)
    Subscriber.objects.create(email="voisine@mail.example", frequency="daily")

    event = make_event(title="Atelier compostage", capacity=10)
    occurrence = Occurrence.objects.get(event=event)
    registration_create(occurrence=occurrence, user=awa)
    registration_create(occurrence=occurrence, user=omar)

    food = Sector.objects.create(name_fr="Alimentation", name_en="Food", slug="alimentation")
    subscriber = subscriber_for_user(awa)
    subscriber.frequency = Subscriber.Frequency.WEEKLY
    subscriber.save()
    Follow.objects.create(subscriber=subscriber, target="sector", sector=food)
    # Before she had an account, Awa's second address confirmed a subscription of its own.
    Subscriber.objects.create(email="awa.perso@mail.example")
    subscriber_for_user(omar)

    category = Category.objects.create(name_fr="Entraide", name_en="Mutual aid", slug="entraide")
    topic = forum_services.topic_create(
        category=category, user=awa, title="Qui composte à Nantes ?", source="Bonjour à toutes."
    )
    forum_services.post_create(topic=topic, user=omar, source="Moi ! Message d’Omar.")
    forum_services.follow_set(user=awa, follow=True, category=category)

    actor = Actor.objects.create(name="Coop Vélo", slug="coop-velo", status=ActorStatus.PUBLISHED)
    Membership.objects.create(actor=actor, user=awa, role=Membership.Role.ADMIN, status="active")
    Membership.objects.create(actor=actor, user=omar, status="pending")
    ActorChange.objects.create(actor=actor, data={"description": "Atelier vélo"}, proposed_by=awa)
    ActorChange.objects.create(
        actor=actor, data={"description": "Omar's words"}, proposed_by=omar, status="rejected"
    )
    return {"awa": awa, "omar": omar, "topic": topic, "actor": actor}


def text_of(data):
    return json.dumps(data["mail_subscriptions"])


def sign_in_recently(client, user):
    client.post("/fr/accounts/login/", {"login": user.email, "password": PASSWORD})
    client.post("/fr/accounts/reauthenticate/", {"password": PASSWORD})
    # Turned on after logging in, so the test needs no TOTP code.
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "x"})


def test_a_person_downloads_their_own_data_and_nothing_about_anybody_else(client, lives):
    awa = lives["awa"]
    sign_in_recently(client, awa)
    response = client.get("/fr/accounts/profile/data.json")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"].startswith('attachment; filename="essaim-data-')
    assert "no-store" in response["Cache-Control"]
    data = json.loads(response.content)
    assert data["account"]["email"] == "awa@coop.example"
    assert data["account"]["display_name"] == "Awa Diop"
    assert data["account"]["time_zone"] == "Africa/Dakar"
    assert data["account"]["two_factor"] == ["totp"]
    assert {(a["email"], a["verified"]) for a in data["email_addresses"]} == {
        ("awa@coop.example", True),
        ("awa.perso@mail.example", True),
        ("voisine@mail.example", False),
    }
    assert {s["email"] for s in data["mail_subscriptions"]} == {
        "awa@coop.example",
        "awa.perso@mail.example",
    }
    account_mail = next(s for s in data["mail_subscriptions"] if s["email"] == awa.email)
    assert account_mail["frequency"] == "weekly"
    assert [f["sector"] for f in account_mail["follows"]] == ["alimentation"]
    assert [(r["event"], r["status"]) for r in data["event_registrations"]] == [
        ("Atelier compostage", "confirmed")
    ]
    assert data["forums"]["profile"]["handle"]
    assert [t["title"] for t in data["forums"]["topics"]] == ["Qui composte à Nantes ?"]
    assert [p["message"] for p in data["forums"]["posts"]] == ["Bonjour à toutes."]
    # Opening a topic follows it; she also follows the category.
    assert {(f["category"], f["topic"]) for f in data["forums"]["follows"]} == {
        (None, "Qui composte à Nantes ?"),
        ("Entraide", None),
    }
    assert [(m["actor"], m["role"]) for m in data["directory"]["memberships"]] == [
        ("Coop Vélo", "admin")
    ]
    assert [c["values"] for c in data["directory"]["proposed_changes"]] == [
        {"description": "Atelier vélo"}
    ]
    assert data["bookings"] == []
    assert "daily" not in text_of(data)  # the unverified address's subscription is not hers
    # Nothing about Omar, though he shares her event, her topic and her organisation.
    text = response.content.decode()
    for trace in ("omar", "Omar", "Diallo"):
        assert trace not in text


def test_the_export_needs_a_recent_password_and_an_account(client, lives):
    anonymous = client.get("/fr/accounts/profile/data.json")
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/fr/accounts/login/")
    client.post("/fr/accounts/login/", {"login": lives["awa"].email, "password": PASSWORD})
    asked = client.get("/fr/accounts/profile/data.json")
    assert asked.status_code == 302
    assert asked["Location"].startswith("/fr/accounts/reauthenticate/")
    assert client.post("/fr/accounts/profile/data.json").status_code in (302, 405)


def test_the_export_reads_a_bounded_number_of_queries(lives, django_assert_max_num_queries):
    from website.accounts.selectors import user_personal_data

    # 17 since the follows of sectors and territories have their own table (issue 19).
    with django_assert_max_num_queries(17):
        user_personal_data(user=lives["awa"])


def test_the_profile_page_links_to_the_export_and_to_deletion(client, lives):
    client.post("/fr/accounts/login/", {"login": lives["awa"].email, "password": PASSWORD})
    html = client.get("/fr/accounts/profile/").content.decode()
    assert 'href="/fr/accounts/profile/data.json"' in html
    assert 'href="/fr/accounts/profile/delete/"' in html


def test_deleting_an_account_removes_its_data_and_keeps_what_others_read_without_the_name(
    client, lives
):
    from events.models import CalendarCopy
    from website.notifications import services as outbox

    awa, omar, topic = lives["awa"], lives["omar"], lives["topic"]
    for pk in outbox.deliveries_due():  # their confirmations: their calendars were told
        outbox.delivery_send(delivery_id=pk)
    assert CalendarCopy.objects.filter(recipient="awa@coop.example").exists()
    sign_in_recently(client, awa)
    response = client.post("/fr/accounts/profile/delete/", {"confirm": "on"})
    assert response.status_code == 302
    assert not CalendarCopy.objects.filter(recipient="awa@coop.example").exists()
    assert CalendarCopy.objects.filter(recipient="omar@asso.example").exists()

    assert not EmailAddress.objects.filter(email__startswith="awa").exists()
    assert not Authenticator.objects.filter(user_id=awa.pk).exists()
    assert not Registration.objects.filter(user_id=awa.pk).exists()
    assert not Subscriber.objects.filter(email__startswith="awa").exists()
    assert EventSubscription.objects.count() == 0
    assert not Membership.objects.filter(user_id=awa.pk).exists()
    assert not ForumProfile.objects.filter(user_id=awa.pk).exists()
    assert not ForumSubscription.objects.filter(user_id=awa.pk).exists()
    assert not ForumNotification.objects.filter(user_id=awa.pk).exists()
    # What others read stays, with no author.
    topic.refresh_from_db()
    assert topic.author_id is None
    assert Post.objects.filter(topic=topic, author=None, source="Bonjour à toutes.").exists()
    assert ActorChange.objects.filter(
        proposed_by=None, data={"description": "Atelier vélo"}
    ).exists()
    # The unverified address was never hers: its subscriptions stay.
    assert Subscriber.objects.filter(email="voisine@mail.example").exists()
    # Omar keeps everything of his.
    assert Registration.objects.filter(user=omar).count() == 1
    assert Subscriber.objects.filter(user=omar).exists()
    assert Membership.objects.filter(user=omar).exists()
    assert Post.objects.filter(author=omar).count() == 1
    assert Topic.objects.filter(pk=topic.pk).exists()


def test_bookings_outlive_the_account_without_the_person_and_future_ones_are_cancelled(
    client, lives, django_user_model, django_capture_on_commit_callbacks, mailoutbox
):
    """The account goes; every booking stays in the managers' records with its actor and no
    requester. Those still to come are cancelled, and the managers of a confirmed one are
    told; one under way or over only loses the name, shown as "a deleted account"."""
    import datetime as dt

    from django.utils import timezone

    from network.directory.models import Territory
    from network.spaces import services as bookings
    from network.spaces.models import Booking
    from network.spaces.notifications import booking_created_notify
    from tests.factories.spaces import BookingFactory
    from tests.network.booking_helpers import join, local, make_space, next_week_day

    awa, omar, actor = lives["awa"], lives["omar"], lives["actor"]
    manager = person(django_user_model, "gestion@ville.example", "Gestion")
    manager.preferred_language = "en"  # mail is asserted in the source language
    manager.save()
    nantes = Territory.objects.create(name="Nantes", slug="nantes", kind="commune", country="FR")
    hall = make_space(nantes, manager=manager)
    room = make_space(nantes, manager=manager, slug="petite-salle", requires_approval=True)
    omars = Actor.objects.create(name="Asso Omar", slug="asso-omar", status="published")
    join(omar, omars)
    day = next_week_day()
    values = {"purpose": "Assemblée générale", "attendees": 12}
    with django_capture_on_commit_callbacks(execute=True):
        confirmed = bookings.booking_create(
            space=hall, actor=actor, user=awa, start=local(day, 10), end=local(day, 12), **values
        )[0]
        requested = bookings.booking_create(
            space=room, actor=actor, user=awa, start=local(day, 14), end=local(day, 16), **values
        )[0]
        kept = bookings.booking_create(
            space=hall,
            actor=omars,
            user=omar,
            start=local(day, 14),
            end=local(day, 16),
            **values,
        )[0]
    now = timezone.now()
    past, under_way = (
        BookingFactory(
            space=room,
            actor=actor,
            requested_by=awa,
            start=start,
            end=start + dt.timedelta(hours=2),
            status=status,
        )
        for start, status in (
            (now - dt.timedelta(days=30), Booking.Status.CONFIRMED),
            (now - dt.timedelta(hours=1), Booking.Status.PENDING),
        )
    )
    assert Booking.objects.filter(requested_by=awa).count() == 4
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        user_delete(user=awa)

    assert not django_user_model.objects.filter(pk=awa.pk).exists()
    rows = {b.pk: b for b in Booking.objects.filter(pk__in=[confirmed.pk, requested.pk])}
    assert {b.status for b in rows.values()} == {Booking.Status.CANCELLED}
    assert not any(b.occupies for b in rows.values())
    for booking in (confirmed, requested, past, under_way):
        booking.refresh_from_db()
        assert (booking.requested_by_id, booking.actor_id) == (None, actor.pk)
    assert (past.status, under_way.status) == (Booking.Status.CONFIRMED, Booking.Status.PENDING)
    kept.refresh_from_db()
    assert (kept.status, kept.requested_by_id) == (Booking.Status.CONFIRMED, omar.pk)
    # The managers of the confirmed booking are told it is free again; nothing goes to her.
    assert [m.to for m in mailoutbox] == [[manager.email]]
    assert "Salle des fêtes" in mailoutbox[0].body
    assert not any(awa.email in m.to for m in mailoutbox)

    # What the managers see of her request under way: the actor and "a deleted account".
    client.force_login(manager)
    page = client.get("/en/directory/spaces/manage/").content.decode()
    assert "Coop Vélo (a deleted account)" in page
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        booking_created_notify(bookings=[under_way])
    assert "a deleted account asks to book" in mailoutbox[0].body


def test_a_protected_record_stops_the_deletion_with_a_message_and_nothing_half_way(
    lives, monkeypatch
):
    """Should a record ever protect itself against the deletion (a foreign key with
    PROTECT), the person gets a message, not a 500, and nothing is deleted half-way."""
    from django.core.exceptions import ValidationError
    from django.db.models import ProtectedError

    awa = lives["awa"]

    def protected(self, *args, **kwargs):
        raise ProtectedError("protected", {lives["actor"]})

    monkeypatch.setattr(type(awa), "delete", protected)
    with translation.override("en"), pytest.raises(ValidationError, match="must be kept"):
        user_delete(user=awa)
    monkeypatch.undo()
    assert Subscriber.objects.filter(email="awa.perso@mail.example").exists()
    assert Subscriber.objects.filter(user=awa).exists()
