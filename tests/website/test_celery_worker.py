"""A mail goes through a real Celery worker on a real Redis, as in production."""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core.mail import send_mail

from tests.conftest import redis_url_for_tests
from website.celery_app import app as celery_app

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db]


def worker_broker_url():
    """Redis database 14 of the tests' Redis: no other worker of this machine listens there."""
    parts = urlsplit(redis_url_for_tests())
    return parts._replace(path="/14").geturl()


@pytest.fixture
def worker(tmp_path):
    """A worker process with the development settings, Redis as broker, mail written to files."""
    outbox = tmp_path / "mail"
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_SETTINGS_MODULE": "website.settings.dev",
        "REDIS_URL": worker_broker_url(),
        "EMAIL_FILE_PATH": str(outbox),
        "SECRET_KEY": "worker-under-test-" + uuid.uuid4().hex,
        "ESSAIM_VAR_DIR": str(tmp_path / "var"),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'worker.sqlite3'}",
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "website",
            "worker",
            "--pool=solo",
            "--concurrency=1",
            "--without-gossip",
            "--without-mingle",
            "--loglevel=INFO",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines = []
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        lines.append(line)
        if " ready." in line or process.poll() is not None:
            break
    assert process.poll() is None, "".join(lines)
    try:
        yield outbox
    finally:
        process.terminate()
        output, _ = process.communicate(timeout=30)
        # Shown by pytest when the test fails: what the worker did.
        print("".join(lines) + output)


def _drop_connections():
    """Forget the connection and producer pools made for the previous broker URL.

    Celery keeps both for the life of the app (``Celery.close()`` resets only the first),
    and the test suite changes the broker half-way through.
    """
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def queued(worker):
    """Send tasks through Redis instead of running them in this process."""
    keys = ("task_always_eager", "broker_url")
    saved = {key: celery_app.conf[key] for key in keys}
    celery_app.conf.update(task_always_eager=False, broker_url=worker_broker_url())
    _drop_connections()
    try:
        yield worker
    finally:
        celery_app.conf.update(saved)
        _drop_connections()


def test_a_mail_travels_through_redis_and_a_real_worker(queued, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        send_mail("Rappel : commission ESS", "Demain à 14 h.", None, ["awa@coop.example"])

    deadline = time.monotonic() + 30
    files = []
    while time.monotonic() < deadline and not files:
        files = list(queued.glob("*.log")) if queued.exists() else []
        time.sleep(0.2)
    assert len(files) == 1
    written = files[0].read_text()
    assert "Subject: =?utf-8?q?Rappel_=3A_commission_ESS?=" in written or "Rappel" in written
    assert "To: awa@coop.example" in written
