"""Optional mail and the people who chose it: subscribers, double opt-in, one-click
unsubscribe (RFC 8058), preferences and digests.

Links in mails carry sealed tokens: the data (one address, one scope) encrypted and
authenticated with AES-256-GCM under a key derived from SECRET_KEY, the purpose bound as
associated data. They work without logging in, cannot be forged, altered or turned to
another purpose or address, and do not show the address: a link forwarded, logged by a
proxy or kept in a browser's history gives it away to nobody.

Until 2026 the links were signed with ``django.core.signing``, whose payload is base64 JSON
that anyone can read. Those already mailed keep working until they expire (never for
unsubscribe and preferences links, CONFIRM_MAX_AGE for confirmations): a token with two
``:`` (payload, time, signature) is read the old way.
"""

import base64
import binascii
import datetime as dt
import hashlib
import json
import os
import time

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac

from website.addresses import absolute_url

from . import registry
from .models import Delivery, DigestItem, Subscriber
from .services import notification_create

CONFIRM = "notifications.subscription.confirm"
DIGEST = "notifications.digest"

# At most this many confirmation mails per address and day, whatever was asked.
CONFIRMATIONS_PER_DAY = 3
# A confirmation link works this long.
CONFIRM_MAX_AGE = dt.timedelta(days=7)
DIGEST_PERIODS = {
    Subscriber.Frequency.DAILY: dt.timedelta(days=1),
    Subscriber.Frequency.WEEKLY: dt.timedelta(days=7),
}
# Digests built by an hourly task: a period is due a little before it has fully passed.
DIGEST_TOLERANCE = dt.timedelta(minutes=30)

# Scopes of an unsubscribe link.
ALL = "all"
REMINDERS = "reminders"


# Sealed tokens: "<nonce>:<sealed>", both base64url without padding: a 96-bit random nonce,
# and the AES-GCM ciphertext of {"d": data, "t": issued at, in Unix seconds} with its 128-bit
# tag. A fresh nonce each time: two links to one address look unrelated.
NONCE_BYTES = 12
TAG_BYTES = 16


def _link_keys():
    """The AES-256 keys links are sealed with (the first) and opened with (each in turn):
    derived from SECRET_KEY, then from each of SECRET_KEY_FALLBACKS, so that links mailed
    before a key rotation keep working as long as the old key stays a fallback."""
    return [
        salted_hmac(
            "essaim.notifications.links", "aes-256-gcm", secret=secret, algorithm="sha256"
        ).digest()
        for secret in (settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS)
    ]


def _purpose(purpose):
    return f"essaim.notifications.{purpose}".encode()


def make_token(purpose, data):
    """A sealed token for ``purpose`` carrying ``data`` (JSON): opaque, URL-safe."""
    plain = json.dumps({"d": data, "t": int(time.time())}, separators=(",", ":")).encode()
    nonce = os.urandom(NONCE_BYTES)
    sealed = AESGCM(_link_keys()[0]).encrypt(nonce, plain, _purpose(purpose))
    return f"{_encoded(nonce)}:{_encoded(sealed)}"


def _encoded(raw):
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _decoded(text):
    """The bytes of one base64url part, or None. One spelling per token: base64 ignores the
    spare bits of a last character, and a changed character must not leave a link working."""
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        return None
    return raw if _encoded(raw) == text else None


def read_token(purpose, token, max_age=None, *, now=None):
    """The data a token was made with, or None when it was altered, made for another
    purpose or with another key, or is older than ``max_age`` (at ``now``)."""
    if token.count(":") != 1:
        return _read_signed_token(purpose, token, max_age)
    nonce, sealed = (_decoded(part) for part in token.split(":"))
    if nonce is None or sealed is None or len(nonce) != NONCE_BYTES or len(sealed) <= TAG_BYTES:
        return None
    for key in _link_keys():
        try:
            content = json.loads(AESGCM(key).decrypt(nonce, sealed, _purpose(purpose)))
        except InvalidTag:
            continue
        if max_age is not None:
            age = (time.time() if now is None else now.timestamp()) - content["t"]
            if age > max_age.total_seconds():
                return None
        return content["d"]
    return None


def _read_signed_token(purpose, token, max_age):
    """A link signed the old way (base64 JSON under an HMAC): already mailed, still honoured."""
    try:
        return signing.loads(token, salt=f"essaim.notifications.{purpose}", max_age=max_age)
    except signing.BadSignature:
        return None


def normalise_email(email):
    local, _at, domain = email.strip().rpartition("@")
    return f"{local}@{domain.lower()}"


# Subscribers.


def subscriber_for_user(user):
    """The subscriber row of a person with an account (their address is verified)."""
    subscriber = Subscriber.objects.filter(user=user).first()
    if subscriber is not None:
        return subscriber
    with transaction.atomic():
        subscriber, _created = Subscriber.objects.update_or_create(
            email=normalise_email(user.email),
            defaults={
                "user": user,
                "language": user.preferred_language or settings.LANGUAGE_CODE,
                "time_zone": user.time_zone or settings.TIME_ZONE,
            },
        )
    return subscriber


def subscriber_of(email):
    return Subscriber.objects.select_related("user").filter(email=normalise_email(email)).first()


def recipient_preferences(email, subscriber=None):
    """Language, time zone and account for a mail to ``email``: from the account when there
    is one, else from the subscriber row (pass it when it is already loaded)."""
    subscriber = subscriber or subscriber_of(email)
    user = subscriber.user if subscriber else None
    if subscriber is None:
        from django.contrib.auth import get_user_model

        user = get_user_model().objects.filter(email__iexact=email).first()
    if user is not None:
        return user.preferred_language, user.time_zone or settings.TIME_ZONE, user
    if subscriber is not None:
        return subscriber.language, subscriber.time_zone, None
    return settings.LANGUAGE_CODE, settings.TIME_ZONE, None


def subscription_request(*, email, language, app, targets, frequency=None):
    """Someone without an account asks for mail: send them a link to confirm it is theirs.

    Nothing is stored but the confirmation mail: what they asked for travels in the signed
    link. The answer never says whether the address is known. The same request twice the
    same day sends one mail, and an address gets at most ``CONFIRMATIONS_PER_DAY``.
    """
    email = normalise_email(email)
    recent = Delivery.objects.filter(
        recipient=email,
        notification__kind=CONFIRM,
        created_at__gte=timezone.now() - dt.timedelta(days=1),
    )
    if recent.count() >= CONFIRMATIONS_PER_DAY:
        return  # nobody may flood an address with confirmation requests
    data = {"e": email, "l": language, "a": app, "t": targets, "f": frequency}
    digest = hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:24]
    notification_create(
        kind=CONFIRM,
        key=f"{CONFIRM}:{digest}:{timezone.now():%Y%m%d}",
        recipients=[email],
        payload={"token": make_token("confirm", data), "language": language},
    )


def subscription_confirm(token):
    """Apply a confirmation link: the subscriber exists, confirmed, with what they asked
    for. Returns the subscriber, or None when the link is altered or expired."""
    data = read_token("confirm", token, max_age=CONFIRM_MAX_AGE)
    if data is None:
        return None
    with transaction.atomic():
        subscriber, created = Subscriber.objects.get_or_create(
            email=data["e"], defaults={"language": data["l"]}
        )
        if data.get("f") and data["f"] in Subscriber.Frequency.values:
            subscriber.frequency = data["f"]
            subscriber.save(update_fields=["frequency"])
        registry.confirm_subscription(data["a"], subscriber, data["t"])
    return subscriber


def subscriber_update(*, subscriber, frequency, reminder_hours, actor_email):
    """Change how someone receives optional mail. Only they may (signed in, or holding the
    link of their own preferences)."""
    if normalise_email(actor_email) != subscriber.email:
        raise PermissionDenied
    subscriber.frequency = frequency
    subscriber.reminder_hours = reminder_hours
    subscriber.save(update_fields=["frequency", "reminder_hours"])
    if frequency == Subscriber.Frequency.IMMEDIATE:
        # Nothing waits for a digest that will no longer come: send what is pending now.
        digest_send(subscriber=subscriber, force=True)


# One-click unsubscribe.


# Revocable links: an unsubscribe or preferences link names its address and, once the
# subscriber revoked their links, the version it was made for; a link of another version
# fails. Links of version 0 carry no number, so those mailed before revocation existed, and
# every link of a subscriber who never revoked, keep working.


def _links_version(email):
    version = (
        Subscriber.objects.filter(email=normalise_email(email))
        .values_list("links_version", flat=True)
        .first()
    )
    return version or 0


def _link_data(email, **data):
    data = {"e": normalise_email(email), **data}
    version = _links_version(email)
    if version:
        data["v"] = version
    return data


def unsubscribe_token(email, scope):
    return make_token("unsubscribe", _link_data(email, s=scope))


def manage_token(email):
    return make_token("manage", _link_data(email))


def read_link(purpose, token):
    """The data of an unsubscribe or preferences link, or None when it was altered, made
    for another purpose, or revoked (made for an earlier version of its address's links)."""
    data = read_token(purpose, token)
    if data is None or data.get("v", 0) != _links_version(data["e"]):
        return None
    return data


def subscriber_links_revoke(*, subscriber):
    """Make every unsubscribe and preferences link already mailed to this subscriber stop
    working (a forwarded mail, a shared inbox). Mails sent from now on carry new links."""
    Subscriber.objects.filter(pk=subscriber.pk).update(links_version=F("links_version") + 1)
    subscriber.refresh_from_db(fields=["links_version"])
    return subscriber


def subscriber_acting(request, token=None):
    """Who manages their mail in this request: the holder of a preferences link (``token``),
    else the signed-in person; None for anyone else. The one place both ways are checked."""
    if token:
        data = read_link("manage", token)
        return subscriber_for_address(data["e"]) if data else None
    if request.user.is_authenticated:
        return subscriber_for_user(request.user)
    return None


def unsubscribe(token):
    """Apply an unsubscribe link. Returns the scope it named, or None for a bad token.

    Applying it twice changes nothing more; an address we do not know is fine too."""
    data = read_link("unsubscribe", token)
    if data is None:
        return None
    email, scope = data["e"], data["s"]
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().filter(
            email=email
        ).first() or subscriber_for_address(email)
        if subscriber is None:
            return scope
        if scope in (ALL, REMINDERS):
            subscriber.reminder_hours = Subscriber.Reminder.NONE
            subscriber.save(update_fields=["reminder_hours"])
        for handler in registry.unsubscribe_handlers:
            handler(subscriber, scope)
        if scope == ALL:
            subscriber.digest_items.all().delete()
    return scope


def subscriber_for_address(email):
    """The subscriber of an address, made from its account when there is one."""
    subscriber = subscriber_of(email)
    if subscriber is not None:
        return subscriber
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(email__iexact=email).first()
    return subscriber_for_user(user) if user else None


def mail_links(email, scope, language):
    """The absolute URLs a mail's footer and headers carry."""
    with translation.override(language):
        return {
            "unsubscribe_url": absolute_url(
                reverse("notifications:unsubscribe", args=[unsubscribe_token(email, scope)])
            ),
            "preferences_url": absolute_url(
                reverse("notifications:preferences_token", args=[manage_token(email)])
            ),
        }


def add_unsubscribe_headers(message, links):
    """RFC 2369 and RFC 8058: mail clients show an unsubscribe button that POSTs to the link."""
    message.extra_headers["List-Unsubscribe"] = f"<{links['unsubscribe_url']}>"
    message.extra_headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    return message


# Digests.


def digest_add(*, subscribers, kind, object_id):
    """Keep something for the next digest of each subscriber, in the caller's transaction."""
    DigestItem.objects.bulk_create(
        [DigestItem(subscriber=s, kind=kind, object_id=object_id) for s in subscribers],
        ignore_conflicts=True,
    )


def announce(*, kind, key, recipients, object_id, payload=None, digest_kind=None):
    """Tell ``recipients`` at once or in their next digest, as each chose: the one place where
    that choice is made. Runs in the caller's transaction.

    ``recipients`` are ``Subscriber`` rows (followers of a topic: mailed at their address) or
    users (moderators, a topic's readers: mailed in their language); a user without a
    subscriber row has chosen nothing and is mailed at once. Those who chose a digest get an
    entry of ``digest_kind`` (``kind`` by default) for ``object_id``; the others one
    notification under ``key``. Returns how many were told either way.
    """
    recipients = list(recipients)
    users = [r for r in recipients if not isinstance(r, Subscriber)]
    chosen = {s.user_id: s for s in Subscriber.objects.filter(user__in=users)} if users else {}
    now, later = [], []
    for recipient in recipients:
        subscriber = recipient if isinstance(recipient, Subscriber) else chosen.get(recipient.pk)
        if subscriber is not None and subscriber.frequency != Subscriber.Frequency.IMMEDIATE:
            later.append(subscriber)
        else:
            now.append(recipient.email if isinstance(recipient, Subscriber) else recipient)
    if now:
        notification_create(kind=kind, key=key, recipients=now, payload=payload or {})
    if later:
        digest_add(subscribers=later, kind=digest_kind or kind, object_id=object_id)
    return len(now) + len(later)


def digests_due(*, now=None):
    """Subscribers whose daily or weekly digest is due and who have something in it."""
    now = now or timezone.now()
    due = Q()
    for frequency, period in DIGEST_PERIODS.items():
        due |= Q(frequency=frequency) & (
            Q(last_digest_at__isnull=True) | Q(last_digest_at__lte=now - period + DIGEST_TOLERANCE)
        )
    return list(
        Subscriber.objects.filter(due, digest_items__isnull=False)
        .distinct()
        .values_list("pk", flat=True)
    )


def digest_send(*, subscriber, now=None, force=False):
    """Record this subscriber's digest with what waits for it, once per hour at most."""
    now = now or timezone.now()
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
        period = DIGEST_PERIODS.get(subscriber.frequency)
        if not force and (
            period is None
            or (
                subscriber.last_digest_at is not None
                and subscriber.last_digest_at > now - period + DIGEST_TOLERANCE
            )
        ):
            return None
        items = list(subscriber.digest_items.order_by("created_at", "pk"))
        if not items:
            return None
        notification = notification_create(
            kind=DIGEST,
            key=f"{DIGEST}:{subscriber.pk}:{now:%Y%m%d%H}:{items[-1].pk}",
            recipients=[subscriber.email],
            payload={"items": [[item.kind, item.object_id] for item in items]},
        )
        DigestItem.objects.filter(pk__in=[item.pk for item in items]).delete()
        subscriber.last_digest_at = now
        subscriber.save(update_fields=["last_digest_at"])
    return notification
