"""The site's own address and the domain of its calendar UIDs: one setting each.

``BASE_URL`` is where the site is really served (``make run`` sets it from HOST and PORT).
Every absolute link the site writes outside a page (calendars, JSON-LD, the API, mails) is
made here from it, never from Wagtail's ``Site`` record, whose hostname and port are copied
from it after each migration (``site_record_sync``) so that Wagtail's own links (the sitemap,
the admin's "view live") agree.

The right-hand side of every calendar UID (events, bookings, calls' deadlines) is decided
once, when the database is made, and kept in ``website.Installation``: the
``CALENDAR_UID_DOMAIN`` setting when it is set then, else the host of ``BASE_URL`` (what UIDs
used before it was recorded). A calendar keeps one entry per UID: if the domain changed, every
subscriber's calendar would hold every entry twice. So it never follows the address, which
may change, and a setting that later says otherwise is refused by a system check.
"""

import functools
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, Tags, register


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


def calendar_uid(local_part):
    """A calendar UID: ``local_part`` (stored, unique) at the installation's UID domain."""
    return f"{local_part}@{calendar_uid_domain()}"


def calendar_uid_domain():
    """The installation's UID domain (read once per process: it never changes)."""
    return settings.ESSAIM_CALENDAR_UID_DOMAIN or _recorded_domain()


@functools.cache
def _recorded_domain():
    from website.models import Installation

    installation, _created = Installation.objects.get_or_create(
        pk=1, defaults={"calendar_uid_domain": initial_calendar_uid_domain()}
    )
    return installation.calendar_uid_domain


def initial_calendar_uid_domain():
    """What a new installation records: the setting, else the host of its address."""
    return (
        settings.ESSAIM_CALENDAR_UID_DOMAIN or urlsplit(settings.BASE_URL).hostname or "localhost"
    )


@register(Tags.database)
def uid_domain_is_the_recorded_one(app_configs, databases=None, **kwargs):
    """A ``CALENDAR_UID_DOMAIN`` that differs from the recorded one would duplicate every
    calendar entry: refused until it is removed or set back."""
    from django.db import DatabaseError

    from website.models import Installation

    if not settings.ESSAIM_CALENDAR_UID_DOMAIN:
        return []
    try:
        recorded = Installation.objects.values_list("calendar_uid_domain", flat=True).first()
    except DatabaseError:
        return []  # before the first migration
    if recorded and recorded != settings.ESSAIM_CALENDAR_UID_DOMAIN:
        return [
            Error(
                f"CALENDAR_UID_DOMAIN is {settings.ESSAIM_CALENDAR_UID_DOMAIN!r}, but this "
                f"installation's calendar entries use {recorded!r}: every entry in every "
                "subscriber's calendar would appear twice.",
                hint=f"Remove CALENDAR_UID_DOMAIN, or set it to {recorded!r}.",
                id="essaim.E001",
            )
        ]
    return []


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
