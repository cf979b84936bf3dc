"""An actor waiting for review (issue 18, item 1): its creator and administrators see its
profile with a banner while the public gets a 404, and the moderators hear that something
waits, once per actor or change, by mail or in their digest."""

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.utils import timezone

from network.directory import services
from network.directory.models import ActorStatus, Membership
from network.directory.notifications import REVIEW_ACTOR, REVIEW_CHANGE
from tests.factories.notifications import SubscriberFactory
from website.notifications.models import DigestItem, Notification
from website.notifications.subscribers import digest_send

from .test_moderation import values

pytestmark = pytest.mark.django_db

BANNER = 'class="message message--warning"'


@pytest.fixture
def moderators(moderator, make_user):
    """A French moderator and an English one (a superuser moderates too)."""
    english = make_user("moderation-en@example.org", groups=["Moderators"], preferred_language="en")
    return get_user_model().objects.filter(pk__in=[moderator.pk, english.pk]).order_by("pk")


# --- the profile of an actor waiting for review --------------------------------------------


def test_the_creator_sees_their_pending_actor_with_a_banner_and_the_public_gets_404(
    client, vocab, make_user
):
    person = make_user()
    actor = services.actor_create(user=person, values=values(vocab))
    url = f"/fr/directory/{actor.slug}/"
    assert Client().get(url).status_code == 404

    client.force_login(person)
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert BANNER in html
    assert actor.name in html
    # Not for search engines or shared caches, and nothing it cannot do yet is offered.
    assert "application/ld+json" not in html
    assert "no-cache" in page["Cache-Control"] and "private" in page["Cache-Control"]
    assert f"/fr/directory/{actor.slug}/needs/" not in html
    assert f"/fr/directory/{actor.slug}/edit/" in html

    english = client.get(f"/en/directory/{actor.slug}/").content.decode()
    assert "Waiting for review" in english
    assert "Only the people who administer it and the moderators see this page." in english
    # What it cannot do yet, in the services' own words.
    assert f"{actor.name} is waiting for a moderator&#x27;s approval: once approved" in english


def test_its_other_admins_and_the_moderators_see_it_and_other_people_do_not(
    vocab, make_user, moderator
):
    creator, other_admin, member, stranger = make_user(), make_user(), make_user(), make_user()
    actor = services.actor_create(user=creator, values=values(vocab))
    Membership.objects.create(actor=actor, user=other_admin, role="admin", status="active")
    Membership.objects.create(actor=actor, user=member, role="member", status="active")
    url = f"/en/directory/{actor.slug}/"
    for person, status in (
        (other_admin, 200),
        (moderator, 200),
        (member, 404),
        (stranger, 404),
    ):
        client = Client()
        client.force_login(person)
        assert client.get(url).status_code == status, person


@pytest.mark.parametrize(
    ("status", "title"),
    [
        (ActorStatus.DUPLICATE, "Waiting for review"),
        (ActorStatus.DRAFT, "Not published"),
        (ActorStatus.ARCHIVED, "Archived"),
    ],
)
def test_each_status_says_what_it_means_on_the_preview(
    client, make_user, make_actor, status, title
):
    person = make_user()
    actor = make_actor(admin=person, status=status)
    assert Client().get(f"/en/directory/{actor.slug}/").status_code == 404
    client.force_login(person)
    html = client.get(f"/en/directory/{actor.slug}/").content.decode()
    assert BANNER in html
    assert f"<strong>{title}</strong>" in html


def test_a_published_profile_has_no_banner_and_keeps_its_structured_data(
    client, make_user, make_actor
):
    person = make_user()
    actor = make_actor(admin=person)
    client.force_login(person)
    html = client.get(f"/en/directory/{actor.slug}/").content.decode()
    assert BANNER not in html
    assert "application/ld+json" in html


def test_my_actors_links_to_the_preview_of_a_pending_actor(client, vocab, make_user):
    person = make_user()
    actor = services.actor_create(user=person, values=values(vocab))
    client.force_login(person)
    assert (
        f'href="/fr/directory/{actor.slug}/"' in client.get("/fr/directory/mine/").content.decode()
    )


# --- moderators hear of what waits ------------------------------------------------------------


def test_moderators_are_told_once_of_a_new_actor_in_their_language(
    vocab, make_user, moderators, django_capture_on_commit_callbacks
):
    person = make_user(display_name="Awa Diop")
    with django_capture_on_commit_callbacks(execute=True):
        actor = services.actor_create(user=person, values=values(vocab))
    by_address = {message.to[0]: message for message in mail.outbox}
    assert sorted(by_address) == sorted(m.email for m in moderators)

    french = by_address["moderation@example.org"]
    assert french.subject == "Nouvel acteur à examiner\u00a0: Recyclerie des Dervallières"
    assert "Awa Diop a ajouté Recyclerie des Dervallières à l’annuaire." in french.body
    assert "/admin/directory/review/" in french.body

    english = by_address["moderation-en@example.org"]
    assert english.subject == "New actor to review: Recyclerie des Dervallières"
    assert "Awa Diop added Recyclerie des Dervallières to the directory." in english.body
    assert "Review it in the administration:" in english.body

    # Editing it while it waits tells nobody again.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.actor_update(actor=actor, user=person, values=values(vocab, address="2 rue X"))
    assert mail.outbox == []
    assert Notification.objects.filter(kind=REVIEW_ACTOR).count() == 1


def test_a_potential_duplicate_is_announced_with_the_actor_it_looks_like(
    vocab, make_user, make_actor, moderators, django_capture_on_commit_callbacks
):
    make_actor(name="Recyclerie des Dervallieres")
    with django_capture_on_commit_callbacks(execute=True):
        actor = services.actor_create(user=make_user(), values=values(vocab, identifier=""))
    assert actor.status == ActorStatus.DUPLICATE
    english = next(m for m in mail.outbox if m.to == ["moderation-en@example.org"])
    assert "It looks like Recyclerie des Dervallieres, already in the directory" in english.body
    french = next(m for m in mail.outbox if m.to == ["moderation@example.org"])
    assert "Elle ressemble à Recyclerie des Dervallieres, déjà dans l’annuaire" in french.body


def test_an_actor_submitted_again_after_being_sent_back_is_announced_again(
    vocab, make_user, moderator, django_capture_on_commit_callbacks
):
    person = make_user()
    actor = services.actor_create(user=person, values=values(vocab))
    services.actor_reject(actor=actor, user=moderator, note="Précisez l’adresse.")
    with django_capture_on_commit_callbacks(execute=True):
        services.actor_update(actor=actor, user=person, values=values(vocab, address="2 rue X"))
    assert Notification.objects.filter(kind=REVIEW_ACTOR).count() == 2
    assert [m.to for m in mail.outbox] == [["moderation@example.org"]]


def test_nothing_is_sent_for_an_actor_decided_before_the_mail_left(
    vocab, make_user, moderator, django_capture_on_commit_callbacks
):
    actor = services.actor_create(user=make_user(), values=values(vocab))
    services.actor_approve(actor=actor, user=moderator)
    from website.notifications.services import delivery_send

    (delivery,) = Notification.objects.get(kind=REVIEW_ACTOR).deliveries.all()
    delivery_send(delivery_id=delivery.pk)
    assert mail.outbox == []


def test_moderators_are_told_once_of_each_proposed_change(
    vocab, make_user, make_actor, moderators, django_capture_on_commit_callbacks
):
    person = make_user(display_name="Awa Diop")
    actor = make_actor(admin=person, name="Coop du Port")
    with django_capture_on_commit_callbacks(execute=True):
        services.actor_update(actor=actor, user=person, values=values(vocab, name="Coop"))
    by_address = {message.to[0]: message for message in mail.outbox}
    english = by_address["moderation-en@example.org"]
    assert english.subject == "Changes to review: Coop du Port"
    assert "Awa Diop proposed changes to Coop du Port." in english.body
    assert "/admin/directory/review/" in english.body
    assert "/en/directory/acteur-1/" in english.body
    french = by_address["moderation@example.org"]
    assert french.subject == "Modifications à examiner\u00a0: Coop du Port"
    assert "Awa Diop a proposé des modifications de Coop du Port." in french.body
    assert Notification.objects.filter(kind=REVIEW_CHANGE).count() == 1


def test_a_proposal_replaced_before_the_mail_left_is_not_sent(
    vocab, make_user, make_actor, moderator
):
    from website.notifications.services import delivery_send

    person = make_user()
    actor = make_actor(admin=person)
    services.actor_update(actor=actor, user=person, values=values(vocab, name="Un"))
    services.actor_update(actor=actor, user=person, values=values(vocab, name="Deux"))
    first, second = Notification.objects.filter(kind=REVIEW_CHANGE).order_by("pk")
    delivery_send(delivery_id=first.deliveries.get().pk)
    assert mail.outbox == []
    delivery_send(delivery_id=second.deliveries.get().pk)
    assert len(mail.outbox) == 1


def test_people_who_are_not_moderators_are_never_told(
    vocab, make_user, moderator, django_capture_on_commit_callbacks
):
    make_user("personne@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        services.actor_create(user=make_user(), values=values(vocab))
    assert [m.to for m in mail.outbox] == [["moderation@example.org"]]


def test_moderators_who_chose_a_digest_find_what_waits_in_it(
    vocab, make_user, make_actor, moderators, django_capture_on_commit_callbacks
):
    english = moderators.get(email="moderation-en@example.org")
    reader = SubscriberFactory(user=english, frequency="daily")
    person = make_user()
    with django_capture_on_commit_callbacks(execute=True):
        services.actor_create(user=person, values=values(vocab))
        published = make_actor(admin=person, name="Coop du Port")
        services.actor_update(actor=published, user=person, values=values(vocab, name="Coop"))
    # The French moderator is mailed at once; the English one waits for their digest.
    assert {m.to[0] for m in mail.outbox} == {"moderation@example.org"}
    assert DigestItem.objects.filter(subscriber=reader).count() == 2

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        digest_send(subscriber=reader, now=timezone.now(), force=True)
    (digest,) = mail.outbox
    assert digest.to == ["moderation-en@example.org"]
    assert "New actors waiting for review" in digest.body
    assert "- Recyclerie des Dervallières" in digest.body
    assert "Changes to actors waiting for review" in digest.body
    assert "- Coop du Port" in digest.body
    assert "waiting since" in digest.body
    assert "/admin/directory/review/" in digest.body


def test_the_digest_in_french_says_what_waits_in_french(
    vocab, make_user, moderator, django_capture_on_commit_callbacks
):
    reader = SubscriberFactory(user=moderator, frequency="weekly")
    services.actor_create(user=make_user(), values=values(vocab))
    with django_capture_on_commit_callbacks(execute=True):
        digest_send(subscriber=reader, now=timezone.now(), force=True)
    (digest,) = mail.outbox
    assert "Nouveaux acteurs à examiner" in digest.body
    # Its opening line speaks of what waits, not only of the topics one follows.
    assert "et ce qui vous attend" in digest.body
    assert "en attente depuis le" in digest.body


def test_a_digest_leaves_out_what_was_decided_meanwhile(
    vocab, make_user, moderator, django_capture_on_commit_callbacks
):
    reader = SubscriberFactory(user=moderator, frequency="daily")
    actor = services.actor_create(user=make_user(), values=values(vocab))
    services.actor_approve(actor=actor, user=moderator)
    with django_capture_on_commit_callbacks(execute=True):
        digest_send(subscriber=reader, now=timezone.now(), force=True)
    assert mail.outbox == []  # nothing left in it: no digest
