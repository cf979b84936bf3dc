"""Faults, with the real parts stopped and started again (issue 10).

- Redis down: the site still serves (cache misses instead of errors), and the mail of the
  writes made meanwhile waits in the outbox; once Redis is back, each leaves exactly once.
- PostgreSQL restarted: a cluster of the test's own (never the machine's) is stopped under
  the site running in gunicorn: clean 503 pages, then 200 again without restarting the site.
- SMTP down: deliveries wait and leave once the server is back, one mail each.

A worker killed half-way is tests/website/test_outbox_worker.py's
``test_a_worker_killed_half_way_still_gives_one_mail_per_subscriber``.
"""

import http.client
import logging
import re
import secrets
import subprocess
import time
from decimal import Decimal

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.utils import timezone, translation
from django.utils.translation import gettext

from events import services as event_services
from events.models import EventKind, Occurrence
from network.directory.models import Actor, ActorStatus, LegalForm, Territory
from tests.conftest import IN_CI
from tests.factories.accounts import UserFactory
from tests.workers import (
    PostgresCluster,
    RedisServer,
    SiteServer,
    Worker,
    database_url,
    postgres_missing,
    tasks_through,
)
from website.cache import HEADER
from website.notifications.models import Delivery
from website.notifications.tasks import dispatch_due

PASSWORD = "pw-essaim-2026"


def member(django_user_model, email):
    return UserFactory(
        email=email, password=PASSWORD, display_name="Léa", preferred_language="fr", verified=True
    )


def published_actor():
    return Actor.objects.create(
        name="Recyclerie du Faso",
        slug="recyclerie-du-faso",
        status=ActorStatus.PUBLISHED,
        legal_form=LegalForm.objects.get_or_create(
            slug="association", defaults={"name_fr": "Association", "name_en": "Association"}
        )[0],
        territory=Territory.objects.create(
            name="Ouagadougou", slug="ouagadougou", kind="commune", country="BF"
        ),
        latitude=Decimal("12.37"),
        longitude=Decimal("-1.52"),
        description="Une recyclerie solidaire.",
    )


# --- Redis down ---------------------------------------------------------------------------


@pytest.fixture
def redis_of_the_site(settings, sink):
    """A Redis of the test's own as the site's cache (page cache on) and broker, and mail to
    the SMTP sink from this process too."""
    server = RedisServer().start()
    settings.CACHES = {
        "default": {
            **settings.CACHES["default"],
            "BACKEND": "website.cachebackend.ResilientRedisCache",
            "LOCATION": server.url,
            "KEY_PREFIX": "faults",
            "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 1.0},
        }
    }
    settings.ESSAIM_PAGE_CACHE = True
    settings.ESSAIM_EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", sink.port, False
    settings.EMAIL_TIMEOUT = 10
    yield server
    server.stop()


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_with_redis_down_the_site_serves_and_mail_waits_in_the_outbox(
    make_event, agenda, redis_of_the_site, sink, caplog, django_user_model
):
    redis_server = redis_of_the_site
    event = make_event(capacity=5)
    occurrence = Occurrence.objects.get(event=event)
    actor = published_actor()
    lea = member(django_user_model, "lea@coop.example")
    pages = ["/fr/", agenda.url, event.url, "/fr/directory/", actor.get_absolute_url()]
    pages.append("/fr/accounts/login/")

    visitor = Client()
    for page in pages:
        assert visitor.get(page).status_code == 200, page
    # The page cache is in play, on this Redis.
    assert visitor.get(event.url)[HEADER] == "hit"

    caplog.set_level(logging.WARNING)
    with tasks_through(redis_server.url):
        redis_server.stop()

        for page in pages:
            response = visitor.get(page)
            assert response.status_code == 200, page
            assert response.get(HEADER) != "hit", page  # made again, from the database
        assert visitor.get(event.url).get(HEADER) != "hit"

        # Log-in: allauth's rate limit counts in the cache, which now forgets.
        response = visitor.post("/fr/accounts/login/", {"login": lea.email, "password": PASSWORD})
        assert response.status_code == 302
        assert visitor.get(event.url).status_code == 200
        # A write that sends mail through the outbox: it is recorded, and waits.
        response = visitor.post(f"/fr/events/occurrences/{occurrence.pk}/register/")
        assert response.status_code == 302
        assert visitor.get(response["Location"]).status_code == 200
        # Following workshops, anonymously: the confirmation mail waits in the outbox too.
        response = Client().post(
            "/fr/events/subscribe/",
            {
                "email": "nadia@asso.example",
                "kinds": [EventKind.WORKSHOP],
                "frequency": "immediate",
            },
        )
        assert response.status_code == 200
        # Signing up: allauth's mail does not go through the outbox; with the broker down it
        # leaves from this process instead of failing the request.
        response = Client().post(
            "/fr/accounts/signup/",
            {"email": "yao@coop.example", "password1": PASSWORD, "password2": PASSWORD},
        )
        assert response.status_code == 302

        waiting = Delivery.objects.filter(status=Delivery.Status.PENDING)
        assert {d.recipient for d in waiting} >= {lea.email, "nadia@asso.example"}
        assert not waiting.filter(queued_at__isnull=False).exists()
        assert sink.wait_for(1) == 1  # only the sign-up's, sent from this process
        expected = {d.recipient for d in waiting} | {"yao@coop.example"}
        cache_warnings = [r for r in caplog.records if r.name == "website.cachebackend"]
        assert len(cache_warnings) == 1, "the outage is logged once"

        redis_server.start()  # the same port
        worker = Worker(
            broker=redis_server.url,
            database=database_url(connection),
            smtp_port=sink.port,
            secret_key=settings.SECRET_KEY,
        ).start()
        try:
            dispatch_due.delay()  # what beat sends every minute
            assert sink.wait_for(len(expected), timeout=90) == len(expected)
            sink.settle()
        finally:
            worker.stop()

    distinct, raw = sink.mails_per_recipient()
    assert set(distinct) == expected
    assert set(raw.values()) == {1}
    assert not Delivery.objects.exclude(status=Delivery.Status.SENT).exists()


@pytest.mark.celery_worker
def test_the_cache_answers_as_an_empty_one_while_redis_is_down_and_logs_it_once(caplog):
    from website.cachebackend import ResilientRedisCache

    server = RedisServer().start()
    try:
        resilient = ResilientRedisCache(server.url, {"OPTIONS": {"socket_connect_timeout": 0.25}})
        resilient.RETRY_AFTER = 0  # try Redis on every call
        resilient.set("seats", 3)
        assert resilient.get("seats") == 3
        server.stop()
        caplog.set_level(logging.WARNING, logger="website.cachebackend")

        assert resilient.get("seats", "missing") == "missing"
        assert resilient.get_many(["seats", "other"]) == {}
        assert resilient.add("lock", True) is True  # allauth's lock: taken, not waited for
        assert resilient.set("seats", 2) is None
        assert resilient.set_many({"a": 1}) == []
        assert resilient.has_key("seats") is False
        assert resilient.delete("seats") is False
        with pytest.raises(ValueError):  # as for an expired key: callers set it instead
            resilient.incr("posts")
        assert resilient.get_or_set("menu", "computed") == "computed"
        resilient.clear()
        assert [r.getMessage().split(" (")[0] for r in caplog.records] == [
            "Redis cache unavailable"
        ]

        server.start()
        assert resilient.get("seats", "missing") == "missing"  # an empty Redis, reachable
        resilient.set("seats", 1)
        assert resilient.get("seats") == 1
        assert caplog.records[-1].getMessage() == "Redis cache is back"
    finally:
        server.stop()


# --- PostgreSQL restarted --------------------------------------------------------------------


DEMO = (
    "from website import demo; demo.load(); demo.load_apps(names=["
    "'network.directory', 'network.spaces', 'network.incubators', 'events'])"
)


def fetch(base_url, path, cookie=None):
    host, port = base_url.removeprefix("http://").split(":")
    client = http.client.HTTPConnection(host, int(port), timeout=60)
    try:
        client.request("GET", path, headers={"Cookie": cookie} if cookie else {})
        response = client.getresponse()
        return response, response.read().decode()
    finally:
        client.close()


def test_a_postgresql_restart_gives_clean_503_pages_then_the_site_recovers(tmp_path):
    missing = postgres_missing() or (None if RedisServer.binary() else "redis-server is missing")
    if missing:
        if IN_CI:
            pytest.fail(f"CI runs every test: {missing}")
        pytest.skip(missing)
    cluster = PostgresCluster()
    redis_server = RedisServer()  # production settings need REDIS_URL
    statics = None
    site = SiteServer(
        {
            "DJANGO_SETTINGS_MODULE": "website.settings.production",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1",
            "BASE_URL": "http://127.0.0.1",
            "CALENDAR_UID_DOMAIN": "faults.essaim.localhost",
            "DATABASE_URL": cluster.url("essaim"),
            "REDIS_URL": redis_server.url,
            "ESSAIM_VAR_DIR": str(tmp_path / "var"),
            "MEDIA_ROOT": str(tmp_path / "media"),
            "SECURE_SSL_REDIRECT": "false",
            "PAGE_CACHE": "true",
        }
    )
    try:
        started = time.monotonic()
        cluster.init().start()
        redis_server.start()
        cluster.create_database("essaim")
        # collectstatic (the manifest production's storage needs) while migrations run.
        statics = subprocess.Popen(
            site.manage_command("collectstatic", "--noinput", "-v0"),
            cwd=site.root,
            env=site.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        site.manage("migrate", "-v0")
        print(f"migrated in {time.monotonic() - started:.0f} s")
        # The demo's site, directory and agenda (``make run`` adds forums and practices).
        site.manage("shell", "-c", DEMO)
        print(f"demo loaded at {time.monotonic() - started:.0f} s")
        assert statics.wait(timeout=300) == 0, statics.stderr.read()
        site.start()
        print(f"site started at {time.monotonic() - started:.0f} s")

        # A session cookie keeps the page cache out: each answer is made by a view. Visitors
        # (only their language cookie) are served from the page cache when it holds the page.
        session = "sessionid=none"
        agenda = fetch(site.url, "/fr/agenda/", session)[1]
        directory = fetch(site.url, "/fr/directory/", session)[1]
        event_page = re.search(r'href="(/fr/agenda/(?!map/)[\w-]+/)"', agenda).group(1)
        actor_page = re.search(r'href="(/fr/directory/(?!spaces/)[\w-]+/)"', directory).group(1)
        pages = ["/fr/", "/en/", "/fr/agenda/", event_page, "/fr/directory/", actor_page]
        pages.append("/fr/accounts/login/")

        def visitor(page):
            return f"{settings.LANGUAGE_COOKIE_NAME}={page.split('/')[1]}"

        for page in pages:
            assert fetch(site.url, page, session)[0].status == 200, page
        assert fetch(site.url, "/health/")[0].status == 200
        stored = "/fr/agenda/"
        fetch(site.url, stored, visitor(stored))
        assert fetch(site.url, stored, visitor(stored))[0].getheader(HEADER) == "hit"

        cluster.stop()  # as a restart does: every session ends

        for page in pages:
            for cookie in (session, visitor(page)):
                if page == stored and cookie != session:
                    continue
                response, body = fetch(site.url, page, cookie)
                if page == "/fr/accounts/login/":
                    # The log-in form needs nothing from the database once its menus and
                    # footer are kept (the test's session key is not even valid): it shows.
                    assert response.status == 200, body[:2000]
                    continue
                assert response.status == 503, (page, body[:2000])
                language = page.split("/")[1]
                with translation.override(language):
                    title = gettext("Temporarily unavailable")
                assert f'<html lang="{language}">' in body
                assert f"<h1>{title}</h1>" in body
                assert response.getheader("Retry-After") == "30"
                assert "no-store" in response.getheader("Cache-Control")
                assert "Traceback" not in body and "OperationalError" not in body
        # The page cache still serves what it holds, from Redis alone.
        response, _body = fetch(site.url, stored, visitor(stored))
        assert (response.status, response.getheader(HEADER)) == (200, "hit")
        response, body = fetch(site.url, "/health/")
        assert (response.status, body) == (503, '{"status": "unavailable"}')

        cluster.start()  # the same port; the site is not restarted

        for page in pages:
            for cookie in (session, visitor(page)):  # no 503 was kept by the page cache
                assert fetch(site.url, page, cookie)[0].status == 200, page
        assert fetch(site.url, "/health/")[0].status == 200
        assert site.process.poll() is None
    finally:
        if statics is not None and statics.poll() is None:
            statics.kill()
            statics.wait(timeout=30)
        site.stop()
        redis_server.stop()
        cluster.destroy()


def test_only_errors_that_mean_the_database_is_away_give_the_503_page(tmp_path):
    """On PostgreSQL a broken connection is an OperationalError, a bad query is not; SQLite
    says OperationalError for both, and a bug must stay a 500 (and be seen)."""
    import sqlite3

    from django.db import OperationalError

    from website.unavailable import database_unavailable

    def wrapped(error):  # as Django's DatabaseErrorWrapper raises it
        try:
            raise OperationalError(*error.args) from error
        except OperationalError as django_error:
            return django_error

    path = tmp_path / "locked.sqlite3"
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("CREATE TABLE t (x)")
    holder.execute("BEGIN EXCLUSIVE")
    try:
        sqlite3.connect(path, timeout=0).execute("SELECT * FROM t")
    except sqlite3.OperationalError as error:
        locked = error
    holder.execute("ROLLBACK")
    try:
        holder.execute("SELECT nope FROM t")
    except sqlite3.OperationalError as error:
        bug = error
    holder.close()

    assert database_unavailable(wrapped(locked))
    assert not database_unavailable(wrapped(bug))
    assert not database_unavailable(ValueError("a bug"))


# --- SMTP down ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_mail_during_an_smtp_outage_leaves_once_when_the_server_is_back(
    make_event, sink, settings, django_user_model, django_capture_on_commit_callbacks
):
    settings.ESSAIM_EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", sink.port, False
    settings.EMAIL_TIMEOUT = 5
    occurrence = Occurrence.objects.get(event=make_event(capacity=10))
    people = [member(django_user_model, f"membre{n}@asso.example") for n in range(4)]

    def register(person):
        with django_capture_on_commit_callbacks(execute=True):
            event_services.registration_create(occurrence=occurrence, user=person)

    register(people[0])  # sent; the SMTP session stays open for the next ones
    assert sink.count() == 1
    sink.down()
    for person in people[1:]:
        register(person)
    waiting = Delivery.objects.filter(status=Delivery.Status.PENDING)
    assert {d.recipient for d in waiting} == {p.email for p in people[1:]}
    assert all(d.attempts == 1 and d.next_attempt_at > timezone.now() for d in waiting)
    assert all("Connection" in d.last_error or "SMTP" in d.last_error for d in waiting)

    sink.up()
    dispatch_due()  # their retry is not due yet: nothing leaves
    assert sink.count() == 1
    waiting.update(next_attempt_at=timezone.now())  # the retry's time has come
    dispatch_due()
    dispatch_due()  # beat's next run finds nothing more to send

    distinct, raw = sink.mails_per_recipient()
    assert distinct == {p.email: 1 for p in people}
    assert set(raw.values()) == {1}
    assert not Delivery.objects.exclude(status=Delivery.Status.SENT).exists()
