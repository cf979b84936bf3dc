"""Rate limits on the site's own write endpoints (allauth limits its own: ACCOUNT_RATE_LIMITS).

A fixed window per person (or per client address for visitors) and action, counted in the
Django cache, so every web process shares the count when the cache is Redis. The limits
live in one setting, ``ESSAIM_RATE_LIMITS``: ``{action: (attempts, window in seconds)}``.
Only writes count (POST and the other unsafe methods); a refusal is a 429 page in the
visitor's language, with ``Retry-After``.

A fixed window lets a burst of twice the limit through across a window's edge; that is
enough against floods and scripts, which is what these limits are for.
"""

import functools
import math
import time

from allauth.core.internal.ratelimit import get_ip
from django.conf import settings
from django.core.cache import cache
from django.shortcuts import render

SAFE_METHODS = {"GET", "HEAD", "OPTIONS", "TRACE"}


def _client(request):
    """Who is counted: the signed-in person, else the client address as allauth sees it
    (behind ALLAUTH_TRUSTED_PROXY_COUNT proxies; IPv6 grouped by /64)."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return f"ip:{get_ip(request)}"


def consume(request, action, *, now=None):
    """Count one attempt at ``action``. Returns the seconds to wait when the limit is
    reached (the attempt is refused), else None."""
    limit = settings.ESSAIM_RATE_LIMITS.get(action)
    if not limit:
        return None
    attempts, window = limit
    now = time.time() if now is None else now
    slot = int(now // window)
    key = f"essaim:rl:{action}:{_client(request)}:{slot}"
    # add() only sets a missing key, and incr() is atomic on Redis and in local memory.
    cache.add(key, 0, timeout=window + 1)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.set(key, 1, timeout=window + 1)
        count = 1
    if count <= attempts:
        return None
    return max(1, math.ceil((slot + 1) * window - now))


def too_many_requests(request, retry_after=None):
    """The 429 page (the same template allauth renders for its own limits)."""
    minutes = math.ceil(retry_after / 60) if retry_after else None
    response = render(request, "429.html", {"retry_minutes": minutes}, status=429)
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response


def rate_limit(action):
    """View decorator: refuse the request with a 429 past the limit of ``action``. Put it
    under ``login_required``, so that only signed-in attempts count against a person."""

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method not in SAFE_METHODS:
                retry_after = consume(request, action)
                if retry_after is not None:
                    return too_many_requests(request, retry_after)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
