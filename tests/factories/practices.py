"""The good-practice library (``practices``): its index page and the practices under it."""

import factory

from tests.factories.pages import PageFactory, index_page, translation_of


class GoodPracticeIndexPageFactory(PageFactory):
    """The library, under the French home page (which the demo makes)."""

    class Meta:
        model = "practices.GoodPracticeIndexPage"

    title = "Bonnes pratiques"
    intro = "Les expériences du réseau."


def library():
    """The library of the French site: the one there is, else a new one with its English
    translation (where translations of practices go)."""
    return index_page(GoodPracticeIndexPageFactory, title="Good practices", slug="good-practices")


class GoodPracticePageFactory(PageFactory):
    """A practice on funding carried by the city of Nantes (a practice names who carries it).
    ``sectors`` and ``actors`` take rows of the directory; ``english`` takes the title of a
    live English translation, at practice-<n>."""

    class Meta:
        model = "practices.GoodPracticePage"

    title = factory.Sequence(lambda n: f"Pratique {n}")
    slug = factory.Sequence(lambda n: f"pratique-{n}")
    summary = "Une expérience à reproduire."
    theme = "financement"  # PracticeTheme.FUNDING
    organisation_name = "Ville de Nantes"
    parent = factory.LazyFunction(library)
    english__slug = factory.Sequence(lambda n: f"practice-{n}")

    @factory.post_generation
    def english(self, create, title, slug, **kwargs):
        if create and title:
            translation_of(self, title=title, slug=slug)
