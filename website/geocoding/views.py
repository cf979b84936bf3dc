"""The endpoint the address field asks as people type: ``GET /geocode/?q=...&country=FR``.

For signed-in people only, and rate-limited per person (``ESSAIM_RATE_LIMITS["geocode"]``):
it must not become an open proxy to Nominatim or the BAN. Answers
``{"results": [Place.as_json(), ...]}``; errors are ``{"error": "..."}`` in the person's
language, never an HTML page (the caller is a script).
"""

from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from website import ratelimit

from . import suggest

MAX_RESULTS = 10


@never_cache
@require_GET
def geocode(request: HttpRequest) -> JsonResponse:
    if not request.user.is_authenticated:
        return JsonResponse({"error": _("Log in to look up addresses.")}, status=403)
    query = " ".join(request.GET.get("q", "").split())
    if not query:
        return JsonResponse({"error": _("Type an address to look up.")}, status=400)
    retry_after = ratelimit.consume(request, "geocode")
    if retry_after is not None:
        response = JsonResponse(
            {"error": _("Too many look-ups in a short while. Please wait a minute.")},
            status=429,
        )
        response["Retry-After"] = str(retry_after)
        return response
    country = request.GET.get("country", "")
    try:
        limit = max(1, min(int(request.GET.get("limit", 5)), MAX_RESULTS))
    except ValueError:
        limit = 5
    results = suggest(query, country=country, limit=limit)
    return JsonResponse({"results": [place.as_json() for place in results]})
