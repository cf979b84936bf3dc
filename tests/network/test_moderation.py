"""Moderation: new actors and changes wait for a moderator; private data is saved at once
but never public; permissions are checked in the services."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from network.directory import services
from network.directory.models import (
    Actor,
    ActorChange,
    ActorStatus,
    Membership,
    NeedOffer,
    UmbrellaMembership,
)

pytestmark = pytest.mark.django_db


def values(vocab, **overrides):
    data = {
        "name": "Recyclerie des Dervallières",
        "legal_form": vocab["association"],
        "identifier_kind": "rna",
        "identifier": "W442001234",
        "sectors": [vocab["food"]],
        "territory": vocab["nantes"],
        "address": "1 rue du Réemploi, Nantes",
        "latitude": None,
        "longitude": None,
        "description": "Réemploi et réparation.",
        "website": "https://recyclerie.example",
        "public_email": "bonjour@recyclerie.example",
        "public_phone": "",
        "year_founded": 2012,
        "size_band": "1-9",
        "languages": "français",
        "is_umbrella": False,
    }
    data.update(overrides)
    return data


def test_a_new_actor_waits_for_review_and_its_creator_becomes_admin(vocab, make_user):
    person = make_user()
    actor = services.actor_create(
        user=person, values=values(vocab), private={"private_email": "direction@secret.example"}
    )
    assert actor.status == ActorStatus.PENDING
    assert actor.slug == "recyclerie-des-dervallieres"
    assert list(actor.sectors.all()) == [vocab["food"]]
    assert actor.private_email == "direction@secret.example"
    assert services.is_actor_admin(person, actor)
    assert not Actor.objects.published().exists()


def test_an_invalid_identifier_saves_nothing(vocab, make_user):
    with pytest.raises(ValidationError) as error:
        services.actor_create(user=make_user(), values=values(vocab, identifier="W12"))
    assert "identifier" in error.value.message_dict
    assert not Actor.objects.exists()
    assert not Membership.objects.exists()


def test_only_moderators_approve(vocab, make_user, moderator, django_capture_on_commit_callbacks):
    person = make_user()
    actor = services.actor_create(user=person, values=values(vocab))
    with pytest.raises(PermissionDenied):
        services.actor_approve(actor=actor, user=person)
    with django_capture_on_commit_callbacks(execute=True):
        services.actor_approve(actor=actor, user=moderator)
    actor.refresh_from_db()
    assert actor.status == ActorStatus.PUBLISHED
    assert actor.published_at and actor.confirmed_at
    assert [m.to for m in mail.outbox] == [[person.email]]
    assert "Recyclerie des Dervallières" in mail.outbox[0].subject


def test_a_declined_actor_goes_back_to_draft_and_returns_to_review_when_edited(
    vocab, make_user, moderator
):
    person = make_user()
    actor = services.actor_create(user=person, values=values(vocab))
    services.actor_reject(actor=actor, user=moderator, note="Précisez l’adresse.")
    actor.refresh_from_db()
    assert actor.status == ActorStatus.DRAFT
    services.actor_update(actor=actor, user=person, values=values(vocab, address="2 rue X"))
    actor.refresh_from_db()
    assert actor.status == ActorStatus.PENDING
    assert actor.address == "2 rue X"


def test_a_change_to_a_published_actor_is_a_proposal_until_approved(
    vocab, make_user, make_actor, moderator
):
    person = make_user()
    actor = make_actor(admin=person, name="Ancien nom", sectors=[vocab["food"]])
    change = services.actor_update(
        actor=actor,
        user=person,
        values=values(vocab, name="Nouveau nom", sectors=[vocab["housing"]]),
        private={"private_email": "nouveau@secret.example"},
    )
    actor.refresh_from_db()
    assert actor.name == "Ancien nom"
    assert list(actor.sectors.all()) == [vocab["food"]]
    # Private contact is never public: applied at once.
    assert actor.private_email == "nouveau@secret.example"
    assert change.status == ActorChange.Status.PENDING
    assert change.data["name"] == "Nouveau nom"
    assert change.data["sectors"] == [vocab["housing"].pk]
    assert "private_email" not in change.data

    services.change_approve(change=change, user=moderator)
    actor.refresh_from_db()
    assert actor.name == "Nouveau nom"
    assert actor.slug == "acteur-1"  # links to the profile keep working
    assert list(actor.sectors.all()) == [vocab["housing"]]


def test_a_newer_proposal_replaces_the_pending_one(vocab, make_user, make_actor):
    person = make_user()
    actor = make_actor(admin=person)
    first = services.actor_update(actor=actor, user=person, values=values(vocab, name="Un"))
    second = services.actor_update(actor=actor, user=person, values=values(vocab, name="Deux"))
    first.refresh_from_db()
    assert first.status == ActorChange.Status.SUPERSEDED
    assert second.status == ActorChange.Status.PENDING
    assert ActorChange.objects.filter(status="pending").count() == 1


def test_an_invalid_proposal_is_refused_and_the_actor_is_unchanged(vocab, make_user, make_actor):
    person = make_user()
    actor = make_actor(admin=person)
    with pytest.raises(ValidationError):
        services.actor_update(
            actor=actor,
            user=person,
            values=values(vocab, identifier_kind="siret", identifier="12345678901234"),
        )
    assert not ActorChange.objects.exists()


def test_a_declined_change_leaves_the_public_values(vocab, make_user, make_actor, moderator):
    person = make_user()
    actor = make_actor(admin=person, name="Nom approuvé")
    change = services.actor_update(actor=actor, user=person, values=values(vocab, name="Autre"))
    services.change_reject(change=change, user=moderator, note="Non.")
    actor.refresh_from_db()
    assert actor.name == "Nom approuvé"
    with pytest.raises(ValidationError):
        services.change_approve(change=change, user=moderator)


def test_only_the_actors_admins_edit_it(vocab, make_user, make_actor):
    actor = make_actor(admin=make_user())
    stranger = make_user()
    with pytest.raises(PermissionDenied):
        services.actor_update(actor=actor, user=stranger, values=values(vocab))
    Membership.objects.create(actor=actor, user=stranger, role="member", status="active")
    with pytest.raises(PermissionDenied):
        services.actor_update(actor=actor, user=stranger, values=values(vocab))


def test_joining_an_actor_waits_for_its_admins(make_user, make_actor):
    admin, person = make_user(), make_user()
    actor = make_actor(admin=admin)
    membership = services.membership_request(actor=actor, user=person)
    assert membership.status == Membership.Status.PENDING
    assert services.membership_request(actor=actor, user=person).pk == membership.pk
    with pytest.raises(PermissionDenied):
        services.membership_decide(membership=membership, user=person, approve=True)
    services.membership_decide(membership=membership, user=admin, approve=True)
    membership.refresh_from_db()
    assert membership.status == Membership.Status.ACTIVE
    assert membership.role == Membership.Role.MEMBER


def test_an_unpublished_actor_cannot_be_joined(make_user, make_actor):
    actor = make_actor(status=ActorStatus.PENDING)
    with pytest.raises(ValidationError):
        services.membership_request(actor=actor, user=make_user())


def test_the_last_admin_cannot_be_removed(make_user, make_actor):
    admin = make_user()
    actor = make_actor(admin=admin)
    membership = Membership.objects.get(actor=actor, user=admin)
    with pytest.raises(ValidationError):
        services.membership_decide(membership=membership, user=admin, approve=False)


def test_the_umbrellas_admins_approve_who_joins_it(make_user, make_actor):
    umbrella_admin, member_admin = make_user(), make_user()
    umbrella = make_actor(admin=umbrella_admin, is_umbrella=True, name="Réseau")
    member = make_actor(admin=member_admin, name="Membre")
    with pytest.raises(PermissionDenied):  # only the member's admins may ask
        services.umbrella_join_request(umbrella=umbrella, member=member, user=umbrella_admin)
    link = services.umbrella_join_request(umbrella=umbrella, member=member, user=member_admin)
    assert link.status == UmbrellaMembership.Status.PENDING
    with pytest.raises(PermissionDenied):  # the joining actor cannot approve itself
        services.umbrella_decide(link=link, user=member_admin, approve=True)
    services.umbrella_decide(link=link, user=umbrella_admin, approve=True)
    link.refresh_from_db()
    assert link.status == UmbrellaMembership.Status.APPROVED


def test_only_published_umbrellas_can_be_joined(make_user, make_actor):
    admin = make_user()
    not_umbrella = make_actor(name="Pas un réseau")
    member = make_actor(admin=admin)
    with pytest.raises(ValidationError):
        services.umbrella_join_request(umbrella=not_umbrella, member=member, user=admin)


def test_needs_and_offers_are_for_the_actors_admins(make_user, make_actor):
    import datetime as dt

    from django.utils import timezone

    admin = make_user()
    actor = make_actor(admin=admin)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    item = services.need_offer_create(
        actor=actor,
        user=admin,
        kind="need",
        category="premises",
        title="Local",
        expires_on=tomorrow,
    )
    with pytest.raises(PermissionDenied):
        services.need_offer_delete(item=item, user=make_user())
    with pytest.raises(ValidationError):
        services.need_offer_create(
            actor=actor,
            user=admin,
            kind="need",
            category="premises",
            title="Hier",
            expires_on=timezone.localdate() - dt.timedelta(days=1),
        )
    services.need_offer_delete(item=item, user=admin)
    assert not NeedOffer.objects.exists()


def test_a_new_actor_like_an_existing_one_waits_as_a_potential_duplicate(
    vocab, make_user, make_actor, moderator
):
    existing = make_actor(name="Recyclerie des Dervallieres")
    actor = services.actor_create(user=make_user(), values=values(vocab, identifier=""))
    assert actor.status == ActorStatus.DUPLICATE
    assert actor.duplicate_of == existing
    services.actor_mark_not_duplicate(actor=actor, user=moderator)
    services.actor_approve(actor=actor, user=moderator)
    actor.refresh_from_db()
    assert actor.status == ActorStatus.PUBLISHED
