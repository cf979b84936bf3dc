"""Finding an event, registering, "my events", the .ics, cancelling: in Chromium, audited by axe."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)


def log_in(page, live_server, demo, email="membre@essaim.example"):
    page.goto(f"{live_server.url}/fr/accounts/login/")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Mot de passe :", exact=True).fill(demo.DEMO_PASSWORD)
    page.get_by_role("button", name="Connexion").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()


def test_find_register_see_download_and_cancel(page, live_server, full_demo, audit):
    log_in(page, live_server, full_demo)
    page.goto(f"{live_server.url}/fr/agenda/")
    assert audit() == []
    page.get_by_label("Mots à rechercher").fill("compostage")
    page.get_by_role("button", name="Appliquer les filtres").click()
    page.get_by_role("link", name="Atelier compostage en pied d’immeuble").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Atelier compostage en pied d’immeuble"
    )
    assert audit() == []

    page.get_by_role("button", name="S’inscrire").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Vous êtes inscrit")
    assert audit() == []

    page.get_by_role("link", name="Mes événements").first.click()
    expect(
        page.get_by_role("link", name="Atelier compostage en pied d’immeuble", exact=True)
    ).to_be_visible()
    assert audit() == []

    page.get_by_role("link", name="Détails ou annulation").first.click()
    with page.expect_download() as download:
        page.get_by_role("link", name="Ajouter à mon agenda (.ics)").click()
    ics = Path(download.value.path()).read_text(encoding="utf-8")
    assert "BEGIN:VCALENDAR" in ics
    assert "SUMMARY:Atelier compostage en pied d’immeuble" in ics

    page.get_by_role("button", name="Annuler mon inscription").click()
    expect(page.get_by_text("Votre inscription a été annulée.")).to_be_visible()
    expect(
        page.get_by_role("link", name="Atelier compostage en pied d’immeuble", exact=True)
    ).to_have_count(0)


@pytest.mark.parametrize("path", ["/fr/agenda/month/2027/1/", "/fr/agenda/map/", "/en/events/"])
def test_agenda_views_pass_an_axe_audit(page, live_server, full_demo, audit, path):
    page.goto(f"{live_server.url}{path}")
    assert audit() == []


def test_the_committee_page_with_its_cancelled_date_passes_an_axe_audit(
    page, live_server, full_demo, audit
):
    page.goto(f"{live_server.url}/fr/agenda/commission-ess-nantes/")
    expect(page.get_by_text("Annulée").first).to_be_visible()
    assert audit() == []
