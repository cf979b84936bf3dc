"""Fixtures of the good-practice library: vocabularies, the library and a practice factory."""

import itertools

import pytest
from wagtail.models import Locale

from network.directory.models import Actor, ActorStatus, Sector, Territory


@pytest.fixture
def vocab(db):
    food = Sector.objects.create(name_fr="Alimentation", name_en="Food", slug="alimentation")
    market = Sector.objects.create(
        name_fr="Maraîchage", name_en="Market gardening", slug="maraichage", parent=food
    )
    finance = Sector.objects.create(
        name_fr="Finance solidaire", name_en="Solidarity finance", slug="finance-solidaire"
    )
    france = Territory.objects.create(name="France", slug="france", kind="country", country="FR")
    region = Territory.objects.create(
        name="Pays de la Loire", slug="pays-de-la-loire", kind="region", country="FR", parent=france
    )
    nantes = Territory.objects.create(
        name="Nantes", slug="nantes", kind="commune", code="44109", country="FR", parent=region
    )
    senegal = Territory.objects.create(name="Sénégal", slug="senegal", kind="country", country="SN")
    dakar = Territory.objects.create(
        name="Dakar", slug="dakar", kind="commune", country="SN", parent=senegal
    )
    return {
        "food": food,
        "market": market,
        "finance": finance,
        "france": france,
        "region": region,
        "nantes": nantes,
        "senegal": senegal,
        "dakar": dakar,
    }


@pytest.fixture
def library(demo):
    """The library under the French home page, its English translation, and who may do what."""
    from practices.demo import grant_permissions
    from practices.models import GoodPracticeIndexPage
    from website.models import HomePage

    home = HomePage.objects.get(locale__language_code="fr")
    index = GoodPracticeIndexPage(
        title="Bonnes pratiques", slug="bonnes-pratiques", intro="Les expériences du réseau."
    )
    home.add_child(instance=index)
    index.save_revision().publish()
    english = index.copy_for_translation(Locale.objects.get(language_code="en"))
    english.title, english.slug = "Good practices", "good-practices"
    english.save_revision().publish()
    grant_permissions(index)
    return GoodPracticeIndexPage.objects.get(pk=index.pk)


@pytest.fixture
def make_actor(db):
    counter = itertools.count(1)

    def make(**fields):
        n = next(counter)
        defaults = {"name": f"Acteur {n}", "slug": f"acteur-{n}", "status": ActorStatus.PUBLISHED}
        defaults.update(fields)
        return Actor.objects.create(**defaults)

    return make


@pytest.fixture
def make_practice(library, vocab):
    """Publish a practice in the library; ``english`` takes a title for a live translation."""
    from practices.models import GoodPracticePage, PracticeTheme

    counter = itertools.count(1)

    def make(sectors=(), actors=(), english=None, publish=True, **fields):
        n = next(counter)
        defaults = {
            "title": f"Pratique {n}",
            "slug": f"pratique-{n}",
            "summary": "Une expérience à reproduire.",
            "theme": PracticeTheme.FUNDING,
            "territory": vocab["nantes"],
            "organisation_name": "Ville de Nantes",
        }
        defaults.update(fields)
        page = GoodPracticePage(**defaults)
        page.sectors.set(sectors)
        page.actors.set(actors)
        if not publish:
            page.live = False
        library.add_child(instance=page)
        revision = page.save_revision()
        if publish:
            revision.publish()
        page = GoodPracticePage.objects.get(pk=page.pk)
        if english:
            translation = page.copy_for_translation(Locale.objects.get(language_code="en"))
            translation.title = english
            translation.slug = f"practice-{n}"
            translation.save_revision().publish()
        return page

    return make
