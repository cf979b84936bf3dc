"""The demo library: a dozen practices from the 2013 colloquium, loaded once."""

import pytest
from wagtail.models import GroupPagePermission

from practices import demo as practices_demo
from practices.models import GoodPracticeIndexPage, GoodPracticePage
from website.models import MainMenuItem

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_library(full_demo):
    practices_demo.load()
    practices_demo.load()  # loading twice changes nothing
    return GoodPracticeIndexPage.objects.get(locale__language_code="fr")


def test_demo_loads_a_dozen_practices_in_french_and_some_in_english(demo_library):
    french = GoodPracticePage.objects.live().filter(locale__language_code="fr")
    english = GoodPracticePage.objects.live().filter(locale__language_code="en")

    assert french.count() == len(practices_demo.PRACTICES) >= 12
    assert english.count() == sum(1 for spec in practices_demo.PRACTICES if "english" in spec)
    assert english.count() >= 3
    places = {page.territory.slug for page in french.select_related("territory") if page.territory}
    assert {"geneve", "nantes", "dakar", "banfora", "lokossa", "bordeaux"} <= places
    assert "saint-denis-reunion" in places
    assert french.filter(actors__isnull=False).distinct().count() >= 8


def test_demo_library_is_in_the_menus_and_open_to_editors(demo_library):
    assert MainMenuItem.objects.filter(link_page=demo_library).count() >= 2
    granted = set(
        GroupPagePermission.objects.filter(page=demo_library).values_list(
            "group__name", "permission__codename"
        )
    )
    assert ("Editors", "add_page") in granted
    assert ("Editors", "publish_page") not in granted
    assert ("Moderators", "publish_page") in granted


def test_every_demo_practice_renders(client, demo_library):
    for page in GoodPracticePage.objects.live():
        response = client.get(page.url)
        assert response.status_code == 200, page.url


def test_demo_listing_finds_the_practices_of_senegal(client, demo_library):
    response = client.get("/fr/bonnes-pratiques/", {"territory": "senegal"})

    titles = [practice.listed.title for practice in response.context["practices"]]
    assert len(titles) == 2
    assert "Un fonds municipal pour financer les initiatives solidaires" in titles


def test_demo_english_copies_tell_the_practice_in_english(client, demo_library):
    html = client.get("/en/good-practices/dakar-municipal-solidarity-fund/").content.decode()

    assert "The City of Dakar set up a municipal fund" in html
    assert "Thousands of borrowers" in html
    assert "Caisse Villageoise d’Épargne" in html
