"""Business rules of the forums: who may read and post, writing topics and posts, edits,
reports, moderation decisions and follows. Every write goes through one of these functions."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from . import markup
from .attachments import check_upload
from .models import (
    Attachment,
    Category,
    ForumNotification,
    ForumProfile,
    ModerationDecision,
    Post,
    PostRevision,
    PublicationStatus,
    Report,
    Subscription,
    Topic,
    is_moderator,
)
from .notifications import mentions_announce, post_announce
from .rules import limit

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser
    from django.core.files.uploadedfile import UploadedFile

    from website.accounts.models import User

    # An uploaded file with what ``check_upload`` found: kind, content type, safe name.
    CheckedFile = tuple[UploadedFile, str, str, str]


class PostingRefused(ValidationError):
    """Why a message cannot be posted, in words for the person who tried."""


# --- Who may do what --------------------------------------------------------------------


def can_view(*, category: Category, user: User | AnonymousUser) -> bool:
    """Whether the person may read a category: the rule of ``Category.objects.visible_to``."""
    if category.visibility == Category.Visibility.PUBLIC:
        return True
    return Category.objects.visible_to(user).filter(pk=category.pk).exists()


def can_view_topic(*, topic: Topic, user: User | AnonymousUser) -> bool:
    """Published topics of visible categories; the author and moderators also see a pending one."""
    if not can_view(category=topic.category, user=user):
        return False
    if topic.status == PublicationStatus.PUBLISHED:
        return True
    if is_moderator(user):
        return True
    return (
        topic.status == PublicationStatus.PENDING
        and user.is_authenticated
        and topic.author_id == user.pk
    )


def posting_refusal(
    *, category: Category, user: User | AnonymousUser, topic: Topic | None = None
) -> str | None:
    """The reason the person may not post here, or None when they may."""
    if not user.is_authenticated:
        return _("Log in to take part in the forums.")
    if not can_view(category=category, user=user):
        return _("You cannot post in this category.")
    if profile_for(user).is_suspended:
        return _("Your account is suspended from the forums: you can read but not post.")
    if topic is not None and not is_moderator(user):
        if topic.is_closed:
            return _("This topic is closed: it no longer takes replies.")
        if topic.locked:
            return _("This topic is locked: only moderators can reply.")
    return None


def can_post(*, category: Category, user: User | AnonymousUser, topic: Topic | None = None) -> bool:
    return posting_refusal(category=category, user=user, topic=topic) is None


def can_edit(*, post: Post, user: User | AnonymousUser) -> bool:
    return user.is_authenticated and (post.author_id == user.pk or is_moderator(user))


def can_close(*, topic: Topic, user: User | AnonymousUser) -> bool:
    return user.is_authenticated and (topic.author_id == user.pk or is_moderator(user))


# --- People ---------------------------------------------------------------------------------


def profile_for(user: User) -> ForumProfile:
    """The person's forum profile, created with a unique @handle from their display name."""
    profile = getattr(user, "_forum_profile_cache", None)
    if profile is not None:
        return profile
    profile = ForumProfile.objects.filter(user=user).first()
    if profile is None:
        base = slugify(user.get_display_name())[:34].strip("-") or "membre"
        if len(base) < 2:
            base = f"{base}-membre"
        handle, number = base, 1
        while profile is None:
            try:
                with transaction.atomic():
                    profile = ForumProfile.objects.create(user=user, handle=handle)
            except IntegrityError:
                existing = ForumProfile.objects.filter(user=user).first()
                if existing is not None:
                    profile = existing
                number += 1
                handle = f"{base}-{number}"
    user._forum_profile_cache = profile
    return profile


def is_new_account(user: User) -> bool:
    return user.date_joined > timezone.now() - limit("FORUMS_NEW_ACCOUNT_AGE")


def needs_approval(user: User) -> bool:
    """A person's first posts wait for a moderator, until enough of theirs were published."""
    if is_moderator(user):
        return False
    first = limit("FORUMS_APPROVAL_FIRST_POSTS")
    if first <= 0:
        return False
    published = Post.objects.filter(author=user, status=PublicationStatus.PUBLISHED)
    return published.count() < first


# --- Anti-abuse ------------------------------------------------------------------------------


def _rate_key(user: User, now: dt.datetime) -> tuple[str, int, int]:
    count, window = limit("FORUMS_POST_RATE")
    return f"forums:posts:{user.pk}:{int(now.timestamp()) // window}", count, window


def _check_links(*, user: User, source: str) -> None:
    """Refuse too many links from a new account (moderators are exempt), in a new message or
    an edit: editing is not a way round it."""
    if is_moderator(user):
        return
    links = markup.count_links(source)
    maximum = limit("FORUMS_NEW_ACCOUNT_MAX_LINKS")
    if links > maximum and is_new_account(user):
        raise PostingRefused(
            _(
                "New accounts may put at most %(maximum)d links in a message; this one has "
                "%(count)d. Remove some and post again."
            )
            % {"maximum": maximum, "count": links},
            code="too_many_links",
        )


def _check_abuse(*, user: User, source: str) -> str:
    """Refuse too many posts in a row, too many links from a new account, and the same
    message twice. Moderators are exempt from the first two."""
    now = timezone.now()
    if not is_moderator(user):
        key, count, window = _rate_key(user, now)
        if (cache.get(key) or 0) >= count:
            raise PostingRefused(
                _(
                    "You are posting very quickly. Please wait a minute before posting again; "
                    "your text is kept below."
                ),
                code="rate_limited",
            )
        _check_links(user=user, source=source)
    digest = markup.content_hash(source)
    since = now - limit("FORUMS_DUPLICATE_WINDOW")
    if Post.objects.filter(author=user, content_hash=digest, created_at__gte=since).exists():
        raise PostingRefused(
            _("You have just posted this same message. Change it, or find it in the topic."),
            code="duplicate",
        )
    return digest


def _count_post(user: User) -> None:
    key, _count, window = _rate_key(user, timezone.now())
    if not cache.add(key, 1, window + 5):
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, 1, window + 5)


def _clean_source(source: str | None) -> str:
    source = (source or "").strip()
    if not source:
        raise PostingRefused(_("Write a message."), code="required")
    if len(source) > 20000:
        raise PostingRefused(_("A message is at most 20,000 characters long."), code="max_length")
    return source


# --- Writing ---------------------------------------------------------------------------------


def _render(source: str) -> str:
    handles = markup.mentioned_handles(source)
    known = set(ForumProfile.objects.filter(handle__in=handles).values_list("handle", flat=True))
    return markup.render(source, handles=known)


def _check_files(files: Iterable[UploadedFile] | None) -> list[CheckedFile]:
    files = [f for f in files or () if f]
    if len(files) > limit("FORUMS_ATTACHMENTS_PER_POST"):
        raise PostingRefused(
            _("At most %(count)d files per message.")
            % {"count": limit("FORUMS_ATTACHMENTS_PER_POST")},
            code="files",
        )
    return [(upload, *check_upload(upload)) for upload in files]


def _attach(post: Post, checked: Iterable[CheckedFile]) -> None:
    for upload, kind, content_type, name in checked:
        attachment = Attachment(
            post=post, name=name, kind=kind, content_type=content_type, size=upload.size
        )
        attachment.file.save(name, upload, save=False)
        attachment.save()


def _follow(user: User, *, topic: Topic | None = None, category: Category | None = None) -> None:
    Subscription.objects.bulk_create(
        [Subscription(user=user, topic=topic, category=category)], ignore_conflicts=True
    )


def topic_create(
    *,
    category: Category,
    user: User,
    title: str | None,
    source: str | None,
    files: Iterable[UploadedFile] = (),
) -> Topic:
    """Open a topic with its first message. It waits for approval if the author is new."""
    refusal = posting_refusal(category=category, user=user)
    if refusal:
        raise PermissionDenied(refusal)
    title = " ".join((title or "").split())
    if not title:
        raise PostingRefused(_("Give the topic a title."), code="title")
    if len(title) > 160:
        raise PostingRefused(_("A title is at most 160 characters long."), code="title")
    source = _clean_source(source)
    digest = _check_abuse(user=user, source=source)
    checked = _check_files(files)
    status = PublicationStatus.PENDING if needs_approval(user) else PublicationStatus.PUBLISHED
    now = timezone.now()
    with transaction.atomic():
        topic = Topic.objects.create(
            category=category,
            title=title,
            author=user,
            status=status,
            created_at=now,
            last_activity_at=now,
        )
        post = Post.objects.create(
            topic=topic,
            author=user,
            source=source,
            html=_render(source),
            status=status,
            content_hash=digest,
            created_at=now,
        )
        _attach(post, checked)
        _follow(user, topic=topic)
        if status == PublicationStatus.PUBLISHED:
            post_announce(post=post)
    _count_post(user)
    return topic


def post_create(
    *,
    topic: Topic,
    user: User,
    source: str | None,
    quoted: Post | None = None,
    files: Iterable[UploadedFile] = (),
) -> Post:
    """Reply in a topic, optionally quoting one of its published messages."""
    refusal = posting_refusal(category=topic.category, user=user, topic=topic)
    if refusal:
        raise PermissionDenied(refusal)
    # The topic may have been approved or hidden since it was read: ask the database.
    topic_status = Topic.objects.filter(pk=topic.pk).values_list("status", flat=True).first()
    if topic_status != PublicationStatus.PUBLISHED and not is_moderator(user):
        raise PermissionDenied(_("This topic is not open for replies yet."))
    if quoted is not None and (
        quoted.topic_id != topic.pk or quoted.status != PublicationStatus.PUBLISHED
    ):
        raise PostingRefused(_("You can only quote a published message of this topic."))
    source = _clean_source(source)
    digest = _check_abuse(user=user, source=source)
    checked = _check_files(files)
    status = PublicationStatus.PENDING if needs_approval(user) else PublicationStatus.PUBLISHED
    with transaction.atomic():
        post = Post.objects.create(
            topic=topic,
            author=user,
            source=source,
            html=_render(source),
            quoted=quoted,
            status=status,
            content_hash=digest,
        )
        _attach(post, checked)
        _follow(user, topic=topic)
        if status == PublicationStatus.PUBLISHED:
            _published(post)
    _count_post(user)
    return post


def _published(post: Post) -> None:
    """A reply became visible: count it, move the topic up, tell the people concerned."""
    Topic.objects.filter(pk=post.topic_id).update(
        reply_count=F("reply_count") + 1, last_activity_at=timezone.now()
    )
    post_announce(post=post)


def _check_can_edit(*, post: Post, user: User) -> None:
    if not can_edit(post=post, user=user):
        raise PermissionDenied(_("You can only edit your own messages."))
    if post.status == PublicationStatus.DELETED:
        raise PermissionDenied(_("A deleted message cannot be edited."))
    if profile_for(user).is_suspended:
        raise PermissionDenied(
            _("Your account is suspended from the forums: you can read but not post.")
        )


def post_edit(*, post: Post, user: User, source: str | None) -> Post:
    """Change a message; what it said before is kept in its visible history."""
    _check_can_edit(post=post, user=user)
    source = _clean_source(source)
    if source == post.source:
        return post
    _check_links(user=user, source=source)
    now = timezone.now()
    old_source = post.source
    with transaction.atomic():
        PostRevision.objects.create(
            post=post,
            source=post.source,
            html=post.html,
            editor=user,
            created_at=post.edited_at or post.created_at,
            replaced_at=now,
        )
        post.source = source
        post.html = _render(source)
        post.content_hash = markup.content_hash(source)
        post.edited_at = now
        post.edit_count = F("edit_count") + 1
        post.save(update_fields=["source", "html", "content_hash", "edited_at", "edit_count"])
        post.refresh_from_db()
        added = set(markup.mentioned_handles(source)) - set(markup.mentioned_handles(old_source))
        mentions_announce(
            post=post, handles=added, key=f"forums.post:{post.pk}:edit:{post.edit_count}"
        )
    return post


@dataclasses.dataclass(frozen=True)
class Preview:
    """A message as it will be shown, before it is posted."""

    html: str
    author: object
    handle: str
    # What will not look as typed (pictures shown as links, unknown @handles…).
    remarks: list[str]
    # Why posting it now would be refused (too many links, the same message twice…).
    refusal: PostingRefused | None = None


def post_preview(
    *,
    user: User,
    source: str | None,
    category: Category | None = None,
    topic: Topic | None = None,
    post: Post | None = None,
) -> Preview:
    """Render a message as posting it would, with the same rights: a new topic in
    ``category``, a reply in ``topic``, or an edit of ``post``. Nothing is written.

    Raises PermissionDenied where posting would, and PostingRefused for an empty or too long
    message; the anti-abuse refusals posting would give are returned with the preview, so
    that the person sees both.
    """
    if post is not None:
        _check_can_edit(post=post, user=user)
        author = post.author
    else:
        where = topic.category if topic is not None else category
        # Callers name a category, a topic or a post: ``where`` is never None here.
        refusal = posting_refusal(category=where, user=user, topic=topic)  # type: ignore[arg-type]
        if refusal:
            raise PermissionDenied(refusal)
        author = user
    source = _clean_source(source)
    handles = markup.mentioned_handles(source)
    known = set(ForumProfile.objects.filter(handle__in=handles).values_list("handle", flat=True))
    remarks = markup.remarks(source)
    unknown = [handle for handle in handles if handle not in known]
    if unknown:
        remarks.append(
            ngettext(
                "Nobody has the handle %(handles)s: nobody will be told.",
                "Nobody has the handles %(handles)s: nobody will be told.",
                len(unknown),
            )
            % {"handles": ", ".join(f"@{handle}" for handle in unknown)}
        )
    refusal = None
    try:
        if post is None:
            _check_abuse(user=user, source=source)
        elif source != post.source:
            _check_links(user=user, source=source)
    except PostingRefused as error:
        refusal = error
    return Preview(
        html=markup.render(source, handles=known),
        author=author,
        handle=profile_for(author).handle if author is not None else "",
        remarks=remarks,
        refusal=refusal,
    )


def topic_close(*, topic: Topic, user: User | AnonymousUser, conclusion: str | None) -> Topic:
    """Close a topic with a written conclusion (its author or a moderator)."""
    if not can_close(topic=topic, user=user):
        raise PermissionDenied(_("Only the author of the topic or a moderator can close it."))
    conclusion = (conclusion or "").strip()
    if not conclusion:
        raise ValidationError(
            {"conclusion": _("Write a conclusion: what was decided or learnt.")}, code="required"
        )
    topic.closed_at = timezone.now()
    topic.closed_by = user
    topic.conclusion = conclusion
    topic.save(update_fields=["closed_at", "closed_by", "conclusion"])
    return topic


def topic_reopen(*, topic: Topic, user: User | AnonymousUser) -> Topic:
    if not can_close(topic=topic, user=user):
        raise PermissionDenied(_("Only the author of the topic or a moderator can reopen it."))
    topic.closed_at, topic.closed_by, topic.conclusion = None, None, ""
    topic.save(update_fields=["closed_at", "closed_by", "conclusion"])
    return topic


def topic_set_flags(
    *, topic: Topic, user: User, pinned: bool | None = None, locked: bool | None = None
) -> Topic:
    """Pin or lock a topic: moderators only."""
    if not is_moderator(user):
        raise PermissionDenied(_("Only moderators can pin or lock a topic."))
    if pinned is not None:
        topic.pinned = pinned
    if locked is not None:
        topic.locked = locked
    topic.save(update_fields=["pinned", "locked"])
    return topic


# --- Reports and moderation ------------------------------------------------------------------


def post_report(
    *, post: Post, user: User | AnonymousUser, reason: str, comment: str = ""
) -> Report:
    """Flag a message. When enough different people did, it is hidden until a moderator decides."""
    if not user.is_authenticated:
        raise PermissionDenied(_("Log in to report a message."))
    if not can_view_topic(topic=post.topic, user=user):
        raise PermissionDenied(_("You cannot see this message."))
    if post.author_id == user.pk:
        raise ValidationError(_("You cannot report your own message."))
    if reason not in Report.Reason.values:
        raise ValidationError({"reason": _("Choose a reason from the list.")})
    with transaction.atomic():
        report, created = Report.objects.get_or_create(
            post=post, reporter=user, defaults={"reason": reason, "comment": comment[:1000]}
        )
        if not created:
            raise ValidationError(_("You have already reported this message."))
        open_reports = Report.objects.filter(post=post, resolved_at__isnull=True)
        if post.status == PublicationStatus.PUBLISHED and open_reports.values(
            "reporter"
        ).distinct().count() >= limit("FORUMS_REPORTS_TO_HIDE"):
            # A TextChoices member: a tuple to mypy without django-stubs (see [tool.mypy]).
            _set_status(post, PublicationStatus.HIDDEN)  # type: ignore[arg-type]
    return report


def _set_status(post: Post, status: str) -> None:
    was_published = post.status == PublicationStatus.PUBLISHED
    Post.objects.filter(pk=post.pk).update(status=status)
    post.status = status
    topic = post.topic
    if topic.posts.order_by("created_at", "pk").values_list("pk", flat=True).first() == post.pk:
        # The opening message carries its topic with it.
        Topic.objects.filter(pk=topic.pk).update(status=status)
        topic.status = status
    else:
        delta = int(status == PublicationStatus.PUBLISHED) - int(was_published)
        if delta:
            Topic.objects.filter(pk=topic.pk).update(reply_count=F("reply_count") + delta)


def moderation_decide(
    *,
    moderator: User,
    action: str,
    reason: str | None,
    post: Post | None = None,
    account: User | None = None,
) -> ModerationDecision:
    """Record a moderator's decision, with its reason, and apply it.

    approve: publish a pending or hidden message (reports about it are resolved);
    hide: keep it out of sight; delete: remove it for good (the log keeps the decision);
    suspend / reinstate: the account of ``account`` (or the message's author).
    """
    if not is_moderator(moderator):
        raise PermissionDenied(_("Only moderators can take moderation decisions."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for this decision.")})
    Action = ModerationDecision.Action
    if action not in Action.values:
        raise ValidationError({"action": _("Choose a decision from the list.")})
    if action in (Action.APPROVE, Action.HIDE, Action.DELETE) and post is None:
        raise ValidationError(_("This decision is about a message."))
    account = account or (post.author if post is not None else None)
    if action in (Action.SUSPEND, Action.REINSTATE) and account is None:
        raise ValidationError(_("This decision is about an account."))
    now = timezone.now()
    with transaction.atomic():
        if post is not None:
            post = Post.objects.select_for_update().select_related("topic").get(pk=post.pk)
        # The checks above made sure that a decision about a message has one, and one about
        # an account has one. The statuses are TextChoices members: tuples to mypy without
        # django-stubs (see [tool.mypy]).
        if action == Action.APPROVE:
            assert post is not None
            was_pending = post.status == PublicationStatus.PENDING
            _set_status(post, PublicationStatus.PUBLISHED)  # type: ignore[arg-type]
            if was_pending:
                Topic.objects.filter(pk=post.topic_id).update(last_activity_at=now)
                post_announce(post=post)
        elif action == Action.HIDE:
            assert post is not None
            _set_status(post, PublicationStatus.HIDDEN)  # type: ignore[arg-type]
        elif action == Action.DELETE:
            assert post is not None
            _set_status(post, PublicationStatus.DELETED)  # type: ignore[arg-type]
        elif action == Action.SUSPEND:
            assert account is not None
            ForumProfile.objects.filter(pk=profile_for(account).pk).update(
                suspended_at=now, suspension_reason=reason
            )
        elif action == Action.REINSTATE:
            assert account is not None
            ForumProfile.objects.filter(pk=profile_for(account).pk).update(
                suspended_at=None, suspension_reason=""
            )
        if post is not None and action in (Action.APPROVE, Action.HIDE, Action.DELETE):
            Report.objects.filter(post=post, resolved_at__isnull=True).update(resolved_at=now)
        if account is not None:
            account.__dict__.pop("_forum_profile_cache", None)
        return ModerationDecision.objects.create(
            action=action, reason=reason, post=post, account=account, moderator=moderator
        )


# --- Following and the notifications list --------------------------------------------------


def follow_set(
    *,
    user: User | AnonymousUser,
    follow: bool,
    category: Category | None = None,
    topic: Topic | None = None,
) -> None:
    """Follow or stop following a category or a topic the person can see."""
    if not user.is_authenticated:
        raise PermissionDenied(_("Log in to follow."))
    # Callers name a category or a topic: ``topic`` is not None when ``category`` is.
    visible_category = category if category is not None else topic.category  # type: ignore[union-attr]
    if not can_view(category=visible_category, user=user):
        raise PermissionDenied(_("You cannot see this."))
    if follow:
        _follow(user, topic=topic, category=category)
    else:
        Subscription.objects.filter(user=user, topic=topic, category=category).delete()


def notifications_mark_read(*, user: User, post: Post | None = None) -> int:
    """Mark the person's notifications read: all of them, or those about one message."""
    rows = ForumNotification.objects.filter(user=user, read_at__isnull=True)
    if post is not None:
        rows = rows.filter(post=post)
    return rows.update(read_at=timezone.now())


def forum_mail_set(*, user: User, enabled: bool, actor_email: str) -> ForumProfile:
    """Turn forum mail on or off. Only its owner may (signed in, or holding the link of
    their own preferences)."""
    if actor_email.lower() != user.email.lower():
        raise PermissionDenied
    profile = profile_for(user)
    profile.mail = enabled
    profile.save(update_fields=["mail"])
    return profile
