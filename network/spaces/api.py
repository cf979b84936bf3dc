"""Read-only JSON API of meeting spaces: the active ones and when they are free or busy, never
who booked them."""

import datetime as dt
from decimal import Decimal

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from ninja import Field, Path, Query, Router, Schema
from ninja.errors import ValidationError as NinjaValidationError
from ninja.pagination import paginate

from network.directory.forms import DirectoryFilterForm
from network.directory.models import Territory
from website.addresses import absolute_url
from website.api_common import (
    INVALID,
    MAX_NUMBER,
    NOT_FOUND,
    TERRITORY_DESCRIPTION,
    Day,
    Lang,
    LazyPage,
    Pagination,
    Slug,
    form_rows,
    one_of,
    whole_number,
)
from website.cache import mark

from . import selectors
from .models import Space

router = Router(tags=["spaces"])


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


def _space_or_404(slug):
    space = selectors.spaces_for_listing().filter(slug=slug).first()
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
    spaces = selectors.spaces_filtered(filters={**filters.dict(), "territory": territory}).order_by(
        "name", "pk"
    )
    return LazyPage(spaces, _space_out)


@router.get(
    "/spaces/{slug}",
    response={200: SpaceDetailOut, **NOT_FOUND, **INVALID},
    tags=["spaces"],
    summary="One meeting space",
)
def get_space(request, slug: Slug = SPACE_SLUG, lang: Lang = "fr"):
    mark(request, ("spaces",))
    return _space_out(_space_or_404(slug), detail=True)


MAX_DAYS = selectors.MAX_AVAILABILITY_DAYS
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
    found = selectors.availability(space=space, first_day=start, last_day=end)
    return {
        "space": space.slug,
        "time_zone": space.time_zone,
        "start": start,
        "end": end,
        "busy": [{"start": s, "end": e} for s, e in found["busy"]],
        "free": [{"start": s, "end": e} for s, e in found["free"]],
    }
