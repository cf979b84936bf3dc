"""Named reads of the forums. Each one starts from the visibility rule of
``Category.objects.visible_to`` (through ``Topic``/``Post`` ``visible_to``), so a private
category and everything in it stays out of lists, search, feeds and notifications."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from django.contrib.auth.models import AnonymousUser
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import Count, Max, Prefetch, Q, Sum
from django.db.models.functions import Coalesce
from django.urls import reverse

from website import sitesearch, textsearch
from website.accounts.selectors import when

from .models import (
    Attachment,
    Category,
    ForumNotification,
    ForumProfile,
    Post,
    PublicationStatus,
    Report,
    Subscription,
    Topic,
    is_moderator,
)

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from website.accounts.models import User

    from .models import CategoryQuerySet, PostQuerySet, TopicQuerySet

SEARCH_MAX_WORDS = 8


def visible_categories(user: User | AnonymousUser) -> CategoryQuerySet:
    return Category.objects.visible_to(user)


def _counted_categories(user: User | AnonymousUser) -> dict[int, Category]:
    """Every category the person may see, by primary key, each with ``subcategories`` (the
    visible ones) and ``topic_count``, ``post_count`` and ``last_activity`` counting its own
    published topics and those of its visible sub-categories at every depth. A sub-category
    the person may not see is counted nowhere: the totals are sums over what is listed.
    One query."""
    published = Q(topics__status=PublicationStatus.PUBLISHED)
    categories = list(
        visible_categories(user)
        .select_related("sector", "territory")
        .annotate(
            own_topics=Count("topics", filter=published),
            # A published topic's replies that are published: kept on the topic by services.
            own_replies=Coalesce(Sum("topics__reply_count", filter=published), 0),
            own_last_activity=Max("topics__last_activity_at", filter=published),
        )
        .order_by("position", "name_fr")
    )
    by_pk = {category.pk: category for category in categories}
    for category in categories:
        category.subcategories = []
    for category in categories:
        parent = by_pk.get(category.parent_id)
        if parent is not None:
            parent.subcategories.append(category)

    def total(category: Category, seen: set[int]) -> None:
        # ``seen`` guards against a cycle written to the database behind ``Category.clean``.
        seen.add(category.pk)
        category.topic_count = category.own_topics
        category.post_count = category.own_topics + category.own_replies
        category.last_activity = category.own_last_activity
        for sub in category.subcategories:
            if sub.pk in seen:
                continue
            total(sub, seen)
            category.topic_count += sub.topic_count
            category.post_count += sub.post_count
            if sub.last_activity and (
                category.last_activity is None or sub.last_activity > category.last_activity
            ):
                category.last_activity = sub.last_activity

    seen: set[int] = set()
    for category in categories:
        if category.pk not in seen and by_pk.get(category.parent_id) is None:
            total(category, seen)
    return by_pk


def category_tree(user: User | AnonymousUser) -> list[Category]:
    """The categories the person may see, as top-level ones each carrying ``subcategories``,
    with their counts (see ``_counted_categories``: a parent counts its children). One query
    for the whole tree."""
    # A visible category under a hidden one is left out: the rule is per branch.
    return [
        category for category in _counted_categories(user).values() if category.parent_id is None
    ]


def category_for(*, slug: str, user: User | AnonymousUser) -> Category | None:
    """The category with this slug if the person may see it, else None."""
    return visible_categories(user).select_related("parent").filter(slug=slug).first()


def subcategories(*, category: Category, user: User | AnonymousUser) -> list[Category]:
    """The visible sub-categories of a category, with their counts."""
    found = _counted_categories(user).get(category.pk)
    return found.subcategories if found is not None else []


def topics_of(*, category: Category, user: User | AnonymousUser) -> TopicQuerySet:
    """The published topics of a category, pinned first, then by last activity."""
    return (
        Topic.objects.visible_to(user)
        .filter(category=category)
        .select_related("author")
        .order_by("-pinned", "-last_activity_at", "-pk")
    )


def topic_for(*, pk: int, user: User | AnonymousUser) -> Topic | None:
    """A topic the person may open, else None: published in a visible category, or their own
    pending one, or any for moderators."""
    topic = (
        Topic.objects.filter(category__in=visible_categories(user), pk=pk)
        .select_related("category__parent", "author", "closed_by")
        .first()
    )
    if topic is None or topic.status == PublicationStatus.PUBLISHED or is_moderator(user):
        return topic
    if topic.status == PublicationStatus.PENDING and user.is_authenticated:
        return topic if topic.author_id == user.pk else None
    return None


def _posts_shown_to(user: User | AnonymousUser) -> Q:
    """Published, hidden and deleted messages show (the last two as a notice); pending ones
    only to their author and to moderators."""
    shown = Q(status__in=[PublicationStatus.PUBLISHED, PublicationStatus.HIDDEN])
    shown |= Q(status=PublicationStatus.DELETED)
    if is_moderator(user):
        return Q()
    if user.is_authenticated:
        shown |= Q(status=PublicationStatus.PENDING, author=user)
    return shown


def posts_of(*, topic: Topic, user: User | AnonymousUser) -> PostQuerySet:
    """The messages of a topic in order, with everything a page of them shows (authors and
    their handles, quoted messages and their authors, attachments): a constant number of
    queries whatever the number of messages."""
    return (
        Post.objects.filter(topic=topic)
        .filter(_posts_shown_to(user))
        .select_related("author__forum_profile", "quoted__author")
        .prefetch_related(Prefetch("attachments", queryset=Attachment.objects.order_by("pk")))
        .order_by("created_at", "pk")
    )


def post_position(*, post: Post, user: User | AnonymousUser) -> int:
    """The 0-based position of a message among those the person sees in its topic."""
    return (
        posts_of(topic=post.topic, user=user)
        .filter(Q(created_at__lt=post.created_at) | Q(created_at=post.created_at, pk__lt=post.pk))
        .count()
    )


def is_following(
    *,
    user: User | AnonymousUser,
    topic: Topic | None = None,
    category: Category | None = None,
) -> bool:
    if not user.is_authenticated:
        return False
    return Subscription.objects.filter(user=user, topic=topic, category=category).exists()


def search(*, query: str | None, user: User | AnonymousUser, limit: int = 50) -> PostQuerySet:
    """Published messages matching the words, in topics and categories the person may see.

    PostgreSQL ranks with its full-text search in French without accents (title weighted
    above the message: "coopératives" finds "cooperative"); other databases (SQLite) require
    every word, folded, in the title or the message (``website.textsearch``).
    """
    return _matching_posts(query=query, user=user)[:limit]


def _matching_posts(*, query: str | None, user: User | AnonymousUser) -> PostQuerySet:
    """``search``'s messages, all of them, best first."""
    terms = textsearch.search_terms(query, limit=SEARCH_MAX_WORDS)
    if not terms:
        return Post.objects.none()
    posts = Post.objects.visible_to(user).select_related("topic__category", "author")
    if connection.vendor == "postgresql":
        config = textsearch.FRENCH_CONFIG
        vector = SearchVector("topic__title", weight="A", config=config) + SearchVector(
            "source", weight="B", config=config
        )
        words = " ".join((query or "").split()[:SEARCH_MAX_WORDS])
        search_query = SearchQuery(words, search_type="plain", config=config)
        return (
            posts.annotate(document=vector, rank=SearchRank(vector, search_query))
            .filter(document=search_query)
            .order_by("-rank", "-created_at")
        )
    condition = textsearch.matching(terms, ["topic__title", "source"])
    return posts.filter(condition).order_by("-created_at")


def notifications_of(*, user: User) -> QuerySet[ForumNotification]:
    """The person's notifications about messages they may still read."""
    return (
        ForumNotification.objects.filter(user=user, post__in=Post.objects.visible_to(user))
        .select_related("post__topic__category", "post__author")
        .order_by("-created_at", "-pk")
    )


def unread_count(*, user: User | AnonymousUser) -> int:
    if not user.is_authenticated:
        return 0
    return notifications_of(user=user).filter(read_at__isnull=True).count()


def latest_topics(
    *,
    category: Category | None = None,
    user: User | AnonymousUser | None = None,
    limit: int = 30,
) -> TopicQuerySet:
    """Newest topics for feeds: feed readers carry no session, so only public categories."""
    topics = Topic.objects.visible_to(user or AnonymousUser()).select_related("category", "author")
    if category is not None:
        topics = topics.filter(category=category)
    return topics.order_by("-created_at")[:limit]


def moderation_queue() -> PostQuerySet:
    """Messages waiting for a moderator: pending approval, or hidden by reports."""
    return (
        Post.objects.filter(status__in=[PublicationStatus.PENDING, PublicationStatus.HIDDEN])
        .select_related("topic__category", "author__forum_profile")
        .prefetch_related("reports__reporter")
        .order_by("created_at")
    )


def reported_posts() -> PostQuerySet:
    """Published messages with open reports (fewer than the hiding threshold)."""
    return (
        Post.objects.filter(
            status=PublicationStatus.PUBLISHED,
            pk__in=Report.objects.filter(resolved_at__isnull=True).values("post"),
        )
        .select_related("topic__category", "author__forum_profile")
        .prefetch_related("reports__reporter")
        .order_by("created_at")
    )


def personal_data(user: User) -> dict[str, Any]:
    """The person's forum profile, topics, posts and follows, for their export."""
    profile = ForumProfile.objects.filter(user=user).first()
    return {
        "profile": {
            "handle": profile.handle,
            "mail": profile.mail,
            "suspended_at": when(profile.suspended_at),
        }
        if profile
        else None,
        "topics": [
            {
                "title": topic.title,
                "category": topic.category.name,
                "created_at": when(topic.created_at),
            }
            for topic in Topic.objects.filter(author=user).select_related("category")
        ],
        "posts": [
            {
                "topic": post.topic.title,
                "message": post.source,
                "status": post.status,
                "created_at": when(post.created_at),
                "edited_at": when(post.edited_at),
            }
            for post in Post.objects.filter(author=user).select_related("topic").order_by("pk")
        ],
        "follows": [
            {
                "category": follow.category.name if follow.category else None,
                "topic": follow.topic.title if follow.topic else None,
                "since": when(follow.created_at),
            }
            for follow in Subscription.objects.filter(user=user).select_related("category", "topic")
        ],
    }


def search_group(*, query: str, user: User | AnonymousUser, limit: int) -> sitesearch.Group:
    """The site search's group of forum topics: those whose messages match the words, in
    the categories the person may read, each once, with the forums' search for the rest."""
    posts = _matching_posts(query=query, user=user)
    topics: dict[int, Topic] = {}
    for post in posts[: limit * 10]:
        topics.setdefault(post.topic_id, post.topic)
    hits = [
        sitesearch.Hit(
            title=topic.title,
            url=topic.get_absolute_url(),
            context=str(topic.category),
        )
        for topic in list(topics.values())[:limit]
    ]
    more = f"{reverse('forums:search')}?{urlencode({'q': query})}"
    total = posts.order_by().values("topic_id").distinct().count()
    return sitesearch.Group(hits=hits, total=total, more_url=more)
