"""The header's one search box: each app lends a group of results, ``website`` shows them.

An app registers a source in its ``AppConfig.ready()`` (``register``): a key, a label, its
place in the page and a function ``find(request, query, limit) -> Group`` that answers from
what the person may see (the same selectors as the app's own listing, so private forum
categories, pending actors and unpublished pages stay hidden as they are there), with a link
to the app's own listing filtered by the same words. Each source costs a constant number of
queries (its hits and its count), whatever the data. Pages are searched by ``website`` itself,
except the page types that a source shows in its own group (``page_models``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from django.utils.functional import Promise

if TYPE_CHECKING:
    from django.http import HttpRequest

# Hits shown per group on the search page; the group's link leads to all of them.
HITS_PER_GROUP = 5


@dataclasses.dataclass(frozen=True)
class Hit:
    """One result: its title, where it leads and a line of context (a date, a place)."""

    title: str
    url: str
    context: str = ""
    summary: str = ""


@dataclasses.dataclass(frozen=True)
class Group:
    hits: Sequence[Hit]
    total: int
    more_url: str = ""


@dataclasses.dataclass(frozen=True)
class Source:
    key: str
    label: str | Promise
    order: int
    find: Callable[[HttpRequest, str, int], Group]
    page_models: tuple[type[Any], ...] = ()


SOURCES: dict[str, Source] = {}


def register(
    key: str,
    *,
    label: str | Promise,
    order: int,
    find: Callable[[HttpRequest, str, int], Group],
    page_models: Sequence[type[Any]] = (),
) -> None:
    """Add a group of results to the site's search; ``page_models`` are page types that this
    group shows, left out of the group of pages."""
    if key in SOURCES:
        raise ValueError(f"The search source {key!r} is registered twice.")
    SOURCES[key] = Source(key, label, order, find, tuple(page_models))


def sources() -> list[Source]:
    return sorted(SOURCES.values(), key=lambda source: source.order)


def grouped_page_models() -> list[type[Any]]:
    """The page types that have a group of their own."""
    return [model for source in SOURCES.values() for model in source.page_models]
