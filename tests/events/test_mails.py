"""What every invite, update and reminder says (issue 17, item 4): start and end in the
event's zone, and in the reader's when its clock differs; the place or the join link; the
event's page; and, for an update, what changed."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from events import services
from events.models import AttendanceMode, Occurrence
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db

START = dt.datetime(2027, 3, 10, 13, 0, tzinfo=dt.UTC)  # 14:00 in Paris, 8:00 in Montréal


@pytest.fixture
def reader_in_montreal(db):
    return UserFactory(
        email="kim@coop.example",
        display_name="Kim",
        preferred_language="fr",
        time_zone="America/Toronto",
    )


def test_a_confirmation_gives_the_events_time_the_readers_time_the_place_and_the_page(
    run, make_event, reader_in_montreal
):
    event = make_event(start=START, end=START + dt.timedelta(hours=2), capacity=5)
    run(
        services.registration_create,
        occurrence=Occurrence.objects.get(event=event),
        user=reader_in_montreal,
    )
    [message] = mail.outbox
    body = " ".join(message.body.split())
    assert "mercredi 10 mars 2027, 14 h – 16 h (heure de Paris)" in body
    assert "soit mercredi 10 mars 2027, 8 h – 10 h, heure de Toronto" in body
    assert "Où : Maison de l’ESS, 8 rue Saint-Domingue, 44200 Nantes" in body
    assert event.url in body
    html = message.alternatives[0][0]
    assert "heure de Paris" in html and event.url in html


def test_a_reminder_says_the_same(run, make_event, reader_in_montreal):
    start = timezone.now().replace(microsecond=0) + dt.timedelta(hours=30)
    event = make_event(start=start, end=start + dt.timedelta(hours=1), capacity=5)
    run(
        services.registration_create,
        occurrence=Occurrence.objects.get(event=event),
        user=reader_in_montreal,
    )
    mail.outbox.clear()
    run(services.reminders_due, now=start - dt.timedelta(hours=23))
    [reminder] = mail.outbox
    body = " ".join(reminder.body.split())
    assert "(heure de Paris)" in body and "heure de Toronto" in body
    assert "Où : Maison de l’ESS" in body


def test_an_online_event_gives_its_join_link(run, make_event, reader_in_montreal):
    event = make_event(
        start=START,
        end=START + dt.timedelta(hours=1),
        attendance_mode=AttendanceMode.ONLINE,
        online_url="https://visio.example/atelier",
        venue_name="",
        address="",
    )
    run(
        services.registration_create,
        occurrence=Occurrence.objects.get(event=event),
        user=reader_in_montreal,
    )
    body = " ".join(mail.outbox[0].body.split())
    assert "En ligne : https://visio.example/atelier" in body
    assert "Où :" not in body


def test_an_update_says_what_changed_and_where_it_now_takes_place(
    run, make_event, reader_in_montreal
):
    event = make_event(start=START, end=START + dt.timedelta(hours=2), capacity=5)
    run(
        services.registration_create,
        occurrence=Occurrence.objects.get(event=event),
        user=reader_in_montreal,
    )
    event.venue_name, event.address = "Hôtel de ville", "2 rue de l’Hôtel de Ville, 44000 Nantes"
    event.start, event.end = START + dt.timedelta(hours=1), START + dt.timedelta(hours=3)
    run(event.save_revision().publish)

    update = mail.outbox[-1]
    body = " ".join(update.body.split())
    assert "Ce qui change :" in body
    assert (
        "Date déplacée : mercredi 10 mars 2027, 14 h – 16 h → mercredi 10 mars 2027, 15 h – 17 h"
        in body
    )
    assert "Lieu : Maison de l’ESS, 8 rue Saint-Domingue, 44200 Nantes → Hôtel de ville" in body
