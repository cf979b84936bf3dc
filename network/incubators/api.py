"""Read-only JSON API of incubators: their active programmes and calls for applications."""

import datetime as dt

from django.utils import translation
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from website.addresses import absolute_url
from website.api_common import (
    INVALID,
    SECTOR_DESCRIPTION,
    TERRITORY_DESCRIPTION,
    Flag,
    Lang,
    LazyPage,
    Pagination,
    form_choice,
    form_rows,
)
from website.cache import mark
from website.forms import api_filters

from . import selectors
from .forms import CallFilterForm

router = Router(tags=["incubators"])


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


@router.get(
    "/calls",
    response={200: list[CallOut], **INVALID},
    summary="Calls for applications of incubators",
    tags=["incubators"],
)
@paginate(Pagination)
def list_calls(request, filters: Query[CallFilters]):
    mark(request, ("incubators", "directory"))
    calls = selectors.calls_for_listing(filters=_call_filters(filters))
    return LazyPage(calls, lambda call: _call_out(call, filters.lang))


@router.get(
    "/programmes",
    response={200: list[ProgrammeOut], **INVALID},
    summary="Programmes of incubators",
    tags=["incubators"],
)
@paginate(Pagination)
def list_programmes(request, filters: Query[ProgrammeFilters]):
    mark(request, ("incubators", "directory"))
    programmes = selectors.programmes_for_listing(filters=_call_filters(filters))
    return LazyPage(programmes, lambda programme: _programme_out(programme, filters.lang))
