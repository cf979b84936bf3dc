"""The header's search as a visitor uses it, on the whole demo: a word typed without its
accent finds every kind of thing, grouped; a group leads to its own listing with the same
words; the page passes axe and fits a phone, in French and in English."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize(
    ("language", "words", "kinds", "actors"),
    [
        ("fr", "cooperative", "Acteurs", "Les voir tous dans leur liste : Acteurs"),
        ("en", "Quebec", "Actors", "See them all in their listing: Actors"),
    ],
)
def test_the_header_search_finds_every_kind_and_leads_to_each_listing(
    page, live_server, whole_demo, audit, language, words, kinds, actors
):
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 844})
        page.goto(f"{live_server.url}/{language}/")
        page.locator("#site-search-q").fill(words)
        page.locator("#site-search-q").press("Enter")

        expect(page.get_by_role("heading", level=2, name=kinds)).to_be_visible()
        assert audit() == [], width
        assert page.evaluate("document.documentElement.scrollWidth") <= width

    page.get_by_role("link", name=actors).click()
    expect(page).to_have_url(f"{live_server.url}/{language}/directory/?q={words}")
    expect(page.locator("#results-title")).to_have_text(re.compile(r"^\s*[1-9]\d* "))
