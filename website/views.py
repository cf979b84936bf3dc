from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.db import DatabaseError, connection
from django.http import HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.text import Truncator
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from wagtail.models import Locale, Page

from website import sitesearch
from website.addresses import absolute_url
from website.middleware import request_language
from website.models import HomePage, StandardPage
from website.security import protect_standalone_page
from website.selectors import localized_pages

SEARCH_RESULTS_PER_PAGE = 10
SEARCH_MAX_QUERY_LENGTH = 200


@require_GET
def search(request):
    """The header's search: a group of results for each kind of thing (events, actors,
    spaces, calls, good practices, forum topics, then the other pages), each showing a few
    and linking to its own listing filtered by the same words (``website.sitesearch``).
    ``?kind=pages`` lists every page found, page by page."""
    query = request.GET.get("q", "").strip()[:SEARCH_MAX_QUERY_LENGTH]
    words = _search_words(query)
    context = {"query": query, "query_string": urlencode({"q": query}) + "&", "groups": []}
    if words and request.GET.get("kind") == "pages":
        context["results"] = Paginator(_pages_found(words), SEARCH_RESULTS_PER_PAGE).get_page(
            request.GET.get("page")
        )
        context["pages_only"] = True
        context["query_string"] = urlencode({"q": query, "kind": "pages"}) + "&"
        context["all_kinds_url"] = f"{reverse('search')}?{urlencode({'q': query})}"
    elif words:
        for source in sitesearch.sources():
            group = source.find(request, query, sitesearch.HITS_PER_GROUP)
            if group.total:
                context["groups"].append((source, group))
        context["total"] = sum(group.total for _source, group in context["groups"])
    return render(request, "website/search.html", context)


def _search_words(query):
    # SQLite's search backend puts each word between double quotes without escaping them:
    # a word with one broke the FTS5 query (a database error, so a 503). Words suffice.
    return query.replace('"', " ").strip()


def _pages_found(words):
    """Live public pages of the active language matching the words, but for the page types
    that have a group of their own (events, good practices)."""
    pages = Page.objects.live().public().filter(locale=Locale.get_active()).exclude(depth__lte=1)
    if grouped := sitesearch.grouped_page_models():
        pages = pages.not_type(*grouped)
    return pages.specific().search(words)


def find_pages(request, query, limit):
    """The site search's group of other pages (home, standard pages, agendas...)."""
    words = _search_words(query)
    pages = _pages_found(words)
    hits = [
        sitesearch.Hit(
            title=page.title,
            url=page.url,
            summary=Truncator(
                getattr(page, "search_description", "")
                or getattr(page, "intro", "")
                or getattr(page, "hero_text", "")
            ).words(40),
        )
        for page in pages[:limit]
    ]
    more = f"{reverse('search')}?{urlencode({'q': query, 'kind': 'pages'})}"
    return sitesearch.Group(hits=hits, total=pages.count(), more_url=more)


def admin_login(request):
    """Send the Wagtail admin's login address to the site's (allauth) login page."""
    url = reverse("account_login")
    if request.META.get("QUERY_STRING"):
        url = f"{url}?{request.META['QUERY_STRING']}"
    return redirect(url)


@require_GET
def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        f"Sitemap: {absolute_url('/sitemap.xml')}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")


@never_cache
@require_GET
def health(request):
    """For load balancers and process managers: 200 when the database answers, else 503."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return JsonResponse({"status": "unavailable"}, status=503)
    return JsonResponse({"status": "ok"})


def bad_request(request, exception=None):
    """Django's ``handler400``: the standalone 400 page, rendered without the request.

    A request can be bad in what every page reads: with a Host outside ALLOWED_HOSTS,
    ``request.get_host()`` raises again in the page cache, the kept fragments of
    ``base.html`` and Wagtail's site lookup, and Django's own handler, which renders with the
    request, answered 500 with a traceback. The language comes from the path or the cookie
    (the locale middleware may not have run yet); the headers the middlewares would have
    added are added here, since the refusal may come before them.
    """
    with translation.override(request_language(request)):
        response = HttpResponseBadRequest(render_to_string("400.html"))
    return protect_standalone_page(response)


@HomePage.register_context
def home_page_context(page, request):
    """The home page's highlights, in its language, and its three latest standard pages.

    Registered on the page class (``website.pageviews``): ``WebsiteConfig.ready`` imports
    this module, and the model never imports it.
    """
    highlights = list(page.highlights.select_related("page", "page__locale"))
    targets = localized_pages([highlight.page for highlight in highlights], page.locale)
    return {
        "highlights": [
            {"title": highlight.title or target.title, "text": highlight.text, "page": target}
            for highlight, target in zip(highlights, targets, strict=True)
        ],
        "latest_pages": (
            StandardPage.objects.live()
            .public()
            .filter(locale=page.locale)
            .order_by("-first_published_at")[:3]
        ),
    }
