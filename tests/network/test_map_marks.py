"""The directory's map: each marker carries the family of the actor's first sector (the
top-level sector above it) without a query per actor; "search this area" keeps the list
beside the map to the area shown; the filters fold so that a phone sees the map early."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from network.directory import selectors
from tests.factories.directory import SectorFactory

pytestmark = pytest.mark.django_db


def features(client, query=""):
    data = client.get(f"/fr/directory/map/data.geojson{query}").json()
    return {f["properties"]["name"]: f["properties"] for f in data["features"]}


def test_each_marker_carries_the_family_of_the_actor_s_first_sector(client, vocab, make_actor):
    make_actor(name="Composteurs", sectors=[vocab["compost"], vocab["housing"]])
    make_actor(name="Logis", sectors=[vocab["housing"]])
    make_actor(name="Sans secteur")

    marks = features(client)

    assert marks["Composteurs"]["family"] == vocab["food"].slug  # compost is below food
    assert marks["Composteurs"]["family_name"] == "Alimentation"
    assert marks["Composteurs"]["family_mark"] == "A"
    assert marks["Logis"]["family"] == vocab["housing"].slug
    assert marks["Logis"]["family_mark"] == "H"
    assert marks["Composteurs"]["family_tone"] != marks["Logis"]["family_tone"]
    assert marks["Sans secteur"]["family"] == ""
    assert marks["Sans secteur"]["family_tone"] is None


def test_the_family_is_named_in_the_reader_s_language(client, vocab, make_actor):
    make_actor(name="Logis", sectors=[vocab["housing"]])
    data = client.get("/en/directory/map/data.geojson").json()
    (properties,) = [f["properties"] for f in data["features"]]
    assert properties["family_name"] == "Housing"
    assert properties["family_mark"] == "H"


def test_two_families_with_the_same_initial_get_different_marks(client, vocab, make_actor):
    agriculture = SectorFactory(name_fr="Agriculture", name_en="Farming")
    make_actor(name="Ferme", sectors=[agriculture])
    make_actor(name="Épicerie", sectors=[vocab["food"]])

    marks = features(client)

    assert {marks["Ferme"]["family_mark"], marks["Épicerie"]["family_mark"]} == {"A", "Al"}


def test_map_points_cost_one_query_whatever_the_number_of_actors(vocab, make_actor):
    # As before the marks showed families: the families are kept until a sector changes.
    for n in range(3):
        make_actor(name=f"Peu {n}", slug=f"peu-{n}", sectors=[vocab["compost"]])
    selectors.map_points(filters={})
    with CaptureQueriesContext(connection) as few:
        selectors.map_points(filters={})
    for n in range(30):
        make_actor(name=f"Beaucoup {n}", slug=f"beaucoup-{n}", sectors=[vocab["housing"]])
    selectors.map_points(filters={})  # the directory changed: the families are made again
    with CaptureQueriesContext(connection) as many:
        rows = selectors.map_points(filters={})
    assert len(rows) == 33
    assert len(few) == len(many) == 1


def test_a_sector_renamed_changes_the_family_on_the_map(vocab, make_actor):
    make_actor(name="Compost & Co", sectors=[vocab["compost"]])
    assert selectors.map_points(filters={})[0]["family_name"] == "Alimentation"
    food = vocab["food"]
    food.name_fr = "Nourriture"
    food.save()
    assert selectors.map_points(filters={})[0]["family_name"] == "Nourriture"


def test_searching_an_area_keeps_the_list_beside_the_map_to_it(client, vocab, make_actor):
    make_actor(name="Nantes Bio")
    make_actor(
        name="Dakar Solidaire",
        latitude=Decimal("14.7"),
        longitude=Decimal("-17.46"),
        territory=vocab["dakar"],
    )

    everywhere = client.get("/fr/directory/map/")
    around_dakar = client.get("/fr/directory/map/?bbox=-20,10,-10,20&q=solidaire")

    assert [a.name for a in everywhere.context["actors"]] == ["Dakar Solidaire", "Nantes Bio"]
    assert [a.name for a in around_dakar.context["actors"]] == ["Dakar Solidaire"]
    html = around_dakar.content.decode()
    assert 'class="map-area-note"' in html
    # The way back keeps the other filters and drops the area.
    assert 'href="/fr/directory/map/?q=solidaire"' in html
    assert 'id="directory-map-search-area"' in html


def test_the_map_page_folds_its_filters_until_one_is_used(client, vocab, make_actor):
    make_actor()
    folded = client.get("/fr/directory/map/").content.decode()
    opened = client.get("/fr/directory/map/?q=nantes").content.decode()
    assert '<details class="map-filters">' in folded
    assert '<details class="map-filters" open>' in opened
    # The map (with its legend and full-screen label) comes before the list it equals.
    assert folded.index('id="directory-map"') < folded.index('class="occurrence-list"')
    assert 'id="directory-map-legend"' in folded
    assert 'data-text-fullscreen="' in folded
