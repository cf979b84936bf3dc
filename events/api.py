"""Read-only JSON API of events and their dates, with the agenda's filters."""

import datetime as dt
import uuid
from decimal import Decimal

from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from ninja import Field, Path, Query, Router, Schema
from ninja.pagination import paginate
from wagtail.models import Locale

from website.addresses import absolute_url
from website.api_common import (
    INVALID,
    NOT_FOUND,
    SECTOR_DESCRIPTION,
    TERRITORY_DESCRIPTION,
    DayOrBlank,
    Flag,
    Lang,
    Pagination,
    form_choice,
    form_rows,
    matching,
    words,
)
from website.cache import mark
from website.forms import api_filters

from .forms import FILTER_QUERY_MAX_LENGTH, EventFilterForm
from .ical import event_uid
from .models import ACCESSIBILITY_FEATURES, EventPage
from .selectors import attach_localized_pages, occurrences_for_listing

router = Router(tags=["events"])

# What ``event_uid`` gives: the event's translation key (a UUID, in any case), then "@" and the
# installation's domain; the UUID alone is enough.
UID_PATTERN = (
    "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}(@[^/]+)?$"
)
Uid = matching(
    UID_PATTERN,
    _("Enter the UID of an event: the event_uid of one of its dates in /api/v1/occurrences."),
)

UID = Path(
    ...,
    description="The event_uid of one of its dates (the UUID before the @ is enough).",
    examples=["0f4e1c9a-3b7d-4e2a-9c1f-5a6b7c8d9e0f@essaim.example"],
)


class Filters(Schema):
    """The agenda's filters; ``lang`` chooses the language of titles, links and errors."""

    lang: Lang = "fr"
    q: words(FILTER_QUERY_MAX_LENGTH) | None = Field(
        None, description="Words to look for in the title, summary, venue or organiser."
    )
    kind: list[form_choice(EventFilterForm, "kind")] = Field(
        default_factory=list, description="Any of these kinds."
    )
    sector: form_rows(EventFilterForm, "sector") | None = Field(
        None, description=SECTOR_DESCRIPTION
    )
    territory: form_rows(EventFilterForm, "territory") | None = Field(
        None, description=TERRITORY_DESCRIPTION
    )
    date_from: DayOrBlank | None = Field(
        None,
        description="Dates ending on or after this day (empty: no limit).",
        examples=["2027-03-10"],
    )
    date_to: DayOrBlank | None = Field(
        None,
        description=(
            "Dates starting on or before this day (empty: no limit); not before date_from (422)."
        ),
        examples=["2027-03-31"],
    )
    online: Flag = Field(False, description="Online or hybrid events only.")
    free: Flag = Field(False, description="Free events only.")
    accessibility: list[form_choice(EventFilterForm, "accessibility")] = Field(
        default_factory=list, description="All of these features."
    )
    past: Flag = Field(False, description="Dates that have ended, newest first.")


class OccurrenceOut(Schema):
    id: int
    event_uid: str = Field(
        description="The event's UID, shared by all its dates: /api/v1/events/{event_uid}."
    )
    title: str
    url: str
    kind: str
    status: str
    start: dt.datetime
    end: dt.datetime
    time_zone: str
    all_day: bool
    attendance_mode: str
    venue: str
    address: str
    latitude: Decimal | None
    longitude: Decimal | None
    capacity: int | None
    seats_left: int | None


class EventOut(Schema):
    uid: str = Field(description="The event's UID: the event_uid of each of its dates.")
    title: str
    summary: str
    url: str
    kind: str
    time_zone: str
    recurrence: str
    organiser: str
    sectors: list[str]
    territory: str | None
    free: bool
    price: Decimal | None
    price_currency: str
    accessibility: list[str]
    ical_url: str
    occurrences: list[OccurrenceOut]


def _filters(filters: Filters):
    return api_filters(EventFilterForm, filters, skip=("lang", "past"))


def _absolute(path):
    return absolute_url(path)


# The OpenAPI link from a date to its event (https://spec.openapis.org/oas/v3.1.0#link-object).
EVENT_OF_OCCURRENCE = {
    "operationId": "events_api_get_event",
    "parameters": {"uid": "$response.body#/items/0/event_uid"},
    "description": "The event of a date: any item's event_uid is a uid (here the first).",
}


def _occurrence_out(occurrence, request):
    event, page = occurrence.event, getattr(occurrence, "page", occurrence.event)
    return {
        "id": occurrence.pk,
        "event_uid": event_uid(event),
        "title": page.title,
        # With the request, Wagtail reads the sites' root paths once per request, not once
        # per page (a cache round trip each).
        "url": _absolute(page.get_url(request) or ""),
        "kind": event.kind,
        "status": occurrence.status,
        "start": occurrence.start.astimezone(event.zone),
        "end": occurrence.end.astimezone(event.zone),
        "time_zone": event.time_zone,
        "all_day": event.all_day,
        "attendance_mode": event.attendance_mode,
        "venue": event.venue_name,
        "address": event.address,
        "latitude": event.latitude,
        "longitude": event.longitude,
        "capacity": occurrence.capacity,
        "seats_left": occurrence.seats_left,
    }


@router.get(
    "/occurrences",
    response={200: list[OccurrenceOut], **INVALID},
    summary="Dates of events",
    description=(
        "Upcoming dates, soonest first (with past, the ended ones, newest first), filtered as "
        "the agenda's page filters them. Each date's event_uid leads to its event: "
        "/api/v1/events/{event_uid}."
    ),
    openapi_extra={"responses": {200: {"links": {"event": EVENT_OF_OCCURRENCE}}}},
)
@paginate(Pagination)
def list_occurrences(request, filters: Query[Filters]):
    mark(request, ("events",))
    locale = Locale.objects.get(language_code=filters.lang)
    occurrences = occurrences_for_listing(
        locale=locale, filters=_filters(filters), past=filters.past
    )
    return _LazyOut(occurrences, locale, request)


@router.get(
    "/events/{uid}",
    response={200: EventOut, **NOT_FOUND, **INVALID},
    summary="One event with its upcoming dates",
    description=(
        "uid is the event_uid of any of its dates in /api/v1/occurrences (or the uid of an "
        "event): a UUID, then @ and the installation's domain; the UUID alone is enough. A "
        "UID of no published event is a 404."
    ),
)
def get_event(request, uid: Uid = UID, lang: Lang = "fr"):
    mark(request, ("events",))
    # The UID is the translation key, with or without its "@domain".
    key = uuid.UUID(uid.split("@", 1)[0])
    default = Locale.get_default()
    event = (
        EventPage.objects.live()
        .select_related("territory")
        .filter(translation_key=key, locale=default)
        .first()
    )
    if event is None:
        raise Http404(_("No published event has this UID."))
    page = event.get_translation_or_none(Locale.objects.get(language_code=lang)) or event
    occurrences = list(event.occurrences.upcoming().select_related("event"))
    for occurrence in occurrences:
        occurrence.page = page if page.live else event
    return {
        "uid": event_uid(event),
        "title": page.title,
        "summary": page.summary,
        "url": _absolute(page.get_url(request) or ""),
        "kind": event.kind,
        "time_zone": event.time_zone,
        "recurrence": event.recurrence,
        "organiser": event.organiser_name,
        "sectors": [sector.slug for sector in event.sectors.all()],
        "territory": event.territory.slug if event.territory else None,
        "free": event.is_free,
        "price": event.price,
        "price_currency": event.price_currency,
        "accessibility": [name for name, _label in ACCESSIBILITY_FEATURES if getattr(event, name)],
        "ical_url": _absolute(reverse("events:event_ics", args=[event.translation_key])),
        "occurrences": [_occurrence_out(o, request) for o in occurrences],
    }


class _LazyOut:
    """Paginate the queryset first, then serialise only the page (translations in one query)."""

    def __init__(self, queryset, locale, request):
        self.queryset = queryset
        self.locale = locale
        self.request = request

    def __len__(self):
        return self.queryset.count()

    def count(self):
        return self.queryset.count()

    def __getitem__(self, index):
        rows = self.queryset[index]
        rows = list(rows) if isinstance(index, slice) else [rows]
        attach_localized_pages(rows, locale=self.locale)
        out = [_occurrence_out(row, self.request) for row in rows]
        return out if isinstance(index, slice) else out[0]
