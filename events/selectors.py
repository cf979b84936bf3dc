"""Named reads of events, with the joins their listings need."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from django.db.models import Case, Count, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.db.models.query import ModelIterable
from django.utils import timezone
from django.utils.translation import ngettext
from wagtail.models import Locale, Page

from events.models import AttendanceMode, EventPage, Occurrence, OccurrenceQuerySet, Registration
from network.directory import follows
from website import sitesearch, textsearch, wording
from website.accounts.selectors import when
from website.selectors import localized_pages

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from events.models import EventIndexPage
    from network.directory.models import Sector, Territory
    from website.accounts.models import User
    from website.notifications.models import Subscriber

# Sectors and territories are trees; a filter on one covers this many levels below it.
TREE_DEPTH = 5
# Where the agenda's words are looked for (folded: see website.textsearch).
SEARCH_FIELDS = ["title", "summary", "venue_name", "address", "organiser_name"]


class _LocalizedOccurrenceIterable(ModelIterable):
    """Yields occurrences carrying ``page``, their event as the active language shows it, and
    ``first_day`` and ``last_day``, the local dates they cover."""

    def __iter__(self) -> Iterator[Occurrence]:
        occurrences = list(super().__iter__())
        attach_localized_pages(occurrences, locale=self.queryset.listing_locale)
        for occurrence in occurrences:
            # Local days in the event's zone; the end is exclusive (midnight ends the day before).
            occurrence.first_day = occurrence.local_start.date()
            occurrence.last_day = max(
                (occurrence.local_end - dt.timedelta(microseconds=1)).date(), occurrence.first_day
            )
        yield from occurrences


class ListedOccurrenceQuerySet(OccurrenceQuerySet):
    """Occurrences for a listing. Each fetch (a page of results, after slicing) looks up the
    translations of its events in one query, so that paginating stays cheap."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._iterable_class = _LocalizedOccurrenceIterable
        self.listing_locale: Locale | None = None

    def _clone(self) -> ListedOccurrenceQuerySet:
        clone = super()._clone()
        clone.listing_locale = self.listing_locale
        return clone


def attach_localized_pages(
    occurrences: list[Occurrence], *, locale: Locale | None = None
) -> list[Occurrence]:
    """Set ``occurrence.page`` to the live translation of its event in ``locale`` (the active
    language by default), or to the event itself. One query for all of them, none when every
    event is already in that language.

    Occurrences belong to the page in the default language (``EventPage.canonical``); its
    translations share the ``translation_key``.
    """
    pages = localized_pages([o.event for o in occurrences], locale, model=EventPage)
    for occurrence, page in zip(occurrences, pages, strict=True):
        occurrence.page = page
    return occurrences


def occurrences_for_listing(
    *,
    locale: Locale | None = None,
    filters: Mapping[str, Any] | None,
    past: bool = False,
    now: dt.datetime | None = None,
    index: EventIndexPage | None = None,
) -> ListedOccurrenceQuerySet:
    """The dates of live events that match ``filters`` (an ``EventFilterForm``'s cleaned data).

    Upcoming dates (not yet ended) soonest first, or with ``past`` the ended ones, newest
    first. Cancelled dates are listed too, for people who planned to come: templates mark
    them. With ``index`` (an ``EventIndexPage`` in any language), only the events of that
    agenda. Each fetched occurrence carries ``page`` (see ``attach_localized_pages``).
    """
    now = now or timezone.now()
    occurrences = ListedOccurrenceQuerySet(Occurrence)
    occurrences.listing_locale = locale
    occurrences = occurrences.select_related("event", "event__territory").prefetch_related(
        "event__sectors"
    )
    if index is not None:
        occurrences = occurrences.filter(event__in=_live_events_of_index(index))
    else:
        occurrences = occurrences.live()
    occurrences = apply_filters(occurrences, filters or {})
    if past:
        return occurrences.past(now).order_by("-start", "pk")
    return occurrences.upcoming(now).order_by("start", "pk")


def occurrences_between(
    *,
    start: dt.datetime,
    end: dt.datetime,
    locale: Locale | None = None,
    filters: Mapping[str, Any] | None,
    index: EventIndexPage | None = None,
) -> ListedOccurrenceQuerySet:
    """The dates of live events that overlap [start, end), in time order, for calendars."""
    occurrences = occurrences_for_listing(
        locale=locale, filters=filters, past=False, now=start, index=index
    )
    return occurrences.filter(start__lt=end).order_by("start", "pk")


def mapped_occurrences(
    *, filters: Mapping[str, Any] | None, index: EventIndexPage, limit: int
) -> ListedOccurrenceQuerySet:
    """The first ``limit`` upcoming dates of the agenda ``index`` that have a place on the
    map (both coordinates), for its markers and the list beside them."""
    occurrences = occurrences_for_listing(filters=filters, index=index).filter(
        event__latitude__isnull=False, event__longitude__isnull=False
    )
    return occurrences[:limit]


def apply_filters(
    occurrences: OccurrenceQuerySet, filters: Mapping[str, Any]
) -> OccurrenceQuerySet:
    """Narrow occurrences by the fields of ``EventFilterForm``; empty values do not filter."""
    if kinds := filters.get("kind"):
        occurrences = occurrences.filter(event__kind__in=kinds)
    if sector := filters.get("sector"):
        occurrences = occurrences.filter(
            event__in=EventPage.objects.filter(sectors__in=with_descendants(sector)).values("pk")
        )
    if territory := filters.get("territory"):
        occurrences = occurrences.filter(event__territory__in=with_descendants(territory))
    zone = timezone.get_default_timezone()
    if date_from := filters.get("date_from"):
        occurrences = occurrences.filter(end__gt=_start_of_day(date_from, zone))
    if date_to := filters.get("date_to"):
        occurrences = occurrences.filter(
            start__lt=_start_of_day(date_to + dt.timedelta(days=1), zone)
        )
    if filters.get("online"):
        occurrences = occurrences.filter(
            event__attendance_mode__in=[AttendanceMode.ONLINE, AttendanceMode.HYBRID]
        )
    for feature in filters.get("accessibility") or ():
        occurrences = occurrences.filter(**{f"event__{feature}": True})
    if filters.get("free"):
        occurrences = occurrences.filter(Q(event__price__isnull=True) | Q(event__price=0))
    if terms := textsearch.search_terms(filters.get("q")):
        # An English visitor types English words: match the event or any of its translations.
        matching = EventPage.objects.live().filter(
            textsearch.matching(terms, SEARCH_FIELDS, fuzzy=("title",))
        )
        occurrences = occurrences.filter(
            event__translation_key__in=matching.values("translation_key")
        )
    return occurrences


def _live_events_of_index(index: EventIndexPage) -> QuerySet[Any]:
    """Ids of the live events under the agenda, found under its default-language page, which
    holds them. Read from Wagtail's page table alone: counting 20,000 dates then needs one
    semi-join instead of joining the events' table twice (15 ms down to 5)."""
    from events.models import EventIndexPage

    default = Locale.get_default()
    if index.locale_id != default.pk:
        index = (
            EventIndexPage.objects.filter(
                translation_key=index.translation_key, locale=default
            ).first()
            or index
        )
    return Page.objects.descendant_of(index).live().values("pk")


def with_descendants(node: Sector | Territory) -> list[int]:
    """A tree node (``Sector`` or ``Territory``) and those below it, a query per level."""
    found = [node.pk]
    level = [node.pk]
    for _depth in range(TREE_DEPTH):
        level = list(type(node).objects.filter(parent__in=level).values_list("pk", flat=True))
        if not level:
            break
        found.extend(level)
    return found


def _start_of_day(day: dt.date, zone: dt.tzinfo) -> dt.datetime:
    # Dates in filters are days of the site's time zone; the database stores UTC.
    return dt.datetime.combine(day, dt.time.min, tzinfo=zone)


def registrations_of(*, user: User) -> list[Registration]:
    """A person's active registrations, soonest first, with their events and, for a place on
    a waiting list, its position (``waiting_position``), in one query."""
    return list(
        with_waiting_position(
            Registration.objects.filter(user=user).exclude(status=Registration.Status.CANCELLED)
        )
        .select_related("occurrence__event", "occurrence__event__locale")
        .order_by("occurrence__start")
    )


def with_waiting_position(registrations: QuerySet[Registration]) -> QuerySet[Registration]:
    """Registrations with ``waiting_position``: 1 for the first person waiting for a seat of
    that date (the next seat that frees up is theirs), and so on; None for the others."""
    ahead = (
        Registration.objects.filter(
            occurrence=OuterRef("occurrence"), status=Registration.Status.WAITING
        )
        .filter(
            Q(created_at__lt=OuterRef("created_at"))
            | Q(created_at=OuterRef("created_at"), pk__lt=OuterRef("pk"))
        )
        .order_by()
        .values("occurrence")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return registrations.annotate(
        waiting_position=Case(
            When(
                status=Registration.Status.WAITING,
                then=Coalesce(Subquery(ahead), Value(0)) + 1,
            ),
            default=None,
        )
    )


def registrations_for_event(*, event: EventPage) -> QuerySet[Registration]:
    """Everyone registered to an event, by date then arrival, with their account."""
    return (
        Registration.objects.filter(occurrence__event=event.canonical)
        .select_related("user", "occurrence")
        .order_by("occurrence__start", "status", "created_at")
    )


def capacity_problem(*, event: EventPage, capacity: int | None) -> str | None:
    """Why ``event``'s capacity cannot go down to ``capacity``, in words, or None: people
    already hold more seats on an upcoming date (translations take their seats from the
    French page: not checked)."""
    if capacity is None or event.pk is None or event.canonical.pk != event.pk:
        return None
    fullest = (
        Occurrence.objects.filter(
            event_id=event.pk,
            status=Occurrence.Status.SCHEDULED,
            end__gte=timezone.now(),
            seats_taken__gt=capacity,
        )
        .order_by("-seats_taken", "start")
        .first()
    )
    if fullest is None:
        return None
    local = timezone.localtime(fullest.start, event.zone)
    return ngettext(
        "%(count)d person already holds a seat on %(date)s: the capacity cannot go "
        "below %(count)d.",
        "%(count)d people already hold a seat on %(date)s: the capacity cannot go below %(count)d.",
        fullest.seats_taken,
    ) % {"count": fullest.seats_taken, "date": wording.moment_in_words(local)}


def personal_data(user: User) -> list[dict[str, Any]]:
    """The person's registrations to events, for their export."""
    registrations = Registration.objects.filter(user=user).select_related("occurrence__event")
    return [
        {
            "event": registration.occurrence.event.title,
            "start": when(registration.occurrence.start),
            "end": when(registration.occurrence.end),
            "status": registration.status,
            "registered_at": when(registration.created_at),
        }
        for registration in registrations
    ]


def subscriber_follows(subscriber: Subscriber) -> list[dict[str, Any]]:
    """What a mail subscriber follows (kinds, series; sectors and territories from the
    directory), for the export."""
    subscriptions = subscriber.event_subscriptions.select_related("event")
    return [
        {
            "target": follow.target,
            "kind": follow.kind or None,
            "sector": None,
            "territory": None,
            "series": follow.event.title if follow.event else None,
            "since": when(follow.created_at),
        }
        for follow in subscriptions
    ] + follows.subscriber_follows(subscriber)


def search_group(*, query: str, limit: int) -> sitesearch.Group:
    """The site search's group of events: upcoming ones matching the words, each once (the
    next date of a series), with the agenda filtered by the same words. Pages behind a view
    restriction (a login, a password, a group) are not found, as in the pages' group."""
    from events.models import EventIndexPage

    dates = occurrences_for_listing(locale=Locale.get_active(), filters={"q": query}).filter(
        event__in=Page.objects.public().values("pk")
    )
    hits: list[sitesearch.Hit] = []
    seen: set[int] = set()
    for occurrence in dates[: limit * 10]:
        if occurrence.event_id in seen or len(hits) == limit:
            continue
        seen.add(occurrence.event_id)
        page = occurrence.page
        hits.append(
            sitesearch.Hit(
                title=page.title,
                url=page.url,
                context=wording.span_in_words(
                    occurrence.start, occurrence.end, occurrence.event.zone, all_day=page.all_day
                ),
                summary=page.summary,
            )
        )
    total = dates.order_by().values("event_id").distinct().count()
    agenda = EventIndexPage.objects.live().filter(locale=Locale.get_active()).first()
    more = f"{agenda.url}?{urlencode({'q': query})}" if agenda is not None else ""
    return sitesearch.Group(hits=hits, total=total, more_url=more)
