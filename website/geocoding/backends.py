"""The geocoders: the offline gazetteer and three HTTP services, each in its own protocol.

A backend is a callable ``(query, country, limit, url) -> list[Place]`` (an empty URL:
the service's public one) that raises
``GeocoderUnavailable`` when its service fails (time-out, HTTP error, an answer that is not
the JSON it should be); ``website.geocoding`` then falls back to the gazetteer. HTTP goes
through the standard library's urllib: no dependency for three GET requests.

- BAN, the Base Adresse Nationale (https://adresse.data.gouv.fr/outils/api-doc/adresse):
  France only, no key, GeoJSON.
- Nominatim (https://nominatim.org/release-docs/latest/api/Search/): OpenStreetMap, world
  wide. The public server's usage policy (https://operations.osmfoundation.org/policies/
  nominatim/) asks for a User-Agent that names the application, at most one request a
  second, and no search-as-you-type: point GEOCODER_URL at your own server for that.
- Photon (https://github.com/komoot/photon): OpenStreetMap, made for search-as-you-type,
  GeoJSON.
"""

from __future__ import annotations

import functools
import http.client
import json
import time
from collections.abc import Callable
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from typing import Any
from urllib.error import HTTPError, URLError
from urllib.parse import urlencode
from urllib.request import Request, urlopen

from django.conf import settings
from django.core.cache import cache
from django.utils import translation

from .gazetteer import gazetteer
from .place import Place, Precision

DEFAULT_URLS = {
    "ban": "https://api-adresse.data.gouv.fr/search/",
    "nominatim": "https://nominatim.openstreetmap.org/search",
    "photon": "https://photon.komoot.io/api/",
}
SIX_PLACES = Decimal("0.000001")
# The languages Photon answers in; others get its default.
PHOTON_LANGUAGES = {"fr", "en", "de", "it"}


class GeocoderUnavailable(Exception):
    """The service did not answer, or not in its protocol. ``pause``: whether the service
    itself is in trouble (a time-out, a 5xx, a 429), so that it is left alone a while; a
    request it refused (another 4xx) or a turn not given (Nominatim's pace) is not."""

    def __init__(self, message: str, *, pause: bool = True) -> None:
        super().__init__(message)
        self.pause = pause


Backend = Callable[[str, str, int, str], list[Place]]


def coordinate(value: Any, bound: int) -> Decimal | None:
    """A latitude (bound 90) or longitude (180) rounded to six places, or None."""
    try:
        number = Decimal(str(value)).quantize(SIX_PLACES, rounding=ROUND_HALF_EVEN)
    except (InvalidOperation, ValueError, TypeError):
        return None
    if not number.is_finite() or abs(number) > bound:
        return None
    return number


def place(lat: Any, lon: Any, label: str, precision: str) -> Place | None:
    latitude, longitude = coordinate(lat, 90), coordinate(lon, 180)
    if latitude is None or longitude is None:
        return None
    return Place(latitude=latitude, longitude=longitude, label=label, precision=precision)


# --- the gazetteer -----------------------------------------------------------------------


@functools.cache
def _country_names() -> dict[str, str]:
    """Folded names of the gazetteer's countries, in French and English, to their code."""
    from babel import Locale

    from .folding import fold

    names: dict[str, str] = {}
    for language in ("fr", "en"):
        territories = Locale.parse(language).territories
        for code in gazetteer().countries:
            if code in territories:
                names[fold(territories[code])] = code
    return names


def country_label(code: str) -> str:
    """The country's name in the active language ("La Réunion", "Senegal")."""
    from babel import Locale, UnknownLocaleError

    language = (translation.get_language() or settings.LANGUAGE_CODE).replace("-", "_")
    try:
        return Locale.parse(language).territories.get(code, code)
    except (UnknownLocaleError, ValueError):
        return code


def search_gazetteer(query: str, country: str, limit: int, url: str = "") -> list[Place]:
    found = gazetteer().search(query, country=country, limit=limit, country_names=_country_names())
    return [
        Place(
            latitude=commune.latitude.quantize(SIX_PLACES),
            longitude=commune.longitude.quantize(SIX_PLACES),
            label=f"{commune.name}, {country_label(commune.country)}",
            precision=Precision.COMMUNE,
        )
        for commune in found
    ]


# --- HTTP --------------------------------------------------------------------------------


def user_agent() -> str:
    return settings.ESSAIM_GEOCODER_USER_AGENT


def get_json(url: str, params: dict[str, Any], *, headers: dict[str, str] | None = None) -> Any:
    """GET ``url`` with ``params`` and read its JSON, or raise GeocoderUnavailable."""
    separator = "&" if "?" in url else "?"
    request = Request(
        url + separator + urlencode(params),
        headers={"User-Agent": user_agent(), "Accept": "application/json", **(headers or {})},
    )
    try:
        with urlopen(request, timeout=settings.ESSAIM_GEOCODER_TIMEOUT) as response:  # noqa: S310
            body = response.read(2 * 1024 * 1024)
        return json.loads(body.decode("utf-8"))
    except HTTPError as error:
        trouble = error.code >= 500 or error.code == 429
        raise GeocoderUnavailable(f"{url}: {error}", pause=trouble) from error
    except (URLError, OSError, http.client.HTTPException, ValueError) as error:
        # HTTPError is a URLError; a time-out or a reset while reading an OSError; an answer
        # cut short an HTTPException; bad JSON or bad UTF-8 a ValueError.
        raise GeocoderUnavailable(f"{url}: {error}") from error


def features(data: Any) -> list[dict[str, Any]]:
    """The features of a GeoJSON FeatureCollection, or GeocoderUnavailable."""
    if not isinstance(data, dict) or not isinstance(data.get("features"), list):
        raise GeocoderUnavailable("not a GeoJSON FeatureCollection")
    return [f for f in data["features"] if isinstance(f, dict)]


def point(feature: dict[str, Any]) -> tuple[Any, Any]:
    """(lat, lon) of a GeoJSON Point feature, whose coordinates are [lon, lat]."""
    coordinates = (feature.get("geometry") or {}).get("coordinates") or []
    if len(coordinates) < 2:
        return None, None
    return coordinates[1], coordinates[0]


BAN_PRECISION = {
    "housenumber": Precision.ADDRESS,
    "street": Precision.STREET,
    "locality": Precision.STREET,  # a lieu-dit within a commune
    "municipality": Precision.COMMUNE,
}


def search_ban(query: str, country: str, limit: int, url: str = "") -> list[Place]:
    url = url or DEFAULT_URLS["ban"]
    # BAN's own limit: a query of 3 to 200 characters starting with a letter or a digit; it
    # answers 400 to others. Nothing to ask: the gazetteer answers.
    if len(query.strip()) < 3 or not query.strip()[0].isalnum():
        return []
    data = get_json(url, {"q": query[:200], "limit": limit})
    results = []
    for feature in features(data):
        properties = feature.get("properties") or {}
        found = place(
            *point(feature),
            label=str(properties.get("label") or ""),
            precision=BAN_PRECISION.get(str(properties.get("type")), Precision.ADDRESS),
        )
        if found is not None:
            results.append(found)
    return results


NOMINATIM_STREETS = {"road", "street", "pedestrian", "residential", "square", "quarter"}
NOMINATIM_COMMUNES = {
    "city",
    "town",
    "village",
    "hamlet",
    "municipality",
    "suburb",
    "neighbourhood",
    "city_district",
    "borough",
    "county",
    "state",
    "region",
    "country",
    "administrative",
}


def _nominatim_turn() -> bool:
    """A turn to ask Nominatim: at most one request per ``ESSAIM_GEOCODER_MIN_INTERVAL``
    (its usage policy: one a second) across every process that shares the cache (Redis),
    waiting at most one interval for the next. No lock is held while asking."""
    interval = settings.ESSAIM_GEOCODER_MIN_INTERVAL
    if interval <= 0:
        return True
    deadline = time.monotonic() + interval
    while True:
        slot = int(time.time() / interval)
        if cache.add(f"essaim:geocode:nominatim-turn:{slot}", 1, timeout=int(interval) + 1):
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(min(0.1, interval))


def search_nominatim(query: str, country: str, limit: int, url: str = "") -> list[Place]:
    url = url or DEFAULT_URLS["nominatim"]
    params: dict[str, Any] = {
        "q": query,
        "format": "jsonv2",
        "limit": limit,
        "addressdetails": 0,
    }
    if country:
        params["countrycodes"] = country.lower()
    language = translation.get_language() or settings.LANGUAGE_CODE
    if not _nominatim_turn():
        raise GeocoderUnavailable("Nominatim: no turn within a second", pause=False)
    data = get_json(url, params, headers={"Accept-Language": language})
    if not isinstance(data, list):
        raise GeocoderUnavailable("Nominatim did not answer with a list")
    results = []
    for item in data:
        if not isinstance(item, dict):
            continue
        kind = item.get("addresstype") or item.get("type") or ""
        if kind in NOMINATIM_STREETS:
            precision = Precision.STREET
        elif kind in NOMINATIM_COMMUNES:
            precision = Precision.COMMUNE
        else:
            precision = Precision.ADDRESS
        found = place(
            item.get("lat"), item.get("lon"), str(item.get("display_name") or ""), precision
        )
        if found is not None:
            results.append(found)
    return results


PHOTON_PRECISION = {
    "house": Precision.ADDRESS,
    "street": Precision.STREET,
    "locality": Precision.STREET,
    "district": Precision.COMMUNE,
    "city": Precision.COMMUNE,
    "county": Precision.COMMUNE,
    "state": Precision.COMMUNE,
    "country": Precision.COMMUNE,
}


def photon_label(properties: dict[str, Any]) -> str:
    """ "12 Rue de la Paix, 44000 Nantes, France" from Photon's separate properties."""
    street = " ".join(str(properties[k]) for k in ("housenumber", "street") if properties.get(k))
    name = str(properties.get("name") or "")
    town = " ".join(str(properties[k]) for k in ("postcode", "city") if properties.get(k))
    parts = [name if name and name not in (street, properties.get("city")) else "", street, town]
    if not properties.get("city") and not name:
        parts.append(str(properties.get("state") or ""))
    parts.append(str(properties.get("country") or ""))
    return ", ".join(part for part in parts if part)


def search_photon(query: str, country: str, limit: int, url: str = "") -> list[Place]:
    url = url or DEFAULT_URLS["photon"]
    language = (translation.get_language() or settings.LANGUAGE_CODE)[:2]
    # Photon's public API has no country filter: a few more results, filtered here.
    data = get_json(
        url,
        {
            "q": query,
            "limit": limit * 2 if country else limit,
            "lang": language if language in PHOTON_LANGUAGES else "fr",
        },
    )
    results = []
    for feature in features(data):
        properties = feature.get("properties") or {}
        code = str(properties.get("countrycode") or "").upper()
        if country and code and code != country.upper():
            continue
        found = place(
            *point(feature),
            label=photon_label(properties),
            precision=PHOTON_PRECISION.get(str(properties.get("type")), Precision.ADDRESS),
        )
        if found is not None:
            results.append(found)
    return results[:limit]


BACKENDS: dict[str, Backend] = {
    "gazetteer": search_gazetteer,
    "ban": search_ban,
    "nominatim": search_nominatim,
    "photon": search_photon,
}
