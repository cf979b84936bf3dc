"""The site's own address: one setting.

``BASE_URL`` is where the site is really served (``make run`` sets it from HOST and PORT).
Every absolute link the site writes outside a page (calendars, JSON-LD, the API, mails) is
made here from it, never from Wagtail's ``Site`` record, whose hostname and port are copied
from it after each migration (``site_record_sync``) so that Wagtail's own links (the sitemap,
the admin's "view live") agree.
"""

from urllib.parse import urlsplit

from django.conf import settings


def absolute_url(path):
    """The full address of a path of this site ("/fr/agenda/" → "https://…/fr/agenda/")."""
    return settings.BASE_URL + path


def page_url(page, request=None):
    """The full address of a Wagtail page (None for a page that has no route)."""
    parts = page.get_url_parts(request)
    if parts is None:
        return None
    _site_id, _root_url, path = parts
    return absolute_url(path)


def site_record_sync(*, using="default"):
    """Give Wagtail's default ``Site`` the hostname and port of ``BASE_URL``."""
    from wagtail.models import Site

    address = urlsplit(settings.BASE_URL)
    port = address.port or (443 if address.scheme == "https" else 80)
    for site in Site.objects.using(using).filter(is_default_site=True):
        if (site.hostname, site.port) != (address.hostname, port):
            site.hostname, site.port = address.hostname, port
            site.save(using=using)  # Wagtail's own handler forgets its cached root paths


def _sync_after_migrate(sender, using="default", **kwargs):
    site_record_sync(using=using)


def connect(app_config):
    """Keep Wagtail's ``Site`` on ``BASE_URL`` after every ``migrate`` (deployments migrate)."""
    from django.db.models.signals import post_migrate

    post_migrate.connect(_sync_after_migrate, sender=app_config)
