"""What the public sees: only approved data of published actors, never private contact
data, in every output (pages, search, map data, exports, statistics), and a profile with
schema.org Organization JSON-LD."""

import datetime as dt
import json
import re

import pytest
from django.utils import timezone

from network.directory import services
from network.directory.models import ActorStatus, NeedOffer

pytestmark = pytest.mark.django_db

SECRETS = [
    "Secret Proposed Name",
    "Secret proposed description",
    "Secret draft actor",
    "Secret pending actor",
    "Secret archived actor",
    "Secret duplicate actor",
    "Secret need",
    "secret-",
]
PUBLIC_URLS = [
    "/fr/directory/",
    "/fr/directory/?q=Secret",
    "/fr/directory/?q=Visible",
    "/fr/directory/?sector=alimentation",
    "/fr/directory/?territory=pays-de-la-loire",
    "/fr/directory/?legal_form=association",
    "/fr/directory/?need=premises",
    "/fr/directory/map/",
    "/fr/directory/map/data.geojson",
    "/fr/directory/map/data.geojson?bbox=-10,40,10,50",
    "/fr/directory/needs-and-offers/",
    "/fr/directory/statistics/",
    "/fr/directory/statistics/?format=csv",
    "/fr/directory/open-data/actors.geojson",
    "/fr/directory/open-data/actors.csv",
    "/fr/directory/open-data/actors.json",
    "/en/directory/",
    "/en/directory/open-data/actors.json",
    "/api/v1/actors",
    "/api/v1/actors?q=Secret",
    "/api/v1/actors?sector=alimentation&lang=en",
    "/api/v1/actors/visible-coop",
]


@pytest.fixture
def hidden_world(vocab, make_actor, make_user):
    """One visible actor with a pending change, and actors in every unpublished status."""
    admin = make_user()
    visible = make_actor(
        admin=admin, name="Visible Coop", slug="visible-coop", sectors=[vocab["food"]]
    )
    NeedOffer.objects.create(
        actor=visible,
        kind="need",
        category="premises",
        title="Local visible",
        expires_on=timezone.localdate() + dt.timedelta(days=30),
    )
    values = {
        "name": "Secret Proposed Name",
        "description": "Secret proposed description",
        "sectors": [vocab["food"]],
        "territory": vocab["nantes"],
        "legal_form": vocab["association"],
    }
    services.actor_update(actor=visible, user=admin, values=values)
    for status in (
        ActorStatus.DRAFT,
        ActorStatus.PENDING,
        ActorStatus.ARCHIVED,
        ActorStatus.DUPLICATE,
    ):
        actor = make_actor(
            name=f"Secret {status} actor",
            slug=f"secret-{status}",
            status=status,
            sectors=[vocab["food"]],
        )
        NeedOffer.objects.create(
            actor=actor,
            kind="need",
            category="premises",
            title=f"Secret need {status}",
            expires_on=timezone.localdate() + dt.timedelta(days=30),
        )
    return visible


@pytest.mark.parametrize("url", PUBLIC_URLS)
def test_unapproved_actors_and_changes_reach_no_public_output(client, hidden_world, url):
    response = client.get(url)
    assert response.status_code == 200
    body = response.content.decode("utf-8-sig")
    for secret in SECRETS:
        assert secret not in body
    if response.context and "actors" in response.context and "q=Secret" in url:
        assert list(response.context["actors"]) == []
    if "q=Secret" not in url and "statistics" not in url:
        assert "Visible Coop" in body or "Visible" in body


@pytest.mark.parametrize("url", PUBLIC_URLS + ["/fr/directory/visible-coop/"])
def test_private_contact_data_appears_in_no_public_output(client, hidden_world, url):
    body = client.get(url).content.decode("utf-8-sig")
    assert "private.example" not in body
    assert "Personne Secrète" not in body
    assert "+33 6 11 22 33 44" not in body


@pytest.mark.parametrize("status", ["draft", "pending", "archived", "duplicate"])
def test_unpublished_profiles_are_not_found(client, hidden_world, status):
    assert client.get(f"/fr/directory/secret-{status}/").status_code == 404
    assert client.get(f"/api/v1/actors/secret-{status}").status_code == 404


def test_the_api_lists_published_actors_with_the_directorys_filters(client, hidden_world):
    data = client.get("/api/v1/actors?territory=pays-de-la-loire").json()
    assert data["count"] == 1
    (actor,) = data["items"]
    assert actor["name"] == "Visible Coop"
    assert actor["sectors"] == ["alimentation"]
    assert not any(key.startswith("private") for key in actor)
    response = client.get("/api/v1/actors?sector=nope&lang=en")
    assert response.status_code == 422
    assert "Choose a sector from the list." in response.content.decode()
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/actors" in schema["paths"]


def test_the_profile_shows_approved_values_with_organization_json_ld(client, hidden_world):
    hidden_world.public_email = "contact@visible.example"
    hidden_world.save()
    response = client.get("/fr/directory/visible-coop/")
    html = response.content.decode()
    assert "Secret" not in html
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    data = json.loads(match.group(1))
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "Organization"
    assert data["name"] == "Visible Coop"
    assert data["email"] == "contact@visible.example"
    assert data["@id"].endswith("/fr/directory/visible-coop/")
    assert data["location"]["geo"]["longitude"] == -1.55
    assert data["knowsAbout"] == ["Alimentation"]


def test_json_ld_cannot_close_its_script_element(client, vocab, make_actor):
    make_actor(name="Coop </script><b>x</b>", slug="coop-script")
    html = client.get("/fr/directory/coop-script/").content.decode()
    ld = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    assert "</script>" not in ld and "<b>" not in ld
    assert json.loads(ld)["name"] == "Coop </script><b>x</b>"


def test_approving_the_change_publishes_it_everywhere(client, hidden_world, moderator):
    change = hidden_world.changes.get(status="pending")
    services.change_approve(change=change, user=moderator)
    assert "Secret Proposed Name" in client.get("/fr/directory/?q=Proposed").content.decode()
    features = client.get("/fr/directory/map/data.geojson").json()["features"]
    assert [f["properties"]["name"] for f in features] == ["Secret Proposed Name"]
    assert "Secret Proposed Name" in client.get(
        "/fr/directory/open-data/actors.csv"
    ).content.decode("utf-8-sig")
