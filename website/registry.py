"""What the apps lend the project, registered by each app's ``AppConfig.ready()`` and read by
``website`` at start-up or when asked: ``website`` never imports an app.

- ``api_router``: an app's routes in the JSON API (``website.api``);
- ``personal_data``: a section of the export a person downloads (``website.accounts``);
- ``subscriber_data``: what an app holds about one mail subscriber, added to their entry;
- ``before_account_deletion``: what an app does before a person's account goes.

The cache scopes of models are registered with ``website.cache.register_scope``, the
notification renderers with ``website.notifications.registry``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ninja import Router

    from website.accounts.models import User
    from website.notifications.models import Subscriber

API_ROUTERS: list[tuple[str, Router]] = []
PERSONAL_DATA: dict[str, Callable[[User], Any]] = {}
SUBSCRIBER_DATA: dict[str, Callable[[Subscriber], Any]] = {}
ACCOUNT_DELETION: list[Callable[[User], None]] = []


def api_router(prefix: str, router: Router) -> None:
    """Add ``router`` to the API under ``prefix``; in the order of ``INSTALLED_APPS``."""
    API_ROUTERS.append((prefix, router))


def personal_data(key: str, gather: Callable[[User], Any]) -> None:
    """``gather(user)`` is the export's ``key`` section: JSON-ready, about that person only."""
    if key in PERSONAL_DATA:
        raise ValueError(f"The personal data section {key!r} is registered twice.")
    PERSONAL_DATA[key] = gather


def subscriber_data(key: str, gather: Callable[[Subscriber], Any]) -> None:
    """``gather(subscriber)`` is added under ``key`` to each mail subscription exported."""
    if key in SUBSCRIBER_DATA:
        raise ValueError(f"The subscriber data {key!r} is registered twice.")
    SUBSCRIBER_DATA[key] = gather


def before_account_deletion(handler: Callable[[User], None]) -> None:
    """``handler(user)`` runs in the deletion's transaction, before the account goes (to
    cancel what still lies ahead, as the person would have)."""
    ACCOUNT_DELETION.append(handler)
