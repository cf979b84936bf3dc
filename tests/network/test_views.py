"""The signed-in flows: create an actor (pending), edit it (a proposal), ask to join, manage
needs and offers; the moderators' queue in the admin; the demo content."""

import pytest
from django.test import Client
from django.urls import reverse

from network.directory.models import Actor, ActorChange, ActorStatus, Membership, NeedOffer

pytestmark = pytest.mark.django_db


def form_data(vocab, **overrides):
    data = {
        "name": "Café des Possibles",
        "legal_form": vocab["association"].pk,
        "identifier_kind": "siret",
        "identifier": "732 829 320 00074",
        "sectors": [vocab["food"].pk],
        "territory": vocab["nantes"].pk,
        "address": "3 place du Commerce",
        "latitude": "47.2130",
        "longitude": "-1.5580",
        "description": "Café associatif.",
        "website": "cafe.example",
        "public_email": "",
        "public_phone": "",
        "year_founded": "",
        "size_band": "",
        "languages": "",
        "private_contact_name": "",
        "private_email": "tresorier@private.example",
        "private_phone": "",
    }
    data.update(overrides)
    return data


def test_anonymous_people_are_sent_to_log_in(client):
    response = client.get("/fr/directory/new/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_creating_an_actor_puts_it_in_the_review_queue(client, vocab, make_user, moderator):
    person = make_user()
    client.force_login(person)
    response = client.post("/fr/directory/new/", form_data(vocab))
    assert response.status_code == 302
    actor = Actor.objects.get()
    assert actor.status == ActorStatus.PENDING
    assert actor.website == "https://cafe.example"
    # Its creator sees it, saying it waits for review; the public does not (issue 18).
    assert client.get("/fr/directory/cafe-des-possibles/").status_code == 200
    assert Client().get("/fr/directory/cafe-des-possibles/").status_code == 404
    assert "Café des Possibles" in client.get("/fr/directory/mine/").content.decode()

    client.force_login(moderator)
    queue = client.get("/admin/directory/review/").content.decode()
    assert "Café des Possibles" in queue
    client.post(f"/admin/directory/actors/{actor.pk}/decide/", {"decision": "approve"})
    assert client.get("/fr/directory/cafe-des-possibles/").status_code == 200


def test_form_errors_are_listed_and_linked_to_their_fields(client, vocab, make_user):
    client.force_login(make_user())
    response = client.post("/fr/directory/new/", form_data(vocab, identifier="123", latitude=""))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'href="#actor-identifier"' in html
    assert 'href="#actor-latitude"' in html
    assert not Actor.objects.exists()


def test_people_who_are_not_moderators_cannot_open_the_queue(client, make_user):
    client.force_login(make_user(is_staff=True))
    assert client.get("/admin/directory/review/").status_code in (302, 403)


def test_editing_a_published_actor_sends_a_proposal_shown_in_the_queue(
    client, vocab, make_user, make_actor, moderator
):
    admin = make_user()
    actor = make_actor(admin=admin, name="Café des Possibles", slug="cafe")
    client.force_login(admin)
    assert client.get("/fr/directory/cafe/edit/").status_code == 200
    client.post("/fr/directory/cafe/edit/", form_data(vocab, name="Café Nouveau"))
    actor.refresh_from_db()
    assert actor.name == "Café des Possibles"
    assert actor.private_email == "tresorier@private.example"
    change = ActorChange.objects.get()

    client.force_login(moderator)
    queue = client.get("/admin/directory/review/").content.decode()
    assert "Café Nouveau" in queue and "Café des Possibles" in queue
    client.post(f"/admin/directory/changes/{change.pk}/decide/", {"decision": "approve"})
    actor.refresh_from_db()
    assert actor.name == "Café Nouveau"


def test_strangers_cannot_edit(client, make_user, make_actor):
    make_actor(admin=make_user(), slug="cafe")
    client.force_login(make_user())
    assert client.get("/fr/directory/cafe/edit/").status_code == 403
    assert client.get("/fr/directory/cafe/members/").status_code == 403


def test_asking_to_join_and_being_accepted(client, make_user, make_actor):
    admin, person = make_user(), make_user(display_name="Aminata")
    actor = make_actor(admin=admin, slug="cafe")
    client.force_login(person)
    client.post("/fr/directory/cafe/join/")
    membership = Membership.objects.get(user=person)
    assert membership.status == "pending"
    client.force_login(admin)
    assert "Aminata" in client.get("/fr/directory/mine/").content.decode()
    client.post(reverse("network:membership_decide", args=[membership.pk]), {"decision": "accept"})
    membership.refresh_from_db()
    assert membership.status == "active"
    assert actor.memberships.active().count() == 2


def test_admins_add_needs_and_offers(client, make_user, make_actor):
    admin = make_user()
    make_actor(admin=admin, slug="cafe")
    client.force_login(admin)
    client.post(
        "/fr/directory/cafe/needs/",
        {
            "kind": "need",
            "category": "volunteers",
            "title": "Bénévoles",
            "description": "",
            "expires_on": "2099-01-01",
        },
    )
    assert NeedOffer.objects.get().title == "Bénévoles"
    assert "Bénévoles" in client.get("/fr/directory/cafe/").content.decode()


def test_the_demo_loads_twice_and_has_what_the_issue_asks(full_demo):
    from network.directory import demo

    demo.load()  # a second time: nothing more
    published = Actor.objects.published()
    assert published.count() >= 60
    assert published.filter(is_umbrella=True).count() == 2
    assert published.values("sectors").distinct().count() >= 8
    cities = set(published.values_list("territory__slug", flat=True))
    assert {"geneve", "dakar", "nantes", "quebec", "namur"} <= cities
    assert Membership.objects.filter(
        user__email="membre@essaim.example",
        role="admin",
        status="active",
        actor__status="published",
    ).exists()
    assert Actor.objects.filter(status=ActorStatus.PENDING).count() == 1
    assert ActorChange.objects.filter(status="pending").count() == 1
    from network.directory.selectors import matches

    assert sum(1 for match in matches() if match["offers"]) >= 4


@pytest.mark.parametrize("name", ["Spaces", "Programmes", "Map"])
def test_an_actor_never_takes_the_address_of_a_directory_page(db, name):
    from network.directory.services import unique_slug

    assert unique_slug(name) == f"{name.lower()}-ess"
