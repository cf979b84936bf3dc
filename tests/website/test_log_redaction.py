"""Logs carry no secrets (website/logfilters.py, LOGGING in website/settings/base.py): real
flows are run with every logger at DEBUG (SQL included), and neither the records nor what
the site's own console handler writes contain a token, key, password or cookie, while each
line still says what happened. gunicorn's access log, through the README's logger class,
is redacted too."""

import datetime as dt
import io
import logging
import re
from types import SimpleNamespace

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from gunicorn.config import Config
from gunicorn.glogging import Logger as PlainGunicornLogger

from tests.factories.accounts import UserFactory
from website.calendars.services import calendar_feed_token_regenerate
from website.logfilters import RedactingFilter, RedactingGunicornLogger, redact
from website.notifications import registry, subscribers
from website.notifications.models import Subscriber

pytestmark = pytest.mark.django_db

PASSWORD = "Mot-de-passe-tres-secret-2026"


@pytest.fixture
def logs(caplog):
    """Every record at DEBUG, SQL included, and what the root's console handler writes."""
    (console,) = [
        h
        for h in logging.getLogger().handlers
        if any(isinstance(f, RedactingFilter) for f in h.filters)
    ]
    stream = io.StringIO()
    # Not setStream(): it flushes the stream it replaces, which an earlier test's captured
    # standard error may have closed already.
    previous, console.stream = console.stream, stream
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="django.db.backends")
    connection.force_debug_cursor = True
    try:
        yield SimpleNamespace(caplog=caplog, console=stream)
    finally:
        connection.force_debug_cursor = False
        console.stream = previous


def written(logs):
    """Everything a handler could write: each record's message, traceback and stack, and
    the console's output."""
    parts = [logs.console.getvalue()]
    for record in logs.caplog.records:
        parts += [record.getMessage(), record.exc_text or "", record.stack_info or ""]
        parts += [str(getattr(record, name, "")) for name in ("sql", "params")]
    return "\n".join(parts)


def assert_secret_free(logs, *secrets):
    text = written(logs)
    for secret in secrets:
        assert secret
        leaks = [line for line in text.splitlines() if secret in line]
        assert not leaks, f"{secret!r} was logged: {leaks[:3]}"


@pytest.fixture
def awa(db):
    return UserFactory(email="awa@coop.example", password=PASSWORD, verified=True)


def test_a_404_on_a_feed_address_logs_the_route_not_the_token(client, awa, logs):
    real = calendar_feed_token_regenerate(user=awa).token
    wrong = "Zq9" + real[3:]  # the shape of a real token: what a leaked-then-revoked one is
    assert client.get(f"/fr/events/feed/{wrong}.ics").status_code == 404
    assert client.get(f"/fr/events/feed/{real}.ics").status_code == 200
    assert_secret_free(logs, wrong, real)
    text = written(logs)
    assert "Not Found: /fr/events/feed/[redacted].ics" in text
    assert '"token" = ' in text  # the SQL was logged, without its value


def test_a_500_on_an_unsubscribe_link_logs_the_error_not_the_link(monkeypatch, logs):
    Subscriber.objects.create(email="lea@mail.example")
    token = subscribers.unsubscribe_token("lea@mail.example", subscribers.ALL)

    def broken(subscriber, scope):
        raise RuntimeError(f"could not apply /fr/notifications/unsubscribe/{token}/")

    # A fault in one app's unsubscribe handler: the view answers 500.
    monkeypatch.setattr(registry, "unsubscribe_handlers", [broken])
    client = Client(raise_request_exception=False)
    response = client.post(f"/fr/notifications/unsubscribe/{token}/", {"List-Unsubscribe": "x"})
    assert response.status_code == 500
    assert_secret_free(logs, token, token.split(":")[0], token.rsplit(":", 1)[1])
    text = written(logs)
    assert "Internal Server Error: /fr/notifications/unsubscribe/[redacted]/" in text
    assert "RuntimeError: could not apply /fr/notifications/unsubscribe/[redacted]/" in text
    assert "Traceback" in text


def test_a_failed_login_and_a_password_reset_log_no_password_or_key(
    client, awa, logs, django_capture_on_commit_callbacks
):
    wrong = "Pas-le-bon-mot-de-passe-99"
    response = client.post("/fr/accounts/login/", {"login": awa.email, "password": wrong})
    assert response.status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/fr/accounts/password/reset/", {"email": awa.email})
    key_path = re.search(r"https?://testserver(/\S+)", mail.outbox[-1].body).group(1)
    key = key_path.rstrip("/").rsplit("/", 1)[1]
    # The key in the address, then a second visit with it altered (a 404-like refusal).
    form_url = client.get(key_path)["Location"]
    new_password = "Un-nouveau-secret-2027"
    response = client.post(form_url, {"password1": new_password, "password2": new_password})
    assert response.status_code == 302
    bad = client.get(key_path.replace(key, key[:-2] + "zz"))
    assert bad.status_code == 200
    assert_secret_free(logs, wrong, PASSWORD, new_password, key, key.split("-", 1)[1])
    text = written(logs)
    assert "accounts_user" in text  # what happened is still there (the queries)


def test_the_filter_redacts_each_kind_of_secret_and_keeps_the_rest():
    cases = {
        "GET /en/events/feed/AbC123_-x.ics?kind=fair": (
            "GET /en/events/feed/[redacted].ics?kind=fair"
        ),
        "/fr/directory/spaces/salle/feed/Tok_en-1.ics": (
            "/fr/directory/spaces/salle/feed/[redacted].ics"
        ),
        "/fr/notifications/confirm/.eJx:1a:sig/": "/fr/notifications/confirm/[redacted]/",
        "/fr/notifications/preferences/abc:def/": "/fr/notifications/preferences/[redacted]/",
        "/fr/directory/confirm/abc.def/": "/fr/directory/confirm/[redacted]/",
        "/fr/accounts/confirm-email/k3y/": "/fr/accounts/confirm-email/[redacted]/",
        "/fr/accounts/password/reset/key/1-abc-def/": "/fr/accounts/password/reset/key/[redacted]/",
        "/api/x?page=2&token=s3cr3t&lang=fr": "/api/x?page=2&token=[redacted]&lang=fr",
        "<QueryDict: {'login': ['a@b.c'], 'password': ['hunter2']}>": (
            "<QueryDict: {'login': ['a@b.c'], 'password': ['[redacted]']}>"
        ),
        'json {"password1": "hunter2", "name": "Awa"}': (
            'json {"password1": "[redacted]", "name": "Awa"}'
        ),
        "Authorization: Bearer abc.def": "Authorization: [redacted]",
        "'HTTP_COOKIE': 'sessionid=abc; csrftoken=def'": "'HTTP_COOKIE': '[redacted]'",
        "Cookie: sessionid=abc": "Cookie: [redacted]",
        "POST /fr/events/feed/regenerate/ 302": "POST /fr/events/feed/regenerate/ 302",
    }
    for raw, expected in cases.items():
        assert redact(raw) == expected, raw


def _access(logger_class, tmp_path, name):
    config = Config()
    config.set("accesslog", str(tmp_path / name))
    config.set("access_log_format", '%(h)s "%(r)s" %(s)s "%(f)s" %(U)s %(q)s "%({cookie}i)s"')
    logger = logger_class(config)
    token = "Secret_Feed_Token_42"
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": f"/fr/events/feed/{token}.ics?token={token}",
        "PATH_INFO": f"/fr/events/feed/{token}.ics",
        "QUERY_STRING": f"token={token}",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "203.0.113.5",
        "HTTP_REFERER": f"https://essaim.example/fr/notifications/preferences/{token}/",
    }
    request = SimpleNamespace(headers=[("COOKIE", f"sessionid={token}")])
    response = SimpleNamespace(status="404 Not Found", sent=0, headers=[])
    logger.access(response, request, environ, dt.timedelta(milliseconds=3))
    for handler in logger.access_log.handlers:
        handler.flush()
    return (tmp_path / name).read_text(), token


def test_gunicorns_access_log_is_redacted_with_the_readme_logger_class(tmp_path):
    plain, token = _access(PlainGunicornLogger, tmp_path, "plain.log")
    assert token in plain  # what gunicorn writes by itself: the negative control
    line, token = _access(RedactingGunicornLogger, tmp_path, "redacted.log")
    assert token not in line
    assert '"GET /fr/events/feed/[redacted].ics?token=[redacted] HTTP/1.1" 404' in line
    assert "203.0.113.5" in line
