"""The outbox: one ``Notification`` per change, one ``Delivery`` per recipient and channel.

Both are written in the transaction of the change they announce, so a change and its
notifications are saved together or not at all. Tasks deliver after commit, and a periodic
task picks up whatever is still pending (broker down, worker killed, SMTP unavailable).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    """A change worth telling people about, identified by ``key`` so it is recorded once."""

    kind = models.CharField(_("kind"), max_length=80)
    key = models.CharField(_("key"), max_length=200, unique=True)
    payload = models.JSONField(_("payload"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")

    def __str__(self):
        return f"{self.kind} ({self.key})"


class Delivery(models.Model):
    """One notification to one recipient on one channel: sent once, or failed and shown."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("E-mail")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        # A newer notification about the same thing replaced it before it left.
        SUPERSEDED = "superseded", _("Replaced by a newer one")

    notification = models.ForeignKey(
        Notification, on_delete=models.CASCADE, related_name="deliveries"
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    recipient = models.CharField(_("recipient"), max_length=254)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="deliveries",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    # When it was last handed to the queue: ``dispatch_due`` leaves it there a while.
    queued_at = models.DateTimeField(_("queued at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["notification", "channel", "recipient"],
                name="notifications_one_delivery_per_recipient_and_channel",
            ),
            models.CheckConstraint(
                condition=~Q(status="sent") | Q(sent_at__isnull=False),
                name="notifications_sent_deliveries_have_a_time",
            ),
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self):
        return f"{self.notification.kind} → {self.recipient} ({self.status})"


class Subscriber(models.Model):
    """Someone who receives optional mail (announcements, digests, reminders): a person with
    an account, or an address that confirmed it wants them (double opt-in)."""

    class Frequency(models.TextChoices):
        IMMEDIATE = "immediate", _("Each one as it comes")
        DAILY = "daily", _("A daily digest")
        WEEKLY = "weekly", _("A weekly digest")

    email = models.EmailField(_("e-mail address"), unique=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="subscriber",
    )
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    time_zone = models.CharField(_("time zone"), max_length=64, default=settings.TIME_ZONE)
    frequency = models.CharField(
        _("announcements"), max_length=10, choices=Frequency.choices, default=Frequency.IMMEDIATE
    )

    class Reminder(models.IntegerChoices):
        NONE = 0, _("No reminder")
        HOUR = 1, _("One hour before")
        THREE_HOURS = 3, _("Three hours before")
        DAY = 24, _("The day before")
        TWO_DAYS = 48, _("Two days before")
        WEEK = 168, _("A week before")

    # Hours before an event someone registered for to remind them of it; 0: never.
    reminder_hours = models.PositiveSmallIntegerField(
        _("reminders"), choices=Reminder.choices, default=Reminder.DAY
    )
    # Rows exist only for confirmed addresses: an e-mail-only subscriber is created when
    # they open their confirmation link, a person with an account from their verified address.
    confirmed_at = models.DateTimeField(_("confirmed at"), default=timezone.now)
    last_digest_at = models.DateTimeField(_("last digest"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    # Signed unsubscribe and preferences links carry this number (when not 0); raising it
    # makes every link already mailed stop working (subscribers.subscriber_links_revoke).
    links_version = models.PositiveIntegerField(_("version of mailed links"), default=0)

    class Meta:
        verbose_name = _("subscriber")
        verbose_name_plural = _("subscribers")

    def __str__(self):
        return self.email


class DigestItem(models.Model):
    """Something waiting for a subscriber's next digest: ``kind`` names its renderer."""

    subscriber = models.ForeignKey(
        Subscriber, on_delete=models.CASCADE, related_name="digest_items"
    )
    kind = models.CharField(_("kind"), max_length=80)
    object_id = models.PositiveBigIntegerField()
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("digest item")
        verbose_name_plural = _("digest items")
        constraints = [
            models.UniqueConstraint(
                fields=["subscriber", "kind", "object_id"],
                name="notifications_digest_item_once",
            )
        ]

    def __str__(self):
        return f"{self.subscriber} – {self.kind} {self.object_id}"
