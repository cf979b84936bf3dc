"""Serve the site with gunicorn under production settings and measure it with wrk.

``make bench`` runs this command with the production settings pointed at a scratch PostgreSQL
database and a Redis database of their own. It prepares the data set once (migrate, the demo,
``bench_data``), collects the static files, starts gunicorn on 127.0.0.1, and for each page
runs wrk for a fixed time after a warm-up. It prints a table (requests per second, latency
percentiles, the throughput as a share of a static file served by the same gunicorn), writes
the figures as JSON under ``var/bench/``, and stops gunicorn. It asserts nothing: figures
depend on the machine (``docs/performance.md`` says which).
"""

import io
import json
import os
import platform
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from website.cache import HEADER

# wrk prints one JSON line at the end: its own latency histogram, in microseconds.
WRK_SCRIPT = """
done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.status + summary.errors.timeout
  io.write(string.format(
    'BENCH {"requests": %d, "seconds": %f, "errors": %d, "bytes": %d, '
    .. '"p50": %d, "p95": %d, "p99": %d, "max": %d}\\n',
    summary.requests, summary.duration / 1e6, errors, summary.bytes,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max))
end
"""


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _database_exists(url):
    """Create the scratch PostgreSQL database named in DATABASE_URL if it is missing."""
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
    return bool(exists)


class Command(BaseCommand):
    help = "Benchmark the site under gunicorn and wrk (make bench)."

    def add_arguments(self, parser):
        parser.add_argument("--duration", type=int, default=10, help="seconds of load per page")
        parser.add_argument(
            "--connections", type=int, default=16, help="wrk connections for cached pages"
        )
        parser.add_argument(
            "--uncached-connections",
            type=int,
            default=os.cpu_count() or 1,
            help="wrk connections for uncached pages: one per core, so that latency is the time "
            "a page takes to make rather than time spent queueing behind others",
        )
        parser.add_argument("--threads", type=int, default=2, help="wrk threads")
        parser.add_argument(
            "--workers", type=int, default=(os.cpu_count() or 1) * 2 + 1, help="gunicorn"
        )
        parser.add_argument("--only", default="", help="comma-separated page labels")
        parser.add_argument(
            "--scale",
            type=float,
            default=1.0,
            help="fraction of the data set to generate (1.0: the full set)",
        )

    def handle(self, *args, **options):
        if connection.vendor != "postgresql":
            raise CommandError("The benchmark runs on PostgreSQL: set DATABASE_URL (make bench).")
        if settings.DEBUG:
            raise CommandError("Run it under website.settings.production (make bench does).")
        wrk = shutil.which("wrk")
        if wrk is None:
            raise CommandError("wrk is missing: apt-get install wrk")
        self._prepare(options["scale"])
        pages = self._pages(options["only"])
        results = {}
        # Two passes: the page cache on (as in production), then off (what a page costs to
        # make, which is what every signed-in person and every first visitor gets).
        passes = (
            ("cached", "true", options["connections"]),
            ("uncached", "false", options["uncached_connections"]),
        )
        for mode, page_cache, connections in passes:
            self.stdout.write(f"\n{mode} ({connections} connections):")
            port = _free_port()
            server = self._serve(port, options["workers"], page_cache)
            try:
                self._wait_for(port, options["workers"])
                results[mode] = self._measure(port, wrk, pages, connections, options)
            finally:
                server.send_signal(signal.SIGTERM)
                try:
                    server.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    server.kill()
        self._report(results, options)

    # --- the data set -------------------------------------------------------------------

    def _prepare(self, scale):
        existed = _database_exists(os.environ["DATABASE_URL"])
        call_command("migrate", interactive=False, verbosity=0)
        from network.directory.models import Actor

        if not existed or not Actor.objects.exists():
            self.stdout.write("Loading the demo content…")
            # The scratch database only: its accounts have the demo's known passwords.
            call_command("load_demo", force=True, stdout=io.StringIO())
        counts = {
            "actors": 10_000,
            "events": 5_000,
            "spaces": 500,
            "bookings": 50_000,
            "topics": 10_000,
            "posts": 100_000,
            "subscribers": 20_000,
        }
        self.stdout.write("Generating the data set (once per database)…")
        call_command(
            "bench_data", **{name: max(1, int(count * scale)) for name, count in counts.items()}
        )
        # Fresh statistics, as autovacuum keeps them in production: without them the planner
        # takes tables filled a minute ago for empty ones and picks nested loops over
        # thousands of rows (the agenda took 160 ms of SQL instead of 20).
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        call_command("collectstatic", interactive=False, verbosity=0)
        call_command("compile_catalogues", verbosity=0)
        connection.close()

    # --- the server ---------------------------------------------------------------------

    def _serve(self, port, workers, page_cache):
        gunicorn = Path(sys.executable).with_name("gunicorn")
        server = subprocess.Popen(
            [
                str(gunicorn),
                "website.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(workers),
                "--log-level",
                "warning",
            ],
            cwd=settings.BASE_DIR,
            env={**os.environ, "PAGE_CACHE": page_cache},
        )
        return server

    def _wait_for(self, port, workers):
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/health/", timeout=10):
                    self.stdout.write(f"gunicorn ({workers} workers) on 127.0.0.1:{port}")
                    return
            except OSError:  # refused while starting, or a timeout
                time.sleep(0.5)
        raise CommandError("gunicorn did not answer /health/ within 60 s.")

    # --- the pages ----------------------------------------------------------------------

    def _pages(self, only):
        """(label, path) of each measured page, found in the data rather than guessed."""
        from events.models import EventIndexPage, EventKind, EventPage, Occurrence
        from forums.models import Topic
        from network.directory.models import Actor, Sector
        from network.spaces.models import Space

        index = EventIndexPage.objects.live().filter(locale__language_code="fr").first()
        agenda = urlsplit(index.get_url()).path
        sector = Sector.objects.filter(events__isnull=False).distinct().first()
        event = EventPage.objects.live().filter(recurrence__gt="", locale=index.locale).last()
        busy = (
            Space.objects.filter(bookings__start__gte=timezone.now())
            .distinct()
            .order_by("pk")
            .first()
        )
        topic = Topic.objects.order_by("-reply_count", "pk").first()
        actor = Actor.objects.published().order_by("-pk").first()
        today = timezone.localdate()
        occurrences = Occurrence.objects.count()
        self.stdout.write(f"{occurrences} occurrences in the database")
        pages = [
            ("static file", staticfiles_storage.url("css/essaim.css")),
            ("home", "/fr/"),
            ("events index", agenda),
            ("events index, filtered", f"{agenda}?kind={EventKind.WORKSHOP}&sector={sector.slug}"),
            ("month view", f"{agenda}month/{today.year}/{today.month}/"),
            ("event page", urlsplit(event.get_url()).path),
            ("events feed", f"/fr/events/feed.ics?sector={sector.slug}"),
            ("directory search", "/fr/directory/?q=compost"),
            ("actor page", f"/fr/directory/{actor.slug}/"),
            ("map data", "/fr/directory/map/data.geojson?bbox=-1.7,47.1,-1.4,47.3"),
            ("space availability", f"/fr/directory/spaces/{busy.slug}/"),
            ("forum topic", f"/fr/forums/t/{topic.pk}/"),
            ("API list", "/api/v1/occurrences?lang=fr"),
        ]
        wanted = {label.strip() for label in only.split(",") if label.strip()}
        return [page for page in pages if not wanted or page[0] in wanted]

    def _measure(self, port, wrk, pages, connections, options):
        base = f"http://127.0.0.1:{port}"
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
            script.write(WRK_SCRIPT)
        results = []
        try:
            for label, path in pages:
                self._check(base + path)
                # Warm-up: fills caches and each worker's imports, not measured.
                self._wrk(wrk, script.name, base + path, 2, options["threads"], 4)
                status, size, cache_state = self._check(base + path)
                figures = self._wrk(
                    wrk,
                    script.name,
                    base + path,
                    options["duration"],
                    min(options["threads"], connections),
                    connections,
                )
                figures.update(
                    label=label, path=path, status=status, size=size, page_cache=cache_state
                )
                figures["rps"] = figures["requests"] / figures["seconds"]
                results.append(figures)
                self.stdout.write(
                    f"  {label:<26}{figures['rps']:>9.0f} req/s  p95 {figures['p95'] / 1000:.1f} ms"
                    f"  {cache_state}"
                )
        finally:
            os.unlink(script.name)
        return results

    def _check(self, url):
        """The page answers 200 with a body; a benchmark of an error page would mislead."""
        request = urllib.request.Request(url, headers={"Accept-Encoding": "identity"})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, len(response.read()), response.headers.get(HEADER, "")
        except urllib.error.HTTPError as error:
            raise CommandError(f"{url} answered {error.code}: fix it before measuring.") from error

    def _wrk(self, wrk, script, url, duration, threads, connections):
        output = subprocess.run(
            [
                wrk,
                f"-t{threads}",
                f"-c{connections}",
                f"-d{duration}s",
                "--timeout",
                "10s",
                "-s",
                script,
                url,
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        line = next(line for line in output.splitlines() if line.startswith("BENCH "))
        return json.loads(line.removeprefix("BENCH "))

    # --- the report ---------------------------------------------------------------------

    def _report(self, results, options):
        self.stdout.write("")
        self.stdout.write(
            f"{'page':<24}{'cached':>9}{'p50':>7}{'p95':>7}{'p99':>7}{'of static':>10}"
            f"{'uncached':>10}{'p50':>7}{'p95':>7}{'p99':>7}{'KiB':>7}{'err':>5}"
        )
        self.stdout.write(f"{'':<24}{'req/s':>9}{'ms':>7}{'ms':>7}{'ms':>7}{'':>10}{'req/s':>10}")
        statics = {
            mode: next((r["rps"] for r in rows if r["label"] == "static file"), None)
            for mode, rows in results.items()
        }
        for cached, uncached in zip(results["cached"], results["uncached"], strict=True):
            for mode, row in (("cached", cached), ("uncached", uncached)):
                row["of_static"] = row["rps"] / statics[mode] if statics[mode] else None
            self.stdout.write(
                f"{cached['label']:<24}{cached['rps']:>9.0f}{cached['p50'] / 1000:>7.1f}"
                f"{cached['p95'] / 1000:>7.1f}{cached['p99'] / 1000:>7.1f}"
                f"{cached['of_static'] or 0:>10.0%}{uncached['rps']:>10.0f}"
                f"{uncached['p50'] / 1000:>7.1f}{uncached['p95'] / 1000:>7.1f}"
                f"{uncached['p99'] / 1000:>7.1f}{cached['size'] / 1024:>7.1f}"
                f"{cached['errors'] + uncached['errors']:>5}"
            )
        report = {
            "when": timezone.now().isoformat(),
            "machine": {
                "cpus": os.cpu_count(),
                "load_average": os.getloadavg(),
                "platform": platform.platform(),
                "python": platform.python_version(),
                "postgresql": connection.cursor().connection.info.server_version,
            },
            "options": {
                key: options[key]
                for key in (
                    "duration",
                    "connections",
                    "uncached_connections",
                    "threads",
                    "workers",
                    "scale",
                )
            },
            "results": results,
        }
        folder = Path(settings.VAR_DIR) / "bench"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"bench-{timezone.now():%Y%m%d-%H%M%S}.json"
        path.write_text(json.dumps(report, indent=2))
        self.stdout.write(f"\nFigures written to {path}")
