"""Read-only JSON API of events and their dates, with the agenda's filters."""

import datetime as dt
import uuid
from decimal import Decimal

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import translation
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from wagtail.models import Locale

from website.addresses import absolute_url
from website.api_common import INVALID, NOT_FOUND, Pagination
from website.cache import mark
from website.forms import api_filters

from .forms import EventFilterForm
from .ical import event_uid
from .models import ACCESSIBILITY_FEATURES, EventPage
from .selectors import attach_localized_pages, occurrences_for_listing

router = Router(tags=["events"])


def _date_format(schema):
    # Text for the form to check (so mistakes are explained in ``lang``), documented as a date;
    # empty, as a form sends an empty field, it filters nothing.
    schema["anyOf"] = [
        {"type": "string", "format": "date"},
        {"type": "string", "enum": [""]},
        {"type": "null"},
    ]


class Filters(Schema):
    """The agenda's filters; ``lang`` chooses the language of titles and links."""

    lang: str = Field("fr", pattern="^(fr|en)$")
    q: str | None = Field(None, max_length=200)
    kind: list[str] = Field(default_factory=list)
    sector: str | None = None
    territory: str | None = None
    date_from: str | None = Field(None, examples=["2027-03-10"], json_schema_extra=_date_format)
    date_to: str | None = Field(None, examples=["2027-03-31"], json_schema_extra=_date_format)
    online: bool = False
    free: bool = False
    accessibility: list[str] = Field(default_factory=list)
    past: bool = False


class OccurrenceOut(Schema):
    id: int
    event_uid: str
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
    uid: str
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
    "/occurrences", response={200: list[OccurrenceOut], **INVALID}, summary="Dates of events"
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
    response={200: EventOut, **NOT_FOUND},
    summary="One event with its upcoming dates",
)
def get_event(request, uid: str, lang: str = "fr"):
    mark(request, ("events",))
    lang = lang if lang in {"fr", "en"} else "fr"
    try:
        # The UID is the translation key, with or without its "@domain".
        key = uuid.UUID(uid.split("@", 1)[0])
    except ValueError:
        raise Http404 from None
    with translation.override(lang):
        default = Locale.get_default()
        event = get_object_or_404(
            EventPage.objects.live().select_related("territory"),
            translation_key=key,
            locale=default,
        )
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
            "accessibility": [
                name for name, _label in ACCESSIBILITY_FEATURES if getattr(event, name)
            ],
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
