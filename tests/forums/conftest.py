"""Forum fixtures: people, a public category and a private one for elected officials."""

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group

from forums import services
from forums.models import Category


@pytest.fixture(autouse=True)
def _forum_rules(settings):
    """Posts publish at once unless a test asks for the approval queue."""
    settings.FORUMS_APPROVAL_FIRST_POSTS = 0


@pytest.fixture
def make_user(django_user_model):
    def make(email, name, *, groups=(), language="en", **fields):
        user = django_user_model.objects.create_user(
            email=email, password="x", display_name=name, preferred_language=language, **fields
        )
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        for group in groups:
            user.groups.add(Group.objects.get_or_create(name=group)[0])
        return user

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
    return Category.objects.create(name_fr="Alimentation", name_en="Food", slug="alimentation")


@pytest.fixture
def private(db):
    category = Category.objects.create(
        name_fr="Espace des élu·es",
        name_en="Officials",
        slug="espace-des-elus",
        visibility=Category.Visibility.PRIVATE,
    )
    category.groups.add(Group.objects.get_or_create(name="Elected officials")[0])
    return category


@pytest.fixture
def make_topic():
    counter = {"n": 0}

    def make(category, user, title=None, source=None, **kwargs):
        counter["n"] += 1
        return services.topic_create(
            category=category,
            user=user,
            title=title or f"Sujet {counter['n']}",
            source=source or f"Message d’ouverture numéro {counter['n']}.",
            **kwargs,
        )

    return make
