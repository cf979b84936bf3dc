"""Incubators in Chromium: someone opens the listing of calls from the directory, keeps the
calls open now in a sector, opens one and follows its "apply" link; the listing and the call
page pass an axe audit.

Selectors use ids, form values and demo content, so the journey holds whatever the
catalogues say."""

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)

SHOTS = Path(os.environ.get("ESSAIM_SHOTS", "/tmp"))
APPLY = "https://pepiniere-solidaire-nantaise.example/candidater"


def shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"B-incubators-{name}.png"), full_page=True)


def test_find_an_open_call_with_the_filters_and_follow_its_apply_link(
    page, live_server, full_demo, audit
):
    page.goto(f"{live_server.url}/fr/directory/")
    page.locator("a[href='/fr/directory/programmes/']").first.click()
    expect(page).to_have_url(f"{live_server.url}/fr/directory/programmes/")
    cards = page.locator(".call-card")
    # Every state of the demo is there, each written out on its card.
    for state in ("open", "closing_soon", "coming", "closed"):
        expect(page.locator(f".call-state--{state}").first).to_be_visible()
    expect(cards.filter(has_text="Appel 2026 – cohorte 2")).to_have_count(1)
    assert audit() == []
    shot(page, "1-listing")

    page.locator("#filter-open_now").check()
    page.locator("#filter-sector").select_option(value="alimentation")
    page.locator("form.call-filters button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"\?q=&open_now=on&sector=alimentation&"))
    titles = cards.locator("h3").all_inner_texts()
    assert sorted(titles) == ["Appel aux coopératives", "Promotion de printemps"]
    expect(page.locator(".call-state--coming")).to_have_count(0)
    expect(page.locator(".call-state--closed")).to_have_count(0)
    assert audit() == []
    shot(page, "2-filtered")

    page.get_by_role("link", name="Promotion de printemps").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Promotion de printemps")
    expect(page.locator(".call-detail__state .call-state--open")).to_be_visible()
    expect(page.locator(".call-apply__contact")).to_have_attribute(
        "href", "mailto:candidatures@pepiniere-solidaire-nantaise.example"
    )
    assert audit() == []
    shot(page, "3-call")

    # The incubator's own site is not on this network: answer for it.
    page.route(
        APPLY,
        lambda route: route.fulfill(
            status=200,
            content_type="text/html",
            body="<!DOCTYPE html><html lang='fr'><title>Candidature</title><h1>Candidater</h1>",
        ),
    )
    page.locator(".call-apply__link").click()
    expect(page).to_have_url(APPLY)
    expect(page.get_by_role("heading", level=1)).to_have_text("Candidater")


def log_in(page, live_server, email_address, password):
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/fr/accounts/login/")
    page.get_by_label("E-mail").fill(email_address)
    page.get_by_label("Mot de passe :", exact=True).fill(password)
    page.get_by_role("button", name="Connexion").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()


def test_an_incubator_admin_opens_a_call_from_its_profile(page, live_server, full_demo, audit):
    log_in(page, live_server, "membre@essaim.example", full_demo.DEMO_PASSWORD)
    page.goto(f"{live_server.url}/fr/directory/pepiniere-solidaire-nantaise/")
    page.locator("a[href='/fr/directory/programmes/manage/pepiniere-solidaire-nantaise/']").click()
    expect(page.locator("table caption")).to_be_visible()
    assert audit() == []
    shot(page, "4-manage")

    page.locator("a[href='/fr/directory/programmes/programme-damorcage-ess/calls/new/']").click()
    page.locator("#id_title").fill("Promotion d’été")
    page.locator("#id_cadence").select_option(value="one_off")
    page.locator("#id_time_zone").select_option(value="Africa/Dakar")
    page.locator("#id_opens_on").fill("2030-06-01")
    page.locator("#id_closes_on").fill("2030-06-30")
    page.locator("form.call-form button[type=submit]").click()
    # Neither a link nor an address to apply: the form says so and keeps what was typed.
    expect(page.locator("#form-errors")).to_be_visible()
    expect(page.locator("#id_title")).to_have_value("Promotion d’été")
    assert audit() == []
    shot(page, "5-call-form")
    page.locator("#id_apply_email").fill("ete@pepiniere-solidaire-nantaise.example")
    page.locator("form.call-form button[type=submit]").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Promotion d’été")
    expect(page.locator(".call-detail__state .call-state--coming")).to_be_visible()
    expect(page.locator(".call-apply__contact")).to_have_count(1)
