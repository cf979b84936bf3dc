"""Writing to the outbox, and delivering from it exactly once per recipient and channel."""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import smtplib
import threading
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.mail import get_connection
from django.db import OperationalError, transaction
from django.db.models import F, Q
from django.utils import timezone

from . import registry
from .models import Delivery, Notification

if TYPE_CHECKING:
    from django.core.mail import EmailMessage

    from website.accounts.models import User

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
# A notification for more people than this is fanned out by a task in the worker, so that
# the request that published it does not queue thousands of messages itself.
FAN_OUT_IN_WORKER = 20
# A delivery still pending this long after it was queued was lost by the queue.
REQUEUE_AFTER = dt.timedelta(minutes=10)
FIRST_RETRY = dt.timedelta(minutes=1)
LAST_RETRY = dt.timedelta(hours=6)


def notification_create(
    *,
    kind: str,
    key: str,
    recipients: Iterable[User | str],
    payload: dict[str, Any] | None = None,
    send_at: dt.datetime | None = None,
) -> Notification:
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
        if len(deliveries) > FAN_OUT_IN_WORKER:
            transaction.on_commit(lambda: _enqueue_fan_out(notification.pk))
        else:
            ids = list(notification.deliveries.values_list("pk", flat=True))
            transaction.on_commit(lambda: enqueue(ids))
    return notification


def pending_supersede(*, kind: str, payload: dict[str, Any]) -> list[dict[str, Any]]:
    """Replace what still waits to be sent: the pending deliveries of ``kind`` whose
    notification's payload has these values (a list matches any of its items) are superseded,
    in the caller's transaction, by the notification the caller records next. Returns the
    superseded notifications' payloads, for a caller that carries what they announced over.
    """
    lookups: dict[str, Any] = {}
    for name, value in payload.items():
        if isinstance(value, list | tuple | set):
            lookups[f"notification__payload__{name}__in"] = list(value)
        else:
            lookups[f"notification__payload__{name}"] = value
    waiting = Delivery.objects.filter(
        notification__kind=kind, status=Delivery.Status.PENDING, **lookups
    )
    payloads = list(
        Notification.objects.filter(deliveries__in=waiting)
        .distinct()
        .values_list("payload", flat=True)
    )
    if payloads:
        waiting.update(status=Delivery.Status.SUPERSEDED)
    return payloads


def _enqueue_fan_out(notification_id: int) -> None:
    from .tasks import fan_out

    try:
        fan_out.delay(notification_id)
    except Exception:  # noqa: BLE001 - the broker is down: dispatch_due sends them later
        logger.warning(
            "Broker unavailable: notification %s waits for dispatch_due", notification_id
        )


def enqueue(ids: Sequence[int]) -> None:
    """Hand deliveries to the queue. When the broker is down, stop at the first failure:
    the deliveries stay pending in the database and the periodic ``dispatch_due`` queues
    them once it is back. The change that recorded them is never undone by it."""
    from .tasks import deliver

    Delivery.objects.filter(pk__in=ids).update(queued_at=timezone.now())
    for index, pk in enumerate(ids):
        try:
            deliver.delay(pk)
        except Exception:  # noqa: BLE001 - kombu raises several kinds of connection errors
            Delivery.objects.filter(pk__in=ids[index:]).update(queued_at=None)
            logger.warning(
                "Broker unavailable: %d deliveries wait for dispatch_due", len(ids) - index
            )
            return


def pending_deliveries(notification_id: int) -> list[int]:
    return list(
        Delivery.objects.filter(
            notification_id=notification_id, status=Delivery.Status.PENDING
        ).values_list("pk", flat=True)
    )


def is_transient(error: BaseException) -> bool:
    """SMTP 4xx answers, network trouble and a busy database (a renderer waits on a row lock:
    a lock timeout, SQLite's "database is locked") pass; 5xx answers and refused recipients
    do not."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code < 500 for code, _message in error.recipients.values())
    if isinstance(error, smtplib.SMTPResponseException):
        return 400 <= error.smtp_code < 500
    return isinstance(
        error,
        (smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError, OSError, OperationalError),
    )


def retry_delay(attempts: int) -> dt.timedelta:
    return min(FIRST_RETRY * (2 ** max(attempts - 1, 0)), LAST_RETRY)


def delivery_send(*, delivery_id: int, now: dt.datetime | None = None) -> Delivery | None:
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
            # What a renderer records about the message (events' CalendarCopy: what a
            # calendar was told) is kept only if the message leaves.
            with transaction.atomic():
                message = registry.render(delivery)
                if message is not None:
                    # One Message-ID per delivery: were a copy ever sent twice (a worker killed
                    # between the server's acceptance and the commit below), mailboxes merge it.
                    message.extra_headers["Message-ID"] = message_id(delivery)
                    _send(message)
        except Exception as error:  # noqa: BLE001 - every failure is recorded, none is lost
            _drop_connection()
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


def message_id(delivery: Delivery) -> str:
    domain = urlsplit(settings.BASE_URL).hostname or "localhost"
    return f"<delivery-{delivery.pk}.{delivery.notification_id}@{domain}>"


_connections = threading.local()


def _send(message: EmailMessage) -> None:
    """Send through a connection kept open between deliveries of this thread: a fan-out to
    thousands does not open thousands of SMTP sessions."""
    if not settings.ESSAIM_EMAIL_DELIVERY_BACKEND.endswith("smtp.EmailBackend"):
        # Console, files, memory: nothing to keep open (a console's stream may be gone).
        connection = get_connection(settings.ESSAIM_EMAIL_DELIVERY_BACKEND)
        if not connection.send_messages([message]) and message.recipients():
            raise smtplib.SMTPException("The mail backend sent nothing.")
        return None
    target = (
        settings.ESSAIM_EMAIL_DELIVERY_BACKEND,
        getattr(settings, "EMAIL_HOST", None),
        getattr(settings, "EMAIL_PORT", None),
    )
    if getattr(_connections, "target", None) != target:
        _drop_connection()  # settings changed (tests do): never reuse the old server's session
    connection = getattr(_connections, "connection", None)
    reused = connection is not None
    if connection is None:
        connection = get_connection(settings.ESSAIM_EMAIL_DELIVERY_BACKEND)
        connection.open()
        _connections.connection, _connections.target = connection, target
    try:
        sent = connection.send_messages([message])
    except smtplib.SMTPServerDisconnected:
        if not reused:
            raise
        # The server closed the idle session before this message began: open a new one.
        _drop_connection()
        return _send(message)
    if not sent and message.recipients():
        raise smtplib.SMTPException("The mail backend sent nothing.")


def _drop_connection() -> None:
    connection = getattr(_connections, "connection", None)
    _connections.connection = _connections.target = None
    if connection is not None:
        with contextlib.suppress(Exception):  # it is being thrown away
            connection.close()


def deliveries_due(*, now: dt.datetime | None = None, limit: int = 5000) -> list[int]:
    """Pending deliveries whose time has come: new ones the queue lost, retries, and
    updates that waited out their delay. One handed to the queue recently is left to it."""
    now = now or timezone.now()
    return list(
        Delivery.objects.filter(status=Delivery.Status.PENDING, next_attempt_at__lte=now)
        .filter(
            Q(queued_at__isnull=True)
            | Q(queued_at__lte=now - REQUEUE_AFTER)
            | Q(queued_at__lt=F("next_attempt_at"))
        )
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )


def delivery_retry(*, delivery: Delivery, user: User) -> bool:
    """An administrator sends a failed delivery again."""
    if not user.is_superuser:
        raise PermissionDenied
    with transaction.atomic():
        updated = Delivery.objects.filter(pk=delivery.pk, status=Delivery.Status.FAILED).update(
            status=Delivery.Status.PENDING, next_attempt_at=timezone.now(), attempts=0
        )
        if updated:
            transaction.on_commit(lambda: enqueue([delivery.pk]))
    return bool(updated)
