"""Real parts for the tests about the queue and faults: a Celery worker process, a Redis
server and a PostgreSQL cluster of the test's own (to stop and start again), an SMTP server
that keeps what it receives, the site under gunicorn."""

import collections
import contextlib
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from email import message_from_bytes
from pathlib import Path

from aiosmtpd.controller import Controller

from website.celery_app import app as celery_app

ROOT = Path(__file__).resolve().parents[1]


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def database_url(connection):
    """The URL of the database the tests run on, for a worker process to use it too."""
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    credentials = settings["USER"] + (f":{settings['PASSWORD']}" if settings["PASSWORD"] else "")
    return (
        f"postgres://{credentials}@{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}"
        f"/{settings['NAME']}"
    )


class Worker:
    """``celery worker`` in its own process, on ``broker``, with ``database`` and mail to
    SMTP on ``smtp_port``."""

    def __init__(self, *, broker, database, smtp_port, secret_key, concurrency=1):
        self.concurrency = concurrency
        self.env = {
            **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
            "DJANGO_SETTINGS_MODULE": "website.settings.dev",
            "REDIS_URL": broker,
            "DATABASE_URL": database,
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(smtp_port),
            "EMAIL_USE_TLS": "false",
            "SECRET_KEY": secret_key,
            "DEBUG": "false",
        }
        self.process = None
        self.lines = []

    def start(self):
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "website",
                "worker",
                *(["--pool=solo"] if self.concurrency == 1 else [f"-c{self.concurrency}"]),
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "--loglevel=INFO",
                "-Q",
                "celery",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        threading.Thread(target=self._read, daemon=True).start()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and self.process.poll() is None:
            if any(" ready." in line for line in self.lines):
                return self
            time.sleep(0.1)
        self.stop()  # never leave a worker behind to eat the next test's tasks
        raise RuntimeError("The worker did not start:\n" + "".join(self.lines))

    def _read(self):
        for line in self.process.stdout:
            self.lines.append(line)

    def kill(self):
        """Killed as by the OOM killer or a power cut: no warm shutdown."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self, quiet=False):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()
        if quiet:
            return
        # Shown by pytest when the test fails: what the worker did.
        print("".join(line for line in self.lines if "succeeded in" not in line)[-20000:])


class RedisServer:
    """A Redis of the test's own, keeping nothing on disk, that the test can stop."""

    def __init__(self):
        self.port = free_port()
        self.process = None

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}/0"

    @staticmethod
    def binary():
        path = shutil.which("redis-server") or "/usr/bin/redis-server"
        return path if os.path.exists(path) else None

    def start(self):
        self.process = subprocess.Popen(
            [
                shutil.which("redis-server") or "/usr/bin/redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return self
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self, quiet=False):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


class SmtpSink:
    """An SMTP server on 127.0.0.1 that keeps every message it accepts."""

    def __init__(self):
        self.messages = []
        self._lock = threading.Lock()
        self.controller = Controller(self, hostname="127.0.0.1", port=free_port())

    @property
    def port(self):
        return self.controller.port

    async def handle_DATA(self, server, session, envelope):
        with self._lock:
            self.messages.append((tuple(envelope.rcpt_tos), envelope.content))
        return "250 Message accepted"

    def parsed(self):
        with self._lock:
            return [(to, message_from_bytes(content)) for to, content in self.messages]

    def count(self):
        with self._lock:
            return len(self.messages)

    def settle(self, quiet=1.5):
        """Wait until nothing more arrives for ``quiet`` seconds (a duplicate would)."""
        count = -1
        while count != self.count():
            count = self.count()
            time.sleep(quiet)

    def mails_per_recipient(self):
        """Messages received per address, counting one Message-ID once (as mailboxes do),
        and the raw copies per address."""
        seen = collections.defaultdict(set)
        raw = collections.Counter()
        for recipients, message in self.parsed():
            for address in recipients:
                seen[address].add(message["Message-ID"])
                raw[address] += 1
        return {address: len(ids) for address, ids in seen.items()}, raw

    def down(self):
        """An outage: nothing listens on the port until ``up()``."""
        self.controller.stop()

    def up(self):
        """Back on the same port (a stopped controller cannot start again), keeping what it
        received before."""
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def wait_for(self, count, timeout=120):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self.count() < count:
            time.sleep(0.1)
        return self.count()


@contextmanager
def tasks_through(broker):
    """Send this process's tasks through ``broker`` instead of running them here."""
    keys = ("task_always_eager", "broker_url")
    saved = {key: celery_app.conf[key] for key in keys}
    celery_app.conf.update(task_always_eager=False, broker_url=broker)
    _drop_connections()
    try:
        yield
    finally:
        celery_app.conf.update(saved)
        _drop_connections()


def _drop_connections():
    """Forget the connection and producer pools made for the previous broker URL.

    Celery keeps both for the life of the app (``Celery.close()`` resets only the first).
    """
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


POSTGRES_BIN = next(iter(sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)), None)


def postgres_missing():
    """Why a PostgreSQL cluster of the test's own cannot be made here, or None."""
    if POSTGRES_BIN is None or not (POSTGRES_BIN / "initdb").exists():
        return "the PostgreSQL server binaries are not installed (/usr/lib/postgresql/*/bin)"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "initdb refuses root, and there is no postgres user to run it as"
    return None


class PostgresCluster:
    """A PostgreSQL cluster of the test's own, in a temporary directory, on 127.0.0.1 and a
    free port, with trust authentication: to stop and start without touching the machine's.

    ``initdb`` and the server refuse to run as root: as root they run as ``postgres``.
    """

    def __init__(self):
        self.port = free_port()
        self.directory = Path(tempfile.mkdtemp(prefix="essaim-pg-"))
        self.data = self.directory / "data"
        self.log = self.directory / "server.log"
        self._as_root = os.geteuid() == 0
        if self._as_root:
            shutil.chown(self.directory, user="postgres")

    def _run(self, *command):
        if self._as_root:
            command = ("runuser", "-u", "postgres", "--", *command)
        return subprocess.run(command, check=True, capture_output=True, text=True, timeout=120)

    def url(self, name):
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def init(self):
        self._run(
            str(POSTGRES_BIN / "initdb"),
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "--auth=trust",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
        )
        return self

    def start(self):
        options = (
            f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1 "
            # Nothing here must survive a power cut: faster migrations.
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        self._run(
            str(POSTGRES_BIN / "pg_ctl"),
            "-D",
            str(self.data),
            "-o",
            options,
            "-l",
            str(self.log),
            "-w",
            "start",
        )
        return self

    def stop(self, mode="fast"):
        """``fast`` ends every session, as a restart does; ``immediate`` as a crash does."""
        self._run(str(POSTGRES_BIN / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop")

    def create_database(self, name):
        self._run(
            str(POSTGRES_BIN / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U",
            "postgres", name,
        )  # fmt: skip

    def destroy(self):
        if (self.data / "postmaster.pid").exists():
            with contextlib.suppress(subprocess.CalledProcessError):
                self.stop(mode="immediate")
        shutil.rmtree(self.directory, ignore_errors=True)


class SiteServer:
    """The site under gunicorn, in its own process, with ``env`` added to the environment."""

    def __init__(self, env, workers=2):
        self.port = free_port()
        self.env = {
            **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
            **env,
        }
        self.workers = workers
        self.process = None
        self.lines = []

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    root = ROOT

    @staticmethod
    def manage_command(*args):
        return [sys.executable, "manage.py", *args]

    def manage(self, *args, timeout=300):
        return subprocess.run(
            self.manage_command(*args),
            cwd=ROOT,
            env=self.env,
            check=True,
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    def start(self):
        self.process = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "website.wsgi",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(self.workers),
                "--threads",
                "2",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        threading.Thread(target=self._read, daemon=True).start()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and self.process.poll() is None:
            if sum("Booting worker" in line for line in self.lines) >= self.workers:
                try:
                    with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                        return self
                except OSError:
                    pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError("gunicorn did not start:\n" + "".join(self.lines))

    def _read(self):
        for line in self.process.stdout:
            self.lines.append(line)

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        # Shown by pytest when the test fails: what the site logged.
        print("".join(self.lines)[-20000:])
