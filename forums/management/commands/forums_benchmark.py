"""Measure the topic page: queries and time for topics of growing length. Prints figures and
deletes what it created when it ends."""

import time

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import connection, reset_queries
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings

from forums import services
from forums.models import Category, Topic

SLUG = "bench-forums"


class Command(BaseCommand):
    help = "Print the queries and time of a forum topic page with 10, 100 and 1000 posts."

    def add_arguments(self, parser):
        parser.add_argument("--sizes", default="10,100,1000")
        parser.add_argument("--repeat", type=int, default=5)

    def handle(self, *args, sizes, repeat, **options):
        sizes = [int(size) for size in sizes.split(",")]
        User = get_user_model()
        try:
            with override_settings(FORUMS_POST_RATE=(10**9, 60), FORUMS_APPROVAL_FIRST_POSTS=0):
                self._run(sizes, repeat)
        finally:
            Topic.objects.filter(category__slug=SLUG).delete()
            Category.objects.filter(slug=SLUG).delete()
            User.objects.filter(email__endswith="@bench.invalid").delete()

    def _run(self, sizes, repeat):
        User = get_user_model()
        people = [
            User.objects.create_user(email=f"bench{n}@bench.invalid", display_name=f"Bench {n}")
            for n in range(5)
        ]
        category = Category.objects.create(name_fr="Banc", name_en="Bench", slug=SLUG)
        client = Client(SERVER_NAME="localhost")
        client.force_login(people[0])
        self.stdout.write("posts  queries(page 1)  queries(last page)  median ms (page 1)")
        for size in sizes:
            topic = services.topic_create(
                category=category, user=people[0], title=f"Banc {size}", source=f"Début {size}"
            )
            for number in range(size - 1):
                services.post_create(
                    topic=topic,
                    user=people[number % 5],
                    source=f"Réponse {size}-{number} à @bench-{(number + 1) % 5}",
                )
            url = f"/fr/forums/t/{topic.pk}/"
            response = client.get(url)
            if response.status_code != 200:
                raise RuntimeError(f"{url} answered {response.status_code}")
            # The debug log holds 9,000 queries at most: empty it, or counts read 0.
            reset_queries()
            with CaptureQueriesContext(connection) as first:
                client.get(url)
            reset_queries()
            with CaptureQueriesContext(connection) as last:
                client.get(f"{url}?page=last")
            timings = []
            for _ in range(repeat):
                start = time.perf_counter()
                client.get(url)
                timings.append((time.perf_counter() - start) * 1000)
            timings.sort()
            self.stdout.write(
                f"{size:>5}  {len(first):>16}  {len(last):>18}  {timings[len(timings) // 2]:>18.1f}"
            )
