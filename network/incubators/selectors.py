"""Reads of incubators' programmes and calls, for the listing, the pages, the API and the
calendar feed: public programmes only, with the joins their callers need (the number of
queries does not grow with the number of calls)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from django.db.models import F, Prefetch, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator

from network.directory.models import Sector
from network.directory.selectors import with_descendants
from website import sitesearch, textsearch

from .models import Call, CallAlertOptOut, CallState, Programme, SupportKind

if TYPE_CHECKING:
    from network.directory.models import Actor
    from website.notifications.models import Subscriber

    from .models import CallQuerySet, ProgrammeQuerySet

# A feed keeps a closed call's deadline this long after it passed.
FEED_KEEPS_CLOSED = dt.timedelta(days=90)
# Where the listing's words are looked for (folded: see website.textsearch).
CALL_SEARCH_FIELDS = ["title", "description", "programme__name", "programme__actor__name"]


def public_programmes() -> ProgrammeQuerySet:
    return Programme.objects.public()


def public_calls() -> CallQuerySet:
    return Call.objects.filter(programme__in=public_programmes())


def _programme_filters(filters: Mapping[str, Any]) -> Q:
    """Conditions on a programme from the listing's filters (sector and territory include what
    lies below them in their trees; a programme without a territory is the incubator's)."""
    condition = Q()
    if sector := filters.get("sector"):
        condition &= Q(
            pk__in=Programme.sectors.through.objects.filter(
                sector_id__in=with_descendants(sector)
            ).values("programme_id")
        )
    if territory := filters.get("territory"):
        ids = with_descendants(territory)
        condition &= Q(territory_id__in=ids) | Q(
            territory__isnull=True, actor__territory_id__in=ids
        )
    if (support := filters.get("support")) in SupportKind.values:
        condition &= Q(**{f"offers_{support}": True})
    if incubator := filters.get("incubator"):
        condition &= Q(actor=incubator)
    return condition


def calls_for_listing(
    *, filters: Mapping[str, Any] | None = None, now: dt.datetime | None = None
) -> CallQuerySet:
    """Calls of public programmes matching the filters, with their ``state``: those open now
    first, then coming ones, then closed ones; by deadline in each (permanent calls last)."""
    filters = filters or {}
    now = now or timezone.now()
    calls = Call.objects.filter(
        programme__in=public_programmes().filter(_programme_filters(filters))
    )
    if terms := textsearch.search_terms(filters.get("q")):
        calls = calls.filter(textsearch.matching(terms, CALL_SEARCH_FIELDS, fuzzy=("title",)))
    if filters.get("open_now"):
        calls = calls.open_now(now)
    calls = calls.with_state(now)
    if state := filters.get("state"):
        calls = calls.filter(state=state)
    return (
        calls.select_related("programme__actor__territory", "programme__territory")
        .prefetch_related(
            Prefetch("programme__sectors", queryset=Sector.objects.order_by("name_fr"))
        )
        .order_by("state_rank", F("closes_at").asc(nulls_last=True), "opens_at", "pk")
    )


def programmes_for_listing(*, filters: Mapping[str, Any] | None = None) -> ProgrammeQuerySet:
    filters = filters or {}
    return (
        public_programmes()
        .filter(_programme_filters(filters))
        .select_related("actor", "territory", "actor__territory")
        .prefetch_related(Prefetch("sectors", queryset=Sector.objects.order_by("name_fr")))
        .order_by("name", "pk")
    )


def programme_for_page(*, slug: str, now: dt.datetime | None = None) -> Programme | None:
    """A public programme with its calls (and their state), or None."""
    return (
        public_programmes()
        .select_related("actor", "territory", "actor__territory")
        .prefetch_related(
            Prefetch("sectors", queryset=Sector.objects.order_by("name_fr")),
            Prefetch(
                "calls",
                queryset=Call.objects.with_state(now).order_by(
                    "state_rank", F("closes_at").asc(nulls_last=True), "pk"
                ),
            ),
        )
        .filter(slug=slug)
        .first()
    )


def call_for_page(*, programme_slug: str, pk: int, now: dt.datetime | None = None) -> Call | None:
    return (
        public_calls()
        .with_state(now)
        .select_related("programme__actor__territory", "programme__territory")
        .prefetch_related("programme__sectors")
        .filter(programme__slug=programme_slug, pk=pk)
        .first()
    )


def calls_for_feed(*, filters: Mapping[str, Any] | None = None) -> CallQuerySet:
    """Calls whose deadlines a calendar shows: those with a closing or pre-deposit date."""
    return (
        calls_for_listing(filters=filters)
        .filter(Q(closes_at__isnull=False) | Q(pre_deposit_at__isnull=False))
        .exclude(state=CallState.CLOSED, closes_at__lt=timezone.now() - FEED_KEEPS_CLOSED)
        .order_by(F("closes_at").asc(nulls_last=True), "pk")
    )


def open_calls_of(actor: Actor, now: dt.datetime | None = None) -> list[Call]:
    """An incubator's calls people can apply to, for its profile."""
    return list(
        public_calls()
        .filter(programme__actor=actor)
        .open_now(now)
        .select_related("programme")
        .order_by("closes_at", "pk")
    )


def subscriber_call_alerts(subscriber: Subscriber) -> bool:
    """Whether a mail subscriber receives the alerts of calls, for their export."""
    return not CallAlertOptOut.objects.filter(subscriber=subscriber).exists()


def search_group(*, query: str, limit: int) -> sitesearch.Group:
    """The site search's group of calls: those of public programmes matching the words, open
    ones first, with the calls' listing filtered by the same words."""
    calls = calls_for_listing(filters={"q": query})
    hits = [
        sitesearch.Hit(
            title=call.title,
            url=call.get_absolute_url(),
            context=f"{CallState(call.state).label} · {call.programme.name}",
            summary=Truncator(call.description).words(30),
        )
        for call in calls[:limit]
    ]
    more = f"{reverse('incubators:programmes')}?{urlencode({'q': query})}"
    return sitesearch.Group(hits=hits, total=calls.count(), more_url=more)
