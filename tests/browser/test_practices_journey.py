"""The good-practice library in Chromium: find a practice with the filters and open it.
The library, a practice and its English translation pass an axe audit.

Selectors use ids and form values where the library's own strings may still be translated,
so the journey stays true whatever the catalogues say."""

import json
import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)

TITLE = "Un fonds municipal pour financer les initiatives solidaires"


@pytest.fixture
def library(full_demo):
    from practices import demo as practices_demo

    practices_demo.load()
    return full_demo


def test_find_a_practice_with_the_filters_and_open_it(page, live_server, library, audit):
    page.goto(f"{live_server.url}/fr/")
    page.locator("nav.main-nav").get_by_role("link", name="Bonnes pratiques").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bonnes pratiques")
    assert audit() == []

    page.locator("#filter-q").fill("fonds")
    page.locator("#filter-sector").select_option("finance-solidaire")
    page.locator("#filter-territory").select_option("senegal")
    page.locator("form.event-filters__form button[type=submit]").click()

    expect(page).to_have_url(re.compile(r"territory=senegal"))
    results = page.locator("ol.occurrence-list > li")
    expect(results).to_have_count(1)
    assert audit() == []

    results.get_by_role("link", name=TITLE).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.get_by_role("link", name="Caisse Villageoise d’Épargne")).to_be_visible()
    data = json.loads(page.locator("#practice-json-ld").text_content())
    assert data["@type"] == "Article"
    assert data["headline"] == TITLE
    assert audit() == []


def test_a_filter_that_matches_nothing_says_so(page, live_server, library, audit):
    page.goto(f"{live_server.url}/fr/bonnes-pratiques/?territory=lokossa&theme=lieux-poles")
    expect(page.locator("ol.occurrence-list")).to_have_count(0)
    assert audit() == []


@pytest.mark.parametrize(
    "path",
    [
        "/en/good-practices/",
        "/en/good-practices/dakar-municipal-solidarity-fund/",
        "/fr/bonnes-pratiques/nantes-commission-paritaire-ess/",
    ],
)
def test_library_pages_pass_an_axe_audit(page, live_server, library, audit, path):
    page.goto(f"{live_server.url}{path}")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert audit() == []
