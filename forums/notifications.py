"""Who hears of a new forum message, on the site and by mail, and how the mail reads.

``post_announce`` runs in the transaction that publishes a message. It writes the on-site
notifications and one outbox notification to those ``mail_recipients`` chooses (at once or in
their digest, as ``website.notifications.subscribers.announce`` decides). Only
people who may read the category are ever told: mentions of outsiders are dropped, and the
renderer checks again when the mail leaves (the category may have become private since).
"""

import zoneinfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from website.addresses import absolute_url
from website.notifications import registry
from website.notifications.registry import renderer
from website.notifications.subscribers import (
    add_unsubscribe_headers,
    announce,
    mail_links,
)

from . import markup
from .models import Category, ForumNotification, ForumProfile, Post, PublicationStatus, Subscription

POST = "forums.post"
MAIL_SCOPE = "forums"  # unsubscribe scope: forum mail


def _may_read(users, category):
    """The people among ``users`` who may read ``category``: the one visibility rule again."""
    if not users:
        return []
    if category.visibility == Category.Visibility.PUBLIC:
        return list(users)
    allowed = []
    for user in users:
        if Category.objects.visible_to(user).filter(pk=category.pk).exists():
            allowed.append(user)
    return allowed


def _ancestors(category):
    found, current, seen = [], category, set()
    while current is not None and current.pk not in seen:
        found.append(current.pk)
        seen.add(current.pk)
        current = current.parent
    return found


def post_recipients(*, post):
    """{user: reason} for a newly published message: mentions first, then followers of the
    topic, then (for an opening message) followers of its category and the categories above."""
    topic = post.topic
    User = get_user_model()
    reasons = {}
    handles = markup.mentioned_handles(post.source)
    if handles:
        for profile in ForumProfile.objects.filter(handle__in=handles).select_related("user"):
            reasons.setdefault(profile.user, ForumNotification.Reason.MENTION)
    followers = Subscription.objects.filter(topic=topic).values("user")
    for user in User.objects.filter(pk__in=followers, is_active=True):
        reasons.setdefault(user, ForumNotification.Reason.REPLY)
    is_opening = not Post.objects.filter(topic=topic, created_at__lt=post.created_at).exists()
    if is_opening:
        followers = Subscription.objects.filter(category_id__in=_ancestors(topic.category)).values(
            "user"
        )
        for user in User.objects.filter(pk__in=followers, is_active=True):
            reasons.setdefault(user, ForumNotification.Reason.NEW_TOPIC)
    reasons = {user: reason for user, reason in reasons.items() if user.pk != post.author_id}
    readers = set(_may_read([u for u in reasons if u.is_active], topic.category))
    return {user: reason for user, reason in reasons.items() if user in readers}


def mail_recipients(*, post, users):
    """Who hears of this message by mail, at once or in their digest (``announce`` decides).

    People who turned forum mail off get neither (their notifications list on the site
    still has it).
    """
    off = set(
        ForumProfile.objects.filter(user__in=users, mail=False).values_list("user_id", flat=True)
    )
    return [user for user in users if user.email and user.pk not in off]


def post_announce(*, post):
    """Tell the people concerned about a message that just became visible (in the caller's
    transaction): a line in their notifications list, and a mail through the outbox."""
    recipients = post_recipients(post=post)
    if not recipients:
        return
    ForumNotification.objects.bulk_create(
        [ForumNotification(user=u, post=post, reason=r) for u, r in recipients.items()],
        ignore_conflicts=True,
    )
    announce(
        kind=POST,
        key=f"forums.post:{post.pk}",
        recipients=mail_recipients(post=post, users=list(recipients)),
        object_id=post.pk,
        payload={"post": post.pk},
    )


def mentions_announce(*, post, handles, key):
    """Tell people newly @mentioned in an edited message, once each (the same rules: they
    must be able to read the category, and the author is never told)."""
    if post.status != PublicationStatus.PUBLISHED or not handles:
        return
    already = ForumNotification.objects.filter(post=post).values("user")
    users = [
        profile.user
        for profile in ForumProfile.objects.filter(handle__in=handles)
        .exclude(user__in=already)
        .exclude(user=post.author_id)
        .select_related("user")
        if profile.user.is_active
    ]
    users = _may_read(users, post.topic.category)
    if not users:
        return
    ForumNotification.objects.bulk_create(
        [
            ForumNotification(user=user, post=post, reason=ForumNotification.Reason.MENTION)
            for user in users
        ],
        ignore_conflicts=True,
    )
    announce(
        kind=POST,
        key=key,
        recipients=mail_recipients(post=post, users=users),
        object_id=post.pk,
        payload={"post": post.pk},
    )


@renderer(POST)
def post_message(delivery):
    user = delivery.user
    post = (
        Post.objects.select_related("topic__category", "author")
        .filter(pk=delivery.notification.payload.get("post"))
        .first()
    )
    if user is None or post is None or post.status != PublicationStatus.PUBLISHED:
        return None
    if post.topic.status != PublicationStatus.PUBLISHED:
        return None
    if not _may_read([user], post.topic.category):
        return None
    notice = ForumNotification.objects.filter(user=user, post=post).first()
    reason = notice.reason if notice else ForumNotification.Reason.REPLY
    zone = zoneinfo.ZoneInfo(user.time_zone or settings.TIME_ZONE)
    with translation.override(user.preferred_language), timezone.override(zone):
        context = {
            "user": user,
            "post": post,
            "topic": post.topic,
            "author": post.author.get_display_name() if post.author else "",
            "reason": reason,
            "post_url": absolute_url(reverse("forums:post", args=[post.pk])),
            "notifications_url": absolute_url(reverse("forums:notifications")),
        }
        links = mail_links(delivery.recipient, MAIL_SCOPE, user.preferred_language)
        context.update(links)
        subject = render_to_string("forums/mail/post_subject.txt", context).strip()
        text = render_to_string("forums/mail/post.txt", context)
        html = render_to_string("forums/mail/post.html", context)
    message = EmailMultiAlternatives(subject, text, to=[delivery.recipient])
    message.attach_alternative(html, "text/html")
    return add_unsubscribe_headers(message, links)


@registry.digest_section(POST)
def digest_posts(subscriber, object_ids):
    """The forum messages of a digest that its reader may still see."""
    user = subscriber.user
    if user is None:
        return None
    posts = (
        Post.objects.visible_to(user)
        .filter(pk__in=object_ids, status=PublicationStatus.PUBLISHED)
        .select_related("topic", "author")
        .order_by("created_at")
    )
    entries = [
        {
            "title": post.topic.title,
            "url": absolute_url(reverse("forums:post", args=[post.pk])),
            "when": date_format(timezone.localtime(post.created_at), "SHORT_DATETIME_FORMAT"),
            "summary": Truncator(post.source).chars(200),
        }
        for post in posts
    ]
    return registry.DigestSection(title=_("Forums"), entries=entries)


@registry.unsubscribe_handler
def unsubscribe(subscriber, scope):
    """One click in a forum mail, or "everything": forum mail stops."""
    if scope in (MAIL_SCOPE, "all") and subscriber.user_id:
        ForumProfile.objects.filter(user_id=subscriber.user_id).update(mail=False)


@registry.preference_section
def preferences(subscriber, manage_token):
    profile = ForumProfile.objects.filter(user_id=subscriber.user_id).first()
    return (
        "forums/includes/mail_preferences.html",
        {"profile": profile, "manage_token": manage_token, "has_account": bool(subscriber.user_id)},
    )
