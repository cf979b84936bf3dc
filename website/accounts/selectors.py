"""Reads about people. ``user_personal_data`` gathers what the platform holds about one person
(the right of access and to portability, GDPR articles 15 and 20).

The apps add their sections (``website.registry.personal_data`` and ``subscriber_data``):
each gathers what it holds about the person, and this module imports none of them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from allauth.account.models import EmailAddress
from django.apps import apps
from django.utils import timezone

from website.registry import PERSONAL_DATA, SUBSCRIBER_DATA

if TYPE_CHECKING:
    from website.accounts.models import User
    from website.notifications.models import Subscriber

EXPORT_FORMAT_VERSION = 1


def when(value: dt.datetime | None) -> str | None:
    """A moment as the export writes it (ISO 8601), or None."""
    return value.isoformat() if value else None


def _subscribers(user: User, addresses: Iterable[str]) -> list[Subscriber]:
    """Subscriber rows of the person: their account's, and any that a *verified* address of
    theirs confirmed before they had an account. An unverified address may be someone
    else's: its subscriptions are not theirs to read."""
    from django.db.models import Q

    Subscriber = apps.get_model("notifications", "Subscriber")
    wanted = Q(user=user)
    for address in addresses:
        wanted |= Q(email__iexact=address)
    return list(Subscriber.objects.filter(wanted))


def _subscriber_data(subscriber: Subscriber) -> dict[str, Any]:
    return {
        "email": subscriber.email,
        "language": subscriber.language,
        "time_zone": subscriber.time_zone,
        "frequency": subscriber.frequency,
        "reminder_hours": subscriber.reminder_hours,
        "confirmed_at": when(subscriber.confirmed_at),
        **{key: gather(subscriber) for key, gather in SUBSCRIBER_DATA.items()},
    }


def user_personal_data(*, user: User) -> dict[str, Any]:
    """Everything the platform keeps about ``user``, as JSON-ready data, and nothing about
    anybody else (no other person's name, address or message)."""
    addresses = list(EmailAddress.objects.filter(user=user).order_by("-primary", "email"))
    return {
        "format": EXPORT_FORMAT_VERSION,
        "exported_at": timezone.now().isoformat(),
        "account": {
            "email": user.email,
            "display_name": user.display_name,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "preferred_language": user.preferred_language,
            "time_zone": user.time_zone,
            "date_joined": when(user.date_joined),
            "last_login": when(user.last_login),
            "two_factor": sorted(
                apps.get_model("mfa", "Authenticator")
                .objects.filter(user=user)
                .values_list("type", flat=True)
            ),
        },
        "email_addresses": [
            {"email": address.email, "verified": address.verified, "primary": address.primary}
            for address in addresses
        ],
        "mail_subscriptions": [
            _subscriber_data(subscriber)
            for subscriber in _subscribers(user, [a.email for a in addresses if a.verified])
        ],
        **{key: gather(user) for key, gather in PERSONAL_DATA.items()},
    }
