"""Writing to the outbox, and delivering from it exactly once per recipient and channel."""

import datetime as dt
import smtplib

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.mail import get_connection
from django.db import transaction
from django.utils import timezone

from . import registry
from .models import Delivery, Notification

MAX_ATTEMPTS = 8
FIRST_RETRY = dt.timedelta(minutes=1)
LAST_RETRY = dt.timedelta(hours=6)


def notification_create(*, kind, key, recipients, payload=None, send_at=None):
    """Record a change and who must hear of it, in the caller's transaction.

    ``recipients`` are users (mail goes to their address, in their language) or e-mail
    addresses. The same ``key`` twice records nothing more: a change is announced once.
    Deliveries are handed to the queue after commit, or wait for ``send_at`` (then the
    periodic ``dispatch_due`` sends them), which lets a newer change supersede them.
    """
    notification, created = Notification.objects.get_or_create(
        key=key, defaults={"kind": kind, "payload": payload or {}}
    )
    if not created:
        return notification
    deliveries = []
    for recipient in recipients:
        user = None if isinstance(recipient, str) else recipient
        address = recipient if user is None else user.email
        deliveries.append(
            Delivery(
                notification=notification,
                channel=Delivery.Channel.EMAIL,
                recipient=address,
                user=user,
                next_attempt_at=send_at or timezone.now(),
            )
        )
    Delivery.objects.bulk_create(deliveries, ignore_conflicts=True)
    if send_at is None or send_at <= timezone.now():
        ids = list(notification.deliveries.values_list("pk", flat=True))
        transaction.on_commit(lambda: _enqueue(ids))
    return notification


def _enqueue(ids):
    from .tasks import deliver

    for pk in ids:
        deliver.delay(pk)


def is_transient(error):
    """SMTP 4xx answers and network trouble pass; 5xx answers and refused recipients do not."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code < 500 for code, _message in error.recipients.values())
    if isinstance(error, smtplib.SMTPResponseException):
        return 400 <= error.smtp_code < 500
    return isinstance(error, (smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError, OSError))


def retry_delay(attempts):
    return min(FIRST_RETRY * (2 ** max(attempts - 1, 0)), LAST_RETRY)


def delivery_send(*, delivery_id, now=None):
    """Send one pending delivery; a second call for the same one sends nothing.

    The row stays locked while the message leaves, so two workers given the same delivery
    cannot both send it (on SQLite, IMMEDIATE transactions serialise them).
    """
    now = now or timezone.now()
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update(of=("self",))
            .select_related("notification", "user")
            .filter(pk=delivery_id, status=Delivery.Status.PENDING, next_attempt_at__lte=now)
            .first()
        )
        if delivery is None:
            return None
        try:
            message = registry.render(delivery)
            if message is not None:
                connection = get_connection(settings.ESSAIM_EMAIL_DELIVERY_BACKEND)
                connection.send_messages([message])
        except Exception as error:  # noqa: BLE001 - every failure is recorded, none is lost
            delivery.attempts += 1
            delivery.last_error = f"{type(error).__name__}: {error}"[:2000]
            if is_transient(error) and delivery.attempts < MAX_ATTEMPTS:
                delivery.next_attempt_at = now + retry_delay(delivery.attempts)
            else:
                delivery.status = Delivery.Status.FAILED
            delivery.save(update_fields=["attempts", "last_error", "next_attempt_at", "status"])
            return delivery
        delivery.attempts += 1
        delivery.status = Delivery.Status.SENT
        delivery.sent_at = now
        delivery.save(update_fields=["attempts", "status", "sent_at"])
        return delivery


def deliveries_due(*, now=None, limit=500):
    """Pending deliveries whose time has come: new ones the queue lost, and retries."""
    return list(
        Delivery.objects.filter(
            status=Delivery.Status.PENDING, next_attempt_at__lte=now or timezone.now()
        )
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )


def delivery_retry(*, delivery, user):
    """An administrator sends a failed delivery again."""
    if not user.is_superuser:
        raise PermissionDenied
    with transaction.atomic():
        updated = Delivery.objects.filter(pk=delivery.pk, status=Delivery.Status.FAILED).update(
            status=Delivery.Status.PENDING, next_attempt_at=timezone.now(), attempts=0
        )
        if updated:
            transaction.on_commit(lambda: _enqueue([delivery.pk]))
    return bool(updated)
