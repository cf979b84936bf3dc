"""A clean 503 while the database is away (PostgreSQL restarting, failing over).

Whatever reads the database then fails with ``OperationalError`` or ``InterfaceError``:
in a view (``DatabaseUnavailableMiddleware``) or in a middleware, such as the session or
the signed-in user being loaded (``server_error``, Django's ``handler500``). Either way the
visitor gets the standalone ``503.html`` in their language, with ``Retry-After``, never a
traceback; the page cache keeps only 200 answers, so the 503 is never stored. The cause is
logged.

Nothing needs restarting once the database is back: connections are checked before reuse
(``CONN_HEALTH_CHECKS``, website/settings/env.py) and a broken one is replaced.
"""

import logging
import sqlite3
import sys

import psycopg
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers
from django.views import defaults

logger = logging.getLogger(__name__)

DATABASE_UNAVAILABLE = (
    OperationalError,
    InterfaceError,
    # Django wraps the driver's errors, but not every path goes through its wrapper.
    psycopg.OperationalError,
    psycopg.InterfaceError,
)
# SQLite says "OperationalError" for bugs too (no such column, a bad search query): only
# these mean that the database cannot be used for now.
SQLITE_UNAVAILABLE = ("database is locked", "unable to open database", "disk i/o error")
# Seconds after which clients and crawlers may try again.
RETRY_AFTER = 30


def database_unavailable(error):
    if not isinstance(error, DATABASE_UNAVAILABLE):
        return False
    cause = error.__cause__ or error
    if isinstance(cause, sqlite3.Error):
        return any(text in str(cause).lower() for text in SQLITE_UNAVAILABLE)
    return True


def unavailable_response():
    # Rendered without the request: context processors would read the session, the user
    # and the site's settings, all in the database.
    response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER)
    add_never_cache_headers(response)
    return response


class DatabaseUnavailableMiddleware:
    """Turn a view's database connection error into the 503 page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not database_unavailable(exception):
            return None
        # django.request logs the 503 itself; this says why, in one line.
        logger.warning("Database unavailable: %s: %s", type(exception).__name__, exception)
        return unavailable_response()


def server_error(request, template_name="500.html"):
    """Django's ``handler500``: the 503 page when the error is the database being away
    (raised in a middleware, out of reach of ``process_exception``), else Django's own."""
    if database_unavailable(sys.exc_info()[1]):
        return unavailable_response()
    return defaults.server_error(request, template_name)
