"""Business rules of personal calendar feeds: the secret token in their address."""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from .models import CalendarFeedToken

if TYPE_CHECKING:
    from website.accounts.models import User


def calendar_feed_token_new() -> str:
    """An unguessable token for a feed address (256 bits, URL-safe, 43 characters)."""
    return secrets.token_urlsafe(32)


@transaction.atomic
def calendar_feed_token_regenerate(*, user: User) -> CalendarFeedToken:
    """Give a person a new feed token; the old address stops working at once."""
    feed_token, created = CalendarFeedToken.objects.select_for_update().get_or_create(
        user=user, defaults={"token": calendar_feed_token_new()}
    )
    if not created:
        feed_token.token = calendar_feed_token_new()
        feed_token.created_at = timezone.now()
        feed_token.full_clean()
        feed_token.save(update_fields=["token", "created_at"])
    return feed_token
