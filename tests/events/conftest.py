"""Fixtures for events: an agenda under the French home page, and events published in it."""

import datetime as dt
import zoneinfo

import pytest

from events.models import EventIndexPage, EventKind, EventPage, OccurrenceChange

PARIS = zoneinfo.ZoneInfo("Europe/Paris")


@pytest.fixture
def agenda(demo):
    from website.models import HomePage

    home = HomePage.objects.get(locale__language_code="fr")
    index = EventIndexPage.objects.child_of(home).first()
    if index is None:
        index = EventIndexPage(title="Agenda", slug="agenda", intro="Les événements du réseau.")
        home.add_child(instance=index)
        index.save_revision().publish()
    return index


@pytest.fixture
def make_event(agenda):
    """Publish an event in the agenda; keyword arguments override the defaults.

    ``changes`` takes (original_start, action, new_start, new_end) tuples.
    """
    counter = {"n": 0}

    def make(changes=(), publish=True, **fields):
        counter["n"] += 1
        start = fields.pop("start", dt.datetime(2027, 3, 10, 14, 0, tzinfo=PARIS))
        defaults = {
            "title": f"Atelier compostage {counter['n']}",
            "slug": f"atelier-compostage-{counter['n']}",
            "kind": EventKind.WORKSHOP,
            "summary": "Apprendre à composter en pied d’immeuble.",
            "start": start,
            "end": fields.pop("end", start + dt.timedelta(hours=2)),
            "time_zone": "Europe/Paris",
            "organiser_name": "Ville de Nantes",
            "organiser_email": "agenda@nantes.example",
            "venue_name": "Maison de l’ESS",
            "address": "8 rue Saint-Domingue, 44200 Nantes",
        }
        defaults.update(fields)
        event = EventPage(**defaults)
        for original_start, action, new_start, new_end in changes:
            event.occurrence_changes.add(
                OccurrenceChange(
                    original_start=original_start,
                    action=action,
                    new_start=new_start,
                    new_end=new_end,
                )
            )
        if not publish:
            event.live = False
        agenda.add_child(instance=event)
        revision = event.save_revision()
        if publish:
            revision.publish()
        return EventPage.objects.get(pk=event.pk)

    return make
