"""The directory's word search forgives accents, case and plurals, and ranks by relevance.

Tried from outside: "cooperative" found 0 actors and "coopérative" 12; "Quebec" 0 and
"Québec" 10. The same words must find the same actors, on PostgreSQL and SQLite."""

import pytest
from django.db import connection
from django.urls import reverse

from network.directory.selectors import actors_for_directory
from tests.factories.directory import TerritoryFactory


def names(filters):
    return [actor.name for actor in actors_for_directory(filters=filters)]


@pytest.fixture
def quebec_actors(make_actor):
    quebec = TerritoryFactory(name="Québec", country="CA")
    return [
        make_actor(name="Coopérative des Jardins de Limoilou", territory=quebec),
        make_actor(name="Épicerie solidaire", description="Une coopérative de quartier."),
        make_actor(name="Atelier vélo", description="Réparation de vélos."),
    ]


@pytest.mark.parametrize(
    "words",
    ["cooperative", "coopérative", "COOPERATIVE", "Coopératives", "cooperatives", "coopératif"],
)
def test_a_word_finds_the_same_actors_with_or_without_accents_case_or_plural(quebec_actors, words):
    assert names({"q": words}) == ["Coopérative des Jardins de Limoilou", "Épicerie solidaire"]


@pytest.mark.parametrize("words", ["Quebec", "québec", "QUEBEC"])
def test_a_place_is_found_without_its_accent(quebec_actors, words):
    assert names({"q": words}) == ["Coopérative des Jardins de Limoilou"]


def test_every_word_must_be_found_and_little_words_do_not_count(quebec_actors):
    assert names({"q": "coopérative de Québec"}) == ["Coopérative des Jardins de Limoilou"]
    assert names({"q": "épicerie la coopérative"}) == ["Épicerie solidaire"]
    assert names({"q": "vélo coopérative"}) == []


def test_a_word_in_the_name_ranks_above_the_same_word_in_a_description(make_actor):
    make_actor(name="Alpha", description="Le compost du quartier.")
    make_actor(name="Compost", description="Rien d'autre.")
    make_actor(name="Beta Compostage", description="")

    # The whole name first, then a name that starts with it... then the description.
    assert names({"q": "compost"}) == ["Compost", "Beta Compostage", "Alpha"]


def test_without_words_the_directory_stays_in_alphabetical_order(quebec_actors):
    assert names({}) == [
        "Atelier vélo",
        "Coopérative des Jardins de Limoilou",
        "Épicerie solidaire",
    ]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="trigram similarity: PostgreSQL")
def test_on_postgresql_a_misspelt_name_is_still_found(quebec_actors):
    assert "Épicerie solidaire" in names({"q": "solidare"})


def test_the_directory_page_finds_an_actor_typed_without_accents(client, quebec_actors):
    response = client.get(reverse("network:directory"), {"q": "cooperative quebec"})

    assert response.status_code == 200
    assert "Coopérative des Jardins de Limoilou" in response.content.decode()
    assert "Épicerie solidaire" not in response.content.decode()
