"""Calendar UIDs: a stored local part at the installation's UID domain.

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
