"""Forum fixtures: people, a public category and a private one for elected officials."""

import pytest

from tests.factories.accounts import UserFactory
from tests.factories.forums import CategoryFactory, TopicFactory


@pytest.fixture(autouse=True)
def _forum_rules(settings):
    """Posts publish at once unless a test asks for the approval queue."""
    settings.FORUMS_APPROVAL_FIRST_POSTS = 0


@pytest.fixture
def make_user(db):
    """A person with a verified address who reads the forums in English by default."""

    def make(email, name, *, groups=(), language="en", **fields):
        return UserFactory(
            email=email,
            password="x",
            display_name=name,
            preferred_language=language,
            groups=groups,
            verified=True,
            **fields,
        )

    return make


@pytest.fixture
def member(make_user):
    return make_user("lea@coop.example", "Léa Martin")


@pytest.fixture
def other(make_user):
    return make_user("omar@asso.example", "Omar Diallo")


@pytest.fixture
def outsider(make_user):
    return make_user("paul@outside.example", "Paul Dehors")


@pytest.fixture
def elected(make_user):
    return make_user("maire@ville.example", "Fatou Ndiaye", groups=["Elected officials"])


@pytest.fixture
def moderator(make_user):
    return make_user("modo@essaim.example", "Modo Rateur", groups=["Moderators"])


@pytest.fixture
def public(db):
    return CategoryFactory(name_fr="Alimentation", name_en="Food")


@pytest.fixture
def private(db):
    return CategoryFactory(
        name_fr="Espace des élu·es",
        name_en="Officials",
        slug="espace-des-elus",
        private=True,
        groups=["Elected officials"],
    )


@pytest.fixture
def make_topic():
    """Open a topic (``TopicFactory``, through the posting service)."""

    def make(category, user, title=None, source=None, **kwargs):
        given = {name: value for name, value in (("title", title), ("source", source)) if value}
        return TopicFactory(category=category, author=user, **given, **kwargs)

    return make
