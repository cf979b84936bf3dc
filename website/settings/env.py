"""The one reader of the environment.

Every setting that comes from outside goes through ``env``: values are parsed and
validated here, and a required value that is missing stops start-up with a message
that names it (``ImproperlyConfigured``), never a silent placeholder.
"""

import os
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}
_MISSING = object()


class Env:
    """Typed access to environment variables (``os.environ`` by default)."""

    def __init__(self, environ=None):
        self.environ = os.environ if environ is None else environ

    def _raw(self, name, default):
        value = self.environ.get(name)
        if value is None or value == "":
            if default is _MISSING:
                raise ImproperlyConfigured(f"The environment variable {name} is required.")
            return default
        return value

    def is_set(self, name):
        return bool(self.environ.get(name))

    def str(self, name, default=_MISSING):
        return self._raw(name, default)

    def bool(self, name, default=False):
        value = self._raw(name, None)
        if value is None:
            return default
        if value.lower() in _TRUE:
            return True
        if value.lower() in _FALSE:
            return False
        raise ImproperlyConfigured(f"{name} must be a boolean (true/false), not {value!r}.")

    def int(self, name, default=_MISSING):
        value = self._raw(name, default)
        try:
            return int(value)
        except (TypeError, ValueError):
            raise ImproperlyConfigured(f"{name} must be an integer, not {value!r}.") from None

    def list(self, name, default=_MISSING):
        value = self._raw(name, default)
        if isinstance(value, list | tuple):
            return list(value)
        return [item.strip() for item in value.split(",") if item.strip()]

    def database(self, name="DATABASE_URL", default=_MISSING):
        """A Django ``DATABASES`` entry from a URL (``postgres://`` or ``sqlite:///``)."""
        url = self._raw(name, default)
        return parse_database_url(url) if url else url


def sqlite_database(path):
    """The embedded default: SQLite in WAL mode, writers serialised by IMMEDIATE transactions.

    ``transaction_mode = IMMEDIATE`` takes the write lock when a transaction starts, so two
    writers wait for each other (``timeout``) instead of failing with "database is locked"
    half-way through (https://docs.djangoproject.com/en/5.2/ref/databases/#sqlite-transaction-behavior).
    """
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(path),
        "OPTIONS": {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": (
                "PRAGMA journal_mode=WAL;"
                "PRAGMA synchronous=NORMAL;"
                "PRAGMA foreign_keys=ON;"
                "PRAGMA busy_timeout=20000;"
            ),
        },
    }


def parse_database_url(url):
    parts = urlsplit(url)
    scheme = parts.scheme.split("+")[0]
    if scheme == "sqlite":
        # sqlite:///relative/path or sqlite:////absolute/path
        path = unquote(parts.path[1:] if parts.path.startswith("/") else parts.path)
        if not path:
            raise ImproperlyConfigured("DATABASE_URL for SQLite needs a file path.")
        return sqlite_database(Path(path))
    if scheme in {"postgres", "postgresql", "pgsql"}:
        options = dict(parse_qsl(parts.query))
        conn_max_age = int(options.pop("conn_max_age", 60))
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parts.path.lstrip("/")),
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or "",
            "PORT": str(parts.port or ""),
            "CONN_MAX_AGE": conn_max_age,
            "CONN_HEALTH_CHECKS": True,
            "OPTIONS": options,
        }
    raise ImproperlyConfigured(
        f"DATABASE_URL has an unsupported scheme {parts.scheme!r}: use postgres:// or sqlite:///."
    )


env = Env()
