"""The read-only JSON API: same filters as the agenda, OpenAPI schema, constant queries."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django.utils.translation import gettext
from wagtail.models import Locale

from events.models import EventKind

pytestmark = pytest.mark.django_db


def test_occurrences_are_listed_with_offsets_and_pagination(client, make_event):
    for _ in range(3):
        make_event()
    response = client.get("/api/v1/occurrences", {"limit": 2})
    assert response.status_code == 200
    data = response.json()
    assert data["count"] == 3
    assert len(data["items"]) == 2
    first = data["items"][0]
    assert first["start"] == "2027-03-10T14:00:00+01:00"
    assert first["time_zone"] == "Europe/Paris"
    assert first["event_uid"].endswith("@testserver") or "@" in first["event_uid"]


def test_filters_are_the_agendas(client, make_event):
    make_event(kind=EventKind.WEBINAR, title="Webinaire finance", slug="webinaire-finance")
    make_event(kind=EventKind.WORKSHOP)
    data = client.get("/api/v1/occurrences", {"kind": "webinaire"}).json()
    assert [item["title"] for item in data["items"]] == ["Webinaire finance"]
    data = client.get("/api/v1/occurrences", {"q": "finance"}).json()
    assert data["count"] == 1


def test_bad_filters_get_a_422_with_a_message_in_the_chosen_language(client, make_event):
    response = client.get("/api/v1/occurrences", {"date_from": "demain", "lang": "en"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["msg"] == "Enter a date such as 2027-03-10."
    assert client.get("/api/v1/occurrences", {"lang": "xx"}).status_code == 422


def test_dates_are_read_only_as_the_schema_writes_them(client, make_event):
    make_event()
    # The agenda's page also reads 10/03/2027; the API's schema says YYYY-MM-DD, and keeps to it.
    assert client.get("/api/v1/occurrences", {"date_from": "2027-03-10"}).json()["count"] == 1
    assert client.get("/api/v1/occurrences", {"date_from": ""}).json()["count"] == 1
    response = client.get("/api/v1/occurrences", {"date_from": "10/03/2027", "lang": "en"})
    assert response.status_code == 422
    assert response.json()["detail"] == [
        {"loc": ["query", "date_from"], "msg": "Enter a date such as 2027-03-10."}
    ]
    response = client.get("/api/v1/occurrences", {"date_to": "3000-01-01"})
    assert response.json()["detail"] == [
        {
            "loc": ["query", "date_to"],
            "msg": "Saisissez une date comprise entre les années 1900 et 2999.",
        }
    ]


def test_an_unknown_uid_is_a_404_and_a_malformed_one_a_422_in_the_language_of_lang(
    client, make_event
):
    event = make_event(publish=False)
    for lang in ("fr", "en"):
        with translation.override(lang):
            unknown = gettext("No published event has this UID.")
            malformed = gettext(
                "Enter the UID of an event: the event_uid of one of its dates in "
                "/api/v1/occurrences."
            )
        response = client.get(f"/api/v1/events/{event.translation_key}", {"lang": lang})
        assert (response.status_code, response.json()) == (404, {"detail": unknown})
        response = client.get("/api/v1/events/atelier-compostage-1", {"lang": lang})
        assert response.status_code == 422
        assert response.json()["detail"] == [{"loc": ["path", "uid"], "msg": malformed}]


def test_english_titles_and_links_with_lang_en(client, agenda, make_event):
    en = Locale.objects.get(language_code="en")
    if agenda.get_translation_or_none(en) is None:
        agenda.copy_for_translation(en).save_revision().publish()
    event = make_event(title="Atelier réemploi", slug="atelier-reemploi")
    english = event.copy_for_translation(en)
    english.title = "Reuse workshop"
    english.save_revision().publish()
    item = client.get("/api/v1/occurrences", {"lang": "en"}).json()["items"][0]
    assert item["title"] == "Reuse workshop"
    assert "/en/" in item["url"]


def test_one_event_with_its_dates_and_calendar_link(client, make_event):
    event = make_event(recurrence="FREQ=WEEKLY;COUNT=3", capacity=10)
    response = client.get(f"/api/v1/events/{event.translation_key}")
    assert response.status_code == 200
    data = response.json()
    assert data["recurrence"] == "FREQ=WEEKLY;COUNT=3"
    assert len(data["occurrences"]) == 3
    assert data["occurrences"][0]["seats_left"] == 10
    assert data["ical_url"].endswith(f"/events/{event.translation_key}.ics")
    assert client.get("/api/v1/events/00000000-0000-0000-0000-000000000000").status_code == 404


def test_unpublished_events_are_not_in_the_api(client, make_event):
    event = make_event(publish=False)
    assert client.get("/api/v1/occurrences").json()["count"] == 0
    assert client.get(f"/api/v1/events/{event.translation_key}").status_code == 404


def test_the_openapi_schema_describes_the_endpoints(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["info"]["title"] == "Essaim API"
    assert {"/api/v1/occurrences", "/api/v1/events/{uid}"} <= set(schema["paths"])


def test_list_queries_do_not_grow_with_the_number_of_events(client, make_event):
    start = dt.datetime(2027, 3, 10, 14, 0, tzinfo=dt.UTC)
    for number in range(3):
        make_event(start=start + dt.timedelta(days=number))
    client.get("/api/v1/occurrences")
    with CaptureQueriesContext(connection) as few:
        client.get("/api/v1/occurrences", {"lang": "en"})
    for number in range(3, 15):
        make_event(start=start + dt.timedelta(days=number))
    with CaptureQueriesContext(connection) as many:
        data = client.get("/api/v1/occurrences", {"lang": "en"}).json()
    assert data["count"] == 15
    assert len(many) == len(few)
