"""Demo meeting spaces: rooms in several cities, one that needs a manager's approval, bookings
already made and a weekly series. Everything goes through the booking services, so the demo
obeys the same rules as real requests. Called by ``network.demo.load``; safe to run twice."""

import datetime as dt
import zoneinfo
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from network.directory.models import Actor, Territory

from . import services
from .models import Booking, Closure, OpeningHours, Space

WEEKDAYS = range(0, 5)
ALL_WEEK = range(0, 7)

# slug, name, city, time zone, capacity, requires approval, buffer (min), hours, extras
SPACES = [
    (
        "salle-de-la-manufacture",
        "Salle de la Manufacture",
        "nantes",
        "Europe/Paris",
        40,
        False,
        15,
        (WEEKDAYS, dt.time(8), dt.time(22)),
        {
            "address": "10 boulevard de Stalingrad\n44000 Nantes",
            # A season of weekly board meetings and a few workshops for one actor.
            "max_active_per_actor": 20,
            "latitude": Decimal("47.2200"),
            "longitude": Decimal("-1.5350"),
            "has_projector": True,
            "has_wifi": True,
            "step_free_access": True,
            "accessible_toilets": True,
            "hearing_loop": True,
            "description": "Une salle lumineuse au rez-de-chaussée, prêtée par la Ville de Nantes.",
            "conditions": "Rendre la salle rangée. Pas de repas chaud.",
        },
    ),
    (
        "maison-de-quartier-doulon",
        "Maison de quartier de Doulon",
        "nantes",
        "Europe/Paris",
        80,
        True,
        30,
        (ALL_WEEK, dt.time(9), dt.time(23)),
        {
            "address": "1 rue de la Basse Chênaie\n44300 Nantes",
            "latitude": Decimal("47.2290"),
            "longitude": Decimal("-1.5130"),
            "has_kitchen": True,
            "has_sound_system": True,
            "step_free_access": True,
            "description": "Grande salle avec cuisine; chaque demande est validée par la mairie.",
            "price": "Gratuit pour les associations, 50 € pour les entreprises de l’ESS",
        },
    ),
    (
        "salle-communautaire-limoilou",
        "Salle communautaire de Limoilou",
        "quebec",
        "America/Toronto",
        25,
        False,
        0,
        (WEEKDAYS, dt.time(9), dt.time(21)),
        {
            "address": "800 3e Avenue\nQuébec (Québec) G1L 2W8",
            "has_wifi": True,
            "has_projector": True,
            "description": "Salle de réunion pour les organismes du quartier.",
        },
    ),
    (
        "maison-ess-dakar",
        "Maison de l’ESS de Dakar",
        "dakar",
        "Africa/Dakar",
        60,
        False,
        0,
        (range(0, 6), dt.time(8), dt.time(19)),
        {
            "address": "Avenue Cheikh Anta Diop\nDakar",
            "has_wifi": True,
            "has_sound_system": True,
            "step_free_access": True,
            "description": "Salle polyvalente ouverte aux acteurs de l’ESS de la région de Dakar.",
        },
    ),
]


def load(stdout=None):
    territories = {t.slug: t for t in Territory.objects.filter(slug__in=[s[2] for s in SPACES])}
    User = get_user_model()
    manager = User.objects.filter(email="editrice@essaim.example").first()
    spaces = {}
    for slug, name, city, zone, capacity, approval, buffer, hours, extras in SPACES:
        if city not in territories:
            continue
        space, created = Space.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "territory": territories[city],
                "owner_territory": territories[city],
                "time_zone": zone,
                "capacity": capacity,
                "requires_approval": approval,
                "buffer": dt.timedelta(minutes=buffer),
                "min_notice": dt.timedelta(hours=24),
                "horizon": dt.timedelta(days=180),
                **extras,
            },
        )
        if created:
            days, opens, closes = hours
            OpeningHours.objects.bulk_create(
                OpeningHours(space=space, weekday=day, opens=opens, closes=closes) for day in days
            )
            if manager is not None:
                space.managers.add(manager)
        spaces[slug] = space
    if "salle-de-la-manufacture" in spaces:
        _closure(spaces["salle-de-la-manufacture"])
    _bookings(spaces)
    _add_to_menus()


def _closure(space):
    if space.closures.exists():
        return
    today = timezone.localdate()
    start = today + dt.timedelta(days=40)
    Closure.objects.create(
        space=space,
        starts_on=start,
        ends_on=start + dt.timedelta(days=2),
        reason="Travaux de peinture",
    )


def _next(weekday, *, weeks=1, zone):
    today = timezone.localtime(timezone.now(), zoneinfo.ZoneInfo(zone)).date()
    day = today + dt.timedelta(weeks=weeks)
    return day + dt.timedelta(days=(weekday - day.weekday()) % 7)


def _at(day, hour, zone, minute=0):
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=zoneinfo.ZoneInfo(zone))


def _bookings(spaces):
    if Booking.objects.exists():
        return
    User = get_user_model()
    members = {u.email: u for u in User.objects.filter(email__endswith="@essaim.example")}
    actors = {a.name: a for a in Actor.objects.all()}
    plans = []
    membre, recyclerie = members.get("membre@essaim.example"), actors.get("Recyclerie du Breil")
    member, coop = members.get("member@essaim.example"), actors.get("Coop Alimentaire de Limoilou")
    if "salle-de-la-manufacture" in spaces and membre and recyclerie:
        zone = "Europe/Paris"
        tuesday = _next(1, zone=zone)
        plans.append(  # the weekly series: the board meets every Tuesday evening
            {
                "space": spaces["salle-de-la-manufacture"],
                "actor": recyclerie,
                "user": membre,
                "start": _at(tuesday, 18, zone),
                "end": _at(tuesday, 20, zone),
                "purpose": "Conseil d’administration",
                "attendees": 12,
                "repeat": services.Repeat.WEEKLY,
                "until": tuesday + dt.timedelta(weeks=12),
                "skip_conflicts": True,
            }
        )
        thursday = _next(3, zone=zone)
        plans.append(
            {
                "space": spaces["salle-de-la-manufacture"],
                "actor": recyclerie,
                "user": membre,
                "start": _at(thursday, 14, zone),
                "end": _at(thursday, 17, zone),
                "purpose": "Atelier réparation de vélos",
                "attendees": 20,
            }
        )
    if "maison-de-quartier-doulon" in spaces and membre and recyclerie:
        zone = "Europe/Paris"
        saturday = _next(5, weeks=2, zone=zone)
        plans.append(  # waits for the manager's approval
            {
                "space": spaces["maison-de-quartier-doulon"],
                "actor": recyclerie,
                "user": membre,
                "start": _at(saturday, 10, zone),
                "end": _at(saturday, 16, zone, 30),
                "purpose": "Assemblée générale annuelle",
                "attendees": 70,
            }
        )
    if "salle-communautaire-limoilou" in spaces and member and coop:
        zone = "America/Toronto"
        monday = _next(0, zone=zone)
        plans.append(
            {
                "space": spaces["salle-communautaire-limoilou"],
                "actor": coop,
                "user": member,
                "start": _at(monday, 19, zone),
                "end": _at(monday, 21, zone),
                "purpose": "Rencontre des membres",
                "attendees": 18,
            }
        )
    for plan in plans:
        services.booking_create(**plan)


def _add_to_menus():
    from website.models import MainMenu, MainMenuItem

    labels = {"fr": "Salles", "en": "Meeting spaces"}
    for menu in MainMenu.objects.select_related("locale"):
        code = menu.locale.language_code
        url = f"/{code}/directory/spaces/"
        if not menu.items.filter(link_url=url).exists():
            MainMenuItem.objects.create(
                menu=menu, link_url=url, link_text=labels.get(code, "Salles"), sort_order=45
            )
