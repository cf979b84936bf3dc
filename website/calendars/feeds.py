"""What goes into a person's own calendar feed: each app registers a source (events their
seats, meeting spaces their bookings), and the feed (``views.personal_feed``) is what the
sources give, in the order of ``INSTALLED_APPS``, under one set of validators."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.http import HttpRequest
    from icalendar import Event

    from website.accounts.models import User


@dataclasses.dataclass(frozen=True)
class FeedPart:
    """One source's share of a person's feed.

    ``validators`` say everything the part shows (its ETag's share), ``changed`` when what it
    shows last changed (for Last-Modified), and ``build()`` writes its VEVENTs, only when the
    client's copy is stale.
    """

    validators: Any
    changed: Sequence[dt.datetime | None]
    build: Callable[[], list[Event]]


Source = Callable[["User", dt.datetime, "HttpRequest"], FeedPart]
SOURCES: list[Source] = []


def personal_feed_source(gather: Source) -> Source:
    """Register ``gather(user, since, request)``: what the app puts in ``user``'s feed, of what
    ended after ``since``."""
    SOURCES.append(gather)
    return gather
