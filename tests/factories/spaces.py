"""Meeting spaces (``network.spaces``): spaces, their hours and closures, and bookings.

A request for a space goes through ``network.spaces.services.booking_create`` (see
``tests.network.booking_helpers.book``); ``BookingFactory`` writes a row as it stands, for a
record the service would refuse to make today (a date in the past) or a test of the
database's own guard.
"""

import datetime as dt

import factory
from django.utils import timezone
from django.utils.text import slugify

from tests.factories.accounts import UserFactory
from tests.factories.directory import ActorFactory, TerritoryFactory


class SpaceFactory(factory.django.DjangoModelFactory):
    """A room that a commune lends, open every day from 8:00 to 22:00 in its zone, bookable an
    hour ahead and up to 400 days ahead. ``managers`` takes people; ``opening_hours=False``
    leaves it without hours (closed)."""

    class Meta:
        model = "spaces.Space"
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Salle {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    territory = factory.SubFactory(TerritoryFactory)
    owner_territory = factory.SelfAttribute("territory")
    address = "1 place de la Mairie\n44000 Nantes"
    capacity = 40
    min_notice = dt.timedelta(hours=1)
    horizon = dt.timedelta(days=400)
    max_active_per_actor = 100

    @factory.post_generation
    def opening_hours(self, create, hours, **kwargs):
        if create and hours is not False:
            for weekday in range(7):
                OpeningHoursFactory(space=self, weekday=weekday)

    @factory.post_generation
    def managers(self, create, people, **kwargs):
        if people:
            self.managers.add(*people)


class OpeningHoursFactory(factory.django.DjangoModelFactory):
    """Monday, 8:00 to 22:00."""

    class Meta:
        model = "spaces.OpeningHours"

    space = factory.SubFactory(SpaceFactory, opening_hours=False)
    weekday = 0
    opens = dt.time(8)
    closes = dt.time(22)


class ClosureFactory(factory.django.DjangoModelFactory):
    """One day of works, ten days from now."""

    class Meta:
        model = "spaces.Closure"

    space = factory.SubFactory(SpaceFactory)
    starts_on = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=10))
    ends_on = factory.SelfAttribute("starts_on")
    reason = "Travaux"


def _ahead(booking, n):
    """10:00 in the space's zone, a week and a day ahead, one day later for each booking made
    (so that two confirmed rows of one space never overlap)."""
    day = timezone.localdate() + dt.timedelta(days=8 + n)
    return dt.datetime.combine(day, dt.time(10), tzinfo=booking.space.zone)


class BookingFactory(factory.django.DjangoModelFactory):
    """A confirmed booking of an hour, as the booking service would have stored it: the
    space's buffer copied, ``occupies`` following the status."""

    class Meta:
        model = "spaces.Booking"

    space = factory.SubFactory(SpaceFactory)
    actor = factory.SubFactory(ActorFactory)
    requested_by = factory.SubFactory(UserFactory)
    uid = factory.Sequence(lambda n: f"booking-{n}@test")
    start = factory.LazyAttributeSequence(_ahead)
    end = factory.LazyAttribute(lambda o: o.start + dt.timedelta(hours=1))
    buffer = factory.SelfAttribute("space.buffer")
    occupied_until = factory.LazyAttribute(lambda o: o.end + o.buffer)
    status = "confirmed"
    occupies = factory.LazyAttribute(lambda o: o.status == "confirmed")
    purpose = "Assemblée générale"
    attendees = 12
