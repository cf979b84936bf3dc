"""Parent categories count the topics and messages of their sub-categories, at every depth,
with the one visibility rule: a private sub-category counts only for those who may see it."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from forums import selectors, services
from forums.models import Category

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree(public, private, elected, member, other, make_topic, settings):
    """Filières > (Alimentation > Épiceries, Officials' private space): topics everywhere."""
    settings.FORUMS_POST_RATE = (1000, 60)
    parent = Category.objects.create(name_fr="Filières", name_en="Sectors", slug="filieres")
    public.parent = parent
    public.save()
    private.parent = parent
    private.save()
    shops = Category.objects.create(
        name_fr="Épiceries", name_en="Grocery shops", slug="epiceries", parent=public
    )
    make_topic(parent, member)  # 1 topic, 1 message
    food = make_topic(public, member)  # 1 topic, 3 messages
    services.post_create(topic=food, user=other, source="Réponse une")
    services.post_create(topic=food, user=member, source="Réponse deux")
    make_topic(shops, other)  # 1 topic, 1 message
    secret = make_topic(private, elected)  # 1 topic, 2 messages, for officials only
    services.post_create(topic=secret, user=elected, source="Entre nous")
    return parent


def counts(categories):
    return {c.slug: (c.topic_count, c.post_count) for c in categories}


def test_a_parent_counts_the_topics_and_messages_of_its_sub_categories(tree, outsider):
    (parent,) = selectors.category_tree(outsider)
    assert (parent.topic_count, parent.post_count) == (3, 5)
    assert counts(parent.subcategories) == {"alimentation": (2, 4)}
    assert counts(parent.subcategories[0].subcategories) == {"epiceries": (1, 1)}
    assert parent.last_activity == max(
        tree.topics.get().last_activity_at,
        Category.objects.get(slug="epiceries").topics.get().last_activity_at,
    )


def test_a_private_sub_category_counts_only_for_those_who_may_see_it(
    tree, elected, outsider, moderator, client
):
    assert selectors.category_tree(outsider)[0].topic_count == 3
    for person in (elected, moderator):
        (parent,) = selectors.category_tree(person)
        assert (parent.topic_count, parent.post_count) == (4, 7), person
        assert counts(parent.subcategories)["espace-des-elus"] == (1, 2)
    html = client.get("/en/forums/").content.decode()
    assert "3 topics · 5 messages, sub-categories included" in html
    assert "Officials" not in html
    client.force_login(elected)
    html = client.get("/en/forums/").content.decode()
    assert "4 topics · 7 messages, sub-categories included" in html
    # The category page lists its sub-categories with their counts, under the same rule.
    html = client.get("/fr/forums/c/filieres/").content.decode()
    assert "Espace des élu·es</a>" in html and "(1 sujet · 2 messages)" in html
    client.force_login(outsider)
    html = client.get("/en/forums/c/filieres/").content.decode()
    assert "Food</a>" in html and "(2 topics · 4 messages)" in html
    assert "Officials" not in html


def test_hidden_and_waiting_messages_are_not_counted(tree, member, moderator):
    food = Category.objects.get(slug="alimentation").topics.get()
    reply = food.posts.order_by("pk").last()
    services.moderation_decide(moderator=moderator, action="hide", reason="Hors sujet", post=reply)
    (parent,) = selectors.category_tree(member)
    assert (parent.topic_count, parent.post_count) == (3, 4)


def test_the_index_reads_as_many_queries_whatever_the_size_of_the_tree(
    client, tree, elected, make_topic
):
    client.force_login(elected)

    def queries():
        cache.clear()  # the menus and the footer are kept: measure their making
        with CaptureQueriesContext(connection) as context:
            assert client.get("/en/forums/").status_code == 200
        return len(context)

    queries()  # the first request of a site creates its settings row
    few = queries()
    parent = Category.objects.get(slug="epiceries")
    for depth in range(4):
        parent = Category.objects.create(
            name_fr=f"Niveau {depth}",
            name_en=f"Level {depth}",
            slug=f"niveau-{depth}",
            parent=parent,
        )
        make_topic(parent, elected)
        Category.objects.create(
            name_fr=f"Racine {depth}", name_en=f"Root {depth}", slug=f"r-{depth}"
        )
    assert queries() == few
    (root,) = [c for c in selectors.category_tree(elected) if c.slug == "filieres"]
    assert root.topic_count == 8
