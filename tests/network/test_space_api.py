"""The JSON API of the meeting spaces: the list and its filters, one space, and its
availability (busy and free intervals, never who booked), in the OpenAPI schema."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from network.spaces import services
from network.spaces.models import Closure, OpeningHours, Space

from .booking_helpers import local, make_space, next_week_day


@pytest.fixture
def spaces(vocab):
    big = make_space(
        vocab["nantes"],
        slug="grande-salle",
        name="Grande salle",
        capacity=80,
        has_projector=True,
        step_free_access=True,
        latitude="47.2200",
        longitude="-1.5350",
        description="Au rez-de-chaussée.",
    )
    small = make_space(vocab["nantes"], slug="petite-salle", name="Petite salle", capacity=10)
    far = make_space(
        vocab["dakar"], slug="salle-dakar", name="Salle de Dakar", time_zone="Africa/Dakar"
    )
    make_space(vocab["nantes"], slug="fermee", name="Fermée", is_active=False)
    return big, small, far


@pytest.fixture
def requester(make_requester, make_actor):
    actor = make_actor(name="Recyclerie secrète")
    email = "personne.privee@example.org"
    return make_requester(email, actor=actor, display_name="Personne Privée")


def slugs(response):
    assert response.status_code == 200, response.content
    return [item["slug"] for item in response.json()["items"]]


def test_list_filters_by_territory_capacity_equipment_and_accessibility(client, spaces):
    assert slugs(client.get("/api/v1/spaces")) == ["grande-salle", "petite-salle", "salle-dakar"]
    assert slugs(client.get("/api/v1/spaces?territory=dakar")) == ["salle-dakar"]
    # A territory covers what lies below it.
    assert slugs(client.get("/api/v1/spaces?territory=pays-de-la-loire")) == [
        "grande-salle",
        "petite-salle",
    ]
    assert slugs(client.get("/api/v1/spaces?capacity=50")) == ["grande-salle"]
    assert slugs(client.get("/api/v1/spaces?equipment=has_projector")) == ["grande-salle"]
    assert slugs(
        client.get("/api/v1/spaces?accessibility=step_free_access&equipment=has_projector")
    ) == ["grande-salle"]
    assert client.get("/api/v1/spaces?equipment=jacuzzi").status_code == 422
    assert client.get("/api/v1/spaces?territory=atlantis").status_code == 422
    assert client.get("/api/v1/spaces?capacity=0").status_code == 422
    item = client.get("/api/v1/spaces?capacity=50").json()["items"][0]
    assert item["equipment"] == ["has_projector"]
    assert item["accessibility"] == ["step_free_access"]
    assert item["territory"] == "nantes"
    assert item["opening_hours"][0] == {"weekday": 0, "opens": "08:00:00", "closes": "22:00:00"}


def test_list_query_count_does_not_grow_with_the_number_of_spaces(client, vocab):
    def count():
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/api/v1/spaces?limit=100")
        assert response.status_code == 200
        return len(queries), response.json()["count"]

    make_space(vocab["nantes"], slug="s-0")
    few, served = count()
    assert served == 1
    for n in range(1, 15):
        make_space(vocab["dakar" if n % 2 else "nantes"], slug=f"s-{n}")
    many, served = count()
    assert served == 15
    assert many == few
    assert few <= 4  # count, page, opening hours, closures


def test_one_space_with_its_rules_and_coming_closures(client, spaces):
    big = spaces[0]
    Closure.objects.create(
        space=big, starts_on=dt.date(2020, 1, 1), ends_on=dt.date(2020, 1, 2), reason="Passé"
    )
    soon = dt.date.today() + dt.timedelta(days=20)
    Closure.objects.create(space=big, starts_on=soon, ends_on=soon, reason="Travaux")
    data = client.get("/api/v1/spaces/grande-salle").json()
    assert data["description"] == "Au rez-de-chaussée."
    assert data["latitude"] == "47.2200" or float(data["latitude"]) == 47.22
    assert data["min_duration_minutes"] == 30
    assert [c["reason"] for c in data["closures"]] == ["Travaux"]
    assert client.get("/api/v1/spaces/fermee").status_code == 404
    assert client.get("/api/v1/spaces/nope").status_code == 404


def test_availability_gives_busy_and_free_intervals_and_nobody_s_name(client, spaces, requester):
    big = spaces[0]
    day = next_week_day()
    OpeningHours.objects.filter(space=big).exclude(weekday=day.weekday()).delete()
    services.booking_create(
        space=big,
        actor=requester.actor,
        user=requester,
        start=local(day, 10),
        end=local(day, 12),
        purpose="Réunion confidentielle",
        attendees=8,
    )
    response = client.get(
        f"/api/v1/spaces/grande-salle/availability?start={day}&end={day + dt.timedelta(days=1)}"
    )
    assert response.status_code == 200
    data = response.json()
    assert data["time_zone"] == "Europe/Paris"
    busy = [
        (dt.datetime.fromisoformat(i["start"]), dt.datetime.fromisoformat(i["end"]))
        for i in data["busy"]
    ]
    free = [
        (dt.datetime.fromisoformat(i["start"]), dt.datetime.fromisoformat(i["end"]))
        for i in data["free"]
    ]
    assert busy == [(local(day, 10), local(day, 12))]
    assert free == [(local(day, 8), local(day, 10)), (local(day, 12), local(day, 22))]
    text = response.content.decode()
    for secret in ("Recyclerie", "confidentielle", "personne.privee", "Privée"):
        assert secret not in text


def test_availability_checks_its_period(client, spaces):
    today = dt.date.today()
    url = "/api/v1/spaces/grande-salle/availability"
    assert client.get(f"{url}?start={today}&end={today - dt.timedelta(days=1)}").status_code == 422
    assert client.get(f"{url}?start={today}&end={today + dt.timedelta(days=40)}").status_code == 422
    assert client.get(f"{url}?start=someday").status_code == 422
    # Pydantic read "0" as a Unix time (1970-01-01): the schema says a date, so does the server.
    response = client.get(f"{url}?start=0&lang=en")
    assert response.status_code == 422
    assert response.json()["detail"] == [
        {"loc": ["query", "start"], "msg": "Enter a date such as 2027-03-10."}
    ]
    span = client.get(f"{url}?start={today}&end={today + dt.timedelta(days=31)}&lang=en")
    assert span.json()["detail"] == [
        {"loc": ["query", "end"], "msg": "The period lasts at most 31 days."}
    ]
    longest = client.get(f"{url}?start={today}&end={today + dt.timedelta(days=30)}")
    assert longest.status_code == 200
    data = client.get(url).json()
    assert (dt.date.fromisoformat(data["end"]) - dt.date.fromisoformat(data["start"])).days == 6
    # Today is not bookable before the minimum notice: no free time starts before it.
    for interval in data["free"]:
        assert dt.datetime.fromisoformat(interval["start"]) >= dt.datetime.now(dt.UTC)


@pytest.mark.django_db  # the schema lists the territories as they are
def test_spaces_are_in_the_openapi_schema(client):
    schema = client.get("/api/v1/openapi.json").json()
    for path in ("/api/v1/spaces", "/api/v1/spaces/{slug}", "/api/v1/spaces/{slug}/availability"):
        assert path in schema["paths"], path
    parameters = {p["name"]: p for p in schema["paths"]["/api/v1/spaces"]["get"]["parameters"]}
    assert {"lang", "territory", "capacity", "equipment", "accessibility"} <= set(parameters)
    assert parameters["equipment"]["schema"]["items"]["enum"] == list(Space.EQUIPMENT)
    assert parameters["accessibility"]["schema"]["items"]["enum"] == list(Space.ACCESSIBILITY)
    assert "AvailabilityOut" in schema["components"]["schemas"]


def test_space_errors_are_in_the_language_of_lang(client, spaces):
    french = client.get("/api/v1/spaces?territory=atlantis").json()["detail"]
    english = client.get("/api/v1/spaces?territory=atlantis&lang=en").json()["detail"]
    assert french == [
        {"loc": ["query", "territory"], "msg": "Choisissez un territoire dans la liste."}
    ]
    assert english == [{"loc": ["query", "territory"], "msg": "Choose a territory from the list."}]
    accessibility = client.get("/api/v1/spaces?accessibility=lift&lang=en").json()["detail"]
    assert accessibility == [
        {
            "loc": ["query", "accessibility", 0],
            "msg": "Choose accessibility features from the list.",
        }
    ]
