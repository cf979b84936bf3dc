"""Read-only JSON API of the directory: published actors, public fields only, with the
directory's filters."""

import datetime as dt
from decimal import Decimal

from django.http import Http404
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from ninja import Field, Path, Query, Router, Schema
from ninja.errors import ValidationError as NinjaValidationError
from ninja.pagination import paginate

from website.addresses import absolute_url
from website.api_common import (
    INVALID,
    MAX_NUMBER,
    NOT_FOUND,
    SECTOR_DESCRIPTION,
    TERRITORY_DESCRIPTION,
    Day,
    Flag,
    Lang,
    Pagination,
    Slug,
    form_choice,
    form_rows,
    one_of,
    whole_number,
    words,
)
from website.cache import mark
from website.forms import api_filters

from . import booking_selectors, selectors
from .forms import QUERY_MAX_LENGTH, DirectoryFilterForm
from .models import Space, Territory

router = Router(tags=["directory"])


class Filters(Schema):
    lang: Lang = "fr"
    q: words(QUERY_MAX_LENGTH) | None = Field(
        None, description="Words to look for in the name, description, place or languages."
    )
    sector: form_rows(DirectoryFilterForm, "sector") | None = Field(
        None, description=SECTOR_DESCRIPTION
    )
    territory: form_rows(DirectoryFilterForm, "territory") | None = Field(
        None, description=TERRITORY_DESCRIPTION
    )
    legal_form: form_rows(DirectoryFilterForm, "legal_form") | None = Field(
        None,
        description=(
            "A legal form's slug, as in the legal_form_slug of actors. A slug that names no "
            "legal form is refused (422)."
        ),
    )
    need: form_choice(DirectoryFilterForm, "need") | None = Field(
        None, description="Actors with a current need of this kind."
    )
    offer: form_choice(DirectoryFilterForm, "offer") | None = Field(
        None, description="Actors with a current offer of this kind."
    )
    umbrella: form_rows(DirectoryFilterForm, "umbrella") | None = Field(
        None,
        description=(
            "An umbrella network's slug, as in the slug of actors with umbrella true "
            "(umbrellas_only lists them): its approved members. A slug of no published network "
            "is refused (422)."
        ),
    )
    umbrellas_only: Flag = Field(False, description="Umbrella networks only.")


class ActorOut(Schema):
    id: int
    name: str
    slug: str
    url: str
    legal_form: str | None = Field(description="The legal form's name, in the language of lang.")
    legal_form_slug: str | None = Field(description="The value the legal_form filter takes.")
    identifier_kind: str
    identifier: str
    sectors: list[str]
    territory: str | None
    country: str | None
    address: str
    latitude: Decimal | None
    longitude: Decimal | None
    description: str
    website: str
    public_email: str
    public_phone: str
    year_founded: int | None
    size_band: str
    languages: str
    umbrella: bool
    updated_at: dt.datetime


def _filters(filters):
    return api_filters(DirectoryFilterForm, filters)


def _actor_out(actor, lang):
    with translation.override(lang):
        return {
            "id": actor.pk,
            "name": actor.name,
            "slug": actor.slug,
            "url": absolute_url(reverse("network:actor", args=[actor.slug])),
            "legal_form": actor.legal_form.name if actor.legal_form else None,
            "legal_form_slug": actor.legal_form.slug if actor.legal_form else None,
            "identifier_kind": actor.identifier_kind,
            "identifier": actor.identifier,
            "sectors": [sector.slug for sector in actor.sectors.all()],
            "territory": actor.territory.slug if actor.territory else None,
            "country": actor.territory.country if actor.territory else None,
            "address": actor.address,
            "latitude": actor.latitude,
            "longitude": actor.longitude,
            "description": actor.description,
            "website": actor.website,
            "public_email": actor.public_email,
            "public_phone": actor.public_phone,
            "year_founded": actor.year_founded,
            "size_band": actor.size_band,
            "languages": actor.languages,
            "umbrella": actor.is_umbrella,
            "updated_at": actor.updated_at,
        }


class _LazyOut:
    """Paginate the queryset first, then serialise only the page."""

    def __init__(self, queryset, lang):
        self.queryset, self.lang = queryset, lang

    def __len__(self):
        return self.queryset.count()

    def count(self):
        return self.queryset.count()

    def __getitem__(self, index):
        rows = self.queryset[index]
        rows = list(rows) if isinstance(index, slice) else [rows]
        out = [_actor_out(row, self.lang) for row in rows]
        return out if isinstance(index, slice) else out[0]


@router.get(
    "/actors",
    response={200: list[ActorOut], **INVALID},
    summary="Published actors of the directory",
)
@paginate(Pagination)
def list_actors(request, filters: Query[Filters]):
    mark(request, ("directory",))
    return _LazyOut(selectors.actors_for_directory(filters=_filters(filters)), filters.lang)


ACTOR_SLUG = Path(..., description="The actor's slug, as in /api/v1/actors.")


@router.get(
    "/actors/{slug}",
    response={200: ActorOut, **NOT_FOUND, **INVALID},
    summary="One published actor",
)
def get_actor(request, slug: Slug = ACTOR_SLUG, lang: Lang = "fr"):
    mark(request, ("directory",))
    actor = selectors.actor_for_profile(slug=slug)
    if actor is None:
        raise Http404(_("No published actor has this slug."))
    return _actor_out(actor, lang)


# --- meeting spaces (issue 7) --------------------------------------------------------------
# Active spaces and when they are free or busy. Never who booked: a busy interval is only a time.


class SpaceFilters(Schema):
    lang: Lang = "fr"
    territory: form_rows(DirectoryFilterForm, "territory") | None = Field(
        None, description=TERRITORY_DESCRIPTION
    )
    capacity: whole_number(1, MAX_NUMBER) | None = Field(
        None, description="At least this many people."
    )
    equipment: list[one_of(Space.EQUIPMENT, _("Choose equipment from the list."))] = Field(
        [], description="All of these."
    )
    accessibility: list[
        one_of(Space.ACCESSIBILITY, _("Choose accessibility features from the list."))
    ] = Field([], description="All of these.")


# A local time of day such as "08:00:00": RFC 3339's partial-time. JSON Schema's "time" format is
# a full-time, with an offset from UTC, which opening hours (wall-clock times) do not have.
LOCAL_TIME = {"format": "partial-time", "examples": ["08:00:00"]}


class OpeningHoursOut(Schema):
    weekday: int = Field(description="0 is Monday.")
    opens: dt.time = Field(json_schema_extra=LOCAL_TIME)
    closes: dt.time = Field(json_schema_extra=LOCAL_TIME)


class ClosureOut(Schema):
    starts_on: dt.date
    ends_on: dt.date
    reason: str


class SpaceOut(Schema):
    name: str
    slug: str
    url: str
    territory: str
    address: str
    latitude: Decimal | None
    longitude: Decimal | None
    time_zone: str
    capacity: int
    equipment: list[str]
    accessibility: list[str]
    requires_approval: bool
    price: str
    opening_hours: list[OpeningHoursOut] = Field(description="Local time of the space.")


class SpaceDetailOut(SpaceOut):
    description: str
    conditions: str
    owner: str
    min_duration_minutes: int
    max_duration_minutes: int
    min_notice_hours: float
    horizon_days: int
    buffer_minutes: int
    closures: list[ClosureOut]


class IntervalOut(Schema):
    start: dt.datetime
    end: dt.datetime


class AvailabilityOut(Schema):
    space: str
    time_zone: str
    start: dt.date
    end: dt.date
    busy: list[IntervalOut] = Field(description="Taken, buffer included; never by whom.")
    free: list[IntervalOut] = Field(
        description=(
            "Open, free and bookable now: a booking anywhere inside one is accepted (it ends "
            "a buffer before the next busy interval, so that the new booking's own buffer fits)."
        )
    )


def _space_out(space, *, detail=False):
    out = {
        "name": space.name,
        "slug": space.slug,
        "url": absolute_url(space.get_absolute_url()),
        "territory": space.territory.slug,
        "address": space.address,
        "latitude": space.latitude,
        "longitude": space.longitude,
        "time_zone": space.time_zone,
        "capacity": space.capacity,
        "equipment": [name for name in Space.EQUIPMENT if getattr(space, name)],
        "accessibility": [name for name in Space.ACCESSIBILITY if getattr(space, name)],
        "requires_approval": space.requires_approval,
        "price": space.price,
        "opening_hours": [
            {"weekday": h.weekday, "opens": h.opens, "closes": h.closes}
            for h in space.opening_hours.all()
        ],
    }
    if detail:
        today = timezone.localtime(timezone.now(), space.zone).date()
        out.update(
            description=space.description,
            conditions=space.conditions,
            owner=space.owner_name,
            min_duration_minutes=space.min_duration.total_seconds() // 60,
            max_duration_minutes=space.max_duration.total_seconds() // 60,
            min_notice_hours=space.min_notice.total_seconds() / 3600,
            horizon_days=space.horizon.days,
            buffer_minutes=space.buffer.total_seconds() // 60,
            closures=[
                {"starts_on": c.starts_on, "ends_on": c.ends_on, "reason": c.reason}
                for c in space.closures.all()
                if c.ends_on >= today
            ],
        )
    return out


class _LazySpaces(_LazyOut):
    def __getitem__(self, index):
        return [_space_out(space) for space in self.queryset[index]]


def _space_or_404(slug):
    space = booking_selectors.spaces_for_listing().filter(slug=slug).first()
    if space is None:
        raise Http404(_("No meeting space open to bookings has this slug."))
    return space


SPACE_SLUG = Path(..., description="The space's slug, as in /api/v1/spaces.")


@router.get(
    "/spaces",
    response={200: list[SpaceOut], **INVALID},
    tags=["spaces"],
    summary="Meeting spaces open to bookings",
)
@paginate(Pagination)
def list_spaces(request, filters: Query[SpaceFilters]):
    mark(request, ("spaces",))
    territory = None
    if filters.territory:
        territory = Territory.objects.filter(slug=filters.territory).first()
        if territory is None:
            raise NinjaValidationError(
                [
                    {
                        "loc": ["query", "territory"],
                        "msg": str(_("Choose a territory from the list.")),
                    }
                ]
            )
    spaces = booking_selectors.spaces_filtered(
        filters={**filters.dict(), "territory": territory}
    ).order_by("name", "pk")
    return _LazySpaces(spaces, "fr")


@router.get(
    "/spaces/{slug}",
    response={200: SpaceDetailOut, **NOT_FOUND, **INVALID},
    tags=["spaces"],
    summary="One meeting space",
)
def get_space(request, slug: Slug = SPACE_SLUG, lang: Lang = "fr"):
    mark(request, ("spaces",))
    return _space_out(_space_or_404(slug), detail=True)


MAX_DAYS = booking_selectors.MAX_AVAILABILITY_DAYS
START = Query(None, description="First day; today in the space by default.")
END = Query(
    None,
    description=f"Last day, from start to start + {MAX_DAYS - 1} days; start + 6 by default.",
)


@router.get(
    "/spaces/{slug}/availability",
    response={200: AvailabilityOut, **NOT_FOUND, **INVALID},
    tags=["spaces"],
    summary="When a meeting space is busy and when it can be booked",
    description=(
        "From start to end, local dates of the space, both included: from today for a week "
        "by default. end is not before start, and the period lasts at most "
        f"{MAX_DAYS} days (end at most start + {MAX_DAYS - 1} days); another period is "
        "refused (422)."
    ),
)
def space_availability(
    request,
    slug: Slug = SPACE_SLUG,
    start: Day | None = START,
    end: Day | None = END,
    lang: Lang = "fr",
):
    mark(request, ("spaces",))
    space = _space_or_404(slug)
    start = start or timezone.localtime(timezone.now(), space.zone).date()
    end = end or start + dt.timedelta(days=6)
    if end < start:
        message = _("The end date cannot come before the start date.")
    elif (end - start).days >= MAX_DAYS:
        message = ngettext(
            "The period lasts at most %(days)d day.",
            "The period lasts at most %(days)d days.",
            MAX_DAYS,
        ) % {"days": MAX_DAYS}
    else:
        message = None
    if message:
        raise NinjaValidationError([{"loc": ["query", "end"], "msg": str(message)}])
    found = booking_selectors.availability(space=space, first_day=start, last_day=end)
    return {
        "space": space.slug,
        "time_zone": space.time_zone,
        "start": start,
        "end": end,
        "busy": [{"start": s, "end": e} for s, e in found["busy"]],
        "free": [{"start": s, "end": e} for s, e in found["free"]],
    }


# --- Incubators: programmes and calls for applications ------------------------------------

from . import incubator_selectors  # noqa: E402
from .incubator_forms import CallFilterForm  # noqa: E402


class ProgrammeFilters(Schema):
    lang: Lang = "fr"
    sector: form_rows(CallFilterForm, "sector") | None = Field(None, description=SECTOR_DESCRIPTION)
    territory: form_rows(CallFilterForm, "territory") | None = Field(
        None,
        description=(
            f"{TERRITORY_DESCRIPTION} A programme without a territory is its incubator's."
        ),
    )
    support: form_choice(CallFilterForm, "support") | None = Field(
        None, description="Programmes that offer this kind of support."
    )
    incubator: form_rows(CallFilterForm, "incubator") | None = Field(
        None,
        description=(
            "An incubator's slug, as in the incubator of programmes and calls. A slug of no "
            "published incubator is refused (422)."
        ),
    )


class CallFilters(ProgrammeFilters):
    open_now: Flag = Field(False, description="Calls open now (open or closing soon).")
    state: form_choice(CallFilterForm, "state") | None = Field(
        None, description="Calls in this state now."
    )


class CallOut(Schema):
    id: int
    title: str
    url: str
    programme: str
    incubator: str
    state: str
    cadence: str
    recurrence: str
    time_zone: str
    opens_at: dt.datetime
    pre_deposit_at: dt.datetime | None
    closes_at: dt.datetime | None
    apply_url: str
    apply_email: str


class ProgrammeOut(Schema):
    id: int
    name: str
    slug: str
    url: str
    incubator: str
    support: list[str]
    sectors: list[str]
    territory: str | None
    duration: str
    cost: str
    free: bool
    eligibility: str
    audience: str
    description: str


def _call_filters(filters):
    return api_filters(CallFilterForm, filters)


def _call_out(call, lang):
    with translation.override(lang):
        return {
            "id": call.pk,
            "title": call.title,
            "url": absolute_url(call.get_absolute_url()),
            "programme": call.programme.slug,
            "incubator": call.programme.actor.slug,
            "state": call.state,
            "cadence": call.cadence,
            "recurrence": call.recurrence,
            "time_zone": call.time_zone,
            "opens_at": call.opens_at,
            "pre_deposit_at": call.pre_deposit_at,
            "closes_at": call.closes_at,
            "apply_url": call.apply_url,
            "apply_email": call.apply_email,
        }


def _programme_out(programme, lang):
    territory = programme.territory or programme.actor.territory
    with translation.override(lang):
        return {
            "id": programme.pk,
            "name": programme.name,
            "slug": programme.slug,
            "url": absolute_url(programme.get_absolute_url()),
            "incubator": programme.actor.slug,
            "support": [kind.value for kind in programme.support_kinds],
            "sectors": [sector.slug for sector in programme.sectors.all()],
            "territory": territory.slug if territory else None,
            "duration": programme.duration,
            "cost": programme.cost,
            "free": programme.is_free,
            "eligibility": programme.eligibility,
            "audience": programme.audience,
            "description": programme.description,
        }


class _LazySerialised(_LazyOut):
    def __init__(self, queryset, lang, serialise):
        super().__init__(queryset, lang)
        self.serialise = serialise

    def __getitem__(self, index):
        rows = self.queryset[index]
        rows = list(rows) if isinstance(index, slice) else [rows]
        out = [self.serialise(row, self.lang) for row in rows]
        return out if isinstance(index, slice) else out[0]


@router.get(
    "/calls",
    response={200: list[CallOut], **INVALID},
    summary="Calls for applications of incubators",
    tags=["incubators"],
)
@paginate(Pagination)
def list_calls(request, filters: Query[CallFilters]):
    mark(request, ("incubators", "directory"))
    calls = incubator_selectors.calls_for_listing(filters=_call_filters(filters))
    return _LazySerialised(calls, filters.lang, _call_out)


@router.get(
    "/programmes",
    response={200: list[ProgrammeOut], **INVALID},
    summary="Programmes of incubators",
    tags=["incubators"],
)
@paginate(Pagination)
def list_programmes(request, filters: Query[ProgrammeFilters]):
    mark(request, ("incubators", "directory"))
    programmes = incubator_selectors.programmes_for_listing(filters=_call_filters(filters))
    return _LazySerialised(programmes, filters.lang, _programme_out)
