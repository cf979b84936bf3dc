"""Open data: GeoJSON valid under RFC 7946 (longitude first), CSV and JSON with the licence
stated, public fields only; statistics with the same figures as CSV."""

import csv
import io
import json
from decimal import Decimal

import pytest

pytestmark = pytest.mark.django_db


def assert_rfc7946_feature_collection(data):
    """The parts of RFC 7946 an export can get wrong."""
    assert data["type"] == "FeatureCollection"
    assert "crs" not in data  # §4: no CRS member; WGS 84 is implied
    assert isinstance(data["features"], list)
    for feature in data["features"]:
        assert feature["type"] == "Feature"
        assert set(feature) >= {"type", "geometry", "properties"}
        assert isinstance(feature["properties"], dict)
        assert isinstance(feature.get("id", ""), str | int)
        geometry = feature["geometry"]
        if geometry is None:
            continue
        assert geometry["type"] == "Point"
        longitude, latitude = geometry["coordinates"]
        assert isinstance(longitude, float) and isinstance(latitude, float)
        assert -180 <= longitude <= 180 and -90 <= latitude <= 90


def test_geojson_export_is_rfc7946_with_longitude_first(client, vocab, make_actor):
    make_actor(name="Dakar", latitude=Decimal("14.716677"), longitude=Decimal("-17.467686"))
    make_actor(name="Sans lieu", latitude=None, longitude=None)
    response = client.get("/fr/directory/open-data/actors.geojson")
    assert response["Content-Type"] == "application/geo+json"
    data = json.loads(response.content)
    assert_rfc7946_feature_collection(data)
    by_name = {f["properties"]["name"]: f for f in data["features"]}
    # Dakar is west of Greenwich and north of the equator: [-17.47, 14.72], not the reverse.
    assert by_name["Dakar"]["geometry"]["coordinates"] == [-17.467686, 14.716677]
    assert by_name["Sans lieu"]["geometry"] is None
    assert data["licence"]["name"].startswith("Licence Ouverte")
    assert "attachment" in response["Content-Disposition"]


def test_map_data_is_rfc7946_too(client, vocab, make_actor):
    make_actor(name="Québec", latitude=Decimal("46.813878"), longitude=Decimal("-71.207981"))
    data = client.get("/fr/directory/map/data.geojson").json()
    assert_rfc7946_feature_collection(data)
    assert data["features"][0]["geometry"]["coordinates"] == [-71.207981, 46.813878]


def test_csv_and_json_exports_state_the_licence_and_public_fields_only(
    client, vocab, make_actor, settings
):
    settings.ESSAIM_OPEN_DATA_LICENCE = {"name": "ODbL", "url": "https://opendatacommons.org/"}
    make_actor(name="=cmd|' /C calc'!A0", sectors=[vocab["food"], vocab["compost"]])
    response = client.get("/fr/directory/open-data/actors.csv")
    assert response["Link"] == '<https://opendatacommons.org/>; rel="license"'
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0]["name"].startswith("'=")  # a spreadsheet formula is neutralised
    assert rows[0]["sectors"] == "alimentation|compostage"
    assert not any(column.startswith("private") for column in rows[0])

    data = client.get("/fr/directory/open-data/actors.json").json()
    assert data["licence"]["name"] == "ODbL"
    assert not any(key.startswith("private") for key in data["actors"][0])
    assert "ODbL" in client.get("/fr/directory/open-data/").content.decode()


def test_statistics_count_published_actors_as_bars_tables_and_csv(client, vocab, make_actor):
    make_actor(sectors=[vocab["food"]])
    make_actor(sectors=[vocab["food"]], legal_form=vocab["scop"])
    make_actor(sectors=[vocab["housing"]], status="pending")
    html = client.get("/fr/directory/statistics/").content.decode()
    assert '<th scope="row">Alimentation</th><td>2</td>' in html
    assert '<th scope="row">SCOP</th><td>1</td>' in html
    rows = list(
        csv.reader(
            io.StringIO(
                client.get("/fr/directory/statistics/?format=csv").content.decode("utf-8-sig")
            )
        )
    )
    assert ["Par filière", "Alimentation", "2"] in rows or [
        "By sector",
        "Alimentation",
        "2",
    ] in rows
    assert rows[-1][-1] == "2"
