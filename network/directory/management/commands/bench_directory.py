"""Time the directory's public reads with many actors: prints figures, asserts nothing."""

import statistics
import time
from decimal import Decimal

from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from network.directory.models import Actor, ActorStatus, LegalForm, Sector, Territory

URLS = [
    ("directory", "/fr/directory/"),
    ("directory, page 200", "/fr/directory/?page=200"),
    ("search", "/fr/directory/?q=compost"),
    ("filters", "/fr/directory/?sector={sector}&territory={territory}&legal_form={form}"),
    ("map data, whole world", "/fr/directory/map/data.geojson"),
    ("map data, one city", "/fr/directory/map/data.geojson?bbox=-1.7,47.1,-1.4,47.3"),
    ("export GeoJSON", "/fr/directory/open-data/actors.geojson"),
    ("export CSV", "/fr/directory/open-data/actors.csv"),
    ("export JSON", "/fr/directory/open-data/actors.json"),
    ("statistics", "/fr/directory/statistics/"),
]


class Rollback(Exception):
    pass


class Command(BaseCommand):
    help = (
        "Create N published actors in a transaction that is rolled back, then time each "
        "public read of the directory (median of --repeat runs) and count its queries."
    )

    def add_arguments(self, parser):
        parser.add_argument("--actors", type=int, default=10_000)
        parser.add_argument("--repeat", type=int, default=5)

    def handle(self, *args, actors=10_000, repeat=5, **options):
        try:
            with transaction.atomic():
                self._run(actors, repeat)
                raise Rollback
        except Rollback:
            self.stdout.write("(the benchmark's actors were rolled back)")

    def _run(self, count, repeat):
        sector = Sector.objects.order_by("pk").first() or Sector.objects.create(
            name_fr="Alimentation", name_en="Food", slug="bench-alimentation"
        )
        territory = Territory.objects.order_by("pk").first() or Territory.objects.create(
            name="Nantes", slug="bench-nantes", kind="commune", country="FR"
        )
        form = LegalForm.objects.order_by("pk").first()
        started = time.perf_counter()
        now = timezone.now()
        created = Actor.objects.bulk_create(
            [
                Actor(
                    name=f"Bench {n:05d} compost" if n % 10 == 0 else f"Bench {n:05d}",
                    slug=f"bench-{n}",
                    status=ActorStatus.PUBLISHED,
                    legal_form=form,
                    territory=territory,
                    latitude=Decimal("47.0") + Decimal(n % 500) / 1000,
                    longitude=Decimal("-1.8") + Decimal(n // 500) / 100,
                    description="Une structure de l’ESS pour le benchmark.",
                    published_at=now,
                )
                for n in range(count)
            ],
            batch_size=1000,
        )
        through = Actor.sectors.through
        through.objects.bulk_create(
            [through(actor_id=a.pk, sector_id=sector.pk) for a in created], batch_size=2000
        )
        self.stdout.write(
            f"{count} actors created in {time.perf_counter() - started:.1f} s "
            f"({Actor.objects.published().count()} published in all)"
        )
        client = Client(HTTP_HOST="localhost")
        self.stdout.write(f"{'read':<26}{'median ms':>10}{'max ms':>10}{'queries':>9}{'KiB':>9}")
        for label, url in URLS:
            url = url.format(sector=sector.slug, territory=territory.slug, form=form.slug)
            client.get(url)  # warm-up
            times = []
            for _ in range(repeat):
                with CaptureQueriesContext(connection) as queries:
                    start = time.perf_counter()
                    response = client.get(url)
                    times.append((time.perf_counter() - start) * 1000)
            size = len(response.content) / 1024
            self.stdout.write(
                f"{label:<26}{statistics.median(times):>10.1f}{max(times):>10.1f}"
                f"{len(queries):>9}{size:>9.0f}"
            )
