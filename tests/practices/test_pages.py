"""A practice's page in French and English, its JSON-LD, and the rules of its fields."""

import json
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from wagtail.documents.models import Document
from wagtail.rich_text import RichText

from network.directory.models import ActorStatus
from practices.models import (
    GoodPracticeDocument,
    GoodPracticeIndexPage,
    GoodPracticePage,
    PracticeTheme,
)
from website.models import HomePage

pytestmark = pytest.mark.django_db


def json_ld(response):
    match = re.search(
        r'<script id="practice-json-ld" type="application/ld\+json">(.*?)</script>',
        response.content.decode(),
        re.S,
    )
    assert match, "no JSON-LD in the page"
    return json.loads(match.group(1))


@pytest.fixture
def practice(make_practice, make_actor, vocab):
    published = make_actor(name="Ressourcerie de la Médina", slug="ressourcerie-medina")
    pending = make_actor(name="Projet pas encore vérifié", status=ActorStatus.PENDING)
    document = Document(title="Règlement du fonds")
    document.file.save("reglement.txt", ContentFile(b"Article premier."), save=False)
    document.save()
    page = make_practice(
        title="Un fonds municipal de solidarité",
        slug="fonds-municipal",
        summary="Des prêts pour les activités des quartiers.",
        theme=PracticeTheme.FUNDING,
        territory=vocab["dakar"],
        organisation_name="Ville de Dakar",
        started_year=2010,
        sectors=[vocab["finance"]],
        actors=[published, pending],
        body=[("paragraph", RichText("<p>Le fonds prête à taux réduit.</p>"))],
        results="<p>Des milliers de bénéficiaires.</p>",
        contact_name="Direction du développement",
        contact_email="fdsm@dakar.example",
        contact_phone="+221 33 800 00 00",
        english="A municipal solidarity fund",
    )
    page.attached_documents.add(GoodPracticeDocument(document=document))
    page.save_revision().publish()
    return GoodPracticePage.objects.get(pk=page.pk)


def test_french_page_shows_what_was_done_results_contact_documents_and_sectors(client, practice):
    response = client.get("/fr/bonnes-pratiques/fonds-municipal/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Un fonds municipal de solidarité</h1>" in html
    assert "Le fonds prête à taux réduit." in html
    assert "Des milliers de bénéficiaires." in html
    assert 'href="mailto:fdsm@dakar.example"' in html
    assert 'href="tel:+221338000000"' in html
    assert "Règlement du fonds" in html
    assert "Finance solidaire" in html
    assert "Ville de Dakar" in html


def test_only_published_actors_are_shown(client, practice):
    html = client.get("/fr/bonnes-pratiques/fonds-municipal/").content.decode()

    assert "Ressourcerie de la Médina" in html
    assert 'href="/fr/directory/ressourcerie-medina/"' in html
    assert "Projet pas encore vérifié" not in html


def test_english_translation_is_served_in_english_with_the_same_sectors(client, practice):
    response = client.get("/en/good-practices/practice-1/")

    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="en"' in html
    assert "<h1>A municipal solidarity fund</h1>" in html
    assert "Solidarity finance" in html  # the sector's English name
    assert "Ressourcerie de la Médina" in html
    assert json_ld(response)["inLanguage"] == "en"


def test_json_ld_describes_the_practice_as_an_article(client, practice):
    data = json_ld(client.get("/fr/bonnes-pratiques/fonds-municipal/"))

    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "Article"
    assert data["headline"] == "Un fonds municipal de solidarité"
    assert data["description"] == "Des prêts pour les activités des quartiers."
    assert data["author"] == {"@type": "Organization", "name": "Ville de Dakar"}
    assert data["spatialCoverage"] == {"@type": "Place", "name": "Dakar"}
    assert data["keywords"] == ["Finance solidaire"]
    assert data["url"].endswith("/fr/bonnes-pratiques/fonds-municipal/")
    assert data["url"].startswith("http")
    assert data["inLanguage"] == "fr"
    assert data["datePublished"]


def test_json_ld_escapes_what_editors_type(client, make_practice):
    make_practice(slug="piege", title="</script><script>alert(1)</script>")

    response = client.get("/fr/bonnes-pratiques/piege/")

    assert "<script>alert(1)</script>" not in response.content.decode()
    assert json_ld(response)["headline"] == "</script><script>alert(1)</script>"


def test_a_practice_needs_a_city_or_network(library):
    page = GoodPracticePage(
        title="Sans porteur", slug="sans-porteur", summary="…", theme=PracticeTheme.POLICY
    )
    with pytest.raises(ValidationError) as error:
        page.full_clean()
    assert "organisation_name" in error.value.message_dict


def test_a_network_without_territory_is_enough(library):
    page = GoodPracticePage(
        title="Pôles Cit’ESS",
        slug="poles",
        summary="…",
        theme=PracticeTheme.PLACES,
        organisation_name="Réseau des pôles Cit’ESS",
        path="00010001",
        depth=2,
    )
    page.full_clean(exclude=["path", "depth", "locale"])


def test_page_types_declare_where_they_live():
    # An administrator can make the library on a fresh site, once per home page.
    assert GoodPracticeIndexPage in HomePage.allowed_subpage_models()
    assert GoodPracticeIndexPage.max_count_per_parent == 1
    assert GoodPracticeIndexPage.parent_page_types == ["website.HomePage"]
    assert GoodPracticeIndexPage.allowed_subpage_models() == [GoodPracticePage]
    assert GoodPracticePage.allowed_parent_page_models() == [GoodPracticeIndexPage]
    assert GoodPracticePage.allowed_subpage_models() == []
