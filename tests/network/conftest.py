"""Fixtures of the directory: vocabularies, people, and a factory of actors."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model

from tests.factories.accounts import UserFactory
from tests.factories.directory import (
    ActorFactory,
    LegalFormFactory,
    SectorFactory,
    TerritoryFactory,
    french_territories,
)
from tests.factories.incubators import ProgrammeFactory


@pytest.fixture
def vocab(db):
    food = SectorFactory(name_fr="Alimentation", name_en="Food")
    return {
        "food": food,
        "compost": SectorFactory(name_fr="Compostage", name_en="Composting", parent=food),
        "housing": SectorFactory(name_fr="Habitat", name_en="Housing"),
        **french_territories(),
        "dakar": TerritoryFactory(name="Dakar", country="SN"),
        "association": LegalFormFactory(
            slug="association", name_fr="Association", name_en="Association"
        ),
        "scop": LegalFormFactory(slug="scop", name_fr="SCOP", name_en="Worker cooperative"),
    }


@pytest.fixture
def make_user(db):
    def make(email=None, groups=(), **fields):
        if email:
            fields["email"] = email
        return UserFactory(groups=groups, **fields)

    return make


@pytest.fixture
def moderator(make_user):
    from network.directory.demo import _grant_moderators

    user = make_user("moderation@example.org", groups=["Moderators"])
    _grant_moderators()
    return get_user_model().objects.get(pk=user.pk)


@pytest.fixture
def make_actor(vocab):
    """A published actor in Nantes (``ActorFactory``); ``admin`` takes its administrator."""

    def make(admin=None, sectors=(), **fields):
        defaults = {
            "legal_form": vocab["association"],
            "territory": vocab["nantes"],
            "latitude": Decimal("47.2"),
            "longitude": Decimal("-1.55"),
        }
        return ActorFactory(admin=admin, sectors=sectors, **{**defaults, **fields})

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
def approval_space(vocab, manager):
    """A second room of the same manager, where each booking waits for a decision."""
    from .booking_helpers import make_space

    return make_space(vocab["nantes"], manager=manager, slug="salle-b", requires_approval=True)


@pytest.fixture
def make_requester(make_user, make_actor):
    """A member of ``actor`` (a new one by default) who books on its behalf: ``user.actor``."""
    from .booking_helpers import join

    def make(email="demandeuse@example.org", *, actor=None, **user_fields):
        actor = actor or make_actor()
        user = join(make_user(email, **user_fields), actor)
        user.actor = actor
        return user

    return make


@pytest.fixture
def requester(make_requester):
    return make_requester()


# Incubators.
@pytest.fixture
def dakar_programme(make_actor, vocab):
    """The Dakar incubator's programme on housing, which funds projects."""
    incubator = make_actor(
        name="Incubateur Dakar",
        slug="incubateur-dakar",
        is_incubator=True,
        territory=vocab["dakar"],
    )
    return ProgrammeFactory(
        actor=incubator,
        name="Habitat",
        slug="habitat",
        offers_funding=True,
        sectors=[vocab["housing"]],
    )
