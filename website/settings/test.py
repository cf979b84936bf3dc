"""The test suite (pytest). DATABASE_URL and REDIS_URL choose PostgreSQL and Redis, as elsewhere."""

import tempfile

from .base import *  # noqa: F403

SECRET_KEY = "tests-only-" + "x" * 50  # never used outside the test suite
DEBUG = False
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Tasks run where they are sent; the tests about the real queue start a real worker.
CELERY_TASK_ALWAYS_EAGER = True
CELERY_BROKER_URL = "memory://"
ESSAIM_EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

# The cache is base's (Redis when REDIS_URL is set); conftest clears it around each test,
# since Wagtail keeps site data in it and allauth counts rate limits there.

# The page cache would answer the query-count tests from memory: off, except in the tests
# about it (they turn it on), or for the whole suite with PAGE_CACHE=1 (a hunt for stale pages).
ESSAIM_PAGE_CACHE = env.bool("PAGE_CACHE", False)  # noqa: F405

MEDIA_ROOT = tempfile.mkdtemp(prefix="essaim-test-media-")
PRIVATE_MEDIA_ROOT = tempfile.mkdtemp(prefix="essaim-test-private-")
WAGTAILADMIN_BASE_URL = "http://testserver"
STATIC_ROOT = tempfile.mkdtemp(prefix="essaim-test-static-")

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file rather than shared-cache memory: tests of concurrent writers need SQLite's real
    # locking (busy timeout, IMMEDIATE transactions), which shared cache does not give.
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": str(tempfile.mkdtemp(prefix="essaim-test-db-")) + "/test.sqlite3"
    }
