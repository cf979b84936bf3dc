"""Finding events: the agenda lists dates (occurrences), filters them, pages through them, and
shows them as a month calendar and on a map."""

import datetime as dt
import re
import zoneinfo
from decimal import Decimal
from html import unescape

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import Locale

from events.models import AttendanceMode, EventIndexPage, EventKind, EventPage, OccurrenceChange
from network.directory.models import Sector, Territory

pytestmark = pytest.mark.django_db

PARIS = zoneinfo.ZoneInfo("Europe/Paris")


def in_days(days, hour=14, minute=0):
    """A Paris wall-clock time some days from now (a fixed hour, not now's)."""
    day = timezone.localdate(timezone=PARIS) + dt.timedelta(days=days)
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=PARIS)


def listed_titles(response):
    return [occurrence.page.title for occurrence in response.context["occurrences"]]


@pytest.fixture
def sectors():
    food = Sector.objects.create(name_fr="Alimentation", name_en="Food", slug="alimentation")
    compost = Sector.objects.create(
        name_fr="Compostage", name_en="Composting", slug="compostage", parent=food
    )
    housing = Sector.objects.create(name_fr="Habitat", name_en="Housing", slug="habitat")
    return {"food": food, "compost": compost, "housing": housing}


@pytest.fixture
def territories():
    region = Territory.objects.create(
        name="Pays de la Loire", slug="pays-de-la-loire", kind="region", country="FR"
    )
    nantes = Territory.objects.create(
        name="Nantes", slug="nantes", kind="commune", country="FR", parent=region
    )
    dakar = Territory.objects.create(name="Dakar", slug="dakar", kind="commune", country="SN")
    return {"region": region, "nantes": nantes, "dakar": dakar}


@pytest.fixture
def agenda_en(agenda):
    english = Locale.objects.get(language_code="en")
    translation = agenda.copy_for_translation(english)
    translation.title, translation.slug = "Events", "events"
    translation.save_revision().publish()
    # Fetched again: the copy still holds the address of its old slug.
    return EventIndexPage.objects.get(pk=translation.pk)


def translate_event(event, **fields):
    english = Locale.objects.get(language_code="en")
    translation = event.copy_for_translation(english)
    for name, value in fields.items():
        setattr(translation, name, value)
    translation.save_revision().publish()
    return EventPage.objects.get(pk=translation.pk)


# Upcoming and past.


def test_agenda_lists_upcoming_dates_soonest_first_and_not_past_ones(client, agenda, make_event):
    make_event(title="Plus tard", start=in_days(20))
    make_event(title="Bientôt", start=in_days(2))
    make_event(title="Fini", start=in_days(-5))

    response = client.get(agenda.url)

    assert response.status_code == 200
    assert listed_titles(response) == ["Bientôt", "Plus tard"]
    assert "2 dates à venir" in response.content.decode()


def test_archive_lists_past_dates_newest_first(client, agenda, make_event):
    make_event(title="Il y a longtemps", start=in_days(-30))
    make_event(title="La semaine dernière", start=in_days(-7))
    make_event(title="À venir", start=in_days(3))

    response = client.get(agenda.url + "archive/")

    assert response.status_code == 200
    assert listed_titles(response) == ["La semaine dernière", "Il y a longtemps"]
    assert "2 dates passées" in response.content.decode()


def test_each_date_of_a_series_is_a_row_and_a_cancelled_one_is_marked_in_words(
    client, agenda, agenda_en, make_event
):
    start = in_days(7)
    second = (start + dt.timedelta(weeks=1)).astimezone(dt.UTC)
    make_event(
        title="Atelier hebdomadaire",
        start=start,
        recurrence="FREQ=WEEKLY;COUNT=3",
        changes=[(second, OccurrenceChange.Action.CANCEL, None, None)],
    )

    response = client.get(agenda_en.url)

    assert listed_titles(response) == ["Atelier hebdomadaire"] * 3
    statuses = [occurrence.status for occurrence in response.context["occurrences"]]
    assert statuses == ["scheduled", "cancelled", "scheduled"]
    html = response.content.decode()
    assert html.count("occurrence--cancelled") == 1
    assert "This date is cancelled: it will not take place." in html


def test_unpublished_events_are_not_listed(client, agenda, make_event):
    make_event(title="Publié", start=in_days(3))
    event = make_event(title="Dépublié", start=in_days(4))
    event.unpublish()

    assert listed_titles(client.get(agenda.url)) == ["Publié"]


def test_a_date_shows_its_local_time_zone_in_words_and_machine_readable_time(
    client, agenda, agenda_en, make_event
):
    make_event(
        title="Forum de Dakar",
        start=dt.datetime(2027, 3, 10, 9, 0, tzinfo=zoneinfo.ZoneInfo("Africa/Dakar")),
        time_zone="Africa/Dakar",
        price=Decimal("12.50"),
    )

    html = client.get(agenda_en.url).content.decode()

    assert '<time datetime="2027-03-10T09:00:00+00:00">' in html
    assert ">Wednesday 10 March 2027, 9 am</time> – <time" in html and ">11 am</time>" in html
    assert "(Dakar time)" in html
    assert "€12.50" in html
    french = client.get(agenda.url).content.decode()
    assert ">mercredi 10 mars 2027, 9\u00a0h</time>" in french and ">11\u00a0h</time>" in french
    assert "(heure de Dakar)" in french and "12,50\u00a0€" in french
    assert "Workshop" in html


# Filters.


def test_kind_filter(client, agenda, make_event):
    make_event(title="Atelier", kind=EventKind.WORKSHOP, start=in_days(3))
    make_event(title="Webinaire", kind=EventKind.WEBINAR, start=in_days(4))
    make_event(title="Foire", kind=EventKind.FAIR, start=in_days(5))

    response = client.get(agenda.url, {"kind": [EventKind.WEBINAR, EventKind.FAIR]})

    assert listed_titles(response) == ["Webinaire", "Foire"]


def test_sector_filter_includes_the_sectors_below(client, agenda, make_event, sectors):
    make_event(title="Composteurs", sectors=[sectors["compost"]], start=in_days(3))
    make_event(title="Marché", sectors=[sectors["food"], sectors["housing"]], start=in_days(4))
    make_event(title="Logement", sectors=[sectors["housing"]], start=in_days(5))

    assert listed_titles(client.get(agenda.url, {"sector": "alimentation"})) == [
        "Composteurs",
        "Marché",
    ]
    assert listed_titles(client.get(agenda.url, {"sector": "habitat"})) == ["Marché", "Logement"]


def test_territory_filter_includes_the_territories_within(client, agenda, make_event, territories):
    make_event(title="À Nantes", territory=territories["nantes"], start=in_days(3))
    make_event(title="À Dakar", territory=territories["dakar"], start=in_days(4))
    make_event(title="Nulle part", start=in_days(5))

    assert listed_titles(client.get(agenda.url, {"territory": "pays-de-la-loire"})) == ["À Nantes"]
    assert listed_titles(client.get(agenda.url, {"territory": "dakar"})) == ["À Dakar"]


def test_date_filters_use_the_days_of_the_site_time_zone(client, agenda, make_event):
    day = timezone.localdate(timezone=PARIS) + dt.timedelta(days=10)
    # 00:30 in Paris is still the day before in UTC.
    make_event(title="Juste après minuit", start=in_days(10, hour=0, minute=30))
    make_event(title="Le soir d’avant", start=in_days(9, hour=21))
    make_event(title="Le lendemain", start=in_days(11, hour=10))

    response = client.get(agenda.url, {"date_from": day.isoformat(), "date_to": day.isoformat()})

    assert listed_titles(response) == ["Juste après minuit"]
    response = client.get(agenda.url, {"date_from": day.isoformat()})
    assert listed_titles(response) == ["Juste après minuit", "Le lendemain"]


def test_online_filter_keeps_online_and_hybrid_events(client, agenda, agenda_en, make_event):
    make_event(title="Sur place", start=in_days(3))
    make_event(
        title="En ligne",
        attendance_mode=AttendanceMode.ONLINE,
        online_url="https://visio.example/a",
        start=in_days(4),
    )
    make_event(
        title="Hybride",
        attendance_mode=AttendanceMode.HYBRID,
        online_url="https://visio.example/b",
        start=in_days(5),
    )

    response = client.get(agenda_en.url, {"online": "on"})

    assert listed_titles(response) == ["En ligne", "Hybride"]
    html = response.content.decode()
    assert ">Online</li>" in html
    assert "Hybrid: in person and online" in html


def test_accessibility_filter_requires_every_feature_chosen(client, agenda, make_event):
    make_event(title="Accessible", step_free_access=True, hearing_loop=True, start=in_days(3))
    make_event(title="De plain-pied", step_free_access=True, start=in_days(4))
    make_event(title="Rien", start=in_days(5))

    response = client.get(agenda.url, {"accessibility": ["step_free_access", "hearing_loop"]})
    assert listed_titles(response) == ["Accessible"]
    response = client.get(agenda.url, {"accessibility": "step_free_access"})
    assert listed_titles(response) == ["Accessible", "De plain-pied"]


def test_free_filter_keeps_events_without_price_or_at_zero(client, agenda, make_event):
    make_event(title="Sans prix", start=in_days(3))
    make_event(title="Zéro", price=Decimal("0"), start=in_days(4))
    make_event(title="Payant", price=Decimal("15"), start=in_days(5))

    response = client.get(agenda.url, {"free": "on"})

    assert listed_titles(response) == ["Sans prix", "Zéro"]


@pytest.mark.parametrize(
    "words",
    ["COMPOST", "pied d’immeuble", "maison de l", "ville de nantes"],
    ids=["title", "summary", "venue", "organiser"],
)
def test_words_match_title_summary_venue_or_organiser(client, agenda, make_event, words):
    make_event(title="Atelier compost", start=in_days(3))
    make_event(
        title="Conseil",
        summary="Réunion du conseil.",
        venue_name="Mairie",
        organiser_name="Région",
        start=in_days(4),
    )

    assert listed_titles(client.get(agenda.url, {"q": words})) == ["Atelier compost"]


def test_filters_apply_to_the_archive(client, agenda, make_event):
    make_event(title="Atelier passé", kind=EventKind.WORKSHOP, start=in_days(-3))
    make_event(title="Webinaire passé", kind=EventKind.WEBINAR, start=in_days(-4))

    response = client.get(agenda.url + "archive/", {"kind": EventKind.WEBINAR})

    assert listed_titles(response) == ["Webinaire passé"]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"date_from": "demain"}, "Enter a date such as 2027-03-10."),
        ({"date_from": "2000-01-10", "date_to": "2000-01-01"}, "cannot come before the start"),
        ({"sector": "inconnu"}, "Choose a sector from the list."),
        ({"territory": "atlantide"}, "Choose a territory from the list."),
        ({"kind": "bal"}, "Choose kinds of event from the list."),
        ({"accessibility": "teleportation"}, "Choose accessibility features from the list."),
        ({"q": "x" * 201}, "Use at most 200 characters."),
        ({"page": "beaucoup"}, None),
    ],
)
def test_bad_filter_input_shows_an_error_and_the_page_still_works(
    client, agenda, agenda_en, make_event, params, message
):
    make_event(title="Atelier", start=in_days(3))

    for url in (agenda_en.url, agenda_en.url + "archive/", agenda_en.url + "map/"):
        response = client.get(url, params)
        assert response.status_code == 200
        if message:
            assert message in response.content.decode()
    assert client.get(agenda.url + "map/json/", params).status_code == 200
    month = agenda.url + "month/2027/3/"
    assert client.get(month, params).status_code == 200
    # The fields that did validate still filter: the one event is listed.
    assert listed_titles(client.get(agenda.url, params)) == ["Atelier"]


def test_a_bad_field_does_not_drop_the_good_ones(client, agenda, make_event):
    make_event(title="Atelier", kind=EventKind.WORKSHOP, start=in_days(3))
    make_event(title="Webinaire", kind=EventKind.WEBINAR, start=in_days(4))

    response = client.get(agenda.url, {"kind": EventKind.WEBINAR, "date_from": "bientôt"})

    assert response.status_code == 200
    assert listed_titles(response) == ["Webinaire"]
    html = response.content.decode()
    assert 'aria-invalid="true"' in html
    assert 'href="#filter-date_from"' in html


# Pagination.


def test_pagination_shows_twenty_dates_a_page_and_keeps_the_filters(client, agenda, make_event):
    for n in range(23):
        make_event(title=f"Atelier {n:02d}", start=in_days(3 + n))
    make_event(title="Webinaire", kind=EventKind.WEBINAR, start=in_days(1))

    first = client.get(agenda.url, {"kind": EventKind.WORKSHOP})
    second = client.get(agenda.url, {"kind": EventKind.WORKSHOP, "page": 2})
    beyond = client.get(agenda.url, {"kind": EventKind.WORKSHOP, "page": 99})

    assert listed_titles(first) == [f"Atelier {n:02d}" for n in range(20)]
    assert listed_titles(second) == [f"Atelier {n:02d}" for n in range(20, 23)]
    assert listed_titles(beyond) == listed_titles(second)
    assert 'href="?kind=atelier&amp;page=2"' in first.content.decode()
    assert '<ol class="occurrence-list" start="21">' in second.content.decode()


# Month calendar.


def day_cell(response, day):
    """The titles the month view shows in the cell of ``day``, read from the page."""
    html = response.content.decode()
    cells = re.findall(r'<td class="calendar__day[^"]*"[^>]*>(.*?)</td>', html, re.S)
    for cell in cells:
        if f'<time datetime="{day:%Y-%m-%d}">' in cell:
            titles = re.findall(r'<span class="calendar__event-title">(.*?)</span>', cell, re.S)
            return [unescape(title) for title in titles]
    raise AssertionError(f"{day} is not in the calendar")


def test_month_places_each_date_on_its_local_day(client, agenda, make_event):
    year = timezone.localdate().year + 1
    # 23:30 in Paris; it ends after midnight but belongs to its evening.
    make_event(title="Soirée", start=dt.datetime(year, 3, 10, 23, 30, tzinfo=PARIS))
    # 00:30 in Paris is 23:30 UTC the day before.
    make_event(title="Nuit", start=dt.datetime(year, 3, 12, 0, 30, tzinfo=PARIS))
    # 22:00 in Montreal is already the next day in Paris and in UTC.
    montreal = zoneinfo.ZoneInfo("America/Montreal")
    make_event(
        title="Montréal",
        start=dt.datetime(year, 3, 14, 22, 0, tzinfo=montreal),
        time_zone="America/Montreal",
    )
    make_event(
        title="Foire",
        start=dt.datetime(year, 3, 20, 0, 0, tzinfo=PARIS),
        end=dt.datetime(year, 3, 22, 0, 0, tzinfo=PARIS),
        all_day=True,
    )

    response = client.get(f"{agenda.url}month/{year}/3/")

    assert response.status_code == 200
    assert day_cell(response, dt.date(year, 3, 10)) == ["Soirée"]
    assert day_cell(response, dt.date(year, 3, 11)) == []
    assert day_cell(response, dt.date(year, 3, 12)) == ["Nuit"]
    assert day_cell(response, dt.date(year, 3, 14)) == ["Montréal"]
    assert day_cell(response, dt.date(year, 3, 15)) == []
    assert day_cell(response, dt.date(year, 3, 20)) == ["Foire"]
    assert day_cell(response, dt.date(year, 3, 21)) == ["Foire"]
    assert day_cell(response, dt.date(year, 3, 22)) == []
    html = response.content.decode()
    soiree = re.search(r'<td class="calendar__day[^"]*">(?:(?!</td>).)*Soirée', html, re.S)
    assert f'<time datetime="{year}-03-10">10</time>' in soiree.group(0)
    assert f'<time datetime="{year}-03-10T23:30:00+01:00">23\u00a0h\u00a030 CET</time>' in html
    assert "4 dates ce mois-ci" in html


def test_a_busy_day_shows_a_few_dates_and_links_to_the_rest(client, agenda, make_event):
    year = timezone.localdate().year + 1
    busy = dt.date(year, 3, 10)
    shown = agenda.MONTH_DATES_PER_DAY
    for n in range(shown + 3):
        make_event(title=f"Atelier {n}", start=dt.datetime(year, 3, 10, 8 + n, tzinfo=PARIS))
    make_event(title="Seul", start=dt.datetime(year, 3, 11, 9, tzinfo=PARIS))

    response = client.get(f"{agenda.url}month/{year}/3/", {"kind": "atelier"})

    assert day_cell(response, busy) == [f"Atelier {n}" for n in range(shown)]
    assert day_cell(response, dt.date(year, 3, 11)) == ["Seul"]
    html = response.content.decode()
    # Every date is counted, the hidden ones are one link away, filters kept.
    assert f"{shown + 4} dates ce mois-ci" in html
    link = f"{agenda.url}?kind=atelier&amp;date_from={busy}&amp;date_to={busy}"
    assert f'<a class="calendar__more" href="{link}">3 autres dates le 10 mars</a>' in html
    assert html.count('class="calendar__more"') == 1
    listed = client.get(agenda.url, {"kind": "atelier", "date_from": busy, "date_to": busy})
    assert len(listed.context["occurrences"]) == shown + 3


def test_the_months_table_is_kept_until_an_event_changes(client, agenda, make_event):
    year = timezone.localdate().year + 1
    url = f"{agenda.url}month/{year}/3/"
    first = make_event(title="Premier", start=dt.datetime(year, 3, 10, 9, tzinfo=PARIS))
    assert day_cell(client.get(url), dt.date(year, 3, 10)) == ["Premier"]

    # A write that tells nobody is not seen: the table was kept...
    EventPage.objects.filter(pk=first.pk).update(title="Muet")
    assert day_cell(client.get(url), dt.date(year, 3, 10)) == ["Premier"]
    # ...and a publication is seen at once, with the other filters' tables left alone.
    make_event(title="Second", start=dt.datetime(year, 3, 10, 11, tzinfo=PARIS))
    assert day_cell(client.get(url), dt.date(year, 3, 10)) == ["Muet", "Second"]
    assert day_cell(client.get(url, {"kind": "foire-salon"}), dt.date(year, 3, 10)) == []


def test_month_is_a_table_of_weeks_from_monday_in_the_active_language(client, agenda, agenda_en):
    response = client.get(agenda_en.url + "month/2027/3/")
    html = response.content.decode()

    assert '<caption id="calendar-caption">Calendar of March 2027' in html
    headers = re.findall(r'<th scope="col">.*?<span class="visually-hidden">(\w+)</span>', html)
    assert headers == [
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
    ]
    # March 2027 starts on a Monday and fills five weeks.
    html = response.content.decode()
    body = html[html.index("<tbody>") : html.index("</tbody>")]
    assert body.count("<tr>") == 5
    first = re.search(
        r'<td class="calendar__day[^"]*"[^>]*>.*?<time datetime="([^"]+)"', body, re.S
    )
    assert first.group(1) == "2027-03-01"

    french = client.get(agenda.url + "month/2027/3/").content.decode()
    assert '<span class="visually-hidden">lundi</span>' in french


def test_month_marks_today_and_links_to_the_months_around(client, agenda):
    today = timezone.localdate()

    response = client.get(f"{agenda.url}month/{today.year}/{today.month}/", {"kind": "atelier"})
    html = response.content.decode()

    assert html.count('aria-current="date"') == 1
    assert re.search(
        rf'<td class="calendar__day[^"]*" aria-current="date">\s*<span class="calendar__date">'
        rf'<time datetime="{today:%Y-%m-%d}">',
        html,
    )
    previous = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    following = (today.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    assert (
        f'href="{agenda.url}month/{previous.year}/{previous.month}/?kind=atelier" rel="prev"'
        in html
    )
    assert (
        f'href="{agenda.url}month/{following.year}/{following.month}/?kind=atelier" rel="next"'
        in html
    )


def test_month_navigation_crosses_years(client, agenda):
    html = client.get(agenda.url + "month/2027/1/").content.decode()
    assert f'href="{agenda.url}month/2026/12/" rel="prev"' in html
    html = client.get(agenda.url + "month/2027/12/").content.decode()
    assert f'href="{agenda.url}month/2028/1/" rel="next"' in html


@pytest.mark.parametrize("path", ["month/2027/13/", "month/2027/0/", "month/99999/1/"])
def test_month_out_of_range_is_not_found(client, agenda, path):
    assert client.get(agenda.url + path).status_code == 404


def test_month_applies_filters(client, agenda, make_event):
    year = timezone.localdate().year + 1
    make_event(title="Atelier", start=dt.datetime(year, 3, 10, 14, tzinfo=PARIS))
    make_event(
        title="Webinaire",
        kind=EventKind.WEBINAR,
        start=dt.datetime(year, 3, 10, 18, tzinfo=PARIS),
    )

    response = client.get(f"{agenda.url}month/{year}/3/", {"kind": EventKind.WEBINAR})

    assert day_cell(response, dt.date(year, 3, 10)) == ["Webinaire"]


# Map.


def test_map_json_is_geojson_of_upcoming_dates_with_coordinates(client, agenda, make_event):
    event = make_event(
        title="Atelier à Nantes",
        start=dt.datetime(2027, 7, 1, 18, 0, tzinfo=PARIS),
        latitude=Decimal("47.218371"),
        longitude=Decimal("-1.553621"),
    )
    make_event(title="Sans lieu", start=in_days(3))
    make_event(
        title="Passé",
        start=in_days(-3),
        latitude=Decimal("47.2"),
        longitude=Decimal("-1.5"),
    )
    make_event(
        title="Webinaire",
        kind=EventKind.WEBINAR,
        start=in_days(4),
        latitude=Decimal("48.85"),
        longitude=Decimal("2.35"),
    )

    response = client.get(agenda.url + "map/json/", {"kind": EventKind.WORKSHOP})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    data = response.json()
    assert data["type"] == "FeatureCollection"
    assert data["features"] == [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [-1.553621, 47.218371]},
            "properties": {
                "title": "Atelier à Nantes",
                "url": event.url,
                "start": "2027-07-01T18:00:00+02:00",
                "end": "2027-07-01T20:00:00+02:00",
                "time_zone": "Europe/Paris",
                "all_day": False,
                "cancelled": False,
                "kind": str(EventKind.WORKSHOP.label),
                "venue": "Maison de l’ESS",
            },
        }
    ]


def test_map_page_lists_the_mapped_dates_and_loads_leaflet_only_there(client, agenda, make_event):
    make_event(
        title="Atelier à Nantes",
        start=in_days(5),
        latitude=Decimal("47.218371"),
        longitude=Decimal("-1.553621"),
    )
    make_event(title="Sans lieu", start=in_days(3))

    response = client.get(agenda.url + "map/", {"q": "atelier"})

    assert response.status_code == 200
    assert [o.page.title for o in response.context["occurrences"]] == ["Atelier à Nantes"]
    html = response.content.decode()
    assert "/static/vendor/leaflet/leaflet.js" in html
    assert "/static/js/events-map.js" in html
    assert f'data-source="{agenda.url}map/json/?q=atelier"' in html
    assert "<script>" not in html
    assert "leaflet" not in client.get(agenda.url).content.decode()


# Languages.


def test_english_shows_the_english_translation_of_each_event(client, agenda_en, make_event):
    translated = make_event(title="Atelier compostage", start=in_days(3))
    make_event(title="Atelier sans traduction", start=in_days(4))
    english = translate_event(
        translated,
        title="Composting workshop",
        slug="composting-workshop",
        summary="Learn to compost at the foot of your building.",
    )

    response = client.get(agenda_en.url)

    assert response.status_code == 200
    assert listed_titles(response) == ["Composting workshop", "Atelier sans traduction"]
    html = response.content.decode()
    assert f'<a href="{english.url}">Composting workshop</a>' in html
    assert "Learn to compost at the foot of your building." in html
    assert "2 upcoming dates" in html
    # English words find the event through its translation.
    assert listed_titles(client.get(agenda_en.url, {"q": "composting"})) == ["Composting workshop"]
    features = client.get(agenda_en.url + "map/json/").json()["features"]
    assert features == []


def test_english_map_json_and_month_use_the_translations(client, agenda_en, make_event):
    year = timezone.localdate().year + 1
    event = make_event(
        title="Atelier compostage",
        start=dt.datetime(year, 3, 10, 14, tzinfo=PARIS),
        latitude=Decimal("47.2"),
        longitude=Decimal("-1.5"),
    )
    english = translate_event(event, title="Composting workshop", slug="composting-workshop")

    feature = client.get(agenda_en.url + "map/json/").json()["features"][0]
    assert feature["properties"]["title"] == "Composting workshop"
    assert feature["properties"]["url"] == english.url
    assert feature["properties"]["kind"] == "Workshop"
    response = client.get(f"{agenda_en.url}month/{year}/3/")
    assert day_cell(response, dt.date(year, 3, 10)) == ["Composting workshop"]


def test_a_draft_translation_is_not_shown(client, agenda_en, make_event):
    event = make_event(title="Atelier compostage", start=in_days(3))
    english = Locale.objects.get(language_code="en")
    draft = event.copy_for_translation(english)
    draft.title = "Composting workshop (draft)"
    draft.save_revision()

    assert listed_titles(client.get(agenda_en.url)) == ["Atelier compostage"]


# Queries.


def count_queries(client, url):
    client.get(url)  # warms Wagtail's site cache
    cache.clear()  # the month view keeps its table: measure its making
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def make_events(make_event, sectors, territories, count, offset=0):
    year = timezone.localdate().year + 1
    for n in range(offset, offset + count):
        event = make_event(
            title=f"Atelier {n}",
            start=dt.datetime(year, 3, 1 + n, 14, tzinfo=PARIS),
            sectors=[sectors["food"], sectors["housing"]],
            territory=territories["nantes"],
            latitude=Decimal("47.2"),
            longitude=Decimal("-1.5"),
        )
        translate_event(event, title=f"Workshop {n}", slug=f"workshop-{n}")


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("route", ["", "month/{year}/3/", "map/", "map/json/"])
def test_number_of_queries_does_not_grow_with_the_number_of_events(
    client, agenda, agenda_en, make_event, sectors, territories, language, route
):
    index = agenda_en if language == "en" else agenda
    url = index.url + route.format(year=timezone.localdate().year + 1)
    url += "?sector=alimentation&territory=pays-de-la-loire&free=on"

    make_events(make_event, sectors, territories, 3)
    few = count_queries(client, url)
    make_events(make_event, sectors, territories, 12, offset=3)
    many = count_queries(client, url)

    assert few == many
    response = client.get(url)
    if route == "map/json/":
        assert len(response.json()["features"]) == 15
    else:
        expected = "Workshop" if language == "en" else "Atelier"
        assert response.content.decode().count(f"{expected} 14</") == 1


def test_map_uses_the_configured_tile_server(client, agenda, make_event, settings):
    settings.ESSAIM_MAP_TILE_URL = "https://tiles.example.org/{z}/{x}/{y}.png"
    settings.ESSAIM_MAP_TILE_ATTRIBUTION = "© contributeurs"
    html = client.get(agenda.url + "map/").content.decode()
    assert 'data-tiles="https://tiles.example.org/{z}/{x}/{y}.png"' in html
    assert 'data-attribution="© contributeurs"' in html


def test_the_count_of_dates_is_kept_until_an_event_changes(client, agenda, make_event):
    """Counting every upcoming date costs more than the rest of the agenda: it is kept for
    everybody who asks with the same filters, and made again once an event changes."""
    make_event(title="Atelier compostage", start=in_days(3))
    client.get(agenda.url)  # the first page with a footer creates the site's settings
    assert client.get(agenda.url).context["page_obj"].paginator.count == 1
    with CaptureQueriesContext(connection) as queries:
        client.get(agenda.url)
    assert not any("COUNT(" in query["sql"] for query in queries)

    make_event(title="Forum de l’emploi solidaire", start=in_days(5))
    assert client.get(agenda.url).context["page_obj"].paginator.count == 2
    assert listed_titles(client.get(agenda.url)) == [
        "Atelier compostage",
        "Forum de l’emploi solidaire",
    ]
