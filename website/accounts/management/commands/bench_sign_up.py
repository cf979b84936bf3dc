"""Time sign-up with a known and an unknown address: the two answers must take as long.

Each round posts the sign-up form twice through Django's test client, once with the address
of an existing account and once with a new one, in alternation, with the real password
hasher of the settings and allauth's rate limits off. Everything happens in one transaction
rolled back at the end: no account is kept and no mail leaves (mail is queued after commit).
It prints the median, 10th and 90th percentiles of each path and their queries; the tests
(tests/accounts/test_sign_up_enumeration.py) count the work instead of timing it.

    .venv/bin/python manage.py bench_sign_up --rounds 30
"""

import statistics
import time
import uuid

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

PASSWORD = "bench-sign-up-Password-2026"


class Command(BaseCommand):
    help = "Time sign-up with known and unknown addresses (nothing is kept)."

    def add_arguments(self, parser):
        parser.add_argument("--rounds", type=int, default=20)

    def handle(self, *args, rounds, **options):
        with (
            override_settings(ACCOUNT_RATE_LIMITS=False, ALLOWED_HOSTS=["testserver"]),
            transaction.atomic(),
        ):
            times, queries = self.measure(rounds)
            transaction.set_rollback(True)
        for path in ("known", "unknown"):
            values = sorted(times[path])
            deciles = statistics.quantiles(values, n=10)
            self.stdout.write(
                f"{path:>8}: median {statistics.median(values) * 1000:7.1f} ms, "
                f"p10 {deciles[0] * 1000:7.1f} ms, p90 {deciles[-1] * 1000:7.1f} ms, "
                f"{statistics.median(queries[path]):.0f} queries ({len(values)} sign-ups)"
            )

    def measure(self, rounds):
        run = uuid.uuid4().hex[:8]
        known = []
        for n in range(rounds + 1):
            user = get_user_model().objects.create_user(
                email=f"bench-{run}-known-{n}@example.org", password=None
            )
            EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
            known.append(user.email)
        times = {"known": [], "unknown": []}
        queries = {"known": [], "unknown": []}
        for n in range(rounds + 1):  # the first round warms up and is not counted
            for path, email in (
                ("known", known[n]),
                ("unknown", f"bench-{run}-unknown-{n}@example.org"),
            ):
                client = Client()
                data = {"email": email, "password1": PASSWORD, "password2": PASSWORD}
                with CaptureQueriesContext(connection) as captured:
                    start = time.perf_counter()
                    response = client.post("/fr/accounts/signup/", data)
                    elapsed = time.perf_counter() - start
                if response.status_code != 302:
                    raise RuntimeError(f"sign-up answered {response.status_code} for {path}")
                if n:
                    times[path].append(elapsed)
                    queries[path].append(len(captured))
        return times, queries
