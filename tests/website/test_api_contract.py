"""The API keeps its own contract (issue 18, item 4): its schema is valid OpenAPI 3.1 and says
every rule the server enforces (closed lists as enums, editable lists as slugs, the bounds of
dates and of the availability window), the server refuses what the schema forbids, and every
message, 404 and 422 alike, is in the language of ``lang``."""

import datetime as dt
import json
import re
from urllib.parse import quote, urlencode

import jsonschema
import pytest
from django.core import validators
from django.utils import translation
from django.utils.translation import gettext
from openapi_spec_validator import validate

from events.models import ACCESSIBILITY_FEATURES, EventKind
from network.directory.models import NeedOfferCategory, Territory
from network.incubators.models import CallState, SupportKind
from network.spaces.models import Space
from network.spaces.selectors import MAX_AVAILABILITY_DAYS
from tests.network.booking_helpers import make_space
from website.api_common import DATE_PATTERN, DATE_YEARS, SLUG_PATTERN

pytestmark = pytest.mark.django_db

SCHEMA_URL = "/api/v1/openapi.json"
SPACE = "salle-des-fetes"
NO_EVENT = "00000000-0000-0000-0000-000000000000"


@pytest.fixture
def schema(client):
    return client.get(SCHEMA_URL).json()


@pytest.fixture
def space(db):
    nantes = Territory.objects.create(name="Nantes", slug="nantes", kind="commune", country="FR")
    return make_space(nantes, slug=SPACE)


def operation(schema, path):
    return schema["paths"][f"/api/v1{path}"]["get"]


def parameter(schema, path, name):
    (found,) = [p for p in operation(schema, path)["parameters"] if p["name"] == name]
    return found


def value_schemas(parameter_schema):
    """The schemas a value of the parameter is read with: the items of a list, each branch
    of an ``anyOf`` but null."""
    schemas = []
    for branch in parameter_schema.get("anyOf", [parameter_schema]):
        branch = branch.get("items", branch)
        if branch.get("type") != "null":
            schemas.append(branch)
    return schemas


PATHS = [
    "/occurrences",
    "/events/{uid}",
    "/actors",
    "/actors/{slug}",
    "/spaces",
    "/spaces/{slug}",
    "/spaces/{slug}/availability",
    "/calls",
    "/programmes",
]


def test_the_schema_is_valid_openapi_3_1(schema):
    validate(schema)
    assert schema["openapi"].startswith("3.1")


def test_every_operation_is_checked_here(schema):
    assert sorted(schema["paths"]) == sorted(f"/api/v1{path}" for path in PATHS)


# --- Lists: fixed in the code, an enum; edited at any time, a slug --------------------------

CLOSED_LISTS = [
    *[(path, "lang", ["fr", "en"]) for path in PATHS],
    ("/occurrences", "kind", EventKind.values),
    ("/occurrences", "accessibility", [name for name, _label in ACCESSIBILITY_FEATURES]),
    ("/actors", "need", NeedOfferCategory.values),
    ("/actors", "offer", NeedOfferCategory.values),
    ("/calls", "state", CallState.values),
    ("/calls", "support", SupportKind.values),
    ("/programmes", "support", SupportKind.values),
    ("/spaces", "equipment", list(Space.EQUIPMENT)),
    ("/spaces", "accessibility", list(Space.ACCESSIBILITY)),
]


@pytest.mark.parametrize(("path", "name", "values"), CLOSED_LISTS)
def test_a_parameter_with_a_list_fixed_in_the_code_declares_its_enum(schema, path, name, values):
    (value_schema,) = value_schemas(parameter(schema, path, name)["schema"])
    assert value_schema["enum"] == values


# Sectors, territories and legal forms are snippets; networks and incubators are actors.
OPEN_LISTS = [
    (path, name)
    for path, names in [
        ("/occurrences", ["sector", "territory"]),
        ("/actors", ["sector", "territory", "legal_form", "umbrella"]),
        ("/spaces", ["territory"]),
        ("/calls", ["sector", "territory", "incubator"]),
        ("/programmes", ["sector", "territory", "incubator"]),
    ]
    for name in names
]


def rows_now(name):
    """The slugs a filter naming editable rows takes, read from the database."""
    from network.directory.models import Actor, LegalForm, Sector

    published = Actor.objects.published()
    return {
        "sector": Sector.objects.values_list("slug", flat=True),
        "territory": Territory.objects.values_list("slug", flat=True),
        "legal_form": LegalForm.objects.values_list("slug", flat=True),
        "umbrella": published.filter(is_umbrella=True).values_list("slug", flat=True),
        "incubator": published.filter(is_incubator=True).values_list("slug", flat=True),
    }[name]


@pytest.mark.parametrize(("path", "name"), OPEN_LISTS)
def test_a_parameter_naming_rows_editors_change_lists_them_as_they_are_now(client, path, name):
    """Sectors, territories, legal forms, networks and incubators are edited at any time:
    the schema's ``enum`` is read when the schema is, so a row added a second ago is in it,
    and a network or an incubator waiting for review is not."""
    from network.directory.models import Actor, LegalForm, Sector

    Sector.objects.create(name_fr="Filière", name_en="Sector", slug="filiere-du-jour")
    Territory.objects.create(name="Ziguinchor", slug="ziguinchor", kind="commune", country="SN")
    LegalForm.objects.create(name_fr="Forme", name_en="Form", slug="forme-du-jour")
    for slug, status in [("reseau", "published"), ("en-attente", "pending")]:
        Actor.objects.create(
            name=slug, slug=slug, status=status, is_umbrella=True, is_incubator=True
        )
    found = parameter(client.get(SCHEMA_URL).json(), path, name)
    (value_schema,) = value_schemas(found["schema"])
    assert value_schema["pattern"] == SLUG_PATTERN
    assert value_schema["enum"] == sorted(rows_now(name))
    assert {"filiere-du-jour", "ziguinchor", "forme-du-jour", "reseau"} & set(value_schema["enum"])
    assert "en-attente" not in value_schema["enum"]
    # Where a client finds the values too, and what an unknown one gets.
    assert " as in " in found["description"]
    assert "(422)" in found["description"]
    unknown = client.get(f"/api/v1{path}", {name: "nulle-part"})
    assert unknown.status_code == 422


def test_actors_give_the_legal_form_slug_the_filter_takes(client, schema):
    from network.directory.models import Actor, ActorStatus, LegalForm

    coop = LegalForm.objects.create(
        slug="cooperative-test", name_fr="Coopérative", name_en="Cooperative"
    )
    Actor.objects.create(name="Coop", slug="coop", status=ActorStatus.PUBLISHED, legal_form=coop)
    (actor,) = client.get("/api/v1/actors", {"lang": "en"}).json()["items"]
    assert (actor["legal_form"], actor["legal_form_slug"]) == ("Cooperative", "cooperative-test")
    assert client.get("/api/v1/actors", {"legal_form": "cooperative-test"}).json()["count"] == 1
    assert "legal_form_slug" in schema["components"]["schemas"]["ActorOut"]["required"]


# --- What the schema forbids is refused; what it allows, at its edges, is answered -----------

FORBIDDEN = [
    # (operation, parameter, value): each one answered 200 (or 404) before issue 18.
    ("/spaces/{slug}/availability", "start", "0"),
    ("/spaces/{slug}/availability", "start", "1899-12-31"),
    ("/spaces/{slug}/availability", "end", "3000-01-01"),
    ("/spaces/{slug}/availability", "start", "2027-02-30"),
    ("/spaces/{slug}/availability", "start", "20270310"),
    ("/spaces/{slug}/availability", "lang", "de"),
    ("/occurrences", "date_from", "10/03/2027"),
    ("/occurrences", "date_to", "2027-03-10T12:00"),
    ("/actors", "sector", "pas un slug"),
    ("/spaces", "capacity", str(2**31)),
    ("/events/{uid}", "uid", "0"),
    ("/events/{uid}", "lang", "de"),
    ("/actors/{slug}", "slug", "pas un slug"),
    ("/actors/{slug}", "lang", "de"),
    ("/spaces/{slug}", "slug", "salle des fêtes"),
    ("/spaces/{slug}", "lang", "xx"),
    ("/occurrences", "online", "yes"),
    ("/calls", "open_now", "on"),
    ("/actors", "limit", "+5"),
    ("/spaces", "capacity", "5_000"),
]


def wire_value(value, parameter_schema):
    """What a query string's text stands for, as OpenAPI reads it: a number or a boolean
    where the schema takes one and the text spells it in JSON, the text otherwise."""
    types = {branch.get("type") for branch in parameter_schema.get("anyOf", [parameter_schema])}
    if types & {"integer", "boolean"}:
        try:
            read = json.loads(value)
        except ValueError:
            return value
        if isinstance(read, bool | int):
            return read
    return value


def url_with(path, name, value, location):
    path_values = {"slug": SPACE, "uid": NO_EVENT}
    query = {}
    if location == "path":
        path_values[name] = value
    else:
        query[name] = value
    url = "/api/v1" + path.format(**{k: quote(v, safe="") for k, v in path_values.items()})
    return f"{url}?{urlencode(query)}" if query else url


@pytest.mark.parametrize(("path", "name", "value"), FORBIDDEN)
def test_a_value_the_schema_forbids_is_refused_with_a_422_naming_it(
    client, schema, space, path, name, value
):
    found = parameter(schema, path, name)
    checker = jsonschema.Draft202012Validator(
        found["schema"], format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    assert not checker.is_valid(wire_value(value, found["schema"])), "the schema allows it"
    response = client.get(url_with(path, name, value, found["in"]))
    assert response.status_code == 422, response.content
    assert [found["in"], name] in [error["loc"][:2] for error in response.json()["detail"]]


def availability(client, **query):
    return client.get(f"/api/v1/spaces/{SPACE}/availability", query)


def test_the_api_takes_the_years_the_agenda_takes():
    from events.forms import FILTER_YEARS

    assert DATE_YEARS == FILTER_YEARS
    assert re.fullmatch(DATE_PATTERN, f"{DATE_YEARS[0]}-01-01")
    assert re.fullmatch(DATE_PATTERN, f"{DATE_YEARS[1]}-12-31")
    assert not re.fullmatch(DATE_PATTERN, f"{DATE_YEARS[0] - 1}-12-31")
    assert not re.fullmatch(DATE_PATTERN, f"{DATE_YEARS[1] + 1}-01-01")


def test_the_availability_window_is_in_the_schema(schema):
    described = operation(schema, "/spaces/{slug}/availability")["description"]
    assert f"at most {MAX_AVAILABILITY_DAYS} days" in described
    assert "end is not before start" in described
    for name in ("start", "end"):
        (value_schema,) = value_schemas(
            parameter(schema, "/spaces/{slug}/availability", name)["schema"]
        )
        assert value_schema == {"type": "string", "format": "date", "pattern": DATE_PATTERN}


@pytest.mark.parametrize(
    ("start", "end"),
    [
        ("1900-01-01", "1900-01-01"),
        ("2999-12-01", "2999-12-31"),
        ("2027-03-01", "2027-03-31"),  # MAX_AVAILABILITY_DAYS days, both ends included
    ],
)
def test_the_edges_of_the_availability_window_are_answered(client, space, start, end):
    response = availability(client, start=start, end=end)
    assert response.status_code == 200, response.content
    assert (response.json()["start"], response.json()["end"]) == (start, end)


def test_a_window_one_day_too_long_or_backwards_is_refused_in_the_language_of_lang(client, space):
    too_long = availability(client, start="2027-03-01", end="2027-04-01", lang="en")
    assert too_long.status_code == 422
    assert too_long.json()["detail"] == [
        {"loc": ["query", "end"], "msg": f"The period lasts at most {MAX_AVAILABILITY_DAYS} days."}
    ]
    backwards = availability(client, start="2027-03-02", end="2027-03-01")
    assert backwards.json()["detail"] == [
        {"loc": ["query", "end"], "msg": "La date de fin ne peut pas précéder la date de début."}
    ]


# --- One language rule for every message -----------------------------------------------------

# A mistake of each kind, found by each part that checks: the schema's types, the pages'
# forms, the views, and the 404s. (request, where, the message's English text)
MISTAKES = [
    ("/occurrences?date_from=demain", ["query", "date_from"], "Enter a date such as 2027-03-10."),
    ("/occurrences?kind=bal", ["query", "kind", 0], "Choose kinds of event from the list."),
    (
        "/occurrences?date_from=2027-03-10&date_to=2027-03-01",
        ["query", "date_to"],
        "The end date cannot come before the start date.",
    ),
    ("/actors?legal_form=sarl", ["query", "legal_form"], "Choose a legal form from the list."),
    ("/actors?need=love", ["query", "need"], "Choose a kind of need from the list."),
    ("/actors?q=" + "x" * 201, ["query", "q"], "Use at most 200 characters."),
    ("/calls?state=sleeping", ["query", "state"], "Choose a state from the list."),
    ("/calls?open_now=maybe", ["query", "open_now"], "Enter true or false."),
    (
        "/programmes?limit=0",
        ["query", "limit"],
        "Ensure this value is greater than or equal to 1.",
    ),
    ("/spaces?territory=atlantis", ["query", "territory"], "Choose a territory from the list."),
    ("/spaces?equipment=jacuzzi", ["query", "equipment", 0], "Choose equipment from the list."),
    ("/spaces?capacity=many", ["query", "capacity"], "Enter a whole number."),
    (
        f"/spaces/{SPACE}/availability?start=0",
        ["query", "start"],
        "Enter a date such as 2027-03-10.",
    ),
    (
        f"/spaces/{SPACE}/availability?end=9999-12-31",
        ["query", "end"],
        "Enter a date between the years 1900 and 2999.",
    ),
    (
        "/events/0",
        ["path", "uid"],
        "Enter the UID of an event: the event_uid of one of its dates in /api/v1/occurrences.",
    ),
    (
        "/actors/pas%20un%20slug",
        ["path", "slug"],
        validators.validate_slug.message,  # Django's own, in its catalogue
    ),
    (f"/events/{NO_EVENT}", None, "No published event has this UID."),
    ("/actors/nobody", None, "No published actor has this slug."),
    ("/spaces/nowhere", None, "No meeting space open to bookings has this slug."),
    ("/spaces/nowhere/availability", None, "No meeting space open to bookings has this slug."),
]


def message_of(response, where):
    if where is None:
        assert response.status_code == 404, response.content
        return response.json()["detail"]
    assert response.status_code == 422, response.content
    (error,) = response.json()["detail"]
    assert error["loc"] == where
    return error["msg"]


def in_language(language, english):
    """The message as the catalogues give it in ``language`` (numbers already in)."""
    with translation.override(language):
        if not isinstance(english, str):
            return str(english)  # a lazy message of Django's
        if english.startswith("Use at most"):
            return gettext("Use at most %(limit_value)d characters.") % {"limit_value": 200}
        if english.startswith("Ensure this value is greater"):
            return str(validators.MinValueValidator.message) % {"limit_value": 1}
        if english.startswith("Enter a date between"):
            return gettext("Enter a date between the years %(first)d and %(last)d.") % {
                "first": 1900,
                "last": 2999,
            }
        return gettext(english)


def with_lang(url, lang):
    return f"{url}{'&' if '?' in url else '?'}lang={lang}"


@pytest.mark.parametrize(("url", "where", "english"), MISTAKES)
def test_every_error_message_is_in_the_language_of_lang_and_french_without_it(
    client, space, url, where, english
):
    url = "/api/v1" + url
    for lang in ("fr", "en"):
        answer = client.get(with_lang(url, lang), HTTP_ACCEPT_LANGUAGE="de")
        assert message_of(answer, where) == in_language(lang, english), lang
        assert answer["Content-Language"] == lang
    # Neither Accept-Language nor a language cookie changes it.
    client.cookies["essaim_language"] = "en"
    answer = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert message_of(answer, where) == in_language("fr", english)
    assert answer["Content-Language"] == "fr"


def test_the_catalogues_put_the_messages_in_french_indeed(client, space):
    """Messages already in the catalogues, read in French: the machinery works end to end."""
    fr = client.get("/api/v1/spaces?territory=atlantis").json()["detail"][0]["msg"]
    en = client.get("/api/v1/spaces?territory=atlantis&lang=en").json()["detail"][0]["msg"]
    assert (fr, en) == (
        "Choisissez un territoire dans la liste.",
        "Choose a territory from the list.",
    )
    limit = client.get("/api/v1/actors?limit=0").json()["detail"][0]["msg"]
    assert limit == "Assurez-vous que cette valeur est supérieure ou égale à 1."


@pytest.mark.parametrize("path", ["/occurrences", f"/spaces/{SPACE}", f"/events/{NO_EVENT}"])
def test_a_wrong_lang_is_refused_in_french_with_the_languages_to_choose_from(client, space, path):
    response = client.get(f"/api/v1{path}?lang=de")
    assert response.status_code == 422
    assert response.json()["detail"] == [
        {
            "loc": ["query", "lang"],
            "msg": gettext("Choose one of these languages: %(choices)s.") % {"choices": "fr, en"},
        }
    ]


def test_the_language_rule_is_written_in_the_schema(schema):
    assert "Accept-Language is not read" in schema["info"]["description"]
    for path in PATHS:
        assert "French unless en" in parameter(schema, path, "lang")["description"]


# --- Event ids a client can find ---------------------------------------------------------------


def test_event_uids_are_documented_and_linked_from_the_dates(schema):
    uid = parameter(schema, "/events/{uid}", "uid")
    assert "event_uid" in uid["description"]
    assert "event_uid" in operation(schema, "/events/{uid}")["description"]
    listed = schema["components"]["schemas"]["OccurrenceOut"]["properties"]["event_uid"]
    assert "/api/v1/events/{event_uid}" in listed["description"]
    link = operation(schema, "/occurrences")["responses"]["200"]["links"]["event"]
    assert link["operationId"] == operation(schema, "/events/{uid}")["operationId"]
    assert link["parameters"] == {"uid": "$response.body#/items/0/event_uid"}


def test_the_event_of_every_listed_date_is_found_by_its_event_uid(client, schema, make_event):
    make_event(recurrence="FREQ=WEEKLY;COUNT=2")
    make_event(start=dt.datetime(2027, 4, 1, 9, tzinfo=dt.UTC))
    items = client.get("/api/v1/occurrences").json()["items"]
    assert len(items) == 3
    pattern = parameter(schema, "/events/{uid}", "uid")["schema"]["pattern"]
    for item in items:
        jsonschema.validate(item["event_uid"], {"type": "string", "pattern": pattern})
        event = client.get(f"/api/v1/events/{quote(item['event_uid'], safe='@')}")
        assert event.status_code == 200, event.content
        assert event.json()["uid"] == item["event_uid"]
        assert item["id"] in [date["id"] for date in event.json()["occurrences"]]
        # The UUID alone, in capitals too, is the same event.
        bare = item["event_uid"].split("@")[0].upper()
        assert client.get(f"/api/v1/events/{bare}").json()["uid"] == item["event_uid"]
