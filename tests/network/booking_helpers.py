"""Helpers shared by the booking tests: a space open every day, members of actors, and
requests made through the booking service."""

import datetime as dt
import zoneinfo

from network.spaces import services
from tests.factories.directory import MembershipFactory
from tests.factories.spaces import SpaceFactory

PARIS = zoneinfo.ZoneInfo("Europe/Paris")


def make_space(territory, *, manager=None, slug="salle-des-fetes", **fields):
    """The town's "Salle des fêtes" (``SpaceFactory``), managed by ``manager``."""
    fields.setdefault("name", "Salle des fêtes")
    managers = [manager] if manager is not None else []
    return SpaceFactory(territory=territory, slug=slug, managers=managers, **fields)


def join(user, actor, role="member"):
    MembershipFactory(actor=actor, user=user, role=role)
    return user


def book(space, user, start, end, **kwargs):
    """Ask the booking service for ``space`` on behalf of ``user.actor``; the rows it made."""
    values = {"purpose": "Assemblée générale", "attendees": 12, **kwargs}
    return services.booking_create(
        space=space, actor=user.actor, user=user, start=start, end=end, **values
    )


def book_one(space, user, start, end, **kwargs):
    """``book`` for one date: the booking itself."""
    (booking,) = book(space, user, start, end, **kwargs)
    return booking


def local(day, hour, minute=0):
    """A moment in Paris time, in a week well ahead of today (bookings need notice)."""
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=PARIS)


def next_week_day(offset=0):
    """A Wednesday at least 8 days ahead, plus ``offset`` days."""
    today = dt.date.today()
    day = today + dt.timedelta(days=8)
    day += dt.timedelta(days=(2 - day.weekday()) % 7)
    return day + dt.timedelta(days=offset)
