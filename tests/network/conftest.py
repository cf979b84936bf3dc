"""Fixtures of the directory: vocabularies, people, and a factory of actors."""

import itertools
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from network.directory.models import Actor, ActorStatus, LegalForm, Membership, Sector, Territory


@pytest.fixture
def vocab(db):
    food = Sector.objects.create(name_fr="Alimentation", name_en="Food", slug="alimentation")
    compost = Sector.objects.create(
        name_fr="Compostage", name_en="Composting", slug="compostage", parent=food
    )
    housing = Sector.objects.create(name_fr="Habitat", name_en="Housing", slug="habitat")
    france = Territory.objects.create(name="France", slug="france", kind="country", country="FR")
    region = Territory.objects.create(
        name="Pays de la Loire", slug="pays-de-la-loire", kind="region", country="FR", parent=france
    )
    nantes = Territory.objects.create(
        name="Nantes", slug="nantes", kind="commune", code="44109", country="FR", parent=region
    )
    dakar = Territory.objects.create(name="Dakar", slug="dakar", kind="commune", country="SN")
    association, _ = LegalForm.objects.get_or_create(
        slug="association", defaults={"name_fr": "Association", "name_en": "Association"}
    )
    scop, _ = LegalForm.objects.get_or_create(
        slug="scop", defaults={"name_fr": "SCOP", "name_en": "Worker cooperative"}
    )
    return {
        "food": food,
        "compost": compost,
        "housing": housing,
        "france": france,
        "region": region,
        "nantes": nantes,
        "dakar": dakar,
        "association": association,
        "scop": scop,
    }


@pytest.fixture
def make_user(db):
    counter = itertools.count(1)

    def make(email=None, groups=(), **fields):
        user = get_user_model().objects.create_user(
            email=email or f"person{next(counter)}@example.org", password="pw-essaim-2026", **fields
        )
        for name in groups:
            user.groups.add(Group.objects.get_or_create(name=name)[0])
        return user

    return make


@pytest.fixture
def moderator(make_user):
    from network.directory.demo import _grant_moderators

    user = make_user("moderation@example.org", groups=["Moderators"])
    _grant_moderators()
    return get_user_model().objects.get(pk=user.pk)


@pytest.fixture
def make_actor(vocab):
    counter = itertools.count(1)

    def make(admin=None, sectors=(), **fields):
        n = next(counter)
        defaults = {
            "name": f"Acteur {n}",
            "slug": f"acteur-{n}",
            "status": ActorStatus.PUBLISHED,
            "legal_form": vocab["association"],
            "territory": vocab["nantes"],
            "latitude": Decimal("47.2"),
            "longitude": Decimal("-1.55"),
            "description": "Une structure de l’ESS.",
            "private_email": f"secret{n}@private.example",
            "private_phone": "+33 6 11 22 33 44",
            "private_contact_name": "Personne Secrète",
        }
        defaults.update(fields)
        actor = Actor.objects.create(**defaults)
        if sectors:
            actor.sectors.set(sectors)
        if admin is not None:
            Membership.objects.create(
                actor=actor, user=admin, role=Membership.Role.ADMIN, status="active"
            )
        return actor

    return make


# Meeting spaces: a manager, a space open every day, and a member of an actor who books.
@pytest.fixture
def manager(make_user):
    return make_user("gestion@ville.example")


@pytest.fixture
def space(vocab, manager):
    from .booking_helpers import make_space

    return make_space(vocab["nantes"], manager=manager)


@pytest.fixture
def requester(make_user, make_actor):
    from .booking_helpers import join

    actor = make_actor()
    user = join(make_user("demandeuse@example.org"), actor)
    user.actor = actor
    return user
