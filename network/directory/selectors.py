"""Named reads of the directory. Every public read starts from published actors, and none
reads the private contact fields; query counts do not grow with the number of actors."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import TruncMonth
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import get_language

from website import sitesearch, textsearch
from website.accounts.selectors import when
from website.cache import cached_fragment

from .models import (
    Actor,
    ActorChange,
    ActorStatus,
    LegalForm,
    Membership,
    NeedOffer,
    Sector,
    Territory,
    UmbrellaMembership,
)
from .permissions import can_moderate

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from website.accounts.models import User

    from .models import ActorQuerySet, NeedOfferQuerySet

# The word search: where each term is looked for, and what a term found there weighs.
SEARCH_WEIGHTS = {"name": 8, "description": 2, "languages": 1}
SEARCH_FIELDS = list(SEARCH_WEIGHTS)

# The map answers with at most this many markers; the client asks again as the view moves.
MAP_MAX_FEATURES = 2000

# What open data and the map may read: public fields only, never private contact data.
PUBLIC_VALUES = (
    "pk",
    "name",
    "slug",
    "legal_form__slug",
    "legal_form__name_fr",
    "legal_form__name_en",
    "identifier_kind",
    "identifier",
    "territory__name",
    "territory__code",
    "territory__country",
    "address",
    "latitude",
    "longitude",
    "description",
    "website",
    "public_email",
    "public_phone",
    "year_founded",
    "size_band",
    "languages",
    "is_umbrella",
    "published_at",
    "updated_at",
)


def with_descendants(node: Sector | Territory) -> list[int]:
    """A tree node (``Sector`` or ``Territory``) and every node below it, in one query."""
    children = defaultdict(list)
    for pk, parent in type(node).objects.values_list("pk", "parent_id"):
        children[parent].append(pk)
    found, todo = [], [node.pk]
    while todo:
        pk = todo.pop()
        if pk in found:
            continue
        found.append(pk)
        todo.extend(children.get(pk, ()))
    return found


def with_ancestors(nodes: Iterable[Sector | Territory | None]) -> set[int]:
    """Tree nodes (sectors or territories) and every node above them: who follows a broader
    sector or territory follows what it contains (announcements of events, calls)."""
    found: set[int] = set()
    for node in nodes:
        while node is not None and node.pk not in found:
            found.add(node.pk)
            node = node.parent
    return found


def published_actors() -> ActorQuerySet:
    return Actor.objects.published()


def apply_filters(actors: ActorQuerySet, filters: Mapping[str, Any]) -> ActorQuerySet:
    """Narrow actors by the fields of ``DirectoryFilterForm``; empty values do not filter."""
    if terms := textsearch.search_terms(filters.get("q")):
        # The places named like each term first, as ids: every condition left is on the
        # actors' own columns, which PostgreSQL's trigram indexes over the folded text answer
        # (migration 0010). One query for all the terms' places.
        places = _places_named(terms)
        for term in terms:
            actors = actors.filter(
                textsearch.matching([term], SEARCH_FIELDS, fuzzy=("name",))
                | Q(territory_id__in=places[term])
            )
    if sector := filters.get("sector"):
        actors = actors.filter(
            pk__in=Actor.sectors.through.objects.filter(
                sector_id__in=with_descendants(sector)
            ).values("actor_id")
        )
    if legal_form := filters.get("legal_form"):
        actors = actors.filter(legal_form=legal_form)
    if territory := filters.get("territory"):
        actors = actors.filter(territory_id__in=with_descendants(territory))
    for kind in (NeedOffer.Kind.NEED, NeedOffer.Kind.OFFER):
        # A TextChoices member: a tuple to mypy without django-stubs (see [tool.mypy]).
        if category := filters.get(kind):  # type: ignore[call-overload]
            actors = actors.filter(
                pk__in=NeedOffer.objects.current()
                .filter(kind=kind, category=category)
                .values("actor_id")
            )
    if umbrella := filters.get("umbrella"):
        actors = actors.filter(
            pk__in=UmbrellaMembership.objects.filter(
                umbrella=umbrella, status=UmbrellaMembership.Status.APPROVED
            ).values("member_id")
        )
    if filters.get("umbrellas_only"):
        actors = actors.filter(is_umbrella=True)
    if filters.get("incubators_only"):
        actors = actors.filter(is_incubator=True)
    return actors


def actors_for_directory(*, filters: Mapping[str, Any] | None) -> ActorQuerySet:
    """Published actors matching the filters, with what a listing card shows: by relevance
    to the words searched (then by name), else by name."""
    actors = apply_filters(published_actors(), filters or {}).for_listing()
    if terms := textsearch.search_terms((filters or {}).get("q")):
        return actors.annotate(relevance=textsearch.relevance(terms, SEARCH_WEIGHTS)).order_by(
            "-relevance", "name", "pk"
        )
    return actors.order_by("name", "pk")


def _places_named(terms: list[str]) -> dict[str, list[int]]:
    """For each term, the territories whose folded name holds it (one query)."""
    condition = Q()
    for term in terms:
        condition |= textsearch.matching([term], ["name"])
    places: dict[str, list[int]] = {term: [] for term in terms}
    for pk, name in Territory.objects.filter(condition).values_list("pk", "name"):
        folded = textsearch.fold(name) or ""
        for term in terms:
            if term in folded:
                places[term].append(pk)
    return places


def actor_for_profile(*, slug: str, viewer: User | AnonymousUser | None = None) -> Actor | None:
    """A published actor with its sectors, approved umbrella links and current needs/offers.

    An actor not published (waiting for review, sent back, archived) is shown only to the
    person who created it, its administrators and the moderators; for anybody else it does
    not exist. ``actor.is_preview`` says which of the two the page shows.
    """
    actor = (
        Actor.objects.select_related("legal_form", "territory", "logo")
        .prefetch_related("sectors")
        .filter(slug=slug)
        .first()
    )
    if actor is None:
        return None
    actor.is_preview = actor.status != ActorStatus.PUBLISHED
    if actor.is_preview and not _may_preview(viewer, actor):
        return None
    actor.umbrellas = list(
        Actor.objects.published()
        .filter(
            member_links__member=actor,
            member_links__status=UmbrellaMembership.Status.APPROVED,
        )
        .order_by("name")
    )
    actor.members = (
        list(
            Actor.objects.published()
            .filter(
                umbrella_links__umbrella=actor,
                umbrella_links__status=UmbrellaMembership.Status.APPROVED,
            )
            .select_related("territory")
            .order_by("name")
        )
        if actor.is_umbrella
        else []
    )
    current = list(NeedOffer.objects.current().filter(actor=actor))
    actor.current_needs = [item for item in current if item.kind == NeedOffer.Kind.NEED]
    actor.current_offers = [item for item in current if item.kind == NeedOffer.Kind.OFFER]
    return actor


def _may_preview(user: User | AnonymousUser | None, actor: Actor) -> bool:

    if not (user and user.is_authenticated):
        return False
    if actor.created_by_id == user.pk or can_moderate(user):
        return True
    return Membership.objects.admins().filter(actor=actor, user=user).exists()


def parse_bbox(value: str | None) -> tuple[float, float, float, float] | None:
    """``west,south,east,north`` in degrees (the order of RFC 7946's bbox), or None."""
    try:
        west, south, east, north = (float(part) for part in (value or "").split(","))
    except ValueError:
        return None
    if not (-90 <= south <= north <= 90 and -180 <= west <= 180 and -180 <= east <= 180):
        return None
    return west, south, east, north


def within_bbox(
    actors: ActorQuerySet, bbox: tuple[float, float, float, float] | None
) -> ActorQuerySet:
    """The actors placed inside ``bbox`` (west, south, east, north); all of them without one."""
    if bbox is None:
        return actors
    west, south, east, north = bbox
    actors = actors.filter(latitude__gte=south, latitude__lte=north)
    if west <= east:
        return actors.filter(longitude__gte=west, longitude__lte=east)
    # The box crosses the antimeridian.
    return actors.filter(Q(longitude__gte=west) | Q(longitude__lte=east))


def sector_families() -> dict[int, dict[str, Any]]:
    """Each sector's family, the top-level sector above it (itself for a top-level one), as
    the map shows it: slug, name, a mark (its initial, or more letters where two families
    share one) and a tone (0-9, the family's place among the top-level sectors). One query:
    the tree is short and curated."""
    english = get_language() == "en"
    sectors = {
        row["pk"]: row
        for row in Sector.objects.order_by("name_fr", "pk").values(
            "pk", "parent_id", "slug", "name_fr", "name_en"
        )
    }
    families: dict[int, dict[str, Any]] = {}
    marks: set[str] = set()
    roots = [row for row in sectors.values() if row["parent_id"] is None]
    for tone, row in enumerate(roots):
        name = (row["name_en"] if english and row["name_en"] else row["name_fr"]).strip() or "?"
        letters = name.replace(" ", "")
        mark = letters[:1].upper()
        if mark in marks:
            mark = letters[:2].capitalize()
        if mark in marks:
            mark = f"{letters[:1].upper()}{tone + 1}"
        marks.add(mark)
        families[row["pk"]] = {
            "family": row["slug"],
            "family_name": name,
            "family_mark": mark,
            "family_tone": tone % 10,
        }
    for pk in sectors:
        root, seen = pk, set()
        while sectors[root]["parent_id"] is not None and root not in seen:
            seen.add(root)  # a cycle curated by mistake must not hang the map
            root = sectors[root]["parent_id"]
        if root in families:
            families[pk] = families[root]
    return families


def map_points(
    *,
    filters: Mapping[str, Any] | None,
    bbox: tuple[float, float, float, float] | None = None,
    limit: int = MAP_MAX_FEATURES,
) -> list[dict[str, Any]]:
    """Published actors with coordinates, inside ``bbox`` when given: plain dicts of public
    fields with the family of the actor's first sector (see ``sector_families``). Two
    queries whatever the number of actors: the actors, with their first sector as a
    subquery, and the sector tree."""
    first_sector = (
        Actor.sectors.through.objects.filter(actor_id=OuterRef("pk"))
        .order_by("pk")
        .values("sector_id")[:1]
    )
    actors = within_bbox(
        apply_filters(published_actors(), filters or {}).filter(
            latitude__isnull=False, longitude__isnull=False
        ),
        bbox,
    )
    rows = list(
        actors.annotate(first_sector=Subquery(first_sector))
        .order_by("name", "pk")
        .values(
            "pk",
            "name",
            "slug",
            "latitude",
            "longitude",
            "is_umbrella",
            "legal_form__name_fr",
            "legal_form__name_en",
            "territory__name",
            "first_sector",
        )[:limit]
    )
    # The families change when sectors do: kept with the directory's generation, so that the
    # map's data costs the one query it cost before it showed families.
    families = (
        cached_fragment(f"sector-families:{get_language()}", ["directory"], sector_families)
        if rows
        else {}
    )
    no_family = {"family": "", "family_name": "", "family_mark": "", "family_tone": None}
    for row in rows:
        row.update(families.get(row.pop("first_sector"), no_family))
    return rows


def profile_url_maker() -> Callable[[str], str]:
    """``slug -> profile path`` without a reverse() per row."""
    marker = "__slug__"
    template = reverse("network:actor", args=[marker])
    return lambda slug: template.replace(marker, slug)


def export_rows(*, filters: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
    """Published actors for open data: dicts of public fields, each with ``sectors`` (slugs).
    Two queries whatever the number of actors."""
    actors = apply_filters(published_actors(), filters or {})
    sectors = defaultdict(list)
    for actor_id, slug in (
        Actor.sectors.through.objects.filter(actor__in=actors.values("pk"))
        .order_by("sector__slug")
        .values_list("actor_id", "sector__slug")
    ):
        sectors[actor_id].append(slug)
    rows = list(actors.order_by("name", "pk").values(*PUBLIC_VALUES))
    for row in rows:
        row["sectors"] = sectors.get(row["pk"], [])
    return rows


def needs_offers(
    *, kind: str | None = None, category: str | None = None, today: dt.date | None = None
) -> NeedOfferQuerySet:
    items = NeedOffer.objects.current(today).select_related("actor", "actor__territory")
    if kind:
        items = items.filter(kind=kind)
    if category:
        items = items.filter(category=category)
    return items.order_by("expires_on", "pk")


def matches(*, today: dt.date | None = None, category: str | None = None) -> list[dict[str, Any]]:
    """Current needs, each with the current offers of the same category from other actors
    that share a sector or the territory. Three queries whatever the numbers."""
    items = list(needs_offers(category=category, today=today).prefetch_related("actor__sectors"))
    offers_by_category = defaultdict(list)
    for item in items:
        item.sector_ids = {sector.pk for sector in item.actor.sectors.all()}
        if item.kind == NeedOffer.Kind.OFFER:
            offers_by_category[item.category].append(item)
    result = []
    for need in (item for item in items if item.kind == NeedOffer.Kind.NEED):
        found = []
        for offer in offers_by_category.get(need.category, ()):
            if offer.actor_id == need.actor_id:
                continue
            same_sector = bool(need.sector_ids & offer.sector_ids)
            same_territory = (
                need.actor.territory_id is not None
                and need.actor.territory_id == offer.actor.territory_id
            )
            if same_sector or same_territory:
                found.append(
                    {"offer": offer, "same_sector": same_sector, "same_territory": same_territory}
                )
        result.append({"need": need, "offers": found})
    return result


def statistics(*, months: int = 24, now: dt.datetime | None = None) -> dict[str, Any]:
    """Counts of published actors by sector, legal form, territory, country and month."""
    published = Q(actors__status=ActorStatus.PUBLISHED)
    by_sector = [
        {"label": sector.name, "slug": sector.slug, "count": sector.count}
        for sector in Sector.objects.annotate(count=Count("actors", filter=published)).order_by(
            "-count", "name_fr"
        )
    ]
    by_legal_form = [
        {"label": form.name, "slug": form.slug, "count": form.count}
        for form in LegalForm.objects.annotate(count=Count("actors", filter=published)).order_by(
            "-count", "sort_order"
        )
    ]
    by_territory = [
        {"label": territory.name, "slug": territory.slug, "count": territory.count}
        for territory in Territory.objects.annotate(count=Count("actors", filter=published))
        .filter(count__gt=0)
        .order_by("-count", "name")
    ]
    by_country = [
        {"label": row["territory__country"] or "—", "count": row["count"]}
        for row in published_actors()
        .values("territory__country")
        .annotate(count=Count("pk"))
        .order_by("-count", "territory__country")
    ]
    today = timezone.localdate(now) if now else timezone.localdate()
    index = today.year * 12 + today.month - 1 - (months - 1)
    start = dt.datetime(index // 12, index % 12 + 1, 1, tzinfo=timezone.get_current_timezone())
    by_month = [
        {"label": row["month"].strftime("%Y-%m"), "month": row["month"], "count": row["count"]}
        for row in published_actors()
        .filter(published_at__gte=start)
        .annotate(month=TruncMonth("published_at"))
        .values("month")
        .annotate(count=Count("pk"))
        .order_by("month")
    ]
    return {
        "total": published_actors().count(),
        "by_sector": by_sector,
        "by_legal_form": by_legal_form,
        "by_territory": by_territory,
        "by_country": by_country,
        "by_month": by_month,
    }


def actors_of(*, user: User) -> dict[str, list[Any]]:
    """A person's memberships, with their actors, and what waits for their decision.

    Each actor they administer carries its umbrella networks (``umbrella_links``: requests
    waiting and memberships approved) and the networks it may still ask to join
    (``umbrella_choices``). The number of queries does not grow with the number of actors.
    """
    memberships = list(
        Membership.objects.filter(user=user)
        .exclude(status=Membership.Status.REJECTED)
        .select_related("actor", "actor__territory")
        .order_by("actor__name")
    )
    admin_of = [
        m.actor_id
        for m in memberships
        if m.role == Membership.Role.ADMIN and m.status == Membership.Status.ACTIVE
    ]
    pending_changes = set(
        ActorChange.objects.filter(
            actor_id__in=[m.actor_id for m in memberships], status=ActorChange.Status.PENDING
        ).values_list("actor_id", flat=True)
    )
    links = defaultdict(list)
    umbrellas = []
    if admin_of:
        for link in (
            UmbrellaMembership.objects.filter(member_id__in=admin_of)
            .exclude(status=UmbrellaMembership.Status.REJECTED)
            .select_related("umbrella")
            .order_by("umbrella__name", "pk")
        ):
            links[link.member_id].append(link)
        umbrellas = list(
            Actor.objects.published()
            .filter(is_umbrella=True)
            .only("pk", "name", "slug")
            .order_by("name")
        )
    for membership in memberships:
        membership.has_pending_change = membership.actor_id in pending_changes
        membership.is_admin = membership.actor_id in admin_of
        membership.umbrella_links = links.get(membership.actor_id, [])
        linked = {link.umbrella_id for link in membership.umbrella_links}
        membership.umbrella_choices = [
            umbrella
            for umbrella in umbrellas
            if umbrella.pk not in linked and umbrella.pk != membership.actor_id
        ]
    join_requests = list(
        Membership.objects.filter(actor_id__in=admin_of, status=Membership.Status.PENDING)
        .select_related("user", "actor")
        .order_by("created_at")
    )
    umbrella_requests = list(
        UmbrellaMembership.objects.filter(
            umbrella_id__in=admin_of, status=UmbrellaMembership.Status.PENDING
        )
        .select_related("member", "umbrella")
        .order_by("created_at")
    )
    return {
        "memberships": memberships,
        "join_requests": join_requests,
        "umbrella_requests": umbrella_requests,
    }


def actors_waiting_of(*, user: User | AnonymousUser | None) -> ActorQuerySet:
    """The actors a person is an active member of that wait for a moderator's review."""
    if not (user and user.is_authenticated):
        return Actor.objects.none()
    return Actor.objects.filter(
        status__in=(ActorStatus.PENDING, ActorStatus.DUPLICATE),
        memberships__user=user,
        memberships__status=Membership.Status.ACTIVE,
    ).order_by("name")


def review_queue() -> dict[str, list[Any]]:
    """What moderators must decide: new actors, proposed changes, potential duplicates."""
    return {
        "new_actors": list(
            Actor.objects.filter(status=ActorStatus.PENDING)
            .select_related("legal_form", "territory", "created_by")
            .prefetch_related("sectors")
            .order_by("created_at")
        ),
        "changes": list(
            ActorChange.objects.filter(status=ActorChange.Status.PENDING)
            .select_related("actor", "proposed_by")
            .order_by("created_at")
        ),
        "duplicates": list(
            Actor.objects.filter(duplicate_of__isnull=False)
            .exclude(status=ActorStatus.ARCHIVED)
            .select_related("duplicate_of", "territory", "duplicate_of__territory")
            .order_by("created_at")
        ),
        "stale": list(
            Actor.objects.published().filter(is_stale=True).order_by("reminder_sent_at")[:200]
        ),
    }


# --- what waits, for the admin's dashboard -------------------------------------------------


def review_counts() -> dict[str, int]:
    """How many new actors, potential duplicates and proposed changes wait for a moderator:
    the sections of the review (``review_queue``), counted. Two queries."""
    counts = Actor.objects.aggregate(
        actors=Count("pk", filter=Q(status=ActorStatus.PENDING)),
        duplicates=Count(
            "pk", filter=Q(duplicate_of__isnull=False) & ~Q(status=ActorStatus.ARCHIVED)
        ),
    )
    counts["changes"] = ActorChange.objects.filter(status=ActorChange.Status.PENDING).count()
    return counts


def personal_data(user: User) -> dict[str, list[dict[str, Any]]]:
    """The person's memberships of actors and the changes they proposed, for their export."""
    return {
        "memberships": [
            {
                "actor": membership.actor.name,
                "role": membership.role,
                "status": membership.status,
                "since": when(membership.created_at),
            }
            for membership in Membership.objects.filter(user=user).select_related("actor")
        ],
        "proposed_changes": [
            {
                "actor": change.actor.name,
                "values": change.data,
                "status": change.status,
                "proposed_at": when(change.created_at),
                "decided_at": when(change.decided_at),
            }
            for change in ActorChange.objects.filter(proposed_by=user).select_related("actor")
        ],
    }


def search_group(*, query: str, limit: int) -> sitesearch.Group:
    """The site search's group of actors: published ones only, by relevance, with the
    directory filtered by the same words."""
    actors = actors_for_directory(filters={"q": query})
    hits = [
        sitesearch.Hit(
            title=actor.name,
            url=actor.get_absolute_url(),
            context=" · ".join(
                str(part)
                for part in (actor.legal_form and actor.legal_form.name, actor.territory)
                if part
            ),
            summary=Truncator(actor.description).words(30),
        )
        for actor in actors[:limit]
    ]
    more = f"{reverse('network:directory')}?{urlencode({'q': query})}"
    return sitesearch.Group(hits=hits, total=actors.count(), more_url=more)
