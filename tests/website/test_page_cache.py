"""The public page cache (website/cache.py): visitors get pages once made, never stale ones."""

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.http import HttpResponse
from wagtail.models import Page

from website.cache import (
    HEADER,
    MODEL_SCOPES,
    PublicPageCacheMiddleware,
    content_changed,
    mark,
)
from website.models import HomePage, StandardPage

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _page_cache_on(settings):
    settings.ESSAIM_PAGE_CACHE = True


def test_a_visitor_gets_a_page_once_made_without_touching_the_database(
    client, demo, django_assert_num_queries
):
    first = client.get("/fr/")
    assert first.status_code == 200
    assert first[HEADER] == "miss"
    with django_assert_num_queries(0):
        second = client.get("/fr/")
    assert second[HEADER] == "hit"
    assert second.content == first.content
    # Each language and each address is its own page.
    assert client.get("/en/")[HEADER] == "miss"
    assert client.get("/fr/?utm=1")[HEADER] == "miss"


def test_publishing_a_page_refreshes_the_pages_that_show_it(client, demo):
    home = HomePage.objects.get(locale__language_code="fr")
    assert client.get("/fr/")[HEADER] == "miss"
    assert client.get("/fr/")[HEADER] == "hit"
    page = StandardPage(title="Une page toute neuve", slug="toute-neuve")
    home.add_child(instance=page)
    page.save_revision().publish()
    response = client.get("/fr/")
    assert response[HEADER] == "miss"
    assert "Une page toute neuve" in response.content.decode()


def test_unpublishing_takes_the_page_out_at_once(client, demo):
    home = HomePage.objects.get(locale__language_code="fr")
    page = StandardPage(title="Bientôt retirée", slug="bientot-retiree")
    home.add_child(instance=page)
    page.save_revision().publish()
    assert client.get("/fr/bientot-retiree/").status_code == 200
    assert client.get("/fr/bientot-retiree/")[HEADER] == "hit"
    Page.objects.get(pk=page.pk).specific.unpublish()
    assert client.get("/fr/bientot-retiree/").status_code == 404


def test_signed_in_people_never_get_a_stored_page(client, demo):
    client.get("/fr/")
    assert client.get("/fr/")[HEADER] == "hit"
    user = get_user_model().objects.create_user(email="lea@coop.example", password="x")
    client.force_login(user)
    response = client.get("/fr/")
    assert response.status_code == 200
    assert HEADER not in response


def test_pages_that_did_not_opt_in_are_not_stored(client, demo):
    client.get("/fr/accounts/login/")
    assert HEADER not in client.get("/fr/accounts/login/")


def test_the_cache_can_be_turned_off(client, demo, settings):
    settings.ESSAIM_PAGE_CACHE = False
    client.get("/fr/")
    assert HEADER not in client.get("/fr/")


def _middleware(body):
    def view(request):
        mark(request, ("forums",))
        return HttpResponse(body(request))

    return PublicPageCacheMiddleware(view)


def test_a_page_made_while_its_content_changed_is_never_served(rf):
    """The change commits while the page is being made from the rows as they were: that page
    must not be served afterwards."""

    def body(request):
        content_changed("forums")  # another request's commit lands now
        return "made from the old rows"

    _middleware(body)(rf.get("/fr/forums/"))
    response = _middleware(lambda request: "made from the new rows")(rf.get("/fr/forums/"))
    assert response.content == b"made from the new rows"
    assert response[HEADER] == "miss"


def test_a_change_elsewhere_keeps_the_page(rf):
    _middleware(lambda request: "forum page")(rf.get("/fr/forums/"))
    content_changed("directory")
    response = _middleware(lambda request: "made again")(rf.get("/fr/forums/"))
    assert response.content == b"forum page"
    assert response[HEADER] == "hit"


def test_a_page_that_sets_a_cookie_or_holds_a_token_is_not_stored(rf):
    def with_cookie(request):
        mark(request, ())
        response = HttpResponse("hello")
        response.set_cookie("choice", "1")
        return response

    PublicPageCacheMiddleware(with_cookie)(rf.get("/fr/x/"))
    response = _middleware(lambda request: "again")(rf.get("/fr/x/"))
    assert response.content == b"again"

    def with_token(request):
        from django.middleware.csrf import get_token

        return f"<input value='{get_token(request)}'>"

    _middleware(with_token)(rf.get("/fr/y/"))
    response = _middleware(lambda request: "fresh")(rf.get("/fr/y/"))
    assert response.content == b"fresh"


def test_every_model_named_as_content_exists():
    """A typo in MODEL_SCOPES would silently leave pages stale."""
    for label in MODEL_SCOPES:
        assert apps.get_model(label), label


def test_exports_answer_conditional_requests_until_the_directory_changes(client, demo):
    from network.directory.models import Actor

    url = "/fr/directory/open-data/actors.csv"
    first = client.get(url)
    etag = first["ETag"]
    assert first.status_code == 200 and etag.startswith('W/"')
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    Actor.objects.create(name="Nouvel acteur", slug="nouvel-acteur", status="published")
    changed = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert changed["ETag"] != etag
    assert "Nouvel acteur" in changed.content.decode("utf-8-sig")


def test_a_page_that_used_the_policy_nonce_is_not_stored(rf):
    """A nonce is good for one answer only: a stored page would give it to everyone."""

    def with_nonce(request):
        request._csp_nonce = "abc123"  # what django-csp sets when a template asks for it
        return "<script nonce='abc123'></script>"

    _middleware(with_nonce)(rf.get("/fr/z/"))
    response = _middleware(lambda request: "fresh")(rf.get("/fr/z/"))
    assert response.content == b"fresh"


def test_a_hit_answers_with_the_headers_and_language_cookie_of_the_page_made(client, demo):
    """A hit is answered before the locale and the policy middlewares run: what they add is
    kept with the page, and the language cookie is set as the page made would set it."""
    client.cookies.clear()
    made = client.get("/en/")
    assert made[HEADER] == "miss"
    assert made.cookies["essaim_language"].value == "en"
    client.cookies.clear()
    hit = client.get("/en/")
    assert hit[HEADER] == "hit"
    assert hit.cookies["essaim_language"].value == "en"
    assert hit.content == made.content
    for header in (
        "Content-Type",
        "Content-Language",
        "Vary",
        "Content-Security-Policy",
        "Permissions-Policy",
        "X-Content-Type-Options",
        "Referrer-Policy",
        "X-Frame-Options",
    ):
        assert hit[header] == made[header], header
    # A visitor whose cookie already says English gets no new cookie.
    assert "essaim_language" not in client.get("/en/").cookies


def test_a_visitor_with_a_language_cookie_gets_the_page_of_that_language(rf):
    """Without a prefix, the cookie chooses the language, and so the stored page."""
    from django.conf import settings
    from django.utils.translation import get_language

    from website.middleware import LocaleMiddleware

    def view(request):
        mark(request, ())
        return HttpResponse(get_language() or "")

    def visit(language):
        request = rf.get("/health-like/")
        if language:
            request.COOKIES[settings.LANGUAGE_COOKIE_NAME] = language
        return PublicPageCacheMiddleware(LocaleMiddleware(view))(request)

    assert visit("en").content == b"en"
    assert visit("fr").content == b"fr"
    assert visit("en")[HEADER] == "hit"
    assert visit("en").content == b"en"
    assert visit(None).content == b"fr"
