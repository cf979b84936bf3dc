"""Read-only JSON API of the directory: published actors, public fields only, with the
directory's filters."""

import datetime as dt
from decimal import Decimal

from django.http import Http404
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from ninja import Field, Path, Query, Router, Schema
from ninja.pagination import paginate

from website.addresses import absolute_url
from website.api_common import (
    INVALID,
    NOT_FOUND,
    SECTOR_DESCRIPTION,
    TERRITORY_DESCRIPTION,
    Flag,
    Lang,
    LazyPage,
    Pagination,
    Slug,
    form_choice,
    form_rows,
    words,
)
from website.cache import mark
from website.forms import api_filters

from . import selectors
from .forms import QUERY_MAX_LENGTH, DirectoryFilterForm

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


@router.get(
    "/actors",
    response={200: list[ActorOut], **INVALID},
    summary="Published actors of the directory",
)
@paginate(Pagination)
def list_actors(request, filters: Query[Filters]):
    mark(request, ("directory",))
    actors = selectors.actors_for_directory(filters=_filters(filters))
    return LazyPage(actors, lambda actor: _actor_out(actor, filters.lang))


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
