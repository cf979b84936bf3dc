"""The library's listing: filters (with trees), words in any language, pagination, queries."""

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from practices.models import GoodPracticeIndexPage, PracticeTheme

pytestmark = pytest.mark.django_db

URL = "/fr/bonnes-pratiques/"


def listed_titles(response):
    html = response.content.decode()
    return re.findall(r'<h3 class="occurrence__title"[^>]*><a href="[^"]+">([^<]+)</a>', html)


def test_index_lists_live_practices_newest_first(client, make_practice):
    make_practice(title="Fonds municipal")
    make_practice(title="Maison de l’ESS")
    make_practice(title="Brouillon", publish=False)

    response = client.get(URL)

    assert response.status_code == 200
    assert listed_titles(response) == ["Maison de l’ESS", "Fonds municipal"]
    assert response.context["page_obj"].paginator.count == 2


def test_theme_filter_keeps_the_practices_of_that_theme(client, make_practice):
    make_practice(title="Fonds municipal", theme=PracticeTheme.FUNDING)
    make_practice(title="Commission paritaire", theme=PracticeTheme.COOPERATION)

    response = client.get(URL, {"theme": PracticeTheme.COOPERATION})

    assert listed_titles(response) == ["Commission paritaire"]


def test_sector_filter_includes_the_sectors_within_it(client, make_practice, vocab):
    make_practice(title="Maraîchage urbain", sectors=[vocab["market"]])
    make_practice(title="Cantines bio", sectors=[vocab["food"]])
    make_practice(title="Fonds de garantie", sectors=[vocab["finance"]])

    assert set(listed_titles(client.get(URL, {"sector": "alimentation"}))) == {
        "Maraîchage urbain",
        "Cantines bio",
    }
    assert listed_titles(client.get(URL, {"sector": "maraichage"})) == ["Maraîchage urbain"]


def test_a_practice_in_two_matching_sectors_is_listed_once(client, make_practice, vocab):
    make_practice(title="Légumerie solidaire", sectors=[vocab["food"], vocab["market"]])

    assert listed_titles(client.get(URL, {"sector": "alimentation"})) == ["Légumerie solidaire"]


def test_territory_filter_includes_the_places_within_it(client, make_practice, vocab):
    make_practice(title="Commission de Nantes", territory=vocab["nantes"])
    make_practice(title="Fonds de Dakar", territory=vocab["dakar"], organisation_name="Dakar")

    assert listed_titles(client.get(URL, {"territory": "france"})) == ["Commission de Nantes"]
    assert listed_titles(client.get(URL, {"territory": "senegal"})) == ["Fonds de Dakar"]
    assert listed_titles(client.get(URL, {"territory": "dakar"})) == ["Fonds de Dakar"]


def test_city_or_network_filter_offers_the_names_that_carry_practices(client, make_practice):
    make_practice(title="Pôles territoriaux", territory=None, organisation_name="Réseau Cit’ESS")
    make_practice(title="Commission", organisation_name="Nantes Métropole")

    response = client.get(URL, {"organisation": "Réseau Cit’ESS"})

    assert listed_titles(response) == ["Pôles territoriaux"]
    choices = [
        value for value, _label in response.context["filter_form"].fields["organisation"].choices
    ]
    assert choices == ["", "Nantes Métropole", "Réseau Cit’ESS"]


def test_words_match_the_practice_in_any_language(client, make_practice):
    make_practice(title="Un fonds municipal de solidarité", english="A municipal solidarity fund")
    make_practice(title="Une maison de l’ESS")

    assert listed_titles(client.get(URL, {"q": "solidarity"})) == [
        "Un fonds municipal de solidarité"
    ]
    # The English listing shows the translation of what it finds.
    assert listed_titles(client.get("/en/good-practices/", {"q": "fonds"})) == [
        "A municipal solidarity fund"
    ]


def test_words_also_look_in_the_results_and_the_city(client, make_practice):
    make_practice(title="Pratique A", results="<p>Trois cents emplois créés.</p>")
    make_practice(title="Pratique B", organisation_name="Commune de Banfora")

    assert listed_titles(client.get(URL, {"q": "emplois"})) == ["Pratique A"]
    assert listed_titles(client.get(URL, {"q": "banfora"})) == ["Pratique B"]


def test_a_wrong_filter_says_so_and_the_others_still_apply(client, make_practice, vocab):
    make_practice(title="Maraîchage urbain", sectors=[vocab["market"]], theme=PracticeTheme.PLACES)
    make_practice(title="Fonds", sectors=[vocab["finance"]], theme=PracticeTheme.PLACES)

    response = client.get(URL, {"theme": "nonsense", "sector": "maraichage"})

    assert response.status_code == 200
    assert listed_titles(response) == ["Maraîchage urbain"]
    html = response.content.decode()
    assert 'href="#filter-theme"' in html  # the error summary links to its field


def test_listing_paginates(client, make_practice):
    per_page = GoodPracticeIndexPage.PRACTICES_PER_PAGE
    for n in range(per_page + 3):
        make_practice(title=f"Pratique numéro {n}")

    first = client.get(URL)
    second = client.get(URL, {"page": 2})

    assert len(listed_titles(first)) == per_page
    assert len(listed_titles(second)) == 3
    assert 'rel="next"' in first.content.decode()


def test_english_index_lists_the_french_practices_with_translations_where_they_exist(
    client, make_practice
):
    make_practice(title="Un fonds municipal", english="A municipal fund")
    make_practice(title="Une maison de l’ESS")

    response = client.get("/en/good-practices/")

    assert response.status_code == 200
    assert listed_titles(response) == ["Une maison de l’ESS", "A municipal fund"]
    assert '<a href="/en/good-practices/practice-1/">' in response.content.decode()


def _count_queries(client, url, params=None):
    cache.clear()  # the menus, the footer and the filters are kept: measure their making
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("url", [URL, "/en/good-practices/"])
def test_listing_queries_do_not_grow_with_the_number_of_practices(
    client, make_practice, vocab, url
):
    def add(count, start):
        for n in range(start, start + count):
            make_practice(
                title=f"Pratique {n}",
                sectors=[vocab["food"], vocab["finance"]],
                territory=vocab["dakar"] if n % 2 else vocab["nantes"],
                english=f"Practice {n}" if n % 3 == 0 else None,
            )

    filters = {"sector": "alimentation", "territory": "france", "q": "Pratique"}
    add(5, 0)
    client.get(url)  # Wagtail caches the site's root paths on the first request.
    few = (_count_queries(client, url), _count_queries(client, url, filters))
    add(35, 5)
    many = (_count_queries(client, url), _count_queries(client, url, filters))

    assert many == few
