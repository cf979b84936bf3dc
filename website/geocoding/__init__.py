"""Geocoding: from an address as people type it to a position on the map.

The layer beneath the apps (it imports none of them). Its whole contract::

    geocode("12 rue de la Paix, 44000 Nantes", country="FR") -> Place | None
    suggest("12 rue de la Pa", country="FR", limit=5) -> list[Place]

``Place(latitude, longitude, label, precision)``: Decimals rounded to six places, a label to
show, and "address", "street" or "commune". The backend is a setting (``ESSAIM_GEOCODER``,
README "Geocoding"): the offline gazetteer by default, or the BAN (France), Nominatim or
Photon over HTTP. Answers are cached for a day in Django's cache, keyed on the backend, its
URL, the query, the country and the language.

A service that fails (time-out, HTTP error, JSON that is not its protocol) is logged as a
warning and the gazetteer answers instead, with the commune the address names: geocoding
never raises, and never makes a save fail. Such a fallback answer is cached for a few
minutes only, so that the service is asked again once it is back.
"""

from __future__ import annotations

import hashlib
import logging
import time
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.utils import translation

from .backends import BACKENDS, GeocoderUnavailable, search_gazetteer
from .folding import fold
from .place import Place, Precision

__all__ = ["Place", "Precision", "geocode", "needs_geocoding", "query_for", "suggest"]

logger = logging.getLogger(__name__)

# The BAN covers France, its overseas departments and the collectivities with an INSEE code.
BAN_COUNTRIES = frozenset(["FR", "GP", "MQ", "GF", "RE", "YT", "PM", "BL", "MF"])
# Fallback answers are kept this long, so that a service back up is asked again soon.
FALLBACK_CACHE_SECONDS = 5 * 60
# A service that failed is left alone this long, in this process: a bulk import must not
# wait for the time-out on every row while the service is down.
PAUSE_AFTER_FAILURE = 60
_paused_until: dict[tuple[str, str], float] = {}
MAX_QUERY = 200
MAX_LIMIT = 10


def _backend_for(country: str) -> tuple[str, str]:
    """(backend name, URL) to ask for ``country``."""
    name = settings.ESSAIM_GEOCODER
    url = settings.ESSAIM_GEOCODER_URL
    if name == "ban" and country and country.upper() not in BAN_COUNTRIES:
        # The BAN knows France only: elsewhere, the backend for abroad (gazetteer by default).
        name = settings.ESSAIM_GEOCODER_ABROAD or "gazetteer"
        url = settings.ESSAIM_GEOCODER_ABROAD_URL
    return name, url


def _search(query: str, country: str, limit: int, offline: bool = False) -> list[Place]:
    query = " ".join(query.split())[:MAX_QUERY]
    country = country.strip().upper()
    if not (len(country) == 2 and country.isascii() and country.isalpha()):
        country = ""  # not an ISO 3166 code: no preference rather than a wrong one
    limit = max(1, min(limit, MAX_LIMIT))
    if not fold(query):
        return []
    name, url = ("gazetteer", "") if offline else _backend_for(country)
    language = translation.get_language() or settings.LANGUAGE_CODE
    fingerprint = "\x1f".join([name, url, country, str(limit), language, query.lower()])
    key = "essaim:geocode:" + hashlib.sha256(fingerprint.encode()).hexdigest()
    cached = cache.get(key)
    if cached is not None:
        return [Place(*values) for values in cached]
    timeout = settings.ESSAIM_GEOCODER_CACHE_SECONDS
    if name == "gazetteer":
        results = search_gazetteer(query, country, limit)
    elif _paused_until.get((name, url), 0) > time.monotonic():
        results = search_gazetteer(query, country, limit)
        timeout = FALLBACK_CACHE_SECONDS
    else:
        backend = BACKENDS[name]
        try:
            results = backend(query, country, limit, url)
        except Exception as error:
            # GeocoderUnavailable, or an answer our parsing did not foresee: either way the
            # save that asked must go on.
            logger.warning(
                "Geocoder %s failed, the gazetteer answers instead: %s",
                name,
                error,
                exc_info=not isinstance(error, GeocoderUnavailable),
            )
            if getattr(error, "pause", True):
                _paused_until[(name, url)] = time.monotonic() + PAUSE_AFTER_FAILURE
            results = search_gazetteer(query, country, limit)
            timeout = FALLBACK_CACHE_SECONDS
        else:
            if not results:
                # Nothing at the street level: the commune the address names, if any.
                results = search_gazetteer(query, country, limit)
    cache.set(
        key,
        [(p.latitude, p.longitude, p.label, p.precision) for p in results],
        timeout=timeout,
    )
    return results


def geocode(query: str, *, country: str = "", offline: bool = False) -> Place | None:
    """The best match for ``query`` (an address, a place name), or None; ``offline`` asks
    the bundled gazetteer only (a dry run must not spend a service's quota)."""
    results = _search(query, country, 5, offline)
    return results[0] if results else None


def suggest(query: str, *, country: str = "", limit: int = 5) -> list[Place]:
    """Up to ``limit`` matches for ``query``, best first (for the address field's list)."""
    return _search(query, country, limit)


def query_for(address: str, *names: str) -> str:
    """``address`` completed with the place ``names`` it does not mention yet: an address
    typed without its town ("12 rue de la Paix") is looked up in the actor's commune."""
    folded = f" {fold(address)} "
    extra = [name for name in names if name and f" {fold(name)} " not in folded]
    return ", ".join(part for part in (address.strip(), *extra) if part)


def needs_geocoding(
    *,
    address: str,
    latitude: Decimal | None,
    longitude: Decimal | None,
    before: tuple[str, Decimal | None, Decimal | None] | None = None,
) -> bool:
    """Whether a record's position should come from its ``address``: there is an address,
    and no coordinates, or (``before``: the address and coordinates stored until now) the
    address changed while the coordinates stayed those of the old one.

    Coordinates the person gave (typed, or set by dragging the marker) are kept: a new
    record's, or an old record's that differ from what was stored.
    """
    if not fold(address):
        return False
    if latitude is None and longitude is None:
        return True
    if latitude is None or longitude is None:
        return False  # half a position: the model's validation says so
    if before is None:
        return False
    old_address, old_latitude, old_longitude = before
    moved = (latitude, longitude) != (old_latitude, old_longitude)
    return not moved and fold(address) != fold(old_address)


def locate(
    *,
    address: str,
    latitude: Decimal | None,
    longitude: Decimal | None,
    before: tuple[str, Decimal | None, Decimal | None] | None = None,
    commune: str = "",
    country: str = "",
    offline: bool = False,
) -> tuple[Decimal | None, Decimal | None] | None:
    """THE positioning rule of every record with an address (actors, spaces, events, rows
    of an import): None when the record's coordinates stand (``needs_geocoding`` says no),
    else the position its address gives, looked up in ``commune`` (when the address does not
    name it) and ``country``. A changed address that cannot be placed gives (None, None):
    the record leaves the old address's place for the list of those without a position."""
    if not needs_geocoding(address=address, latitude=latitude, longitude=longitude, before=before):
        return None
    found = geocode(query_for(address, commune), country=country, offline=offline)
    return (found.latitude, found.longitude) if found is not None else (None, None)
