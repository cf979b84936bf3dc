"""Addresses, not coordinates (issue 20): actors, spaces and events get their position from
their address when saved through their services (or the admin's forms), unless the person
gave the coordinates; nothing found never stops a save. The bulk import places its rows."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model

import website.geocoding
from events.models import EventPage
from network.directory import services
from network.directory.importing import actors_import
from network.directory.models import Actor, ActorChange, ActorStatus
from network.spaces.models import Space
from network.spaces.services import space_locate, space_save
from tests.admin_forms import as_post_data, form_fields
from tests.factories.directory import TerritoryFactory
from tests.network.test_views import form_data

pytestmark = pytest.mark.django_db

NANTES = (Decimal("47.217250"), Decimal("-1.553360"))
DAKAR = (Decimal("14.693700"), Decimal("-17.444060"))
DRAGGED = (Decimal("47.213000"), Decimal("-1.558000"))


@pytest.fixture(autouse=True)
def _gazetteer(settings):
    """The offline gazetteer: no network in these tests."""
    settings.ESSAIM_GEOCODER = "gazetteer"
    website.geocoding._paused_until.clear()


def values(vocab, **overrides):
    """An actor form's cleaned values (what the view hands the service)."""
    data = {
        "name": "Café des Possibles",
        "legal_form": vocab["association"],
        "sectors": [vocab["food"]],
        "territory": vocab["nantes"],
        "address": "3 place du Commerce",
        "latitude": None,
        "longitude": None,
    }
    data.update(overrides)
    return data


def position(record):
    record.refresh_from_db()
    return (record.latitude, record.longitude)


# --- actors ------------------------------------------------------------------------------


def test_a_new_actor_is_placed_from_its_address_and_commune(vocab, make_user):
    actor = services.actor_create(user=make_user(), values=values(vocab))
    assert position(actor) == NANTES


def test_a_new_actor_keeps_the_coordinates_its_person_gave(vocab, make_user):
    latitude, longitude = DRAGGED
    actor = services.actor_create(
        user=make_user(), values=values(vocab, latitude=latitude, longitude=longitude)
    )
    assert position(actor) == DRAGGED


def test_an_address_found_nowhere_saves_the_actor_without_a_position(vocab, make_user):
    actor = services.actor_create(
        user=make_user(), values=values(vocab, territory=None, address="Lieu-dit Inconnu")
    )
    assert Actor.objects.filter(pk=actor.pk).exists()
    assert not actor.has_location and position(actor) == (None, None)


def test_the_actor_form_without_coordinates_places_the_actor(client, vocab, make_user):
    client.force_login(make_user())
    data = form_data(vocab, address="12 rue de la Paix, 44000 Nantes", latitude="", longitude="")
    assert client.post("/fr/directory/new/", data).status_code == 302
    assert position(Actor.objects.get()) == NANTES


def test_the_actor_form_says_when_the_address_could_not_be_placed(client, vocab, make_user):
    client.force_login(make_user())
    # No commune named in the address, and a territory that is a country, not a commune.
    data = form_data(
        vocab,
        address="Lieu-dit des Nulle-Part",
        latitude="",
        longitude="",
        territory=vocab["france"].pk,
    )
    response = client.post("/fr/directory/new/", data, follow=True)

    assert Actor.objects.get().latitude is None
    assert "Aucune position trouvée pour cette adresse" in response.content.decode()


def test_a_changed_address_moves_an_unpublished_actor_unless_the_marker_moved(
    vocab, make_user, make_actor
):
    admin = make_user()
    actor = make_actor(
        admin=admin,
        status=ActorStatus.DRAFT,
        address="3 place du Commerce, Nantes",
        latitude=NANTES[0],
        longitude=NANTES[1],
    )
    # The address changes, the coordinates sent are the old ones: the new address places it.
    moved = values(vocab, territory=vocab["dakar"], address="Avenue Cheikh Anta Diop, Dakar")
    services.actor_update(
        actor=actor, user=admin, values={**moved, "latitude": NANTES[0], "longitude": NANTES[1]}
    )
    assert position(actor) == DAKAR
    # The address changes and the person dragged the marker: theirs is kept.
    services.actor_update(
        actor=Actor.objects.get(pk=actor.pk),
        user=admin,
        values=values(vocab, latitude=DRAGGED[0], longitude=DRAGGED[1]),
    )
    assert position(actor) == DRAGGED
    # Nothing about the place changes: the dragged position stays.
    services.actor_update(
        actor=Actor.objects.get(pk=actor.pk),
        user=admin,
        values=values(vocab, name="Café", latitude=DRAGGED[0], longitude=DRAGGED[1]),
    )
    assert position(actor) == DRAGGED


def test_a_published_actors_new_address_is_proposed_with_its_position(vocab, make_user, make_actor):
    admin = make_user()
    actor = make_actor(admin=admin, address="", latitude=None, longitude=None)
    change = services.actor_update(
        actor=actor, user=admin, values=values(vocab, address="12 rue de la Paix, 44000 Nantes")
    )
    assert isinstance(change, ActorChange)
    assert (change.data["latitude"], change.data["longitude"]) == ("47.217250", "-1.553360")
    assert position(actor) == (None, None)  # the public sees it once approved


def test_the_admin_places_an_actor_saved_without_coordinates(admin_client, vocab, make_actor):
    actor = make_actor(address="", latitude=None, longitude=None)
    url = f"/admin/snippets/network/actor/edit/{actor.pk}/"
    data = as_post_data(
        form_fields(admin_client.get(url).content.decode(), "w-editor-form"),
        address="12 rue de la Paix, 44000 Nantes",
    )
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert position(actor) == NANTES


# --- spaces ------------------------------------------------------------------------------


def new_space(vocab, **fields):
    defaults = {
        "name": "Salle des fêtes",
        "slug": "salle-des-fetes",
        "territory": vocab["nantes"],
        "address": "1 place de la Mairie",
        "capacity": 40,
    }
    return Space(**{**defaults, **fields})


def test_a_new_space_is_placed_from_its_address(vocab):
    space = space_save(space=new_space(vocab))
    assert position(space) == NANTES


def test_a_new_space_keeps_the_coordinates_given(vocab):
    space = space_save(space=new_space(vocab, latitude=DRAGGED[0], longitude=DRAGGED[1]))
    assert position(space) == DRAGGED


def test_a_space_whose_address_changes_is_placed_again_unless_the_marker_moved(vocab):
    space = space_save(space=new_space(vocab))
    before = (space.address, space.latitude, space.longitude)
    space.address, space.territory = "Route de Rufisque", vocab["dakar"]
    space_save(space=space, before=before)
    assert position(space) == DAKAR
    before = (space.address, space.latitude, space.longitude)
    space.address = "2 rue de la Paix, 44000 Nantes"
    space.latitude, space.longitude = DRAGGED
    space_save(space=space, before=before)
    assert position(space) == DRAGGED


def test_a_changed_address_found_nowhere_leaves_the_old_place_rather_than_keep_it(vocab):
    # At the old address's place the space would be on the map where it no longer is.
    space = space_save(space=new_space(vocab))
    assert position(space) == NANTES
    before = (space.address, space.latitude, space.longitude)
    space.address = "Lieu-dit Inconnu"
    space.territory = TerritoryFactory(name="Quelque part", country="FR", kind="region")
    space_save(space=space, before=before)
    assert position(space) == (None, None)


def test_a_space_found_nowhere_is_saved_without_a_position(vocab):
    nowhere = TerritoryFactory(name="Quelque part", country="FR")
    space = space_save(space=new_space(vocab, territory=nowhere, address="Lieu-dit Inconnu"))
    assert position(space) == (None, None)
    assert space_locate(space=space) is False


def test_the_admin_places_a_space_saved_without_coordinates(admin_client, vocab):
    space = space_save(space=new_space(vocab, latitude=DRAGGED[0], longitude=DRAGGED[1]))
    url = f"/admin/snippets/spaces/space/edit/{space.pk}/"
    data = as_post_data(
        form_fields(admin_client.get(url).content.decode(), "w-editor-form"),
        address="Avenue Cheikh Anta Diop, Dakar",
        territory=str(vocab["dakar"].pk),
    )
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert position(space) == DAKAR


# --- events ------------------------------------------------------------------------------


def test_an_event_edited_in_the_admin_is_placed_from_its_new_address(client, make_event):
    event = make_event(
        address="3 place du Commerce, Nantes",
        latitude=NANTES[0],
        longitude=NANTES[1],
        start=dt.datetime(2027, 3, 1, 17, 0, tzinfo=dt.UTC),
        end=dt.datetime(2027, 3, 1, 19, 0, tzinfo=dt.UTC),
    )
    client.force_login(get_user_model().objects.get(email="moderateur@essaim.example"))
    url = f"/admin/pages/{event.pk}/edit/"
    data = as_post_data(
        form_fields(client.get(url).content.decode(), "page-edit-form"),
        **{"body-count": "0", "action-publish": "1", "address": "Plateau, Dakar, Sénégal"},
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert position(EventPage.objects.get(pk=event.pk)) == DAKAR


# --- the bulk import ---------------------------------------------------------------------


def test_the_import_places_rows_without_coordinates_and_counts_them(vocab):
    text = (
        "name,territory,address,latitude,longitude\n"
        "Café des Possibles,nantes,3 place du Commerce,,\n"
        'Jardin partagé,,"12 rue de la Paix, 44000 Nantes",,\n'
        "Maison de quartier,dakar,,,\n"
        "Atelier vélo,,,47.2,-1.55\n"
        "Ressourcerie,,Lieu-dit Inconnu,,\n"
    )
    report = actors_import(lines=io.StringIO(text))
    assert report.created == 5
    assert (report.geocoded, report.unplaced) == (3, 1)
    placed = {a.name: (a.latitude, a.longitude) for a in Actor.objects.all()}
    assert placed["Café des Possibles"] == NANTES
    assert placed["Jardin partagé"] == NANTES
    assert placed["Maison de quartier"] == DAKAR
    assert placed["Atelier vélo"] == (Decimal("47.200000"), Decimal("-1.550000"))
    assert placed["Ressourcerie"] == (None, None)
