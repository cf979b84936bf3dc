"""Registering, the confirmation page, my events, cancelling, and the organisers' lists."""

import datetime as dt

import pytest
from django.core import mail

from events.admin_views import csv_cell
from events.models import Occurrence, Registration
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def member(db):
    return UserFactory(email="lea@coop.example", display_name="Léa", verified=True)


def test_a_visitor_is_invited_to_log_in_before_registering(client, make_event):
    event = make_event(capacity=5)
    html = client.get(event.url).content.decode()
    assert "Connectez-vous pour vous inscrire" in html
    occurrence = Occurrence.objects.get(event=event)
    response = client.post(f"/fr/events/occurrences/{occurrence.pk}/register/")
    assert response.status_code == 302
    assert response["Location"].startswith("/fr/accounts/login/")
    assert not Registration.objects.exists()


def test_register_see_it_in_my_events_and_cancel(
    client, make_event, member, django_capture_on_commit_callbacks
):
    event = make_event(capacity=5)
    occurrence = Occurrence.objects.get(event=event)
    client.force_login(member)
    assert "5 places restantes" in client.get(event.url).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/fr/events/occurrences/{occurrence.pk}/register/")
    registration = Registration.objects.get(user=member)
    assert response["Location"] == f"/fr/events/registrations/{registration.token}/"
    confirmation = client.get(response["Location"]).content.decode()
    assert "Vous êtes inscrit" in confirmation
    assert mail.outbox[0].subject == f"Inscription confirmée\u00a0: {event.title}"

    mine = client.get("/fr/events/mine/").content.decode()
    assert event.title in mine

    client.post(f"/fr/events/registrations/{registration.token}/cancel/")
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CANCELLED
    assert event.title not in client.get("/fr/events/mine/").content.decode()


def test_nobody_else_sees_or_cancels_a_registration(client, make_event, member, django_user_model):
    from events import services

    occurrence = Occurrence.objects.get(event=make_event(capacity=5))
    registration = services.registration_create(occurrence=occurrence, user=member)
    other = django_user_model.objects.create_user(email="autre@asso.example", password="x")
    client.force_login(other)
    assert client.get(f"/fr/events/registrations/{registration.token}/").status_code == 404
    assert client.post(f"/fr/events/registrations/{registration.token}/cancel/").status_code == 404
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CONFIRMED


def test_a_full_date_offers_the_waiting_list(client, make_event, member, django_user_model):
    from events import services

    event = make_event(capacity=1)
    occurrence = Occurrence.objects.get(event=event)
    other = django_user_model.objects.create_user(email="premier@asso.example", password="x")
    services.registration_create(occurrence=occurrence, user=other)
    client.force_login(member)
    html = client.get(event.url).content.decode()
    assert "Complet" in html
    assert "liste d’attente" in html


def test_event_page_carries_schema_org_json_ld(client, make_event):
    import json
    import re

    event = make_event(capacity=5, price="12.50")
    html = client.get(event.url).content.decode()
    data = json.loads(
        re.search(
            r'<script id="event-json-ld" type="application/ld\+json">(.*?)</script>', html
        ).group(1)
    )
    assert data["@type"] == "Event"
    assert data["startDate"] == "2027-03-10T14:00:00+01:00"
    assert data["eventAttendanceMode"] == "https://schema.org/OfflineEventAttendanceMode"
    assert data["offers"]["price"] == "12.50"
    assert data["organizer"]["name"] == "Ville de Nantes"


def test_editors_see_attendees_and_export_them_as_csv(
    client, make_event, member, django_user_model
):
    from events import services

    event = make_event(capacity=5)
    occurrence = Occurrence.objects.get(event=event)
    member.display_name = '=HYPERLINK("http://evil.example")'
    member.save()
    services.registration_create(occurrence=occurrence, user=member)
    editor = django_user_model.objects.get(email="editrice@essaim.example")
    client.force_login(editor)

    page = client.get(f"/admin/events/{event.pk}/registrations/")
    assert page.status_code == 200
    assert "1 sur 5 places occupées" in page.content.decode()
    export = client.get(f"/admin/events/{event.pk}/registrations/?format=csv")
    body = export.content.decode("utf-8-sig")
    assert "lea@coop.example" in body
    assert "'=HYPERLINK" in body


def test_members_cannot_open_attendee_lists(client, make_event, member):
    event = make_event(capacity=5)
    client.force_login(member)
    response = client.get(f"/admin/events/{event.pk}/registrations/")
    assert response.status_code in (302, 403)


def test_csv_cells_that_look_like_formulas_are_neutralised():
    assert [csv_cell(v) for v in ("=1+1", "+33", "-2", "@SUM", "Léa", None)] == [
        "'=1+1",
        "'+33",
        "'-2",
        "'@SUM",
        "Léa",
        "",
    ]


def test_visitors_never_see_stale_seats(client, settings, make_event, member):
    """Event pages are kept whole for visitors (website/cache.py): a registration or a
    cancellation shows at once in the seats left."""
    from events import services

    settings.ESSAIM_PAGE_CACHE = True
    event = make_event(capacity=5)
    occurrence = Occurrence.objects.get(event=event)
    client.get(event.url)  # the first request of a new site makes its settings' row
    assert "5 places restantes" in client.get(event.url).content.decode()
    assert client.get(event.url)["X-Essaim-Cache"] == "hit"
    registration = services.registration_create(occurrence=occurrence, user=member)
    assert "4 places restantes" in client.get(event.url).content.decode()
    services.registration_cancel(registration=registration, user=member)
    assert "5 places restantes" in client.get(event.url).content.decode()


def test_people_waiting_see_their_place_in_the_queue_and_no_calendar_file(
    client, make_event, member, django_user_model
):
    from events import services

    occurrence = Occurrence.objects.get(event=make_event(capacity=1))
    for n in range(2):
        someone = django_user_model.objects.create_user(email=f"p{n}@asso.example", password="x")
        services.registration_create(occurrence=occurrence, user=someone)
    waiting = services.registration_create(occurrence=occurrence, user=member)
    client.force_login(member)

    html = client.get(f"/fr/events/registrations/{waiting.token}/").content.decode()
    assert "Vous êtes en 2ᵉ position sur la liste d’attente." in html
    assert ".ics" not in html
    assert (
        "En 2ᵉ position sur la liste d’attente" in client.get("/fr/events/mine/").content.decode()
    )
    assert client.get(f"/fr/events/registrations/{waiting.token}.ics").status_code == 404


def test_a_seat_comes_with_a_calendar_file_of_what_the_person_holds(client, make_event, member):
    """The dates their invites put in their calendar, no more (importing it changes nothing
    they hold): here two dates of a weekly series of four."""
    import icalendar

    from events import services

    event = make_event(capacity=5, recurrence="FREQ=WEEKLY;COUNT=4")
    dates = list(Occurrence.objects.filter(event=event).order_by("start"))
    second, fourth = dates[1], dates[3]
    registration = services.registration_create(occurrence=second, user=member)
    services.registration_create(occurrence=fourth, user=member)
    client.force_login(member)

    html = client.get(f"/fr/events/registrations/{registration.token}/").content.decode()
    assert f"/fr/events/registrations/{registration.token}.ics" in html
    response = client.get(f"/fr/events/registrations/{registration.token}.ics")
    assert response.status_code == 200
    import recurring_ical_events

    dates = recurring_ical_events.of(icalendar.Calendar.from_ical(response.content)).between(
        dates[0].start.date(), (second.start + dt.timedelta(days=60)).date()
    )
    assert [d.decoded("DTSTART").astimezone(dt.UTC) for d in dates] == [second.start, fourth.start]


def test_the_attendee_lists_csv_button_says_what_it_does(client, make_event, django_user_model):
    from django.contrib.auth import get_user_model

    event = make_event(capacity=5)
    client.force_login(get_user_model().objects.get(email="moderateur@essaim.example"))
    html = client.get(f"/admin/events/{event.pk}/registrations/").content.decode()
    assert ">Télécharger au format CSV</a>" in html
