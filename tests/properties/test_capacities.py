"""Seats and waiting lists under random sequences of registrations and cancellations, checked
against a model of the rule at every step; and a space's capacity against its bookings.

Negative control: with ``_promote_waiting`` taking the newest person waiting
(``order_by("-created_at")``), or ``registration_cancel`` forgetting to give the seat back
(no ``seats_taken - 1``), the model and the database part at the first cancellation of a full
date with two people waiting, and ``test_registrations_follow_the_model`` fails there.
"""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from hypothesis import example, given
from hypothesis import strategies as st

from events.models import Occurrence, Registration
from events.services import RegistrationError, registration_cancel, registration_create
from network.spaces.models import Booking
from network.spaces.services import booking_create, rule_problems
from tests.factories.accounts import UserFactory
from tests.factories.directory import MembershipFactory, TerritoryFactory
from tests.network.booking_helpers import make_space
from tests.properties.conftest import examples

pytestmark = pytest.mark.django_db

PEOPLE = 6


@pytest.fixture
def people(db):
    return UserFactory.create_batch(PEOPLE)


@pytest.fixture
def events(make_event):
    start = timezone.now() + dt.timedelta(days=30)
    return {
        waiting: make_event(start=start, capacity=1, waiting_list_enabled=waiting)
        for waiting in (True, False)
    }


operations = st.lists(
    st.tuples(st.sampled_from(["register", "cancel"]), st.integers(0, PEOPLE - 1)),
    min_size=1,
    max_size=14,
)


@examples(40)
@given(capacity=st.integers(0, 3), waiting_list=st.booleans(), steps=operations)
@example(  # a full date, two people waiting, a seat freed: the first to wait gets it
    capacity=1,
    waiting_list=True,
    steps=[("register", 0), ("register", 1), ("register", 2), ("cancel", 0), ("cancel", 1)],
)
@example(capacity=0, waiting_list=False, steps=[("register", 0), ("cancel", 0)])
def test_registrations_follow_the_model(people, events, capacity, waiting_list, steps):
    event = events[waiting_list]
    start = timezone.now() + dt.timedelta(days=30 + Occurrence.objects.count())
    # A new date per example, so that examples do not see each other's registrations.
    occurrence = Occurrence.objects.create(
        event=event,
        original_start=start,
        start=start,
        end=start + dt.timedelta(hours=2),
        capacity=capacity,
    )
    confirmed, waiting = [], []  # the model: who holds a seat, who waits, in order
    for action, index in steps:
        person = people[index]
        if action == "register":
            if person in confirmed or person in waiting:
                expected = "same"
            elif len(confirmed) < capacity:
                confirmed.append(person)
                expected = Registration.Status.CONFIRMED
            elif waiting_list:
                waiting.append(person)
                expected = Registration.Status.WAITING
            else:
                expected = "refused"
            try:
                registration = registration_create(occurrence=occurrence, user=person)
            except RegistrationError:
                assert expected == "refused"
            else:
                assert expected != "refused"
                if expected != "same":
                    assert registration.status == expected
        else:
            registration = (
                Registration.objects.filter(occurrence=occurrence, user=person)
                .exclude(status=Registration.Status.CANCELLED)
                .first()
            )
            expected_promoted = None
            if person in confirmed:
                confirmed.remove(person)
                if waiting:
                    expected_promoted = waiting.pop(0)
                    confirmed.append(expected_promoted)
            elif person in waiting:
                waiting.remove(person)
            if registration is None:
                continue
            promoted = registration_cancel(registration=registration, user=person)
            assert (promoted.user if promoted else None) == expected_promoted

        occurrence.refresh_from_db()
        active = Registration.objects.filter(occurrence=occurrence).order_by("created_at", "pk")
        assert {r.user for r in active if r.status == Registration.Status.CONFIRMED} == set(
            confirmed
        )
        assert [r.user for r in active if r.status == Registration.Status.WAITING] == waiting
        assert occurrence.seats_taken == len(confirmed) <= capacity
        # A seat is free only when nobody waits for it.
        assert not (waiting and occurrence.seats_taken < capacity)


@pytest.fixture
def space(db):
    return make_space(TerritoryFactory(name="Nantes"), capacity=12)


@examples(60)
@given(attendees=st.integers(-5, 10**6), capacity=st.integers(1, 500))
def test_the_capacity_rule_refuses_exactly_more_people_than_the_space_holds(
    space, attendees, capacity
):
    space.capacity = capacity
    start = dt.datetime.combine(
        timezone.localdate() + dt.timedelta(days=10), dt.time(10), tzinfo=space.zone
    )
    with translation.override("en"):
        problems = rule_problems(
            space=space,
            start=start,
            end=start + dt.timedelta(hours=2),
            attendees=attendees,
            now=timezone.now(),
        )
    too_many = f"The space holds {capacity} people at most."
    assert (too_many in problems) == (attendees > capacity)


def test_a_booking_for_more_people_than_the_space_holds_is_refused_and_not_saved(space):
    member = MembershipFactory()
    start = dt.datetime.combine(
        timezone.localdate() + dt.timedelta(days=10), dt.time(10), tzinfo=space.zone
    )
    request = {
        "space": space,
        "actor": member.actor,
        "user": member.user,
        "start": start,
        "end": start + dt.timedelta(hours=2),
        "purpose": "Assemblée générale",
    }
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        booking_create(**request, attendees=space.capacity + 1)
    assert "The space holds 12 people at most." in " ".join(refused.value.messages)
    assert not Booking.objects.exists()
    (booking,) = booking_create(**request, attendees=space.capacity)
    assert booking.attendees == space.capacity
