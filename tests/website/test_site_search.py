"""The header's one search box finds pages, events, actors, spaces, calls, good practices and
forum topics, grouped by kind, each group linking to its own filtered listing; what a person
may not see stays hidden; the number of queries does not grow with the data."""

import datetime as dt
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.models import PageViewRestriction

from tests.factories.accounts import UserFactory
from tests.factories.directory import ActorFactory, TerritoryFactory
from tests.factories.events import EventPageFactory
from tests.factories.forums import CategoryFactory, TopicFactory
from tests.factories.incubators import CallFactory
from tests.factories.pages import PageFactory, french_home
from tests.factories.practices import GoodPracticePageFactory
from tests.factories.spaces import SpaceFactory

pytestmark = pytest.mark.django_db


class StandardPageFactory(PageFactory):
    class Meta:
        model = "website.StandardPage"


KINDS = ["events", "actors", "spaces", "calls", "practices", "topics", "pages"]


def search(client, words, **extra):
    response = client.get(reverse("search"), {"q": words, **extra})
    assert response.status_code == 200
    return response


def groups_of(response):
    return {source.key: group for source, group in response.context["groups"]}


def titles(response, kind):
    return [hit.title for hit in groups_of(response).get(kind, type("", (), {"hits": []})).hits]


@pytest.fixture
def world(demo, settings):
    """One thing of each kind about a cooperative in Québec."""
    settings.FORUMS_APPROVAL_FIRST_POSTS = 0
    settings.FORUMS_POST_RATE = (1000, 60)
    quebec = TerritoryFactory(name="Québec", country="CA")
    return {
        "actor": ActorFactory(name="Coopérative du Vieux-Québec", territory=quebec),
        "event": EventPageFactory(
            title="Forum des coopératives", summary="Rencontre des coopératives de Québec."
        ),
        "space": SpaceFactory(name="Salle coopérative de Limoilou", territory=quebec),
        "call": CallFactory(title="Appel aux coopératives", description="Pour Québec."),
        "practice": GoodPracticePageFactory(
            title="Une coopérative d’habitants", summary="À Québec, depuis 2015."
        ),
        "topic": TopicFactory(
            title="Créer une coopérative",
            source="Qui a créé une coopérative à Québec ?",
            author=UserFactory(verified=True),
        ),
        "page": StandardPageFactory(
            parent=french_home(), title="La coopérative du réseau", slug="cooperative"
        ),
    }


def test_one_word_without_accent_finds_every_kind_grouped_in_order(client, world):
    response = search(client, "cooperative")

    assert [source.key for source, _group in response.context["groups"]] == KINDS
    assert titles(response, "actors") == ["Coopérative du Vieux-Québec"]
    assert titles(response, "events") == ["Forum des coopératives"]
    assert titles(response, "spaces") == ["Salle coopérative de Limoilou"]
    assert titles(response, "calls") == ["Appel aux coopératives"]
    assert titles(response, "practices") == ["Une coopérative d’habitants"]
    assert titles(response, "topics") == ["Créer une coopérative"]
    assert "La coopérative du réseau" in titles(response, "pages")
    # Events and practices are pages, shown in their own groups, not again among pages.
    assert "Forum des coopératives" not in titles(response, "pages")


def test_a_place_typed_without_its_accent_is_found(client, world):
    response = search(client, "Quebec")

    assert titles(response, "actors") == ["Coopérative du Vieux-Québec"]
    assert titles(response, "spaces") == ["Salle coopérative de Limoilou"]


def test_an_actors_name_typed_in_the_header_finds_it(client, world):
    response = search(client, "vieux quebec")

    assert titles(response, "actors") == ["Coopérative du Vieux-Québec"]
    assert response.context["groups"][0][0].key == "actors"


def test_each_group_links_to_its_own_listing_filtered_by_the_same_words(client, world):
    response = search(client, "coopérative")

    for kind, group in groups_of(response).items():
        url = urlsplit(group.more_url)
        assert parse_qs(url.query)["q"] == ["coopérative"], kind
        listing = client.get(group.more_url)
        assert listing.status_code == 200, (kind, group.more_url)
    directory = client.get(groups_of(response)["actors"].more_url).content.decode()
    assert "Coopérative du Vieux-Québec" in directory


def test_the_header_form_of_every_page_leads_here(client, world):
    home = client.get("/fr/").content.decode()

    assert f'action="{reverse("search")}"' in home


def test_hidden_things_stay_hidden_from_those_who_may_not_see_them(client, world):
    ActorFactory(name="Coopérative en attente", status="pending")
    EventPageFactory(title="Coopérative brouillon", publish=False)
    members = CategoryFactory(private=True, groups=["Élus"])
    elected = UserFactory(groups=["Élus"], verified=True)

    TopicFactory(title="Coopérative des élus", category=members, author=elected)
    for page in (
        EventPageFactory(title="Coopérative réservée"),
        GoodPracticePageFactory(title="Coopérative réservée"),
        StandardPageFactory(parent=french_home(), title="Coopérative réservée", slug="reservee"),
    ):
        PageViewRestriction.objects.create(page=page, restriction_type="login")

    anonymous = search(client, "cooperative")
    assert "Coopérative en attente" not in titles(anonymous, "actors")
    assert "Coopérative brouillon" not in titles(anonymous, "events")
    assert "Coopérative des élus" not in titles(anonymous, "topics")
    for kind in ("events", "practices", "pages"):
        assert "Coopérative réservée" not in titles(anonymous, kind), kind

    client.force_login(elected)
    member = search(client, "cooperative")
    assert "Coopérative des élus" in titles(member, "topics")
    assert "Coopérative en attente" not in titles(member, "actors")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="French stemming: PostgreSQL")
def test_on_postgresql_pages_are_found_by_the_stem_of_their_words(client, world):
    # SQLite's FTS5 ignores accents but has no French stemmer: the plural is PostgreSQL's.
    assert "La coopérative du réseau" in titles(search(client, "coopératives"), "pages")


def test_nothing_found_says_so(client, world):
    response = search(client, "zzzyx")

    assert response.context["groups"] == []
    assert "Aucun résultat pour ces mots" in response.content.decode()


def test_every_page_found_can_be_listed_page_by_page(client, world):
    response = search(client, "cooperative", kind="pages")

    assert response.context["pages_only"]
    assert "La coopérative du réseau" in [page.title for page in response.context["results"]]


def test_the_number_of_queries_does_not_grow_with_the_data(client, world):
    def queries():
        search(client, "cooperative")  # warm the caches of sites and locales
        with CaptureQueriesContext(connection) as captured:
            search(client, "cooperative")
        return len(captured)

    before = queries()
    quebec = world["actor"].territory
    for n in range(6):
        ActorFactory(name=f"Coopérative {n}", territory=quebec)
        EventPageFactory(
            title=f"Atelier des coopératives {n}",
            start=dt.datetime(2027, 4, 1 + n, 14, tzinfo=dt.UTC),
        )
        SpaceFactory(name=f"Salle coopérative {n}")
        CallFactory(title=f"Appel coopératives {n}")
        GoodPracticePageFactory(title=f"Coopérative {n}")
        TopicFactory(
            title=f"Coopérative {n}", category=world["topic"].category, author=world["topic"].author
        )

    assert queries() == before
