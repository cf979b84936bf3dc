from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path, re_path
from django.views.static import serve
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from website import views
from website.api import api
from website.geocoding import views as geocoding_views

# A database that is away gives a clean 503 page, whatever raised (website/unavailable.py).
handler500 = "website.unavailable.server_error"
# A standalone page that never reads the request's host (website/views.py::bad_request).
handler400 = "website.views.bad_request"
# Not Django's: allauth answers its rate limits with this view, which adds Retry-After.
handler429 = "website.ratelimit.allauth_too_many_requests"

urlpatterns = [
    # One login page for everyone: the admin's own form would skip allauth's rate limits and 2FA.
    path("admin/login/", views.admin_login, name="wagtailadmin_login"),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("sitemap.xml", sitemap, name="sitemap"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("health/", views.health, name="health"),
    path("geocode/", geocoding_views.geocode, name="geocode"),  # the address field's look-ups
    path("api/v1/", api.urls),
]

if settings.ESSAIM_SERVE_MEDIA:
    media_prefix = settings.MEDIA_URL.lstrip("/")
    urlpatterns += [
        re_path(rf"^{media_prefix}(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}),
    ]

urlpatterns += i18n_patterns(
    path("accounts/", include("website.accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("search/", views.search, name="search"),
    path("events/", include("events.urls")),
    path("events/", include("website.calendars.urls")),  # a person's own feed
    path("directory/", include("network.urls")),
    path("forums/", include("forums.urls")),
    path("notifications/", include("website.notifications.urls")),
    # Wagtail's page serving catches every other path: keep it last.
    path("", include(wagtail_urls)),
    prefix_default_language=True,
)
