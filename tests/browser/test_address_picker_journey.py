"""The address → point picker in Chromium: an actor's administrator types the address, finds
it on the map, moves the marker with the keyboard and sends the form; the actor keeps the
adjusted point. The look-up is the real ``/geocode/`` view on the offline gazetteer (the
default geocoder), which places a French address at the centre of its commune."""

import re
from decimal import Decimal

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from network.directory.models import Actor
from tests.factories.accounts import UserFactory
from tests.factories.directory import ActorFactory

pytestmark = pytest.mark.django_db(transaction=True)

ADDRESS = "12 rue de la Paix\n44000 Nantes"


def sign_in(page, live_server, user):
    """A session for ``user`` without the login form (other journeys go through it)."""
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )


@pytest.fixture
def actor_admin(demo, page, live_server):
    user = UserFactory()
    actor = ActorFactory(name="Recyclerie du Bas-Chantenay", status="pending", admin=user)
    sign_in(page, live_server, user)
    return actor


def coordinates(page):
    return (
        Decimal(page.locator("#actor-latitude").input_value()),
        Decimal(page.locator("#actor-longitude").input_value()),
    )


def test_an_actor_admin_finds_the_address_moves_the_marker_with_the_keys_and_saves_it(
    page, live_server, actor_admin, audit
):
    page.goto(f"{live_server.url}/en/directory/{actor_admin.slug}/edit/")
    picker = page.locator("[data-address-picker]")
    status = picker.get_by_role("status")
    marker = picker.locator(".leaflet-marker-pane .leaflet-marker-icon")
    expect(picker.get_by_role("application", name="Map of the position")).to_be_visible()
    expect(marker).to_have_count(0)

    page.get_by_role("textbox", name="Address:", exact=True).fill(ADDRESS)
    picker.get_by_role("button", name="Find on the map").click()

    expect(status).to_contain_text("Placed at the centre of the commune")
    expect(status).to_contain_text("Drag the marker to the exact place")
    expect(marker).to_be_visible()
    found = coordinates(page)
    assert Decimal("47.1") < found[0] < Decimal("47.3")
    assert Decimal("-1.7") < found[1] < Decimal("-1.4")
    assert audit() == []

    # The marker is a control of its own: focused, the arrow keys move it and say where.
    marker.focus()
    expect(marker).to_be_focused()
    page.keyboard.press("ArrowRight")
    expect(status).to_have_text(
        re.compile(r"^Position: latitude 47\.2\d{4}, longitude -1\.5\d{4}\.$")
    )
    one_step = coordinates(page)
    page.keyboard.press("Shift+ArrowRight")
    shift_step = coordinates(page)
    page.keyboard.press("ArrowUp")
    moved = coordinates(page)
    # East keeps the latitude; Shift moves five times further; up is north.
    assert one_step[0] == shift_step[0] == found[0]
    east, further_east = one_step[1] - found[1], shift_step[1] - one_step[1]
    assert east > 0 and 4.5 < further_east / east < 5.5
    assert moved[0] > found[0] and moved[1] == shift_step[1]
    expect(marker).to_be_focused()
    assert moved != found

    page.locator("form.actor-form button[type=submit]").click()
    expect(page.locator(".message--success")).to_be_visible()
    actor = Actor.objects.get(pk=actor_admin.pk)
    assert (actor.latitude, actor.longitude) == moved
    assert actor.address.replace("\r\n", "\n") == ADDRESS  # browsers send CRLF


def test_places_that_match_are_offered_none_found_is_said_and_the_position_can_be_removed(
    page, live_server, actor_admin
):
    page.goto(f"{live_server.url}/en/directory/{actor_admin.slug}/edit/")
    picker = page.locator("[data-address-picker]")
    status = picker.get_by_role("status")
    address = page.get_by_role("textbox", name="Address:", exact=True)
    find = picker.get_by_role("button", name="Find on the map")
    marker = picker.locator(".leaflet-marker-pane .leaflet-marker-icon")

    address.fill("Zzyzx qwerty")
    find.click()
    expect(status).to_contain_text("No place found for this address")
    expect(marker).to_have_count(0)

    # Two communes of that name: the person chooses, and the marker takes the focus.
    address.fill("Saint-Denis")
    find.click()
    expect(status).to_have_text("Several places match this address: choose one in the list below.")
    choices = picker.get_by_role("list", name="Places found")
    expect(choices.get_by_role("button")).to_have_count(2)
    choices.get_by_role("button", name=re.compile(r"^Saint-Denis, .*Réunion \(commune\)$")).click()
    expect(marker).to_be_focused()
    expect(status).to_contain_text("Placed at the centre of the commune: Saint-Denis, ")
    expect(choices).to_be_hidden()
    # La Réunion, in the Indian Ocean.
    assert -21.5 < float(page.locator("#actor-latitude").input_value()) < -20.5
    assert 55 < float(page.locator("#actor-longitude").input_value()) < 56

    picker.get_by_role("button", name="Remove the position").click()
    expect(status).to_have_text("The position is removed.")
    expect(marker).to_have_count(0)
    assert page.locator("#actor-latitude").input_value() == ""
    assert page.locator("#actor-longitude").input_value() == ""
    expect(find).to_be_focused()
