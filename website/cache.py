"""The public page cache: whole responses for visitors who are not signed in.

A view opts in with ``@public_page("events")`` (or a Wagtail page with ``cache_scopes``),
naming the kinds of content it shows. Every page also depends on ``pages`` (the menu, the
footer, the site's settings and Wagtail pages). Each scope has a *generation*, a number in
the cache; a stored response carries the generations it was made under and is served only
while they are all still current. Changing content moves its scope's generation on (at once,
and again when the transaction commits), so the next visitor gets a fresh page: nobody sees
stale seats, bookings, posts or profiles once the change is committed.

What moves a generation on is listed in ``MODEL_SCOPES`` below: saving or deleting any of
those models (through a service, the admin or a management command) and Wagtail's publishing.
This is cache bookkeeping that follows the data, like Wagtail's own front-end cache purge, not
a business side effect: services never need to remember it, except where they write with
``QuerySet.update()``, which sends no signal; those call ``content_changed`` themselves.

Pages whose content also follows the clock (what is upcoming, a call that opens, free slots
with a minimum notice) are kept at most ``PAGE_TTL`` seconds.

Only GET requests without a session, a message or an Authorization header are served from or
stored in the cache, and only 200 responses that set no cookie (but the language cookie,
which a hit sets again) and carry no CSRF token nor a Content Security Policy nonce.

Parts of pages that are the same for everybody, signed in or not, are kept the same way
with ``cached_fragment``: the month's table, the totals of long listings
(``KeptCountPaginator``), and the menus, footer and filter forms (``{% keep %}``).
"""

import functools
import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.utils.cache import get_conditional_response
from django.utils.functional import cached_property
from django.utils.http import parse_http_date_safe
from django.utils.translation import get_language

from website.middleware import remember_language, request_language

# How long a stored page may live, at most: the bound on what follows only the clock.
PAGE_TTL = 60
HEADER = "X-Essaim-Cache"
ALWAYS = ("pages",)

# Which scope each model's rows belong to, for the pages that show them: the site's own here,
# each app's registered by its ``AppConfig.ready()`` with ``register_scope``.
MODEL_SCOPES = {
    "wagtailcore.page": "pages",
    "website.mainmenu": "pages",
    "website.mainmenuitem": "pages",
    "website.footertext": "pages",
    "website.sitesettings": "pages",
    # Not accounts.user: every log-in saves it. The profile and deletion services say when a
    # name shown beside posts changes (website.accounts.services).
    "wagtailimages.image": "pages",
    "wagtaildocs.document": "pages",
}


def register_scope(scope, *models):
    """Say that pages showing ``scope`` are made again when rows of ``models`` change."""
    for model in models:
        label = model if isinstance(model, str) else model._meta.label_lower
        MODEL_SCOPES[label.lower()] = scope


def all_scopes():
    """Every scope a page may show, in a fixed order (read after the apps registered theirs)."""
    return tuple(sorted({*ALWAYS, *MODEL_SCOPES.values()}))


def _generation_key(scope):
    return f"page-generation:{scope}"


def _bump(scopes):
    for scope in scopes:
        try:
            cache.incr(_generation_key(scope))
        except ValueError:
            # Missing or evicted: start from the clock, above every number used before, so
            # that no response stored under an earlier generation can match again.
            cache.set(_generation_key(scope), time.time_ns(), timeout=None)


def content_changed(*scopes):
    """Say that content of ``scopes`` changed: pages showing it are made again.

    The generation moves at once, so this connection never reads its own write from a stale
    page, and again after commit: a page that another request made meanwhile, from the rows
    as they were before the commit, was stored under the first move and is dropped by the
    second. A rollback costs one needless refresh.
    """
    scopes = tuple(scopes)
    _bump(scopes)
    transaction.on_commit(lambda: _bump(scopes))


def _generations(scopes):
    keys = {_generation_key(scope): scope for scope in scopes}
    found = cache.get_many(list(keys))
    missing = [key for key in keys if key not in found]
    if missing:
        now = time.time_ns()
        for key in missing:
            cache.add(key, now, timeout=None)
        found.update(cache.get_many(missing))
    return {keys[key]: found.get(key) for key in keys}


def public_page(*scopes):
    """Let the page cache keep this view's answers for visitors, as showing ``scopes``."""

    def decorator(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            mark(request, scopes)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def conditional_on(*scopes):
    """Answer conditional GETs of a public read from the generations of ``scopes``.

    The ETag names the generations, the address and the language: it changes whenever the
    content could have, and a client that has the current one gets 304 without the view
    running. For exports and data that people and programs fetch again and again.
    """

    def decorator(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            generations = _generations(scopes)
            raw = f"{sorted(generations.items())}\n{get_language()}\n{request.get_full_path()}"
            # Weak: an export made later says so in its date, but tells the same content.
            etag = 'W/"' + hashlib.sha256(raw.encode()).hexdigest()[:32] + '"'
            if request.method in ("GET", "HEAD"):
                not_modified = get_conditional_response(request, etag=etag)
                if not_modified is not None:
                    return not_modified
            response = view(request, *args, **kwargs)
            if response.status_code == 200 and not response.has_header("ETag"):
                response["ETag"] = etag
            return response

        return wrapper

    return decorator


def cached_fragment(name, scopes, make, *, timeout=PAGE_TTL):
    """What ``make()`` returns, kept in the cache under ``name`` while ``scopes`` keep their
    generations: for parts of answers that everybody gets alike, signed in or not (the month
    view's calendar table), and that cost much more to make than to fetch.

    ``name`` must hold everything else the value depends on (language, address, filters).
    The generations are read before ``make()`` reads its rows, as in the page cache, so a value
    made while its content changed is stored under a generation that has already moved on.
    ``timeout`` bounds what follows the clock alone.
    """
    generations = _generations(scopes)
    raw = f"{name}\n{sorted(generations.items())}"
    key = "fragment:" + hashlib.sha256(raw.encode()).hexdigest()
    value = cache.get(key)
    if value is None:
        value = make()
        cache.set(key, value, timeout=timeout)
    return value


class KeptCountPaginator(Paginator):
    """A paginator whose total is kept with ``cached_fragment``: counting every match (20,000
    upcoming dates, a word found in 7,000 actors) costs more than the rest of the page, and
    is the same for everybody who asks with the same filters.

    ``name`` names the listing and everything the count depends on besides ``scopes`` (the
    filters as the query string gives them). A count that follows the clock (what is
    upcoming) is at most ``PAGE_TTL`` seconds old; any change to ``scopes`` makes it anew.
    """

    def __init__(self, object_list, per_page, *, name, scopes, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.count_name = name
        self.count_scopes = scopes

    @cached_property
    def count(self):
        return cached_fragment(
            f"count\n{self.count_name}", self.count_scopes, lambda: Paginator.count.func(self)
        )


def mark(request, scopes):
    """What a view calls (or ``public_page`` for it) to opt in, naming what it shows."""
    request.public_page_scopes = (*ALWAYS, *scopes)


class CachedPageMixin:
    """For Wagtail pages: ``cache_scopes`` names what the page shows besides itself."""

    cache_scopes = ()

    def serve(self, request, *args, **kwargs):
        mark(request, self.cache_scopes)
        return super().serve(request, *args, **kwargs)


def _cacheable_request(request):
    if not settings.ESSAIM_PAGE_CACHE or request.method != "GET":
        return False
    cookies = request.COOKIES
    if settings.SESSION_COOKIE_NAME in cookies or "messages" in cookies:
        return False
    return "authorization" not in request.headers


def _page_key(request):
    # The language a visitor gets: the middleware runs before the locale is activated.
    raw = f"{request_language(request)}\n{request.get_host()}\n{request.get_full_path()}"
    # "v2": what a key holds changed (plain values, not an ``HttpResponse``); pages kept by a
    # process of the previous release are not read as the new kind during a deployment.
    return "page:v2:" + hashlib.sha256(raw.encode()).hexdigest()


def _stored(response):
    """A response as kept: plain values, quick to unpickle (a pickled ``HttpResponse`` costs
    several times more). Cookies are never kept; the language cookie is set again on a hit."""
    return (response.status_code, tuple(response.headers.items()), response.content)


def _restored(stored):
    status, headers, content = stored
    return HttpResponse(content, status=status, headers=dict(headers))


class PublicPageCacheMiddleware:
    """Serve and store the pages views opted in (see the module's docstring).

    It sits right after WhiteNoise: a hit is answered before sessions, authentication and
    the locale are looked at (a visitor without a session cookie has none of them to read),
    and what the inner middlewares add to a page (its security policy, ``Vary``,
    ``Content-Language``) is kept with it. Only ``SecurityMiddleware`` runs again on a hit.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.generation_keys = {_generation_key(scope): scope for scope in all_scopes()}

    def __call__(self, request):
        if not _cacheable_request(request):
            return self.get_response(request)
        key = _page_key(request)
        # One round trip: the stored page, if any, and every scope's generation.
        found = cache.get_many([key, *self.generation_keys])
        current = {scope: found.get(name) for name, scope in self.generation_keys.items()}
        entry = found.get(key)
        if entry is not None:
            generations, stored = entry
            if all(current[scope] == number for scope, number in generations.items()):
                response = _restored(stored)
                response[HEADER] = "hit"
                remember_language(request, response)
                return get_conditional_response(
                    request,
                    etag=response.get("ETag"),
                    last_modified=_last_modified(response),
                    response=response,
                )
        if None in current.values():
            current = _generations(all_scopes())
        # ``current`` was read before the view reads its rows: a change committed while the
        # page is made has moved its generation on by the time the page is stored, so that
        # page is never served.
        response = self.get_response(request)
        scopes = getattr(request, "public_page_scopes", None)
        if scopes and self._storable(request, response):
            generations = {scope: current[scope] for scope in scopes}
            cache.set(key, (generations, _stored(response)), timeout=PAGE_TTL)
            response[HEADER] = "miss"
        return response

    @staticmethod
    def _storable(request, response):
        return (
            response.status_code == 200
            and not response.streaming
            # The language cookie says which prefix was served: set again on each hit.
            and set(response.cookies) <= {settings.LANGUAGE_COOKIE_NAME}
            and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
            and "private" not in response.get("Cache-Control", "")
            and "no-store" not in response.get("Cache-Control", "")
            # Nothing that belongs to this visitor: a session written, a message shown, or
            # the Content Security Policy's nonce of this one request (website.security).
            and not getattr(getattr(request, "session", None), "modified", False)
            and not _has_messages(request)
            and getattr(request, "_csp_nonce", None) is None
        )


def _has_messages(request):
    storage = getattr(request, "_messages", None)
    return bool(storage is not None and (storage._queued_messages or storage.used))


def _last_modified(response):
    value = response.get("Last-Modified")
    return parse_http_date_safe(value) if value else None


def _on_write(sender, instance=None, action=None, **kwargs):
    if action is not None:  # m2m_changed: the through model is the sender
        if not action.startswith("post_"):
            return
        sender = type(instance)
    scope = MODEL_SCOPES.get(sender._meta.label_lower)
    if scope is None:
        # Wagtail's specific page models save their base Page row too: one scope for both.
        for parent in sender._meta.get_parent_list():
            scope = MODEL_SCOPES.get(parent._meta.label_lower)
            if scope:
                break
    if scope is not None:
        content_changed(scope)


def connect():
    """Listen to writes of every model a public page shows (called once, by the app)."""
    for signal in (post_save, post_delete, m2m_changed):
        signal.connect(_on_write, dispatch_uid=f"page-cache-{signal!r}")
