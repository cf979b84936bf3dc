"""Fixtures of the good-practice library: vocabularies, the library and a practice factory."""

import pytest

from tests.factories import practices as practice_factories
from tests.factories.directory import (
    ActorFactory,
    SectorFactory,
    TerritoryFactory,
    french_territories,
)
from tests.factories.practices import GoodPracticePageFactory


@pytest.fixture
def vocab(db):
    food = SectorFactory(name_fr="Alimentation", name_en="Food")
    senegal = TerritoryFactory(name="Sénégal", kind="country", country="SN")
    return {
        "food": food,
        "market": SectorFactory(
            name_fr="Maraîchage", name_en="Market gardening", slug="maraichage", parent=food
        ),
        "finance": SectorFactory(name_fr="Finance solidaire", name_en="Solidarity finance"),
        **french_territories(),
        "senegal": senegal,
        "dakar": TerritoryFactory(name="Dakar", country="SN", parent=senegal),
    }


@pytest.fixture
def library(demo):
    """The library under the French home page, its English translation, and who may do what."""
    from practices.demo import grant_permissions

    index = practice_factories.library()
    grant_permissions(index)
    return index


@pytest.fixture
def make_actor(db):
    def make(**fields):
        return ActorFactory(**fields)

    return make


@pytest.fixture
def make_practice(library, vocab):
    """Publish a practice in the library; ``english`` takes a title for a live translation."""

    def make(sectors=(), actors=(), english=None, publish=True, **fields):
        fields.setdefault("territory", vocab["nantes"])
        return GoodPracticePageFactory(
            parent=library,
            sectors=sectors,
            actors=actors,
            english=english,
            publish=publish,
            **fields,
        )

    return make
