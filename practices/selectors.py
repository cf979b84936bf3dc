"""Named reads of the good-practice library, with the joins their pages need."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from django.db.models import Prefetch
from wagtail.models import Locale

from network.directory.models import ActorStatus, Sector
from network.directory.selectors import with_descendants
from practices.models import GoodPracticeIndexPage, GoodPracticePage
from website import sitesearch, textsearch
from website.selectors import localized_pages

# Where the words are looked for (folded: see website.textsearch).
SEARCH_FIELDS = ["title", "summary", "organisation_name", "territory__name", "results"]

if TYPE_CHECKING:
    from wagtail.query import PageQuerySet


def _default_index(index: GoodPracticeIndexPage) -> GoodPracticeIndexPage:
    """The library's page in the default language, under which the practices are proposed."""
    default = Locale.get_default()
    if index.locale_id == default.pk:
        return index
    return (
        GoodPracticeIndexPage.objects.filter(
            translation_key=index.translation_key, locale=default
        ).first()
        or index
    )


def live_practices(*, index: GoodPracticeIndexPage | None = None) -> PageQuerySet:
    """Live practices in the default language, under ``index`` (any language) when given."""
    practices = GoodPracticePage.objects.live().filter(locale=Locale.get_default())
    if index is not None:
        practices = practices.descendant_of(_default_index(index))
    return practices


def practices_for_listing(
    *, index: GoodPracticeIndexPage | None = None, filters: Mapping[str, Any] | None = None
) -> PageQuerySet:
    """Live practices that match ``filters`` (a ``PracticeFilterForm``'s), newest first.

    A fixed number of queries whatever the count: the territory comes with each practice and
    the sectors in one more query. ``localize_practices`` then swaps in translations.
    """
    practices = (
        live_practices(index=index)
        .select_related("territory")
        .prefetch_related(Prefetch("sectors", queryset=Sector.objects.order_by("name_fr")))
        .order_by("-first_published_at", "-pk")
    )
    return apply_filters(practices, filters or {})


def apply_filters(practices: PageQuerySet, filters: Mapping[str, Any]) -> PageQuerySet:
    """Narrow practices by the fields of ``PracticeFilterForm``; empty values do not filter."""
    if theme := filters.get("theme"):
        practices = practices.filter(theme=theme)
    if sector := filters.get("sector"):
        practices = practices.filter(
            pk__in=GoodPracticePage.objects.filter(sectors__in=with_descendants(sector)).values(
                "pk"
            )
        )
    if territory := filters.get("territory"):
        practices = practices.filter(territory__in=with_descendants(territory))
    if organisation := filters.get("organisation"):
        practices = practices.filter(organisation_name=organisation)
    if terms := textsearch.search_terms(filters.get("q")):
        # An English visitor types English words: match the practice or any of its translations.
        matching = GoodPracticePage.objects.live().filter(
            textsearch.matching(terms, SEARCH_FIELDS, fuzzy=("title",))
        )
        practices = practices.filter(translation_key__in=matching.values("translation_key"))
    return practices


def localize_practices(practices: Iterable[GoodPracticePage]) -> list[GoodPracticePage]:
    """Each practice of a fetched page in the active language when translated (one query).

    The translation keeps the territory and sectors of the French page it was copied from, so
    the cards read those from the French page, already fetched with their joins.
    """
    practices = list(practices)
    pages = localized_pages(practices, model=GoodPracticePage)
    for source, page in zip(practices, pages, strict=True):
        source.listed = page
    return practices


def organisation_names(*, index: GoodPracticeIndexPage | None = None) -> list[str]:
    """The cities and networks that carry live practices, for the filter's choices."""
    return list(
        live_practices(index=index)
        .exclude(organisation_name="")
        .order_by("organisation_name")
        .values_list("organisation_name", flat=True)
        .distinct()
    )


def practice_details(page: GoodPracticePage) -> dict[str, list[Any]]:
    """What a practice's page shows beside its own fields: only published actors, its
    sectors and documents."""
    return {
        "actors": list(
            page.actors.filter(status=ActorStatus.PUBLISHED)
            .select_related("territory")
            .order_by("name")
        ),
        "sectors": list(page.sectors.order_by("name_fr")),
        "attached_documents": list(page.attached_documents.select_related("document")),
    }


def search_group(*, query: str, limit: int) -> sitesearch.Group:
    """The site search's group of good practices: live ones matching the words (in any of
    their languages), shown in the reader's, with the practices' listing filtered by them."""
    # Pages behind a view restriction (a login, a password, a group) are not found.
    practices = practices_for_listing(filters={"q": query}).public()
    hits = [
        sitesearch.Hit(
            title=practice.title,
            url=practice.url,
            context=" · ".join(
                part for part in (practice.organisation_name, str(practice.territory or "")) if part
            ),
            summary=practice.summary,
        )
        for practice in localize_practices(practices[:limit])
    ]
    index = GoodPracticeIndexPage.objects.live().filter(locale=Locale.get_active()).first()
    more = f"{index.url}?{urlencode({'q': query})}" if index is not None else ""
    return sitesearch.Group(hits=hits, total=practices.count(), more_url=more)
