"""Benchmark: one event published for many subscribers, through Redis, real Celery workers
and SMTP to a local sink. Prints figures; changes nothing in your database (it works in a
scratch database of its own)."""

import collections
import datetime as dt
import os
import tempfile
import time
from urllib.parse import urlsplit

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection


class Command(BaseCommand):
    help = (
        "Fan-out benchmark: publish one event for N subscribers and time the mails through "
        "Redis, Celery workers and SMTP (a local sink). Needs the dev dependencies and Redis."
    )

    def add_arguments(self, parser):
        parser.add_argument("--recipients", type=int, default=10_000)
        parser.add_argument("--concurrency", type=int, default=2, help="worker processes")
        parser.add_argument(
            "--redis",
            default=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
            help="Redis server to use; the benchmark takes its database 12 and empties it",
        )

    def handle(self, *args, recipients, concurrency, redis, **options):
        try:
            from tests.workers import SmtpSink, Worker, database_url, tasks_through
        except ImportError as error:
            raise CommandError(f"The benchmark needs the dev dependencies: {error}") from error
        import redis as redis_client

        broker = urlsplit(redis)._replace(path="/12").geturl()
        redis_client.Redis.from_url(broker).flushdb()

        old_name = self._scratch_database()
        sink = SmtpSink()
        sink.controller.start()
        worker = Worker(
            broker=broker,
            database=database_url(connection),
            smtp_port=sink.port,
            secret_key=settings.SECRET_KEY,
            concurrency=concurrency,
        )
        try:
            event_page = self._site()
            self._subscribers(recipients)
            worker.start()
            with tasks_through(broker):
                started = time.perf_counter()
                event_page.save_revision().publish()
                published = time.perf_counter()
                first = None
                last_count, last_change = 0, time.perf_counter()
                while True:
                    count = sink.count()
                    now = time.perf_counter()
                    if count and first is None:
                        first = now
                    if count != last_count:
                        last_count, last_change = count, now
                    if count >= recipients and now - last_change > 2:
                        break
                    if now - last_change > 120:
                        break
                    time.sleep(0.05)
            self._report(sink, recipients, started, published, first, last_change, concurrency)
        finally:
            worker.stop(quiet=True)
            sink.controller.stop()
            connection.creation.destroy_test_db(old_name, verbosity=0)

    def _scratch_database(self):
        test = connection.settings_dict.setdefault("TEST", {})
        if connection.vendor == "sqlite":
            test["NAME"] = os.path.join(tempfile.mkdtemp(prefix="essaim-bench-"), "bench.sqlite3")
        else:
            test["NAME"] = "essaim_bench"
        old_name = connection.settings_dict["NAME"]
        self.stdout.write("Creating a scratch database...")
        connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
        return old_name

    def _site(self):
        from events.models import EventIndexPage, EventKind, EventPage
        from website import demo
        from website.models import HomePage

        demo.load()
        home = HomePage.objects.get(locale__language_code="fr")
        agenda = EventIndexPage(title="Agenda", slug="agenda-bench")
        home.add_child(instance=agenda)
        agenda.save_revision().publish()
        start = dt.datetime.now(dt.UTC) + dt.timedelta(days=30)
        event = EventPage(
            title="Atelier : coopératives et communs",
            slug="atelier-bench",
            kind=EventKind.WORKSHOP,
            summary="Un atelier pour le banc d’essai.",
            start=start,
            end=start + dt.timedelta(hours=2),
            organiser_name="Ville de Nantes",
            organiser_email="agenda@nantes.example",
            live=False,
        )
        agenda.add_child(instance=event)
        return event

    def _subscribers(self, count):
        from events.models import EventKind, Subscription
        from website.notifications.models import Subscriber

        subscribers = Subscriber.objects.bulk_create(
            (Subscriber(email=f"abonne{n:06d}@bench.example") for n in range(count)),
            batch_size=1000,
        )
        Subscription.objects.bulk_create(
            (
                Subscription(subscriber=s, target="kind", kind=EventKind.WORKSHOP)
                for s in subscribers
            ),
            batch_size=1000,
        )

    def _report(self, sink, recipients, started, published, first, last, concurrency):
        per_address = collections.Counter(
            address for addresses, _message in sink.messages for address in addresses
        )
        received = sum(per_address.values())
        duplicates = sum(count - 1 for count in per_address.values() if count > 1)
        missing = recipients - len(per_address)
        span = (last - first) if first else 0
        lines = [
            f"database: {connection.vendor}, workers: {concurrency}, recipients: {recipients}",
            f"publish (request, incl. outbox rows): {published - started:.2f} s",
            f"publish -> first mail: {(first - started) if first else float('nan'):.2f} s",
            f"publish -> last mail: {last - started:.2f} s",
            f"mails received: {received}, distinct recipients: {len(per_address)}, "
            f"missing: {missing}, duplicates: {duplicates}",
            f"throughput: {received / span if span else float('nan'):.1f} mails/s "
            f"(first to last mail)",
        ]
        for line in lines:
            self.stdout.write(line)
        if missing or duplicates:
            raise CommandError("Not exactly one mail per recipient.")
