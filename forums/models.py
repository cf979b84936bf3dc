"""Forums: a tree of categories (public, or private to groups and members), topics, posts in
Markdown with their edit history and attachments, reports, moderation decisions, follows and
the on-site notifications list.

Who may see what is decided in one place, ``CategoryQuerySet.visible_to``; every list,
search, feed and notification goes through it (see ``forums.selectors``).
"""

import uuid

from django.conf import settings
from django.core.files.storage import storages
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

MODERATORS_GROUP = "Moderators"


def is_moderator(user):
    """Superusers and the "Moderators" group moderate the forums, and see every category."""
    if user is None or not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    cached = getattr(user, "_forums_is_moderator", None)
    if cached is None:
        cached = user.groups.filter(name=MODERATORS_GROUP).exists()
        user._forums_is_moderator = cached
    return cached


class CategoryQuerySet(models.QuerySet):
    def visible_to(self, user):
        """THE visibility rule: public categories, plus the private ones whose groups or
        member list include the person. Moderators and superusers see them all."""
        if user is None or not user.is_authenticated:
            return self.filter(visibility=Category.Visibility.PUBLIC)
        if is_moderator(user):
            return self.all()
        through_groups = Category.groups.through.objects.filter(group__user=user).values(
            "category_id"
        )
        through_members = Category.members.through.objects.filter(user=user).values("category_id")
        return self.filter(
            Q(visibility=Category.Visibility.PUBLIC)
            | Q(pk__in=through_groups)
            | Q(pk__in=through_members)
        )


class Category(models.Model):
    """A forum category, in a tree: by sector, territory or theme.

    A private category is seen only by its groups and members (and moderators); its
    sub-categories must be private too (``clean``), so that nothing leaks below it.
    """

    class Visibility(models.TextChoices):
        PUBLIC = "public", _("Public: everyone can read")
        PRIVATE = "private", _("Private: only the groups and members listed")

    name_fr = models.CharField(_("name in French"), max_length=120)
    name_en = models.CharField(_("name in English"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    description_fr = models.TextField(_("description in French"), blank=True)
    description_en = models.TextField(_("description in English"), blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    sector = models.ForeignKey(
        "network.Sector",
        verbose_name=_("sector"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="forum_categories",
    )
    territory = models.ForeignKey(
        "network.Territory",
        verbose_name=_("territory"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="forum_categories",
    )
    visibility = models.CharField(
        _("visibility"), max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    groups = models.ManyToManyField(
        "auth.Group",
        verbose_name=_("groups allowed"),
        blank=True,
        related_name="forum_categories",
        help_text=_("For a private category: the groups whose members may read and post."),
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("members allowed"),
        blank=True,
        related_name="forum_categories",
        help_text=_("For a private category: people who may read and post, besides the groups."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    objects = CategoryQuerySet.as_manager()

    class Meta:
        verbose_name = _("forum category")
        verbose_name_plural = _("forum categories")
        ordering = ["position", "name_fr"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("forums:category", args=[self.slug])

    @property
    def name(self):
        return self.name_en if get_language() == "en" and self.name_en else self.name_fr

    @property
    def description(self):
        if get_language() == "en" and self.description_en:
            return self.description_en
        return self.description_fr

    @property
    def is_private(self):
        return self.visibility == self.Visibility.PRIVATE

    def clean(self):
        from django.core.exceptions import ValidationError

        ancestor, seen = self.parent, set()
        while ancestor is not None:
            if ancestor.pk == self.pk or ancestor.pk in seen:
                raise ValidationError({"parent": _("A category cannot be inside itself.")})
            if ancestor.is_private and not self.is_private:
                raise ValidationError(
                    {"visibility": _("A category inside a private category must be private too.")}
                )
            seen.add(ancestor.pk)
            ancestor = ancestor.parent


class PublicationStatus(models.TextChoices):
    PUBLISHED = "published", _("Published")
    PENDING = "pending", _("Awaiting approval")
    HIDDEN = "hidden", _("Hidden until a moderator decides")
    DELETED = "deleted", _("Deleted by a moderator")


class TopicQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Published topics of the categories the person may see."""
        return self.filter(
            category__in=Category.objects.visible_to(user), status=PublicationStatus.PUBLISHED
        )


class Topic(models.Model):
    """A conversation. Its first post is the opening message; its status follows that post's."""

    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="topics"
    )
    title = models.CharField(_("title"), max_length=160)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="forum_topics",
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=PublicationStatus.choices,
        default=PublicationStatus.PUBLISHED,
    )
    pinned = models.BooleanField(_("pinned"), default=False)
    locked = models.BooleanField(
        _("locked"), default=False, help_text=_("Nobody but moderators can reply.")
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    conclusion = models.TextField(_("conclusion"), blank=True)
    reply_count = models.PositiveIntegerField(_("replies"), default=0)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    last_activity_at = models.DateTimeField(_("last activity"), default=timezone.now)

    objects = TopicQuerySet.as_manager()

    class Meta:
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        ordering = ["-pinned", "-last_activity_at"]
        indexes = [models.Index(fields=["category", "status", "-pinned", "-last_activity_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(closed_at__isnull=True) | ~Q(conclusion=""),
                name="forums_closed_topic_has_a_conclusion",
            )
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("forums:topic", args=[self.pk])

    @property
    def is_closed(self):
        return self.closed_at is not None


class PostQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Published posts of published topics in categories the person may see."""
        return self.filter(
            topic__in=Topic.objects.visible_to(user), status=PublicationStatus.PUBLISHED
        )


class Post(models.Model):
    """One message: its Markdown source and the sanitised HTML rendered from it."""

    topic = models.ForeignKey(
        Topic, verbose_name=_("topic"), on_delete=models.CASCADE, related_name="posts"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="forum_posts",
    )
    source = models.TextField(_("message"))
    html = models.TextField(_("rendered message"))
    quoted = models.ForeignKey(
        "self",
        verbose_name=_("quoted message"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="quoted_by",
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=PublicationStatus.choices,
        default=PublicationStatus.PUBLISHED,
    )
    # A digest of the normalised source, to refuse the same message twice in a row.
    content_hash = models.CharField(max_length=64, db_index=True)
    edit_count = models.PositiveIntegerField(_("edits"), default=0)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)
    edited_at = models.DateTimeField(_("edited at"), null=True, blank=True)

    objects = PostQuerySet.as_manager()

    class Meta:
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["topic", "status", "created_at"])]

    def __str__(self):
        return f"{self.topic} #{self.pk}"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("forums:post", args=[self.pk])


class PostRevision(models.Model):
    """What a post said before an edit: the visible edit history."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="revisions")
    source = models.TextField(_("message"))
    html = models.TextField(_("rendered message"))
    editor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("written at"))
    replaced_at = models.DateTimeField(_("replaced at"), default=timezone.now)

    class Meta:
        verbose_name = _("post revision")
        verbose_name_plural = _("post revisions")
        ordering = ["-replaced_at", "-pk"]

    def __str__(self):
        return f"{self.post} ({self.replaced_at:%Y-%m-%d %H:%M})"


def attachment_path(instance, filename):
    # A random folder: the file is only ever served through the view that checks access.
    return f"forums/{uuid.uuid4().hex}/{filename}"


def private_storage():
    """STORAGES' ``private``: under PRIVATE_MEDIA_ROOT, outside what ``/media/`` serves
    (website/security.py::PrivateFileStorage). Files stored before it moved there with
    migration 0002."""
    return storages["private"]


class Attachment(models.Model):
    """An image or PDF attached to a post; type checked from its bytes, name made safe."""

    class Kind(models.TextChoices):
        IMAGE = "image", _("Image")
        PDF = "pdf", _("PDF document")

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(
        _("file"), upload_to=attachment_path, storage=private_storage, max_length=255
    )
    name = models.CharField(_("file name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    content_type = models.CharField(_("content type"), max_length=40)
    size = models.PositiveIntegerField(_("size in bytes"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["pk"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("forums:attachment", args=[self.pk, self.name])


class ForumProfile(models.Model):
    """A person's forum identity: the @handle others mention, and a suspension."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="forum_profile"
    )
    handle = models.SlugField(
        _("handle"),
        max_length=40,
        unique=True,
        help_text=_("Others mention you with @ followed by this handle."),
    )
    suspended_at = models.DateTimeField(_("suspended at"), null=True, blank=True)
    suspension_reason = models.TextField(_("reason for the suspension"), blank=True)
    # Mail about mentions and follows; off, the notifications list on the site still has them.
    mail = models.BooleanField(_("forum mail"), default=True)

    class Meta:
        verbose_name = _("forum profile")
        verbose_name_plural = _("forum profiles")

    def __str__(self):
        return f"@{self.handle}"

    @property
    def is_suspended(self):
        return self.suspended_at is not None


class Report(models.Model):
    """Someone flags a post. Three distinct reporters hide it until a moderator decides."""

    class Reason(models.TextChoices):
        SPAM = "spam", _("Spam or advertising")
        OFFENSIVE = "offensive", _("Offensive or abusive")
        OFF_TOPIC = "off_topic", _("Off topic")
        OTHER = "other", _("Something else")

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="forum_reports"
    )
    reason = models.CharField(_("reason"), max_length=12, choices=Reason.choices)
    comment = models.TextField(_("comment"), blank=True, max_length=1000)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        constraints = [
            models.UniqueConstraint(
                fields=["post", "reporter"], name="forums_one_report_per_person"
            )
        ]

    def __str__(self):
        return f"{self.get_reason_display()}: {self.post}"


class ModerationDecision(models.Model):
    """The log of moderation: who decided what, about which post or account, and why."""

    class Action(models.TextChoices):
        APPROVE = "approve", _("Approve")
        HIDE = "hide", _("Hide")
        DELETE = "delete", _("Delete")
        SUSPEND = "suspend", _("Suspend the account")
        REINSTATE = "reinstate", _("Lift the suspension")

    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    reason = models.TextField(_("reason"))
    post = models.ForeignKey(
        Post, null=True, blank=True, on_delete=models.SET_NULL, related_name="decisions"
    )
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="forum_decisions_about",
    )
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("moderator"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="forum_decisions_made",
    )
    created_at = models.DateTimeField(_("decided at"), default=timezone.now)

    class Meta:
        verbose_name = _("moderation decision")
        verbose_name_plural = _("moderation decisions")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="forums_decision_reason")
        ]

    def __str__(self):
        return f"{self.get_action_display()} ({self.created_at:%Y-%m-%d})"


class Subscription(models.Model):
    """A person follows a category (new topics) or a topic (new replies)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="forum_subscriptions"
    )
    category = models.ForeignKey(
        Category, null=True, blank=True, on_delete=models.CASCADE, related_name="subscriptions"
    )
    topic = models.ForeignKey(
        Topic, null=True, blank=True, on_delete=models.CASCADE, related_name="subscriptions"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")
        constraints = [
            models.CheckConstraint(
                condition=Q(category__isnull=True, topic__isnull=False)
                | Q(category__isnull=False, topic__isnull=True),
                name="forums_subscription_follows_one_thing",
            ),
            models.UniqueConstraint(
                fields=["user", "category"],
                condition=Q(category__isnull=False),
                name="forums_one_follow_per_category",
            ),
            models.UniqueConstraint(
                fields=["user", "topic"],
                condition=Q(topic__isnull=False),
                name="forums_one_follow_per_topic",
            ),
        ]

    def __str__(self):
        return f"{self.user} → {self.topic or self.category}"


class ForumNotification(models.Model):
    """One line of a person's on-site notifications list (the mail goes through the outbox)."""

    class Reason(models.TextChoices):
        MENTION = "mention", _("mentioned you")
        REPLY = "reply", _("replied in a topic you follow")
        NEW_TOPIC = "new_topic", _("opened a topic in a category you follow")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="forum_notifications"
    )
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="notifications")
    reason = models.CharField(_("reason"), max_length=12, choices=Reason.choices)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("forum notification")
        verbose_name_plural = _("forum notifications")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "post"], name="forums_one_notice_per_post")
        ]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self):
        return f"{self.user}: {self.post}"
