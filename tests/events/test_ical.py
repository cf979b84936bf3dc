"""Calendar output: golden files, three independent parsers, recurrence across DST, feeds.

Golden files live in tests/events/golden/; DTSTAMP is normalised before comparing. Set
UPDATE_GOLDEN=1 to rewrite them after an intended change, and review the diff.
"""

import datetime as dt
import os
import re
import uuid
import zoneinfo
from pathlib import Path

import icalendar
import pytest
import recurring_ical_events
import vobject
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from ical.calendar_stream import IcsCalendarStream

from events import ical
from events.models import (
    AttendanceMode,
    EventKind,
    EventPage,
    Occurrence,
    OccurrenceChange,
    Registration,
)
from network.directory.models import Sector, Territory
from tests.factories.accounts import UserFactory
from website.calendars.ical import CANCEL, PUBLISH, REQUEST, calendar_from_vevents, invite_calendar
from website.calendars.models import CalendarFeedToken
from website.calendars.services import calendar_feed_token_regenerate

pytestmark = pytest.mark.django_db

GOLDEN = Path(__file__).parent / "golden"
PARIS = zoneinfo.ZoneInfo("Europe/Paris")
MONTREAL = zoneinfo.ZoneInfo("America/Montreal")
STAMP = dt.datetime(2027, 1, 1, 12, 0, tzinfo=dt.UTC)

SINGLE_KEY = uuid.UUID("0b7c6a52-5d0e-4c5b-9a43-3f1f8f6d1a01")
FAIR_KEY = uuid.UUID("0b7c6a52-5d0e-4c5b-9a43-3f1f8f6d1a02")
COMMITTEE_KEY = uuid.UUID("0b7c6a52-5d0e-4c5b-9a43-3f1f8f6d1a03")
MONTREAL_KEY = uuid.UUID("0b7c6a52-5d0e-4c5b-9a43-3f1f8f6d1a04")


@pytest.fixture(autouse=True)
def _base_url(settings):
    settings.BASE_URL = "https://essaim.example"
    settings.ESSAIM_CALENDAR_UID_DOMAIN = "essaim.example"


@pytest.fixture
def english():
    """Goldens are written in the source language: translated catalogues must not change them."""
    with translation.override("en"):
        yield


# Helpers.


def normalise(data: bytes) -> str:
    """The calendar text with DTSTAMP fixed, so that goldens do not depend on when tests run."""
    text = data.decode()
    return re.sub(r"^DTSTAMP:\d{8}T\d{6}Z\r$", "DTSTAMP:20000101T000000Z\r", text, flags=re.M)


def assert_golden(name, data: bytes):
    path = GOLDEN / name
    text = normalise(data)
    if os.environ.get("UPDATE_GOLDEN"):
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(text.encode())
    assert path.exists(), f"{path} is missing: run with UPDATE_GOLDEN=1 and review it"
    assert text == path.read_bytes().decode(), f"{name} differs from its golden file"


def parse_everywhere(data: bytes):
    """Parse with icalendar, ical and vobject; return the icalendar object."""
    text = data.decode()
    assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", "")
    calendar = icalendar.Calendar.from_ical(data)
    assert IcsCalendarStream.calendar_from_ics(text) is not None
    assert vobject.readOne(text).name == "VCALENDAR"
    return calendar


def vevents(calendar):
    return list(calendar.walk("VEVENT"))


def local_starts(calendar, zone, start, end):
    """Wall-clock starts in ``zone`` of every occurrence recurring-ical-events expands."""
    starts = []
    for occurrence in recurring_ical_events.of(calendar).between(start, end):
        value = occurrence.decoded("DTSTART")
        if isinstance(value, dt.datetime):
            value = value.astimezone(zone).replace(tzinfo=None)
        starts.append(value)
    return starts


@pytest.fixture
def single(make_event):
    return make_event(
        title="Atelier compostage",
        slug="atelier-compostage",
        translation_key=SINGLE_KEY,
        start=dt.datetime(2027, 3, 10, 14, 0, tzinfo=PARIS),
        end=dt.datetime(2027, 3, 10, 16, 0, tzinfo=PARIS),
        latitude="47.218371",
        longitude="-1.553621",
    )


@pytest.fixture
def fair(make_event):
    return make_event(
        title="Salon de l’ESS",
        slug="salon-de-less",
        translation_key=FAIR_KEY,
        kind=EventKind.FAIR,
        all_day=True,
        start=dt.datetime(2027, 5, 15, 9, 0, tzinfo=PARIS),
        end=dt.datetime(2027, 5, 16, 18, 0, tzinfo=PARIS),
        attendance_mode=AttendanceMode.HYBRID,
        online_url="https://visio.example/salon",
    )


def make_committee(make_event, *, zone, key, slug, moved_to):
    """FREQ=MONTHLY;BYDAY=1TU;COUNT=6 from 2027-01-05 18:00 local: March 2 cancelled (before
    the DST change), April 6 moved (after it)."""
    return make_event(
        title="Comité de concertation",
        slug=slug,
        translation_key=key,
        kind=EventKind.COMMITTEE,
        time_zone=str(zone),
        start=dt.datetime(2027, 1, 5, 18, 0, tzinfo=zone),
        end=dt.datetime(2027, 1, 5, 20, 0, tzinfo=zone),
        recurrence="FREQ=MONTHLY;BYDAY=1TU;COUNT=6",
        changes=[
            (
                dt.datetime(2027, 3, 2, 18, 0, tzinfo=zone),
                OccurrenceChange.Action.CANCEL,
                None,
                None,
                "School holidays",
            ),
            (
                dt.datetime(2027, 4, 6, 18, 0, tzinfo=zone),
                OccurrenceChange.Action.MOVE,
                moved_to,
                moved_to + dt.timedelta(hours=2),
                "Moved to Thursday",
            ),
        ],
    )


@pytest.fixture
def committee(make_event):
    return make_committee(
        make_event,
        zone=PARIS,
        key=COMMITTEE_KEY,
        slug="comite-de-concertation",
        moved_to=dt.datetime(2027, 4, 8, 18, 30, tzinfo=PARIS),
    )


@pytest.fixture
def montreal_committee(make_event):
    return make_committee(
        make_event,
        zone=MONTREAL,
        key=MONTREAL_KEY,
        slug="comite-montreal",
        moved_to=dt.datetime(2027, 4, 7, 18, 0, tzinfo=MONTREAL),
    )


# The serialiser.


def test_uid_is_the_stored_translation_key_at_the_site_domain(single):
    assert ical.event_uid(single) == f"{SINGLE_KEY}@essaim.example"


def test_single_event_is_written_in_utc_with_place_and_links(single, english):
    data = ical.calendar_for([single], name="Essaim").to_ical()
    assert_golden("single.ics", data)
    calendar = parse_everywhere(data)
    assert calendar["METHOD"] == "PUBLISH"
    assert calendar["PRODID"] == "-//Essaim//Essaim//FR"
    assert "REFRESH-INTERVAL;VALUE=DURATION:PT1H" in data.decode()
    assert "X-PUBLISHED-TTL:PT1H" in data.decode()
    assert "X-WR-CALNAME:Essaim" in data.decode()
    [vevent] = vevents(calendar)
    assert vevent["UID"] == f"{SINGLE_KEY}@essaim.example"
    assert vevent.decoded("DTSTART") == dt.datetime(2027, 3, 10, 13, 0, tzinfo=dt.UTC)
    assert vevent.decoded("DTEND") == dt.datetime(2027, 3, 10, 15, 0, tzinfo=dt.UTC)
    assert "DTSTART:20270310T130000Z" in data.decode()
    assert not calendar.walk("VTIMEZONE")
    assert vevent["SEQUENCE"] == 0
    assert vevent["LOCATION"] == "Maison de l’ESS, 8 rue Saint-Domingue, 44200 Nantes"
    assert "GEO:47.218371;-1.553621" in data.decode()
    page_url = single.get_full_url()
    assert page_url in vevent["DESCRIPTION"]
    assert vevent["URL"] == page_url
    assert vevent.decoded("DTSTAMP") == single.last_published_at.replace(microsecond=0)
    assert 'ORGANIZER;CN="Ville de Nantes":mailto:agenda@nantes.example' in data.decode()


def test_all_day_fair_uses_dates_and_an_exclusive_end(fair, english):
    data = ical.calendar_for([fair]).to_ical()
    assert_golden("all-day.ics", data)
    calendar = parse_everywhere(data)
    [vevent] = vevents(calendar)
    assert "DTSTART;VALUE=DATE:20270515" in data.decode()
    assert "DTEND;VALUE=DATE:20270517" in data.decode()
    assert "https://visio.example/salon" in vevent["DESCRIPTION"]
    assert local_starts(calendar, PARIS, dt.date(2027, 5, 1), dt.date(2027, 6, 1)) == [
        dt.date(2027, 5, 15)
    ]


def test_committee_keeps_its_local_time_across_dst_with_one_date_cancelled_one_moved(
    committee, english
):
    data = ical.calendar_for([committee]).to_ical()
    assert_golden("committee.ics", data)
    calendar = parse_everywhere(data)
    text = data.decode()
    assert "DTSTART;TZID=Europe/Paris:20270105T180000" in text
    assert "RRULE:FREQ=MONTHLY;COUNT=6;BYDAY=1TU" in text
    assert "EXDATE;TZID=Europe/Paris:20270302T180000" in text
    assert "RECURRENCE-ID;TZID=Europe/Paris:20270406T180000" in text
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Paris"]
    master, moved = vevents(calendar)
    assert master["UID"] == moved["UID"] == f"{COMMITTEE_KEY}@essaim.example"
    # The organiser's notes: every change in the series' description, and the moved date's
    # own note first in its description (issue 17, item 5).
    assert "Date cancelled: Tuesday 2 March 2027, 6 pm (School holidays)" in master["DESCRIPTION"]
    assert (
        "Date moved: Tuesday 6 April 2027, 6 pm → Thursday 8 April 2027, 6:30 pm"
        in (master["DESCRIPTION"])
    )
    assert moved["DESCRIPTION"].startswith("Moved to Thursday\n\n")

    assert local_starts(calendar, PARIS, dt.date(2027, 1, 1), dt.date(2027, 7, 1)) == [
        dt.datetime(2027, 1, 5, 18, 0),
        dt.datetime(2027, 2, 2, 18, 0),
        dt.datetime(2027, 4, 8, 18, 30),
        dt.datetime(2027, 5, 4, 18, 0),
        dt.datetime(2027, 6, 1, 18, 0),
    ]
    # Same wall-clock time, different UTC offset on each side of 2027-03-28.
    utc = [
        o.decoded("DTSTART").astimezone(dt.UTC).hour
        for o in recurring_ical_events.of(calendar).between(
            dt.date(2027, 1, 1), dt.date(2027, 7, 1)
        )
    ]
    assert utc == [17, 17, 16, 16, 16]

    # The occurrence rows mirror the calendar.
    rows = {o.original_start: o for o in committee.occurrences.all()}
    assert rows[dt.datetime(2027, 3, 2, 17, 0, tzinfo=dt.UTC)].status == Occurrence.Status.CANCELLED
    assert rows[dt.datetime(2027, 4, 6, 16, 0, tzinfo=dt.UTC)].start == dt.datetime(
        2027, 4, 8, 16, 30, tzinfo=dt.UTC
    )


def test_committee_in_montreal_keeps_its_local_time_across_the_american_dst_change(
    montreal_committee,
):
    data = ical.calendar_for([montreal_committee]).to_ical()
    calendar = parse_everywhere(data)
    assert "DTSTART;TZID=America/Montreal:20270105T180000" in data.decode()
    assert local_starts(calendar, MONTREAL, dt.date(2027, 1, 1), dt.date(2027, 7, 1)) == [
        dt.datetime(2027, 1, 5, 18, 0),
        dt.datetime(2027, 2, 2, 18, 0),
        dt.datetime(2027, 4, 7, 18, 0),
        dt.datetime(2027, 5, 4, 18, 0),
        dt.datetime(2027, 6, 1, 18, 0),
    ]
    hours = [
        o.decoded("DTSTART").astimezone(dt.UTC).hour
        for o in recurring_ical_events.of(calendar).between(
            dt.date(2027, 1, 1), dt.date(2027, 7, 1)
        )
    ]
    assert hours == [23, 23, 22, 22, 22]


def test_both_committees_in_one_feed_carry_both_time_zones(committee, montreal_committee):
    calendar = parse_everywhere(ical.calendar_for([committee, montreal_committee]).to_ical())
    assert sorted(tz["TZID"] for tz in calendar.walk("VTIMEZONE")) == [
        "America/Montreal",
        "Europe/Paris",
    ]


def test_an_update_keeps_the_uid_and_raises_the_sequence(single, english):
    before = ical.calendar_for([single]).to_ical()
    page = EventPage.objects.get(pk=single.pk)
    page.start = dt.datetime(2027, 3, 10, 15, 0, tzinfo=PARIS)
    page.end = dt.datetime(2027, 3, 10, 17, 0, tzinfo=PARIS)
    page.save_revision().publish()
    # What the services do on a change of time (RFC 5545 3.8.7.4); not the serialiser's job.
    EventPage.objects.filter(pk=single.pk).update(sequence=1)
    updated = EventPage.objects.get(pk=single.pk)
    data = ical.calendar_for([updated]).to_ical()
    assert_golden("update.ics", data)
    [old] = vevents(parse_everywhere(before))
    [new] = vevents(parse_everywhere(data))
    assert new["UID"] == old["UID"]
    assert new["SEQUENCE"] > old["SEQUENCE"] == 0
    assert new.decoded("DTSTART") == dt.datetime(2027, 3, 10, 14, 0, tzinfo=dt.UTC)


def test_a_cancel_invite_carries_the_series_alone_and_follows_itip(committee, english):
    data = invite_calendar(
        ical.event_vevents(committee, dtstamp=STAMP),
        attendee_email="zoe@asso.example",
        attendee_name="Zoé Martin",
        method=CANCEL,
        sequence=3,
    ).to_ical()
    assert_golden("cancel.ics", data)
    calendar = parse_everywhere(data)
    text = data.decode()
    assert calendar["METHOD"] == "CANCEL"
    assert "REFRESH-INTERVAL" not in text
    [vevent] = vevents(calendar)
    assert vevent["STATUS"] == "CANCELLED"
    assert vevent["SEQUENCE"] == 3
    assert vevent["UID"] == f"{COMMITTEE_KEY}@essaim.example"
    assert "RECURRENCE-ID" not in text
    assert "DTSTAMP:20270101T120000Z" in text
    assert not calendar.walk("VALARM")
    attendees = vevent.get("ATTENDEE")
    assert not isinstance(attendees, list)
    assert str(attendees) == "mailto:zoe@asso.example"
    assert "PARTSTAT" not in attendees.params
    assert 'ORGANIZER;CN="Ville de Nantes":mailto:agenda@nantes.example' in text


def test_request_invite_has_one_accepted_attendee_and_falls_back_to_the_site_address(
    make_event, settings
):
    settings.DEFAULT_FROM_EMAIL = "Essaim <agenda@essaim.example>"
    event = make_event(organiser_email="")
    data = invite_calendar(
        ical.event_vevents(event, dtstamp=dt.datetime.now(dt.UTC)),
        attendee_email="zoe@asso.example",
        attendee_name="Zoé Martin",
        method=REQUEST,
    ).to_ical()
    calendar = parse_everywhere(data)
    [vevent] = vevents(calendar)
    assert calendar["METHOD"] == "REQUEST"
    assert vevent["ATTENDEE"].params["PARTSTAT"] == "ACCEPTED"
    assert vevent["ATTENDEE"].params["CN"] == "Zoé Martin"
    assert 'ORGANIZER;CN="Ville de Nantes":mailto:agenda@essaim.example' in data.decode()
    assert vevent["STATUS"] == "CONFIRMED"
    # A mail is stamped when it is built, not with the last publication.
    assert vevent.decoded("DTSTAMP") > event.last_published_at - dt.timedelta(seconds=1)
    assert data.decode().count("ATTENDEE") == 1
    with pytest.raises(ValueError):
        invite_calendar(ical.event_vevents(event), attendee_email="z@x.example", method=PUBLISH)


def test_the_dates_someone_holds_are_the_series_reduced_to_them(committee):
    """One person's calendar holds the dates they registered for under the series' UID: the
    rule ends at their last date and excludes the others; a moved date keeps its VEVENT."""
    held = list(
        committee.occurrences.filter(
            original_start__in=[
                dt.datetime(2027, 2, 2, 17, 0, tzinfo=dt.UTC),
                dt.datetime(2027, 4, 6, 16, 0, tzinfo=dt.UTC),
            ]
        )
    )
    data = calendar_from_vevents(ical.event_vevents(committee, held=held), refresh=False).to_ical()
    calendar = parse_everywhere(data)
    text = data.decode()
    master, moved = vevents(calendar)
    assert master["UID"] == moved["UID"] == f"{COMMITTEE_KEY}@essaim.example"
    assert "RRULE:FREQ=MONTHLY;UNTIL=20270406T160000Z;BYDAY=1TU" in text
    assert "RECURRENCE-ID;TZID=Europe/Paris:20270406T180000" in text
    assert local_starts(calendar, PARIS, dt.date(2027, 1, 1), dt.date(2028, 1, 1)) == [
        dt.datetime(2027, 2, 2, 18, 0),
        dt.datetime(2027, 4, 8, 18, 30),
    ]


# Feeds.


def test_event_ics_is_served_inline_as_text_calendar(client, single):
    response = client.get(reverse("events:event_ics", kwargs={"uid": SINGLE_KEY}))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == 'inline; filename="atelier-compostage.ics"'
    calendar = parse_everywhere(response.content)
    [vevent] = vevents(calendar)
    assert vevent["UID"] == ical.event_uid(single)
    assert response["ETag"] and response["Last-Modified"]


def test_event_ics_of_an_unpublished_or_unknown_event_is_404(client, make_event):
    draft = make_event(publish=False, live=False)
    assert (
        client.get(reverse("events:event_ics", kwargs={"uid": draft.translation_key})).status_code
        == 404
    )
    assert client.get(reverse("events:event_ics", kwargs={"uid": uuid.uuid4()})).status_code == 404


def test_english_address_shows_the_english_translation_with_the_same_uid(client, single):
    from wagtail.models import Locale

    english = single.copy_for_translation(Locale.objects.get(language_code="en"), copy_parents=True)
    english.title = "Composting workshop"
    english.save_revision().publish()
    response = client.get(f"/en/events/{SINGLE_KEY}.ics")
    [vevent] = vevents(parse_everywhere(response.content))
    assert vevent["SUMMARY"] == "Composting workshop"
    assert vevent["UID"] == f"{SINGLE_KEY}@essaim.example"
    assert "/en/" in vevent["URL"]


def feed_uids(client, query=""):
    response = client.get(reverse("events:feed") + query)
    assert response.status_code == 200
    return {str(v["UID"]).split("@")[0] for v in vevents(parse_everywhere(response.content))}


def test_site_feed_filters_by_kind_sector_and_territory(client, make_event):
    compost = Sector.objects.create(name_fr="Compost", name_en="Compost", slug="compost-test")
    waste = Sector.objects.create(name_fr="Déchets", name_en="Waste", slug="dechets-test")
    compost.parent = waste
    compost.save()
    nantes = Territory.objects.create(
        name="Nantes", slug="nantes-test", kind="commune", country="FR"
    )
    lyon = Territory.objects.create(name="Lyon", slug="lyon-test", kind="commune", country="FR")
    soon = timezone.now() + dt.timedelta(days=10)
    workshop = make_event(start=soon, territory=nantes)
    page = EventPage.objects.get(pk=workshop.pk)
    page.sectors = [compost]
    page.save_revision().publish()
    fair = make_event(start=soon, kind=EventKind.FAIR, territory=lyon)
    draft = make_event(start=soon, publish=False, live=False)
    keys = {e: str(e.translation_key) for e in (workshop, fair, draft)}

    assert feed_uids(client) >= {keys[workshop], keys[fair]}
    assert keys[draft] not in feed_uids(client)
    assert feed_uids(client, "?kind=foire-salon") == {keys[fair]}
    assert feed_uids(client, "?kind=foire-salon&kind=atelier") >= {keys[fair], keys[workshop]}
    assert feed_uids(client, "?sector=compost-test") == {keys[workshop]}
    assert feed_uids(client, "?sector=dechets-test") == {keys[workshop]}
    assert feed_uids(client, "?territory=lyon-test") == {keys[fair]}
    assert feed_uids(client, "?territory=lyon-test&territory=nantes-test") == {
        keys[fair],
        keys[workshop],
    }
    assert feed_uids(client, "?territory=lyon-test&sector=compost-test") == set()
    # A mistyped filter is refused, not answered with an empty (or a full) calendar.
    assert client.get(reverse("events:feed") + "?kind=nothing").status_code == 400


def test_site_feed_leaves_out_events_ended_more_than_90_days_ago(client, make_event):
    now = timezone.now()
    old = make_event(start=now - dt.timedelta(days=100))
    recent = make_event(start=now - dt.timedelta(days=80))
    uids = feed_uids(client)
    assert str(recent.translation_key) in uids
    assert str(old.translation_key) not in uids


def test_feed_answers_304_while_nothing_changed_and_200_after_a_change(client, single):
    url = reverse("events:feed")
    first = client.get(url)
    assert first.status_code == 200
    assert first["Content-Type"] == "text/calendar; charset=utf-8"
    assert first["Content-Disposition"] == 'inline; filename="events.ics"'
    etag, last_modified = first["ETag"], first["Last-Modified"]

    assert client.get(url, headers={"if-none-match": etag}).status_code == 304
    assert client.get(url, headers={"if-modified-since": last_modified}).status_code == 304
    # Another filter is another resource.
    assert client.get(url + "?kind=atelier", headers={"if-none-match": etag}).status_code == 200

    page = EventPage.objects.get(pk=single.pk)
    page.title = "Atelier compostage (complet)"
    page.save_revision().publish()
    again = client.get(url, headers={"if-none-match": etag})
    assert again.status_code == 200
    assert again["ETag"] != etag
    assert b"complet" in again.content


def test_feed_etag_changes_when_an_event_is_unpublished(client, single, make_event):
    other = make_event()
    url = reverse("events:feed")
    etag = client.get(url)["ETag"]
    EventPage.objects.get(pk=other.pk).unpublish()
    assert client.get(url, headers={"if-none-match": etag}).status_code == 200


def test_feed_query_count_does_not_grow_with_the_number_of_events(client, make_event):
    start = timezone.now() + dt.timedelta(days=30)
    sector = Sector.objects.create(name_fr="Compost", name_en="Compost", slug="compost-count")

    def publish(n):
        for _ in range(n):
            event = make_event(start=start, recurrence="FREQ=WEEKLY;COUNT=3")
            page = EventPage.objects.get(pk=event.pk)
            page.sectors = [sector]
            page.save_revision().publish()

    def count():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("events:feed"))
        assert response.status_code == 200
        return len(queries), len(vevents(icalendar.Calendar.from_ical(response.content)))

    publish(2)
    count()  # Wagtail caches the site's root paths on first use.
    cache.clear()
    few_written, served = count()
    few_kept, _ = count()
    assert served == 2
    publish(10)
    cache.clear()
    many_written, served = count()
    many_kept, _ = count()
    assert served == 12
    assert many_written == few_written
    assert many_kept == few_kept
    # The kept text spares the serialiser's reads.
    assert few_kept < few_written


def test_the_feeds_text_is_kept_until_an_event_changes_or_leaves_with_the_clock(client, make_event):
    now = timezone.now()
    leaving = make_event(title="Bientôt passé", start=now - dt.timedelta(days=89, hours=3))
    staying = make_event(title="Atelier demain", start=now + dt.timedelta(days=1))
    url = reverse("events:feed")
    assert b"Atelier demain" in client.get(url).content

    # A write that tells nobody (no signal, no publication) is not seen: the text was kept...
    EventPage.objects.filter(pk=staying.pk).update(title="Titre muet")
    assert b"Atelier demain" in client.get(url).content
    # ...until an event is published again.
    page = EventPage.objects.get(pk=staying.pk)
    page.title = "Atelier reporté"
    page.save_revision().publish()
    assert b"Atelier report" in client.get(url).content

    # An event leaves the feed with the clock alone, without any write to move the cache on:
    # here its dates are moved back in time without a signal.
    assert b"Bient" in client.get(url).content
    past = now - dt.timedelta(days=91)
    EventPage.objects.filter(pk=leaving.pk).update(start=past, end=past + dt.timedelta(hours=2))
    Occurrence.objects.filter(event_id=leaving.pk).update(
        start=past, end=past + dt.timedelta(hours=2)
    )
    assert b"Bient" not in client.get(url).content


# Personal feeds.


@pytest.fixture
def person(db):
    return UserFactory(email="zoe@asso.example")


def test_personal_feed_lists_the_dates_someone_holds_a_seat_for(
    client, person, committee, single, make_event
):
    """The dates are held as invites put them: the series reduced to them. A place on the
    waiting list is not a seat: it is not in the calendar."""
    other = make_event()
    may = committee.occurrences.get(original_start=dt.datetime(2027, 5, 4, 16, 0, tzinfo=dt.UTC))
    Registration.objects.create(occurrence=may, user=person, status=Registration.Status.CONFIRMED)
    Registration.objects.create(
        occurrence=single.occurrences.get(), user=person, status=Registration.Status.WAITING
    )
    Registration.objects.create(
        occurrence=other.occurrences.get(), user=person, status=Registration.Status.CANCELLED
    )
    token = calendar_feed_token_regenerate(user=person).token

    response = client.get(reverse("calendars:personal_feed", kwargs={"token": token}))
    assert response.status_code == 200
    assert "private" in response["Cache-Control"]
    calendar = parse_everywhere(response.content)
    by_uid = {str(v["UID"]): v for v in vevents(calendar)}
    assert set(by_uid) == {ical.event_uid(committee)}
    assert by_uid[ical.event_uid(committee)]["STATUS"] == "CONFIRMED"
    assert local_starts(calendar, PARIS, dt.date(2027, 1, 1), dt.date(2028, 1, 1)) == [
        dt.datetime(2027, 5, 4, 18, 0)
    ]

    etag = response["ETag"]
    url = reverse("calendars:personal_feed", kwargs={"token": token})
    assert client.get(url, headers={"if-none-match": etag}).status_code == 304
    Registration.objects.filter(user=person, occurrence=may).update(
        status=Registration.Status.CANCELLED, updated_at=timezone.now()
    )
    assert client.get(url, headers={"if-none-match": etag}).status_code == 200


def test_personal_feed_of_an_unknown_token_is_404(client):
    assert (
        client.get(reverse("calendars:personal_feed", kwargs={"token": "nope"})).status_code == 404
    )


def test_regenerating_the_token_revokes_the_old_address(client, person):
    client.force_login(person)
    url = reverse("calendars:feed_regenerate")
    response = client.post(url, {"next": "/fr/events/mine/"})
    assert response.status_code == 302
    assert response["Location"] == "/fr/events/mine/"
    old = CalendarFeedToken.objects.get(user=person).token
    assert len(old) >= 40
    assert client.get(reverse("calendars:personal_feed", kwargs={"token": old})).status_code == 200

    response = client.post(url, {"next": "https://evil.example/"})
    assert response["Location"] == "/"
    new = CalendarFeedToken.objects.get(user=person).token
    assert new != old
    assert client.get(reverse("calendars:personal_feed", kwargs={"token": old})).status_code == 404
    assert client.get(reverse("calendars:personal_feed", kwargs={"token": new})).status_code == 200
    assert client.post(url, {"next": "//evil.example/x"})["Location"] == "/"


def test_regenerating_needs_a_logged_in_post(client, person):
    url = reverse("calendars:feed_regenerate")
    assert client.post(url)["Location"].startswith("/")
    assert not CalendarFeedToken.objects.exists()
    client.force_login(person)
    assert client.get(url).status_code == 405


def test_personal_feed_query_count_does_not_grow_with_the_number_of_registrations(
    client, person, make_event
):
    token = calendar_feed_token_regenerate(user=person).token
    url = reverse("calendars:personal_feed", kwargs={"token": token})
    start = timezone.now() + dt.timedelta(days=30)

    def register(n):
        for _ in range(n):
            event = make_event(start=start, recurrence="FREQ=WEEKLY;COUNT=2")
            for occurrence in event.occurrences.all():
                Registration.objects.create(
                    occurrence=occurrence, user=person, status=Registration.Status.CONFIRMED
                )

    def count():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        return len(queries), len(vevents(icalendar.Calendar.from_ical(response.content)))

    register(1)
    count()
    few, served = count()
    assert served == 1  # one series, both its dates held
    register(5)
    many, served = count()
    assert served == 6
    assert many == few


def test_site_feed_territory_filter_covers_the_whole_tree_like_the_agenda(client, make_event):
    country = Territory.objects.create(name="France", slug="fr-test", kind="country", country="FR")
    region = Territory.objects.create(
        name="Pays de la Loire", slug="pdl-test", kind="region", country="FR", parent=country
    )
    city = Territory.objects.create(
        name="Nantes", slug="nantes-test", kind="commune", country="FR", parent=region
    )
    make_event(title="Atelier à Nantes", slug="atelier-nantes", territory=city)
    make_event(title="Atelier ailleurs", slug="atelier-ailleurs")
    body = client.get("/fr/events/feed.ics", {"territory": "fr-test"}).content.decode()
    assert "Atelier à Nantes" in body
    assert "Atelier ailleurs" not in body
    agenda_page = client.get("/fr/agenda/", {"territory": "fr-test"}).content.decode()
    assert "Atelier à Nantes" in agenda_page
    assert "Atelier ailleurs" not in agenda_page


def test_an_unknown_feed_filter_is_refused_with_its_name(client, single):
    response = client.get("/fr/events/feed.ics?kind=nope&sector=pas-une-filiere")
    assert response.status_code == 400
    text = response.content.decode()
    assert "Type d’événement inconnu" in text and "nope" in text and "atelier" in text
    assert "pas-une-filiere" in text
    response = client.get("/en/events/feed.ics?territory=atlantis")
    assert response.status_code == 400
    assert "Unknown territory: atlantis." in response.content.decode()


def test_the_site_feed_is_named_as_french_says_it(client, single):
    calendar = icalendar.Calendar.from_ical(client.get("/fr/events/feed.ics").content)
    assert str(calendar["X-WR-CALNAME"]) == "Événements d’Essaim"
    calendar = icalendar.Calendar.from_ical(client.get("/en/events/feed.ics").content)
    assert str(calendar["X-WR-CALNAME"]) == "Events of Essaim"
