from django.conf import settings
from django.conf.urls.i18n import is_language_prefix_patterns_used
from django.middleware.locale import LocaleMiddleware as DjangoLocaleMiddleware
from django.utils import translation


def request_language(request, user=None):
    """The language of a request: French first, else what the person chose.

    In order: the /fr/ or /en/ prefix of the URL; the language cookie, which remembers the
    last prefixed page served; the signed-in person's preferred language; French. The
    browser's Accept-Language is deliberately not used: the platform speaks French unless
    the person picked English. Without ``user``, the language a visitor gets (what the page
    cache keys its pages with, before anyone is authenticated).
    """
    urlconf = getattr(request, "urlconf", settings.ROOT_URLCONF)
    i18n_patterns_used, _prefixed = is_language_prefix_patterns_used(urlconf)
    if i18n_patterns_used and (language := translation.get_language_from_path(request.path_info)):
        return language
    supported = {code for code, _name in settings.LANGUAGES}
    cookie = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    if cookie in supported:
        return cookie
    if user is not None and user.is_authenticated and user.preferred_language in supported:
        return user.preferred_language
    return settings.LANGUAGE_CODE


def remember_language(request, response):
    """Set the language cookie to the prefix of the page served, when it says otherwise."""
    language = translation.get_language_from_path(request.path_info)
    if language and request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) != language:
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )
    return response


class LocaleMiddleware(DjangoLocaleMiddleware):
    """Activates ``request_language`` and remembers a prefixed page's language in a cookie."""

    def process_request(self, request):
        translation.activate(request_language(request, getattr(request, "user", None)))
        request.LANGUAGE_CODE = translation.get_language()

    def process_response(self, request, response):
        if (
            response.status_code == 404
            and getattr(request, "resolver_match", None) is not None
            and not translation.get_language_from_path(request.path_info)
        ):
            # A view outside the language prefixes (the API, feeds of /admin/) answered 404
            # itself: keep its answer instead of redirecting to /fr/..., which Wagtail's
            # catch-all would accept.
            return response
        response = super().process_response(request, response)
        return remember_language(request, response)
