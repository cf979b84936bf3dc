"""Fill the database with the benchmark's data set, on top of the demo content.

10,000 actors, 5,000 events (a fifth of them weekly series), 500 spaces with 50,000 bookings,
10,000 forum topics with 100,000 posts and 20,000 subscribers, by default. Rows go in with
``bulk_create`` where no rule is bypassed by doing so (the database's constraints still hold:
bookings are laid out so that none overlaps, and the exclusion constraint would refuse one
that did); event pages go through Wagtail's tree and their dates through
``event_sync_occurrences``, the same service publishing uses.

Run once per database: a second run sees the marker actor and does nothing. ``make bench``
calls it in a scratch database; never run it on a database that matters.
"""

import datetime as dt
import random
import time
import uuid
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from wagtail.models import Locale

from events.models import EventIndexPage, EventKind, EventPage
from events.services import event_sync_occurrences
from forums import markup
from forums.models import Category, Post, Topic
from network.directory.models import Actor, ActorStatus, LegalForm, Sector, Territory
from network.spaces.models import Booking, OpeningHours, Space
from website.notifications.models import Subscriber

MARKER = "bench-marker"
WORDS = [
    "compost",
    "jardin",
    "partagé",
    "recyclerie",
    "coopérative",
    "mutuelle",
    "insertion",
    "alimentation",
    "circuit",
    "court",
    "énergie",
    "citoyenne",
    "mobilité",
    "solidaire",
    "finance",
    "épargne",
    "habitat",
    "culture",
    "tiers-lieu",
    "formation",
    "emploi",
    "numérique",
    "réemploi",
    "vélo",
    "atelier",
    "monnaie",
    "locale",
    "santé",
    "éducation",
]


def _words(rng, count):
    return " ".join(rng.choice(WORDS) for _ in range(count))


class Command(BaseCommand):
    help = "Add the benchmark's large data set to the current database (once)."

    def add_arguments(self, parser):
        parser.add_argument("--actors", type=int, default=10_000)
        parser.add_argument("--events", type=int, default=5_000)
        parser.add_argument("--spaces", type=int, default=500)
        parser.add_argument("--bookings", type=int, default=50_000)
        parser.add_argument("--topics", type=int, default=10_000)
        parser.add_argument("--posts", type=int, default=100_000)
        parser.add_argument("--subscribers", type=int, default=20_000)
        parser.add_argument("--seed", type=int, default=2013)

    def handle(self, *args, **options):
        if Actor.objects.filter(slug=MARKER).exists():
            self.stdout.write("The benchmark's data set is already here.")
            return
        index = EventIndexPage.objects.filter(locale=Locale.get_default()).first()
        if index is None or not Category.objects.exists():
            raise CommandError("Load the demo first (manage.py load_demo): it gives the tree.")
        self.rng = random.Random(options["seed"])
        self.now = timezone.now()
        self.sector_rows = list(Sector.objects.all())
        self.sectors = [sector.pk for sector in self.sector_rows]
        self.centres = {
            territory: (latitude, longitude)
            for territory, latitude, longitude in Actor.objects.published()
            .filter(latitude__isnull=False, territory__kind="commune")
            .values_list("territory", "latitude", "longitude")
        }
        self.territories = list(Territory.objects.filter(pk__in=self.centres))
        self.forms = list(LegalForm.objects.values_list("pk", flat=True))
        user = get_user_model().objects.filter(is_superuser=True).order_by("pk").first()
        self.user = user
        # One transaction: an interrupted run leaves nothing, and the marker means "complete".
        with transaction.atomic():
            for step, count in (
                (self._actors, options["actors"]),
                (self._subscribers, options["subscribers"]),
                (self._spaces, (options["spaces"], options["bookings"])),
                (self._forums, (options["topics"], options["posts"])),
                (self._events, (index, options["events"])),
            ):
                started = time.perf_counter()
                made = step(count)
                self.stdout.write(f"{made} in {time.perf_counter() - started:.1f} s")

    def _place(self):
        """A demo city and a point near it (the demo's actors tell where each city lies)."""
        territory = self.rng.choice(self.territories)
        latitude, longitude = self.centres[territory.pk]
        spread = Decimal(self.rng.randint(-500, 500)) / 10_000
        return territory, latitude + spread, longitude - spread

    def _actors(self, count):
        actors = []
        for n in range(count):
            territory, latitude, longitude = self._place()
            actors.append(
                Actor(
                    name=f"{_words(self.rng, 2).capitalize()} {n:05d}",
                    slug=MARKER if n == 0 else f"bench-actor-{n}",
                    status=ActorStatus.PUBLISHED,
                    legal_form_id=self.rng.choice(self.forms) if self.forms else None,
                    territory=territory,
                    latitude=latitude,
                    longitude=longitude,
                    description=_words(self.rng, 40),
                    public_email=f"contact{n}@bench.example",
                    published_at=self.now,
                    confirmed_at=self.now,
                )
            )
        self.actors = Actor.objects.bulk_create(actors, batch_size=2_000)
        through = Actor.sectors.through
        through.objects.bulk_create(
            [
                through(actor_id=actor.pk, sector_id=sector)
                for actor in self.actors
                for sector in self.rng.sample(self.sectors, k=min(2, len(self.sectors)))
            ],
            batch_size=5_000,
        )
        return f"{count} actors"

    def _subscribers(self, count):
        Subscriber.objects.bulk_create(
            [
                Subscriber(
                    email=f"subscriber{n}@bench.example",
                    language="fr" if n % 4 else "en",
                    frequency=("immediate", "daily", "weekly")[n % 3],
                    confirmed_at=self.now,
                )
                for n in range(count)
            ],
            batch_size=5_000,
        )
        return f"{count} subscribers"

    def _spaces(self, counts):
        count, bookings = counts
        spaces = []
        for n in range(count):
            territory, latitude, longitude = self._place()
            spaces.append(
                Space(
                    name=f"Salle {_words(self.rng, 1)} {n:03d}",
                    slug=f"bench-space-{n}",
                    owner_territory=territory,
                    territory=territory,
                    address=f"{n} rue de l'Économie sociale",
                    latitude=latitude,
                    longitude=longitude,
                    time_zone="Europe/Paris",
                    capacity=self.rng.choice((8, 12, 20, 40, 80, 200)),
                    description=_words(self.rng, 30),
                    has_projector=n % 2 == 0,
                    has_wifi=True,
                    step_free_access=n % 3 != 0,
                    requires_approval=n % 5 == 0,
                    horizon=dt.timedelta(days=365),
                    max_active_per_actor=1_000,
                )
            )
        spaces = Space.objects.bulk_create(spaces, batch_size=1_000)
        OpeningHours.objects.bulk_create(
            [
                OpeningHours(space=space, weekday=day, opens=dt.time(8), closes=dt.time(20))
                for space in spaces
                for day in range(5)
            ],
            batch_size=5_000,
        )
        # Two-hour bookings on weekdays, one after the other, from two months ago onwards:
        # each space gets its share without any overlap, as the constraint demands.
        per_space = max(1, bookings // max(1, count))
        zone = ZoneInfo("Europe/Paris")
        first_day = (self.now - dt.timedelta(days=60)).astimezone(zone).date()
        rows = []
        for space in spaces:
            day, hour = first_day, 8
            for _ in range(per_space):
                while day.weekday() >= 5:
                    day += dt.timedelta(days=1)
                start = dt.datetime.combine(day, dt.time(hour), zone)
                end = start + dt.timedelta(hours=2)
                rows.append(
                    Booking(
                        space=space,
                        actor=self.rng.choice(self.actors),
                        requested_by=self.user,
                        uid=f"booking-{uuid.uuid4()}@bench.example",
                        start=start,
                        end=end,
                        occupied_until=end + space.buffer,
                        status=Booking.Status.CONFIRMED,
                        occupies=True,
                        purpose=_words(self.rng, 4),
                        attendees=min(space.capacity, 10),
                        created_at=self.now,
                    )
                )
                hour += 3 if space.buffer else 2
                if hour + 2 > 20:
                    day, hour = day + dt.timedelta(days=1), 8
        Booking.objects.bulk_create(rows, batch_size=5_000)
        return f"{count} spaces, {len(rows)} bookings"

    def _forums(self, counts):
        topic_count, post_count = counts
        categories = list(Category.objects.filter(visibility="public")) or list(
            Category.objects.all()
        )
        bodies = [_words(self.rng, self.rng.randint(20, 120)) for _ in range(50)]
        rendered = [(body, markup.render(body), markup.content_hash(body)) for body in bodies]
        topics = Topic.objects.bulk_create(
            [
                Topic(
                    category=categories[n % len(categories)],
                    title=f"{_words(self.rng, 5).capitalize()} ({n})",
                    author=self.user,
                    created_at=self.now - dt.timedelta(minutes=n),
                    last_activity_at=self.now - dt.timedelta(minutes=n),
                )
                for n in range(topic_count)
            ],
            batch_size=2_000,
        )
        per_topic = max(1, post_count // max(1, topic_count))
        posts = []
        for topic in topics:
            for n in range(per_topic):
                source, html, digest = rendered[(topic.pk + n) % len(rendered)]
                posts.append(
                    Post(
                        topic=topic,
                        author=self.user,
                        source=source,
                        html=html,
                        content_hash=digest,
                        created_at=topic.created_at + dt.timedelta(seconds=n),
                    )
                )
        Post.objects.bulk_create(posts, batch_size=5_000)
        Topic.objects.filter(pk__in=[t.pk for t in topics]).update(reply_count=per_topic - 1)
        return f"{topic_count} topics, {len(posts)} posts"

    def _events(self, args):
        index, count = args
        kinds = [kind for kind, _label in EventKind.choices]
        zone = ZoneInfo("Europe/Paris")
        today = self.now.astimezone(zone).date()
        for n in range(count):
            territory, latitude, longitude = self._place()
            day = today + dt.timedelta(days=self.rng.randint(-60, 240))
            start = dt.datetime.combine(day, dt.time(self.rng.choice((9, 14, 18))), zone)
            recurring = n % 5 == 0
            event = EventPage(
                title=f"{_words(self.rng, 3).capitalize()} {n:04d}",
                slug=f"bench-event-{n}",
                kind=kinds[n % len(kinds)],
                summary=_words(self.rng, 25),
                start=start,
                end=start + dt.timedelta(hours=2),
                time_zone="Europe/Paris",
                recurrence="FREQ=WEEKLY;COUNT=20" if recurring else "",
                venue_name=f"Maison des associations {n % 50}",
                address=f"{n} place de la République",
                territory=territory,
                latitude=latitude,
                longitude=longitude,
                organiser_name=f"Organisateur {n % 200}",
                registration_enabled=n % 2 == 0,
                capacity=self.rng.choice((None, 20, 50, 100)),
                live=True,
            )
            event.sectors.set(self.rng.sample(self.sector_rows, k=min(2, len(self.sector_rows))))
            index.add_child(instance=event)
            event_sync_occurrences(event=event)
            if n and n % 500 == 0:
                self.stdout.write(f"  {n} events…")
        return f"{count} events"
