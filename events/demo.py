"""Demo events: a monthly committee with a cancelled and a moved date, a two-day fair, workshops
with seats (one full, with people waiting), a webinar, an open day, in several time zones.

Dates are relative to today so that the demo always has upcoming events.
"""

import datetime as dt
import zoneinfo

from django.contrib.auth import get_user_model
from wagtail.models import Locale

from network.directory.models import Sector, Territory
from website.models import HomePage, MainMenu, MainMenuItem

from . import services
from .models import (
    AttendanceMode,
    EventIndexPage,
    EventKind,
    EventPage,
    Occurrence,
    OccurrenceChange,
)


def _first_weekday_of_next_month(today, weekday):
    month = today.replace(day=1) + dt.timedelta(days=32)
    day = month.replace(day=1)
    while day.weekday() != weekday:
        day += dt.timedelta(days=1)
    return day


def _at(day, hour, minute, zone):
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=zoneinfo.ZoneInfo(zone))


def load(stdout=None):
    locale_fr = Locale.objects.get(language_code="fr")
    locale_en = Locale.objects.get(language_code="en")
    home = HomePage.objects.get(locale=locale_fr, depth=2)
    index = EventIndexPage.objects.child_of(home).first()
    if index is None:
        index = EventIndexPage(
            title="Agenda",
            slug="agenda",
            intro="Ateliers, formations, foires et salons, journées portes ouvertes et commissions des villes du réseau.",
        )
        home.add_child(instance=index)
        index.save_revision().publish()
        english = index.copy_for_translation(locale_en)
        english.title, english.slug = "Events", "events"
        english.intro = (
            "Workshops, trainings, fairs, open days and committees of the network's cities."
        )
        english.save_revision().publish()
        _add_to_menus(index)

    if EventPage.objects.child_of(index).exists():
        return
    today = dt.date.today()
    tuesday = _first_weekday_of_next_month(today, 1)
    sector = {s.slug: s for s in Sector.objects.all()}
    territory = {t.slug: t for t in Territory.objects.all()}

    committee_start = _at(tuesday, 18, 0, "Europe/Paris")
    second = _at(_first_weekday_of_next_month(tuesday, 1), 18, 0, "Europe/Paris")
    third = _at(_first_weekday_of_next_month(second.date(), 1), 18, 0, "Europe/Paris")
    _event(
        index,
        title="Commission ESS de Nantes Métropole",
        slug="commission-ess-nantes",
        kind=EventKind.COMMITTEE,
        summary="La commission paritaire réunit élu·es, agents, chambres consulaires et acteurs de l’ESS chaque premier mardi du mois.",
        start=committee_start,
        end=committee_start + dt.timedelta(hours=2),
        time_zone="Europe/Paris",
        recurrence="FREQ=MONTHLY;BYDAY=1TU;COUNT=10",
        venue_name="Hôtel de Métropole",
        address="2 cours du Champ-de-Mars, 44000 Nantes",
        latitude="47.212540",
        longitude="-1.548410",
        organiser_name="Nantes Métropole",
        organiser_email="ess@nantes.example",
        territory=territory["nantes-metropole"],
        audience="Membres de la commission, sur invitation",
        capacity=30,
        step_free_access=True,
        hearing_loop=True,
        sectors=[sector["insertion"], sector["finance-solidaire"]],
        changes=[
            (second, OccurrenceChange.Action.CANCEL, None, None, "Vacances scolaires"),
            (
                third,
                OccurrenceChange.Action.MOVE,
                third + dt.timedelta(days=2),
                third + dt.timedelta(days=2, hours=2),
                "La salle du conseil est prise ce mardi-là",
            ),
        ],
        english=(
            "ESS committee of Nantes Métropole",
            "The joint committee of elected officials, staff, chambers and social economy actors meets on the first Tuesday of each month.",
        ),
    )

    fair_day = today + dt.timedelta(days=40)
    _event(
        index,
        title="Salon de l’économie sociale et solidaire de Dakar",
        slug="salon-ess-dakar",
        kind=EventKind.FAIR,
        summary="Deux jours d’exposants, de rencontres et de tables rondes sur l’entrepreneuriat solidaire en Afrique de l’Ouest.",
        start=_at(fair_day, 9, 0, "Africa/Dakar"),
        end=_at(fair_day + dt.timedelta(days=1), 18, 0, "Africa/Dakar"),
        time_zone="Africa/Dakar",
        venue_name="Centre international du commerce extérieur du Sénégal",
        address="Route de l’aéroport, Dakar",
        latitude="14.738460",
        longitude="-17.483450",
        organiser_name="Ville de Dakar",
        organiser_email="ess@dakar.example",
        territory=territory["dakar"],
        audience="Tout public",
        registration_enabled=False,
        step_free_access=True,
        accessible_toilets=True,
        sectors=[sector["alimentation"], sector["recyclage-reemploi"]],
        english=(
            "Dakar social and solidarity economy fair",
            "Two days of exhibitors, meetings and round tables on social entrepreneurship in West Africa.",
        ),
    )

    workshop_day = today + dt.timedelta(days=12)
    _event(
        index,
        title="Atelier compostage en pied d’immeuble",
        slug="atelier-compostage",
        kind=EventKind.WORKSHOP,
        summary="Installer et faire vivre un composteur partagé avec les habitants : méthode, matériel, animation.",
        start=_at(workshop_day, 14, 0, "Europe/Paris"),
        end=_at(workshop_day, 16, 30, "Europe/Paris"),
        time_zone="Europe/Paris",
        venue_name="Maison de l’ESS",
        address="8 rue Saint-Domingue, 44200 Nantes",
        latitude="47.206100",
        longitude="-1.541900",
        organiser_name="Compost’Ouest (association)",
        organiser_email="contact@compostouest.example",
        territory=territory["nantes"],
        capacity=12,
        step_free_access=True,
        easy_read=True,
        sectors=[sector["recyclage-reemploi"]],
    )

    training_day = today + dt.timedelta(days=20)
    training = _event(
        index,
        title="Formation : créer une SCIC",
        slug="formation-creer-une-scic",
        kind=EventKind.TRAINING,
        summary="Statuts, gouvernance multi-sociétariat et financement d’une société coopérative d’intérêt collectif.",
        start=_at(training_day, 9, 30, "Europe/Paris"),
        end=_at(training_day, 17, 0, "Europe/Paris"),
        time_zone="Europe/Paris",
        venue_name="Union régionale des SCOP",
        address="3 rue Crucy, 44000 Nantes",
        organiser_name="URSCOP Ouest",
        organiser_email="formation@urscop.example",
        territory=territory["nantes"],
        price="45.00",
        price_details="Gratuit pour les demandeurs d’emploi",
        capacity=2,
        sectors=[sector["finance-solidaire"]],
        english=(
            "Training: setting up a SCIC",
            "Statutes, multi-stakeholder governance and financing of a collective-interest cooperative.",
        ),
    )
    _fill(training)

    webinar_day = today + dt.timedelta(days=8)
    _event(
        index,
        title="Webinaire : financer son projet solidaire",
        slug="webinaire-financer-projet-solidaire",
        kind=EventKind.WEBINAR,
        summary="Panorama des financements solidaires au Québec et en France : prêts d’honneur, fonds territoriaux, finance participative.",
        start=_at(webinar_day, 12, 0, "America/Montreal"),
        end=_at(webinar_day, 13, 30, "America/Montreal"),
        time_zone="America/Montreal",
        attendance_mode=AttendanceMode.ONLINE,
        online_url="https://visio.example/essaim-financement",
        organiser_name="Chantier de l’économie sociale (Québec)",
        organiser_email="webinaires@chantier.example",
        territory=territory["quebec"],
        live_captions=True,
        sectors=[sector["finance-solidaire"]],
    )

    open_day = today + dt.timedelta(days=30)
    _event(
        index,
        title="Journée portes ouvertes du tiers-lieu Le Kaz’Ensemble",
        slug="portes-ouvertes-kaz-ensemble",
        kind=EventKind.OPEN_DAY,
        summary="Visitez l’atelier de réparation, la cuisine partagée et l’espace de coworking du tiers-lieu.",
        start=_at(open_day, 0, 0, "Indian/Reunion"),
        end=_at(open_day + dt.timedelta(days=1), 0, 0, "Indian/Reunion"),
        time_zone="Indian/Reunion",
        all_day=True,
        attendance_mode=AttendanceMode.IN_PERSON,
        venue_name="Le Kaz’Ensemble",
        address="12 rue de Paris, 97400 Saint-Denis",
        latitude="-20.878600",
        longitude="55.448100",
        organiser_name="Ville de Saint-Denis",
        organiser_email="ess@saintdenis.example",
        territory=territory["saint-denis-reunion"],
        registration_enabled=False,
        step_free_access=True,
        quiet_space=True,
        sectors=[sector["recyclage-reemploi"], sector["culture"]],
    )

    _event_in_a_booked_space(index, sector)


def _event_in_a_booked_space(index, sector):
    """A workshop held in a meeting space booked through the directory: its place comes from
    the booking (network/booking_demo.py made it, through the booking service)."""
    from network.spaces.models import Booking

    booking = (
        Booking.objects.filter(purpose="Atelier réparation de vélos", status="confirmed")
        .select_related("space", "space__territory")
        .first()
    )
    if booking is None:
        return
    _event(
        index,
        title="Atelier réparation de vélos",
        slug="atelier-reparation-velos",
        kind=EventKind.WORKSHOP,
        summary="Apprendre à entretenir et réparer son vélo avec les bénévoles de la recyclerie.",
        start=booking.start,
        end=booking.end,
        time_zone=booking.space.time_zone,
        booking=booking,
        organiser_name="Recyclerie du Breil",
        territory=booking.space.territory,
        capacity=booking.attendees,
        step_free_access=booking.space.step_free_access,
        sectors=[sector[slug] for slug in ("recyclage-reemploi",) if slug in sector],
    )


def _event(index, *, changes=(), sectors=(), english=None, **fields):
    event = EventPage(**fields)
    for original, action, new_start, new_end, note in changes:
        event.occurrence_changes.add(
            OccurrenceChange(
                original_start=original,
                action=action,
                new_start=new_start,
                new_end=new_end,
                note=note,
            )
        )
    index.add_child(instance=event)
    event.sectors.set(sectors)
    event.save_revision().publish()
    event = EventPage.objects.get(pk=event.pk)
    if english:
        translation = event.copy_for_translation(Locale.objects.get(language_code="en"))
        translation.title, translation.summary = english
        translation.save_revision().publish()
    return event


def _fill(event):
    """The training is full: two members have the seats, a third person waits."""
    User = get_user_model()
    occurrence = Occurrence.objects.filter(event=event).first()
    for email in ("membre@essaim.example", "member@essaim.example", "moderateur@essaim.example"):
        services.registration_create(occurrence=occurrence, user=User.objects.get(email=email))


def _add_to_menus(index):
    for menu in MainMenu.objects.all():
        if not menu.items.filter(link_page=index).exists():
            MainMenuItem.objects.create(menu=menu, link_page=index, sort_order=-1)
