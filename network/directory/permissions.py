"""Who may moderate the directory: the rule services enforce, selectors show by and the
outbox tells by, so it sits below all three."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from website.accounts.models import User


def can_moderate(user: User | AnonymousUser | None) -> bool:
    return bool(user and user.is_authenticated and user.has_perm("network.moderate_actor"))
