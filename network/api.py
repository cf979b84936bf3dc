"""Read-only JSON API of the directory: published actors, public fields only, with the
directory's filters."""

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.http import Http404, QueryDict
from django.urls import reverse
from django.utils import translation
from ninja import Field, Query, Router, Schema
from ninja.errors import ValidationError as NinjaValidationError
from ninja.pagination import LimitOffsetPagination, paginate

from . import selectors
from .forms import DirectoryFilterForm

router = Router(tags=["directory"])


class Filters(Schema):
    lang: str = Field("fr", pattern="^(fr|en)$")
    q: str | None = Field(None, max_length=200)
    sector: str | None = None
    territory: str | None = None
    legal_form: str | None = None
    need: str | None = None
    offer: str | None = None
    umbrella: str | None = None
    umbrellas_only: bool = False


class ActorOut(Schema):
    id: int
    name: str
    slug: str
    url: str
    legal_form: str | None
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
    """Validate through the directory's own form, so that the API and the pages agree."""
    data = QueryDict(mutable=True)
    for name, value in filters.dict().items():
        if name == "lang" or value in (None, False, ""):
            continue
        data[name] = "on" if value is True else str(value)
    with translation.override(filters.lang):
        form = DirectoryFilterForm(data)
        if not form.is_valid():
            raise NinjaValidationError(
                [
                    {"loc": ["query", field], "msg": " ".join(errors)}
                    for field, errors in form.errors.items()
                ]
            )
    return form.filters


def _actor_out(actor, lang):
    with translation.override(lang):
        return {
            "id": actor.pk,
            "name": actor.name,
            "slug": actor.slug,
            "url": settings.BASE_URL + reverse("network:actor", args=[actor.slug]),
            "legal_form": actor.legal_form.name if actor.legal_form else None,
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


@router.get("/actors", response=list[ActorOut], summary="Published actors of the directory")
@paginate(LimitOffsetPagination)
def list_actors(request, filters: Query[Filters]):
    return _LazyOut(selectors.actors_for_directory(filters=_filters(filters)), filters.lang)


@router.get("/actors/{slug}", response=ActorOut, summary="One published actor")
def get_actor(request, slug: str, lang: str = "fr"):
    actor = selectors.actor_for_profile(slug=slug)
    if actor is None:
        raise Http404
    return _actor_out(actor, lang if lang in {"fr", "en"} else "fr")
