"""Geocoding (website/geocoding): the offline gazetteer, the BAN, Nominatim and Photon spoken
to in their own protocols by a real HTTP server on 127.0.0.1, the fall back to the gazetteer
when a service fails, the cache, and the endpoint the address field calls."""

import logging
from decimal import Decimal

import pytest
from django.utils import translation

import website.geocoding
from tests.website.geocoders import GeocoderServer
from website.geocoding import Place, geocode, needs_geocoding, query_for, suggest

NANTES = (Decimal("47.217250"), Decimal("-1.553360"))
ADDRESS = "12 rue de la Paix, 44000 Nantes"


@pytest.fixture
def server():
    """A geocoding service on a free port of 127.0.0.1."""
    server = GeocoderServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def _geocoding_settings(settings):
    """The gazetteer, no pause between Nominatim requests, a short time-out, and no service
    left paused by an earlier test's failure."""
    settings.ESSAIM_GEOCODER = "gazetteer"
    settings.ESSAIM_GEOCODER_URL = ""
    settings.ESSAIM_GEOCODER_ABROAD = ""
    settings.ESSAIM_GEOCODER_ABROAD_URL = ""
    settings.ESSAIM_GEOCODER_TIMEOUT = 0.5
    settings.ESSAIM_GEOCODER_MIN_INTERVAL = 0
    website.geocoding._paused_until.clear()
    yield
    website.geocoding._paused_until.clear()


def position(place):
    return (place.latitude, place.longitude)


# --- the gazetteer -----------------------------------------------------------------------


def test_the_gazetteer_finds_the_commune_after_the_postcode_not_the_street():
    place = geocode(ADDRESS)
    assert position(place) == NANTES
    assert place.label == "Nantes, France"
    assert place.precision == "commune"


def test_a_street_named_after_a_town_is_not_that_town():
    assert position(geocode("10 rue de Strasbourg, Nantes")) == NANTES
    assert geocode("12 rue de la Paix") is None  # "Rue" is a commune of the Somme


@pytest.mark.parametrize(
    "query", ["Dakar", "Plateau, Dakar, Sénégal", "avenue Cheikh Anta Diop, Dakar"]
)
def test_the_gazetteer_finds_dakar(query):
    place = geocode(query)
    assert position(place) == (Decimal("14.693700"), Decimal("-17.444060"))
    with translation.override("fr"):
        assert geocode(query + " ").label == "Dakar, Sénégal"


@pytest.mark.parametrize("query", ["Quebec", "Québec", "QUÉBEC", "Ville de Québec"])
def test_quebec_is_quebec_city_whatever_its_accents(query):
    assert position(geocode(query)) == (Decimal("46.812280"), Decimal("-71.214540"))


def test_saint_denis_of_la_reunion_when_the_country_or_the_postcode_says_so():
    reunion = (Decimal("-20.882310"), Decimal("55.450400"))
    assert position(geocode("Saint-Denis, La Réunion", country="RE")) == reunion
    assert position(geocode("Saint-Denis, La Réunion")) == reunion  # the query names it
    assert position(geocode("2 rue de Paris, 97400 Saint-Denis")) == reunion
    assert position(geocode("St Denis", country="RE")) == reunion
    # Alone, the one near Paris (the regional capital wins only among equals).
    france = geocode("Saint-Denis")
    assert france.label.endswith("France") and france.latitude > 48


def test_french_names_of_places_geonames_spells_in_english():
    assert geocode("Rue Royale, 1000 Bruxelles").label.startswith("Brussels")
    assert geocode("Alger").label.startswith("Algiers")


def test_suggest_lists_several_communes_best_first():
    places = suggest("Saint-Pierre", limit=3)
    assert len(places) == 3
    assert all(p.precision == "commune" for p in places)
    assert len({position(p) for p in places}) == 3


def test_an_empty_or_blank_query_finds_nothing_and_asks_no_service(settings, server):
    settings.ESSAIM_GEOCODER, settings.ESSAIM_GEOCODER_URL = "ban", server.url("/search/")
    assert geocode("") is None
    assert suggest("  ,  ") == []
    assert server.received == []


def test_places_are_rounded_to_six_decimal_places(settings, server):
    settings.ESSAIM_GEOCODER, settings.ESSAIM_GEOCODER_URL = "ban", server.url("/search/")
    server.answer = lambda path, params: (200, ban_answer(lon=-1.55362149, lat=47.2183711), 0)
    place = geocode(ADDRESS)
    assert place.latitude == Decimal("47.218371") and place.latitude.as_tuple().exponent == -6
    assert place.longitude == Decimal("-1.553621")


# --- the BAN -----------------------------------------------------------------------------


def ban_answer(lon=-1.553621, lat=47.218371, kind="housenumber", label=None):
    """What api-adresse.data.gouv.fr answers (GeoJSON, [lon, lat])."""
    return {
        "type": "FeatureCollection",
        "version": "draft",
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [lon, lat]},
                "properties": {
                    "label": label or "12 Rue de la Paix 44000 Nantes",
                    "score": 0.97,
                    "housenumber": "12",
                    "id": "44109_4520_00012",
                    "name": "12 Rue de la Paix",
                    "postcode": "44000",
                    "citycode": "44109",
                    "x": 355362.1,
                    "y": 6689587.77,
                    "city": "Nantes",
                    "context": "44, Loire-Atlantique, Pays de la Loire",
                    "type": kind,
                    "importance": 0.71,
                    "street": "Rue de la Paix",
                },
            },
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [-1.554, 47.2185]},
                "properties": {
                    "label": "Rue de la Paix 44000 Nantes",
                    "type": "street",
                    "name": "Rue de la Paix",
                    "city": "Nantes",
                },
            },
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [-1.5541, 47.2186]},
                "properties": {"label": "Nantes", "type": "municipality", "city": "Nantes"},
            },
        ],
        "attribution": "BAN",
        "licence": "ETALAB-2.0",
        "query": "12 rue de la Paix, 44000 Nantes",
        "limit": 5,
    }


def test_the_ban_is_asked_in_its_protocol(settings, server):
    settings.ESSAIM_GEOCODER, settings.ESSAIM_GEOCODER_URL = "ban", server.url("/search/")
    server.answer = lambda path, params: (200, ban_answer(), 0)
    places = suggest(ADDRESS, country="FR")
    assert places == [
        Place(
            Decimal("47.218371"), Decimal("-1.553621"), "12 Rue de la Paix 44000 Nantes", "address"
        ),
        Place(Decimal("47.218500"), Decimal("-1.554000"), "Rue de la Paix 44000 Nantes", "street"),
        Place(Decimal("47.218600"), Decimal("-1.554100"), "Nantes", "commune"),
    ]
    (request,) = server.received
    assert request.path == "/search/"
    assert request.params == {"q": ADDRESS, "limit": "5"}
    assert "Essaim" in request.headers["User-Agent"]


def test_answers_are_cached_per_query_and_country(settings, server):
    settings.ESSAIM_GEOCODER, settings.ESSAIM_GEOCODER_URL = "ban", server.url("/search/")
    server.answer = lambda path, params: (200, ban_answer(), 0)
    first = geocode(ADDRESS)
    assert geocode(ADDRESS) == first
    assert geocode("  " + ADDRESS.upper() + " ") == first  # the same query, typed otherwise
    assert len(server.received) == 1
    geocode(ADDRESS, country="GP")
    assert len(server.received) == 2


def test_the_ban_is_not_asked_what_it_refuses_and_a_refusal_does_not_pause_it(settings, server):
    settings.ESSAIM_GEOCODER, settings.ESSAIM_GEOCODER_URL = "ban", server.url("/search/")
    # Under 3 characters, or not starting with a letter or a digit: the BAN answers 400.
    assert geocode("Pa") is None and geocode("-- Nantes") is not None
    assert server.received == []
    # A 400 for a query it dislikes is about that query: the next one still asks it.
    server.answer = lambda path, params: (400, {"message": "q must contain a letter"}, 0)
    geocode("12 rue ???")
    server.answer = lambda path, params: (200, ban_answer(), 0)
    assert geocode(ADDRESS).precision == "address"
    assert len(server.received) == 2


def test_a_service_in_trouble_is_left_alone_a_while(settings, server):
    settings.ESSAIM_GEOCODER, settings.ESSAIM_GEOCODER_URL = "ban", server.url("/search/")
    server.answer = lambda path, params: (503, {}, 0)
    assert geocode(ADDRESS).precision == "commune"  # the gazetteer answered
    assert geocode("3 place du Commerce, Nantes").precision == "commune"
    assert len(server.received) == 1


def test_the_ban_is_not_asked_about_other_countries(settings, server):
    settings.ESSAIM_GEOCODER, settings.ESSAIM_GEOCODER_URL = "ban", server.url("/search/")
    place = geocode("Plateau, Dakar", country="SN")
    assert place.label.startswith("Dakar") and place.precision == "commune"
    assert server.received == []


def test_abroad_the_ban_leaves_the_address_to_the_backend_for_abroad(settings, server):
    settings.ESSAIM_GEOCODER, settings.ESSAIM_GEOCODER_URL = "ban", "http://127.0.0.1:9/never/"
    settings.ESSAIM_GEOCODER_ABROAD = "photon"
    settings.ESSAIM_GEOCODER_ABROAD_URL = server.url("/api/")
    server.answer = lambda path, params: (200, photon_answer(), 0)
    place = geocode("Route de Rufisque, Dakar", country="SN")
    assert place.label == "Route de Rufisque, Dakar, Sénégal"
    assert [r.path for r in server.received] == ["/api/"]


def test_a_service_that_finds_nothing_leaves_the_commune_to_the_gazetteer(settings, server):
    settings.ESSAIM_GEOCODER, settings.ESSAIM_GEOCODER_URL = "ban", server.url("/search/")
    place = geocode("99 impasse Inconnue, 44000 Nantes")
    assert position(place) == NANTES and place.precision == "commune"
    assert len(server.received) == 1


# --- Nominatim ---------------------------------------------------------------------------


def nominatim_answer():
    """What nominatim.openstreetmap.org/search answers with format=jsonv2."""
    return [
        {
            "place_id": 136282919,
            "licence": "Data © OpenStreetMap contributors, ODbL 1.0.",
            "osm_type": "node",
            "osm_id": 2437285926,
            "lat": "47.2183711",
            "lon": "-1.5536215",
            "category": "place",
            "type": "house",
            "place_rank": 30,
            "importance": 0.00000999,
            "addresstype": "place",
            "name": "",
            "display_name": "12, Rue de la Paix, Graslin, Centre-Ville, Nantes, 44000, France",
            "boundingbox": ["47.2183211", "47.2184211", "-1.5536715", "-1.5535715"],
        },
        {
            "lat": "47.2186",
            "lon": "-1.554",
            "category": "highway",
            "type": "residential",
            "addresstype": "road",
            "display_name": "Rue de la Paix, Nantes, France",
        },
        {
            "lat": "47.2186",
            "lon": "-1.5541",
            "category": "boundary",
            "type": "administrative",
            "addresstype": "city",
            "display_name": "Nantes, Loire-Atlantique, France",
        },
    ]


def test_nominatim_is_asked_in_its_protocol_and_told_who_asks(settings, server):
    settings.ESSAIM_GEOCODER, settings.ESSAIM_GEOCODER_URL = "nominatim", server.url("/search")
    settings.ESSAIM_GEOCODER_USER_AGENT = "Essaim geocoder (+https://essaim.example)"
    server.answer = lambda path, params: (200, nominatim_answer(), 0)
    with translation.override("fr"):
        places = suggest(ADDRESS, country="FR")
    assert [(p.precision, p.latitude) for p in places] == [
        ("address", Decimal("47.218371")),
        ("street", Decimal("47.218600")),
        ("commune", Decimal("47.218600")),
    ]
    assert places[0].label == "12, Rue de la Paix, Graslin, Centre-Ville, Nantes, 44000, France"
    (request,) = server.received
    assert request.path == "/search"
    assert request.params == {
        "q": ADDRESS,
        "format": "jsonv2",
        "limit": "5",
        "addressdetails": "0",
        "countrycodes": "fr",
    }
    assert request.headers["User-Agent"] == "Essaim geocoder (+https://essaim.example)"
    assert request.headers["Accept-Language"] == "fr"


def test_nominatim_without_a_country_searches_the_world(settings, server):
    settings.ESSAIM_GEOCODER, settings.ESSAIM_GEOCODER_URL = "nominatim", server.url("/search")
    server.answer = lambda path, params: (200, [], 0)
    geocode("Grand-Rue, Port-au-Prince")
    assert "countrycodes" not in server.received[0].params


# --- Photon ------------------------------------------------------------------------------


def photon_answer():
    """What photon.komoot.io/api/ answers (GeoJSON, [lon, lat])."""
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [-17.4470, 14.7010]},
                "properties": {
                    "osm_type": "W",
                    "osm_id": 25474352,
                    "osm_key": "highway",
                    "osm_value": "primary",
                    "type": "street",
                    "name": "Route de Rufisque",
                    "city": "Dakar",
                    "countrycode": "SN",
                    "country": "Sénégal",
                    "state": "Dakar",
                },
            },
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [-1.5536215, 47.2183711]},
                "properties": {
                    "type": "house",
                    "housenumber": "12",
                    "street": "Rue de la Paix",
                    "postcode": "44000",
                    "city": "Nantes",
                    "countrycode": "FR",
                    "country": "France",
                },
            },
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [-17.4441, 14.6937]},
                "properties": {
                    "type": "city",
                    "name": "Dakar",
                    "countrycode": "SN",
                    "country": "Sénégal",
                    "state": "Dakar",
                },
            },
        ],
    }


def test_photon_is_asked_in_its_protocol(settings, server):
    settings.ESSAIM_GEOCODER, settings.ESSAIM_GEOCODER_URL = "photon", server.url("/api/")
    server.answer = lambda path, params: (200, photon_answer(), 0)
    with translation.override("fr"):
        places = suggest("rue de la paix nantes")
    assert [(p.label, p.precision) for p in places] == [
        ("Route de Rufisque, Dakar, Sénégal", "street"),
        ("12 Rue de la Paix, 44000 Nantes, France", "address"),
        ("Dakar, Sénégal", "commune"),
    ]
    assert position(places[1]) == (Decimal("47.218371"), Decimal("-1.553622"))
    (request,) = server.received
    assert request.path == "/api/"
    assert request.params == {"q": "rue de la paix nantes", "limit": "5", "lang": "fr"}


def test_photon_answers_about_the_country_asked_only(settings, server):
    settings.ESSAIM_GEOCODER, settings.ESSAIM_GEOCODER_URL = "photon", server.url("/api/")
    server.answer = lambda path, params: (200, photon_answer(), 0)
    places = suggest("Dakar", country="SN")
    assert [p.precision for p in places] == ["street", "commune"]
    assert server.received[0].params["limit"] == "10"  # more asked, then filtered


# --- failures fall back to the gazetteer -------------------------------------------------


@pytest.mark.parametrize(
    "backend, path", [("ban", "/search/"), ("nominatim", "/search"), ("photon", "/api/")]
)
@pytest.mark.parametrize(
    "failure",
    [
        pytest.param((200, ban_answer(), 2), id="time-out"),
        pytest.param((500, b"<html>Internal Server Error</html>", 0), id="http-500"),
        pytest.param((200, b"{not json", 0), id="bad-json"),
        pytest.param((200, {"unexpected": "shape"}, 0), id="not-the-protocol"),
    ],
)
def test_a_failing_service_leaves_the_gazetteer_to_answer(
    settings, server, caplog, backend, path, failure
):
    if backend == "nominatim" and failure[1] == {"unexpected": "shape"}:
        failure = (200, {"features": []}, 0)  # a dict where Nominatim sends a list
    settings.ESSAIM_GEOCODER, settings.ESSAIM_GEOCODER_URL = backend, server.url(path)
    server.answer = lambda path, params: failure
    with caplog.at_level(logging.WARNING, logger="website.geocoding"):
        place = geocode(ADDRESS)
    assert position(place) == NANTES and place.precision == "commune"
    assert len(server.received) == 1
    (record,) = [r for r in caplog.records if r.name == "website.geocoding"]
    assert record.levelno == logging.WARNING and backend in record.getMessage()
    # Left alone for a while: the next address does not wait for it again.
    assert geocode("Dakar").label.startswith("Dakar")
    assert len(server.received) == 1


def test_an_answer_our_parsing_did_not_foresee_still_leaves_the_gazetteer_to_answer(
    settings, server
):
    settings.ESSAIM_GEOCODER, settings.ESSAIM_GEOCODER_URL = "ban", server.url("/search/")
    odd = {"type": "FeatureCollection", "features": [{"properties": ["label"], "geometry": {}}]}
    server.answer = lambda path, params: (200, odd, 0)
    assert position(geocode(ADDRESS)) == NANTES


def test_an_unreachable_service_leaves_the_gazetteer_to_answer(settings):
    settings.ESSAIM_GEOCODER, settings.ESSAIM_GEOCODER_URL = "ban", "http://127.0.0.1:9/search/"
    assert position(geocode(ADDRESS)) == NANTES


# --- deciding when to geocode ------------------------------------------------------------


def test_a_record_needs_geocoding_only_when_its_address_has_no_position_of_its_own():
    lat, lon = Decimal("47.2"), Decimal("-1.55")
    assert needs_geocoding(address=ADDRESS, latitude=None, longitude=None)
    assert not needs_geocoding(address=" ", latitude=None, longitude=None)
    assert not needs_geocoding(address=ADDRESS, latitude=lat, longitude=lon)  # given
    before = ("3 place du Commerce, Nantes", lat, lon)
    # A new address, the coordinates of the old one: they go with the old address.
    assert needs_geocoding(address=ADDRESS, latitude=lat, longitude=lon, before=before)
    # A new address and a marker moved: the person placed it.
    moved = Decimal("47.21")
    assert not needs_geocoding(address=ADDRESS, latitude=moved, longitude=lon, before=before)
    # The same address typed otherwise: nothing changed.
    same = "3 Place du Commerce,  NANTES"
    assert not needs_geocoding(address=same, latitude=lat, longitude=lon, before=before)


def test_an_address_is_completed_with_the_commune_it_does_not_name():
    assert query_for("12 rue de la Paix", "Nantes") == "12 rue de la Paix, Nantes"
    assert query_for("12 rue de la Paix, NANTES", "Nantes") == "12 rue de la Paix, NANTES"
    assert query_for("", "Nantes") == "Nantes"


# --- the endpoint ------------------------------------------------------------------------


@pytest.fixture
def signed_in(client, django_user_model, db):
    user = django_user_model.objects.create_user(email="awa@example.org", password="x" * 12)
    client.force_login(user)
    return client


def test_the_endpoint_answers_signed_in_people_only(client, db):
    response = client.get("/geocode/", {"q": ADDRESS})
    assert response.status_code == 403
    assert response["Content-Type"] == "application/json"
    assert "error" in response.json()


def test_the_endpoint_answers_places_as_json(signed_in):
    response = signed_in.get("/geocode/", {"q": ADDRESS, "country": "FR"})
    assert response.status_code == 200
    assert response.json() == {
        "results": [
            {
                "latitude": "47.217250",
                "longitude": "-1.553360",
                "label": "Nantes, France",
                "precision": "commune",
            }
        ]
    }
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    nothing = signed_in.get("/geocode/", {"q": "12 rue de la Paix"})
    assert nothing.status_code == 200 and nothing.json() == {"results": []}


def test_the_endpoint_refuses_an_empty_query_in_the_persons_language(signed_in, settings):
    # The language of the page the person is on (the cookie that each page sets).
    expected = {"fr": "Saisissez une adresse à rechercher.", "en": "Type an address to look up."}
    for language, message in expected.items():
        signed_in.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        response = signed_in.get("/geocode/", {"q": "   "})
        assert response.status_code == 400
        assert response.json() == {"error": message}


def test_the_endpoint_is_rate_limited_per_person(signed_in, settings, client, django_user_model):
    settings.ESSAIM_RATE_LIMITS = {**settings.ESSAIM_RATE_LIMITS, "geocode": (2, 3600)}
    for query in ("Nantes", "Dakar"):
        assert signed_in.get("/geocode/", {"q": query}).status_code == 200
    refused = signed_in.get("/geocode/", {"q": "Québec"})
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert "error" in refused.json()
    other = django_user_model.objects.create_user(email="omar@example.org", password="x" * 12)
    client.force_login(other)
    assert client.get("/geocode/", {"q": "Québec"}).status_code == 200


def test_the_endpoint_reads_only(signed_in):
    assert signed_in.post("/geocode/", {"q": ADDRESS}).status_code == 405
