"""The address → point picker (website/widgets.py) without a browser: the forms that carry it
still work without the script (the address alone, or coordinates typed by hand), the
coordinates keep their names and the model's rule, and the admin of actors, spaces and events
shows the picker in place of the two bare coordinate fields."""

import re
from decimal import Decimal

import pytest
from django import forms

from network.directory.models import Actor
from tests.factories.accounts import UserFactory
from tests.factories.directory import ActorFactory
from tests.factories.spaces import SpaceFactory
from website.widgets import AddressPickerWidget

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]


def actor_data(**overrides):
    return {
        "name": "Recyclerie du Bas-Chantenay",
        "address": "12 rue de la Paix\n44000 Nantes",
        "latitude": "",
        "longitude": "",
        "description": "Réemploi et réparation.",
        **overrides,
    }


@pytest.fixture
def person(client):
    user = UserFactory()
    client.force_login(user)
    return user


def test_the_actor_form_groups_the_address_the_map_and_the_coordinates_under_their_names(
    client, person
):
    html = client.get("/en/directory/new/").content.decode()
    where = html[html.index("<legend>Where you are</legend>") : html.index("Public contact")]

    assert 'data-address-picker data-controller="essaim-address-picker"' in where
    assert 'data-geocode-url="/geocode/"' in where
    assert 'data-latitude-name="latitude" data-longitude-name="longitude"' in where
    assert re.search(r'<textarea name="address"[^>]*id="actor-address"', where)
    assert "Find on the map" in where
    assert 'role="application" aria-label="Map of the position"' in where
    assert re.search(r'role="status" aria-live="polite"', where)
    # The coordinates stay fields of the form, folded under a summary that says what they are.
    assert "<summary>Adjust the coordinates by hand</summary>" in where
    assert re.search(r'<input type="number" name="latitude"[^>]*id="actor-latitude"', where)
    assert re.search(r'<input type="number" name="longitude"[^>]*id="actor-longitude"', where)
    # Its script and the map's, from our own origin, never inline.
    assert re.search(r'<script src="/static/js/address-picker\.js[^"]*">', html)
    assert re.search(r'<script src="/static/vendor/leaflet/leaflet\.js[^"]*">', html)
    assert "<script>" not in html


def test_without_the_script_the_address_alone_is_saved(client, person):
    response = client.post("/en/directory/new/", actor_data())

    assert response.status_code == 302
    actor = Actor.objects.get()
    assert actor.address == "12 rue de la Paix\n44000 Nantes"
    # Both coordinates or neither, whatever the server did with the address.
    assert (actor.latitude is None) == (actor.longitude is None)


def test_coordinates_typed_by_hand_are_kept(client, person):
    response = client.post(
        "/en/directory/new/", actor_data(latitude="47.198765", longitude="-1.589012")
    )

    assert response.status_code == 302
    actor = Actor.objects.get()
    assert (actor.latitude, actor.longitude) == (Decimal("47.198765"), Decimal("-1.589012"))


def test_one_coordinate_alone_is_refused_and_the_coordinates_open_to_show_why(client, person):
    response = client.post("/en/directory/new/", actor_data(latitude="47.2"))

    html = response.content.decode()
    assert response.status_code == 200
    assert not Actor.objects.exists()
    assert "Give both the latitude and the longitude, or neither." in html
    assert re.search(
        r'<details class="address-picker__by-hand" id="actor-address-by-hand" open>', html
    )


def test_an_actor_admin_edits_the_address_of_their_actor_with_the_picker(client, person):
    actor = ActorFactory(
        status="pending", admin=person, latitude=Decimal("47.2"), longitude=Decimal("-1.55")
    )

    html = client.get(f"/en/directory/{actor.slug}/edit/").content.decode()

    assert "data-address-picker" in html
    assert re.search(r'name="latitude"[^>]*value="47.200000"', html)


def test_a_prefixed_form_names_its_own_coordinates():
    class PlaceForm(forms.Form):
        address = forms.CharField(widget=AddressPickerWidget(country="SN"))
        latitude = forms.DecimalField()
        longitude = forms.DecimalField()

    html = str(PlaceForm(prefix="venue")["address"])

    assert 'data-latitude-name="venue-latitude" data-longitude-name="venue-longitude"' in html
    assert 'data-country="SN"' in html


# The admin -------------------------------------------------------------------------------


@pytest.fixture
def superuser(client, site_base):
    user = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(user)
    return user


def assert_admin_picker(html):
    assert "data-address-picker" in html
    assert 'data-latitude-name="latitude" data-longitude-name="longitude"' in html
    assert "address-picker__by-hand" in html  # the coordinates, folded in the admin too
    assert re.search(r'<input type="number" name="latitude"', html)
    assert re.search(r'<input type="number" name="longitude"', html)
    assert "/static/js/address-picker.js" in html


def test_the_event_editor_places_the_venue_with_the_picker(client, superuser, make_event):
    event = make_event(address="1 quai de la Fosse, 44000 Nantes", latitude=Decimal("47.21"))

    response = client.get(f"/admin/pages/{event.pk}/edit/")

    assert response.status_code == 200
    assert_admin_picker(response.content.decode())


def test_the_actor_and_space_editors_of_the_admin_show_the_picker(client, superuser):
    actor = ActorFactory()
    space = SpaceFactory()

    for url in (
        f"/admin/snippets/network/actor/edit/{actor.pk}/",
        f"/admin/snippets/spaces/space/edit/{space.pk}/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_admin_picker(response.content.decode())
