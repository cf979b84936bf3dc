"""Twenty people press "book" for the same slot at the same moment (shared/guide/booking.md).

Run on SQLite by default (a file database, IMMEDIATE transactions) and on PostgreSQL with
DATABASE_URL set. Each worker has its own client and database connection and waits at a
barrier, then posts the real booking form. A negative control runs the same harness against
a deliberately unguarded check-then-insert, to show the harness does catch double bookings.
"""

import threading
import time

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from network.spaces.models import Booking
from tests.factories.spaces import BookingFactory

from .booking_helpers import join, local, make_space, next_week_day

WORKERS = 20
ROUNDS = 3


def run_together(functions):
    """Start every function at once behind a barrier; return their results or exceptions."""
    barrier = threading.Barrier(len(functions))
    results = [None] * len(functions)

    def work(index, function):
        try:
            barrier.wait(timeout=30)
            results[index] = function()
        except Exception as error:  # noqa: BLE001 - reported by the caller
            results[index] = error
        finally:
            connection.close()

    threads = [
        threading.Thread(target=work, args=(index, function))
        for index, function in enumerate(functions)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


pytestmark = pytest.mark.usefixtures("in_english")


@pytest.fixture
def crowd(site_base, vocab, make_user, make_actor):
    """A space, and twenty people, each a member of their own actor, signed in."""
    from wagtail.models import Page, Site

    # Pages render through the default site, which a previous transactional test may have
    # flushed with the rest of the migrations' data.
    if not Site.objects.filter(is_default_site=True).exists():
        Site.objects.create(
            hostname="localhost",
            root_page=Page.objects.get(depth=1),
            is_default_site=True,
            site_name="Essaim",
        )
    manager = make_user("gestion@ville.example")
    space = make_space(vocab["nantes"], manager=manager)
    people = []
    for index in range(WORKERS):
        actor = make_actor()
        user = join(make_user(f"foule{index}@example.org"), actor)
        client = Client()
        client.force_login(user)
        people.append((client, actor))
    return space, people


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_requests_for_one_slot_give_one_booking_and_nineteen_clean_refusals(
    crowd,
):
    space, people = crowd
    url = reverse("spaces:space_book", args=[space.slug])
    day = next_week_day()
    for round_number in range(ROUNDS):
        hour = 9 + 2 * round_number

        def post(client, actor, hour=hour):
            return client.post(
                url,
                {
                    "actor": actor.slug,
                    "date": day.isoformat(),
                    "start_time": f"{hour:02d}:00",
                    "end_time": f"{hour + 1:02d}:30",
                    "purpose": "Réunion de bureau",
                    "attendees": 8,
                },
            )

        results = run_together([lambda c=client, a=actor: post(c, a) for client, actor in people])

        errors = [r for r in results if isinstance(r, Exception)]
        assert errors == [], f"round {round_number}: {errors[:3]}"
        codes = sorted(response.status_code for response in results)
        assert codes == [302] + [409] * (WORKERS - 1), f"round {round_number}: {codes}"
        for response in results:
            if response.status_code == 409:
                text = response.content.decode()
                assert "locked" not in text
                assert "slot was just taken" in text
        start = local(day, hour)
        assert Booking.objects.occupying().filter(space=space, start=start).count() == 1
    assert Booking.objects.count() == ROUNDS


def unguarded_book(space, actor, user, start, end):
    """What most booking systems do: check, then insert, without a lock or a transaction. The
    rows are written as non-occupying requests so that the database guard does not apply."""
    if Booking.objects.filter(space=space, start__lt=end, end__gt=start).exists():
        return "taken"
    time.sleep(0.05)  # the time a real request spends between its check and its insert
    BookingFactory(
        space=space,
        actor=actor,
        requested_by=user,
        uid=f"unguarded-{actor.pk}@test",  # threads share the factory's count
        start=start,
        end=end,
        status=Booking.Status.PENDING,
    )
    return "booked"


@pytest.mark.django_db(transaction=True)
def test_negative_control_the_harness_catches_double_bookings_of_an_unguarded_path(crowd):
    space, people = crowd
    day = next_week_day()
    start, end = local(day, 10), local(day, 11)
    users = [actor.memberships.get().user for _, actor in people]
    results = run_together(
        [
            lambda a=actor, u=user: unguarded_book(space, a, u, start, end)
            for (_, actor), user in zip(people, users, strict=True)
        ]
    )
    assert [r for r in results if isinstance(r, Exception)] == []
    # The same counting as above sees the double bookings: the harness can fail.
    assert results.count("booked") > 1
    assert Booking.objects.filter(space=space, start=start).count() > 1
