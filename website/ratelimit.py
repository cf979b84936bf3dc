"""Rate limits on the site's own write endpoints (allauth limits its own: ACCOUNT_RATE_LIMITS).

A fixed window per person (or per client address for visitors) and action, counted in the
Django cache, so every web process shares the count when the cache is Redis. The limits
live in one setting, ``ESSAIM_RATE_LIMITS``: ``{action: (attempts, window in seconds)}``.
Only writes count (POST and the other unsafe methods); a refusal is a 429 page in the
visitor's language, with ``Retry-After``.

A fixed window lets a burst of twice the limit through across a window's edge; that is
enough against floods and scripts, which is what these limits are for.

allauth's own refusals come here too (``handler429`` of the root URLconf, which allauth looks
up): the same page, and a ``Retry-After`` read from the rate that refused the request.
"""

import functools
import math
import time

from allauth.core.internal.ratelimit import get_cache_key, get_ip, get_rates
from django.conf import settings
from django.core.cache import cache
from django.shortcuts import render

SAFE_METHODS = {"GET", "HEAD", "OPTIONS", "TRACE"}
# When the wait cannot be known (allauth refuses when its cache lock is busy, whatever the
# count): the shortest window of the settings.
DEFAULT_RETRY_AFTER = 60
# allauth's rate-limited views, by URL name, and the action of ACCOUNT_RATE_LIMITS each one
# consumes; a refusal on a page not listed here reads every action.
ALLAUTH_ACTIONS = {
    "account_login": "login",
    "account_signup": "signup",
    "account_reset_password": "reset_password",
    "account_reset_password_from_key": "reset_password_from_key",
    "account_change_password": "change_password",
    "account_set_password": "change_password",
    "account_email": "manage_email",
    "account_reauthenticate": "reauthenticate",
    "mfa_reauthenticate": "reauthenticate",
    "account_change_phone": "change_phone",
}


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
    """The 429 page (the same template allauth renders for its own limits), always with
    ``Retry-After`` in seconds (RFC 9110, 10.2.3)."""
    retry_after = max(1, math.ceil(retry_after or DEFAULT_RETRY_AFTER))
    response = render(
        request, "429.html", {"retry_minutes": math.ceil(retry_after / 60)}, status=429
    )
    response["Retry-After"] = str(retry_after)
    return response


def allauth_retry_after(request, *, now=None):
    """The seconds until allauth would let this request through again, or None.

    allauth keeps, per rate, the times of the attempts it counted (newest first) under a key
    made of the action, the rate and the client address, the person or the address typed. A
    rate is exhausted when ``amount`` attempts are still in its window; it opens again when
    the oldest of those leaves it. The longest such wait of the view's action is the answer.
    """
    now = time.time() if now is None else now
    match = getattr(request, "resolver_match", None)
    action = ALLAUTH_ACTIONS.get(getattr(match, "url_name", None))
    actions = [action] if action else list(settings.ACCOUNT_RATE_LIMITS)
    user = getattr(request, "user", None)
    typed = (request.POST.get("email") or request.POST.get("login") or "").strip().lower()
    waits = []
    for name in actions:
        for rate in get_rates(app="allauth.account", action=name):
            if rate.per == "user" and not (user and user.is_authenticated):
                continue
            if rate.per == "key" and not typed:
                continue
            key = get_cache_key(
                request,
                app="allauth.account",
                action=name,
                rate=rate,
                key=typed or None,
                user=user if rate.per == "user" else None,
            )
            counted = [t for t in cache.get(key, []) if t > now - rate.duration]
            if len(counted) >= rate.amount:
                waits.append(counted[rate.amount - 1] + rate.duration - now)
    return max(waits) if waits else None


def allauth_too_many_requests(request):
    """``handler429`` of the root URLconf, which allauth renders past its own limits."""
    return too_many_requests(request, allauth_retry_after(request))


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
