"""Helpers shared by the booking tests: a space open every day, and members of actors."""

import datetime as dt
import zoneinfo

from network.directory.models import Membership
from network.spaces.models import OpeningHours, Space

PARIS = zoneinfo.ZoneInfo("Europe/Paris")


def make_space(territory, *, manager=None, slug="salle-des-fetes", **fields):
    values = {
        "name": "Salle des fêtes",
        "slug": slug,
        "territory": territory,
        "owner_territory": territory,
        "address": "1 place de la Mairie\n44000 Nantes",
        "capacity": 40,
        "min_notice": dt.timedelta(hours=1),
        "horizon": dt.timedelta(days=400),
        "max_active_per_actor": 100,
    }
    values.update(fields)
    space = Space.objects.create(**values)
    for weekday in range(7):
        OpeningHours.objects.create(
            space=space, weekday=weekday, opens=dt.time(8), closes=dt.time(22)
        )
    if manager is not None:
        space.managers.add(manager)
    return space


def join(user, actor, role=Membership.Role.MEMBER):
    Membership.objects.create(actor=actor, user=user, role=role, status=Membership.Status.ACTIVE)
    return user


def local(day, hour, minute=0):
    """A moment in Paris time, in a week well ahead of today (bookings need notice)."""
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=PARIS)


def next_week_day(offset=0):
    """A Wednesday at least 8 days ahead, plus ``offset`` days."""
    today = dt.date.today()
    day = today + dt.timedelta(days=8)
    day += dt.timedelta(days=(2 - day.weekday()) % 7)
    return day + dt.timedelta(days=offset)
