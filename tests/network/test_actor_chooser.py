"""The admin's chooser of organising actors: published actors only, searchable, for editors."""

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.urls import reverse

from events.models import EventPage
from network.directory.models import ActorStatus
from tests.admin_forms import as_post_data, form_fields

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(demo):
    """The demo's editor: group Editors, no permission on actors."""
    user = get_user_model().objects.get(email="editrice@essaim.example")
    assert not user.has_perm("network.change_actor")
    return user


@pytest.fixture
def actors(make_actor, vocab):
    return {
        "compost": make_actor(name="Compost & Co", slug="compost-and-co"),
        "jardins": make_actor(
            name="Jardins partagés", slug="jardins-partages", territory=vocab["dakar"]
        ),
        "pending": make_actor(name="Compost en attente", status=ActorStatus.PENDING),
        "archived": make_actor(name="Compost archivé", status=ActorStatus.ARCHIVED),
        "draft": make_actor(name="Compost brouillon", status=ActorStatus.DRAFT),
        "duplicate": make_actor(name="Compost doublon", status=ActorStatus.DUPLICATE),
    }


def listed(html):
    """The actors' names in a chooser listing."""
    soup = BeautifulSoup(html, "html.parser")
    return sorted(link.get_text(strip=True) for link in soup.select("a[data-chooser-modal-choice]"))


def test_the_chooser_lists_published_actors_only(client, editor, actors):
    client.force_login(editor)

    response = client.get(reverse("network_actor_chooser:choose"))

    assert response.status_code == 200
    assert listed(response.json()["html"]) == ["Compost & Co", "Jardins partagés"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("compost", ["Compost & Co"]),
        ("JARDINS", ["Jardins partagés"]),
        # A town finds the actors there.
        ("dakar", ["Jardins partagés"]),
        ("co compost", ["Compost & Co"]),
        ("vélo", []),
    ],
)
def test_the_chooser_searches_published_actors(client, editor, actors, query, expected):
    client.force_login(editor)

    response = client.get(reverse("network_actor_chooser:choose_results"), {"q": query})

    assert response.status_code == 200
    assert listed(response.content.decode()) == expected


def test_the_chooser_hands_out_published_actors_only(client, editor, actors):
    client.force_login(editor)

    chosen = client.get(reverse("network_actor_chooser:chosen", args=[actors["compost"].pk]))
    refused = client.get(reverse("network_actor_chooser:chosen", args=[actors["pending"].pk]))

    assert chosen.status_code == 200
    assert chosen.json()["result"]["id"] == str(actors["compost"].pk)
    assert chosen.json()["result"]["title"] == "Compost & Co"
    assert refused.status_code == 404


def test_people_without_admin_access_cannot_browse_the_chooser(client, actors, make_user):
    client.force_login(make_user())

    response = client.get(reverse("network_actor_chooser:choose"))

    assert response.status_code in (302, 403)


def test_the_event_form_uses_the_chooser_and_accepts_a_chosen_actor(
    client, editor, actors, make_event
):
    event = make_event()
    client.force_login(editor)
    edit_url = reverse("wagtailadmin_pages:edit", args=[event.pk])

    response = client.get(edit_url)
    html = response.content.decode()

    assert response.status_code == 200
    # Its own modal, not the snippet chooser of every actor whatever its status.
    assert reverse("network_actor_chooser:choose") in html
    assert "/admin/snippets/choose/network/actor/" not in html

    data = as_post_data(
        form_fields(html, "page-edit-form"),
        # The body's StreamField count, which its script would send.
        **{"body-count": "0", "organiser_actor": str(actors["compost"].pk)},
    )
    response = client.post(edit_url, data)

    assert response.status_code == 302, response.content.decode()[:2000]
    draft = EventPage.objects.get(pk=event.pk).get_latest_revision_as_object()
    assert draft.organiser_actor_id == actors["compost"].pk
