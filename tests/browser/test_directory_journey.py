"""The directory in Chromium: a new person signs up and registers their organisation, a
moderator approves it in the admin queue, and it appears in search and on the map.
Directory pages pass an axe audit.

Selectors use ids and form values where the directory's own strings may still be
translated, so the journey stays true whatever the catalogues say."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "un-mot-de-passe-solide-2026"
NAME = "Atelier Vélo Solidaire de Rezé"


def log_in(page, live_server, email, password):
    page.goto(f"{live_server.url}/fr/accounts/login/")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Mot de passe :", exact=True).fill(password)
    page.get_by_role("button", name="Connexion").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()


def sign_up(page, live_server, email):
    page.goto(f"{live_server.url}/fr/accounts/signup/")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Mot de passe :", exact=True).fill(PASSWORD)
    page.get_by_label("Mot de passe (confirmation)").fill(PASSWORD)
    page.get_by_role("button", name="Création de compte").click()
    link = re.search(r"https?://\S+/confirm-email/\S+", mail.outbox[-1].body).group(0)
    page.goto(link)
    page.get_by_role("button", name="Confirmer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Votre profil")


def test_sign_up_create_an_actor_approve_it_and_find_it_in_search_and_on_the_map(
    page, live_server, full_demo, audit
):
    sign_up(page, live_server, "velo@reze.example")

    page.goto(f"{live_server.url}/fr/directory/new/")
    assert audit() == []
    page.locator("#actor-name").fill(NAME)
    page.locator("#actor-legal_form").select_option(label="Association")
    page.locator("#actor-identifier_kind").select_option(value="rna")
    page.locator("#actor-identifier").fill("W442001234")
    page.locator("label", has_text="Mobilité").click()
    page.locator("#actor-territory").select_option(label="Nantes")
    page.locator("#actor-address-by-hand summary").click()  # the coordinates, typed by hand
    page.locator("#actor-latitude").fill("47.1805")
    page.locator("#actor-longitude").fill("-1.5490")
    page.locator("#actor-description").fill("Atelier de réparation de vélos participatif.")
    page.locator("#actor-private_email").fill("tresorerie@velo-reze.example")
    page.locator("form.actor-form button[type=submit]").click()
    expect(page.locator(".message--success")).to_contain_text(NAME)

    # Not public yet: neither in search nor on its own address.
    page.goto(f"{live_server.url}/fr/directory/?q=Rezé")
    expect(page.get_by_role("link", name=NAME)).to_have_count(0)

    page.context.clear_cookies()
    log_in(page, live_server, "moderateur@essaim.example", full_demo.DEMO_PASSWORD)
    page.goto(f"{live_server.url}/admin/directory/review/")
    expect(page.get_by_text(NAME).first).to_be_visible()
    page.locator("form", has_text=NAME).locator("button[value=approve]").first.click()
    expect(page.locator(".messages")).to_contain_text(NAME)

    page.context.clear_cookies()
    page.goto(f"{live_server.url}/fr/directory/?q=Rezé")
    page.get_by_role("link", name=NAME).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(NAME)
    expect(page.get_by_text("tresorerie@velo-reze.example")).to_have_count(0)
    assert audit() == []

    page.goto(f"{live_server.url}/fr/directory/map/?q=Rezé")
    marker = page.locator(f'.leaflet-marker-icon[title="{NAME}"]')
    expect(marker).to_be_visible()
    marker.click()
    expect(page.locator(".leaflet-popup-content").get_by_role("link", name=NAME)).to_be_visible()


def test_the_map_clusters_markers_and_reloads_the_visible_area(page, live_server, full_demo):
    page.goto(f"{live_server.url}/fr/directory/map/")
    expect(page.locator("#directory-map")).to_be_visible()
    expect(page.locator(".marker-cluster").first).to_be_visible()
    with page.expect_request(lambda request: "bbox=" in request.url) as request:
        page.locator(".leaflet-control-zoom-in").click()
    west, south, east, north = (
        float(n) for n in request.value.url.split("bbox=")[1].split("&")[0].split(",")
    )
    assert west < east and south < north


@pytest.mark.parametrize(
    "path",
    [
        "/fr/directory/",
        "/fr/directory/?q=recyclerie&sector=recyclage-reemploi",
        "/fr/directory/recyclerie-du-breil/",
        "/fr/directory/chambre-regionale-de-less-des-pays-de-la-loire/",
        "/fr/directory/map/",
        "/fr/directory/statistics/",
        "/fr/directory/needs-and-offers/",
        "/fr/directory/open-data/",
        "/en/directory/",
    ],
)
def test_directory_pages_pass_an_axe_audit(page, live_server, full_demo, audit, path):
    page.goto(f"{live_server.url}{path}")
    if "/map/" in path:
        expect(page.locator(".marker-cluster").first).to_be_visible()
    assert audit() == []


def test_my_actors_page_passes_an_axe_audit(page, live_server, full_demo, audit):
    log_in(page, live_server, "membre@essaim.example", full_demo.DEMO_PASSWORD)
    for path in ["/fr/directory/mine/", "/fr/directory/recyclerie-du-breil/edit/"]:
        page.goto(f"{live_server.url}{path}")
        assert audit() == []
