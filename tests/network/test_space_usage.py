"""Usage statistics of the meeting spaces: occupancy (booked hours over open hours, from the
opening hours minus the closures, in each space's zone) by month, week, space and territory,
bookings by sector, who may see them, the CSV, and a query count that ignores the bookings."""

import csv
import datetime as dt
import io
import zoneinfo

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from network.spaces import services
from network.spaces.models import Closure
from network.spaces.usage import space_usage

from .booking_helpers import PARIS, make_space

DAKAR = zoneinfo.ZoneInfo("Africa/Dakar")
# Bookings are made as if on this day, so that March 2026 lies ahead of "now".
BOOKED_ON = dt.datetime(2026, 2, 20, 9, 0, tzinfo=dt.UTC)
MARCH = (dt.date(2026, 3, 1), dt.date(2026, 3, 31))


pytestmark = pytest.mark.usefixtures("in_english")


@pytest.fixture
def manager(make_user):
    return make_user("gestion@nantes.example")


@pytest.fixture
def dakar_manager(make_user):
    return make_user("gestion@dakar.example")


@pytest.fixture
def elected(make_user):
    return make_user("elue@ville.example", groups=["Elected officials"])


@pytest.fixture
def spaces(vocab, manager, dakar_manager):
    nantes = make_space(vocab["nantes"], manager=manager)
    Closure.objects.create(
        space=nantes,
        starts_on=dt.date(2026, 3, 10),
        ends_on=dt.date(2026, 3, 11),
        reason="Travaux",
    )
    dakar = make_space(
        vocab["dakar"],
        manager=dakar_manager,
        slug="maison-ess-dakar",
        name="Maison de l’ESS de Dakar",
        time_zone="Africa/Dakar",
    )
    return nantes, dakar


@pytest.fixture
def requester(make_requester, make_actor, vocab):
    return make_requester(actor=make_actor(sectors=[vocab["food"], vocab["housing"]]))


def book(space, user, day, hour, hours, zone=PARIS, minute=0):
    start = dt.datetime.combine(day, dt.time(hour, minute), tzinfo=zone)
    return services.booking_create(
        space=space,
        actor=user.actor,
        user=user,
        start=start,
        end=start + dt.timedelta(hours=hours),
        purpose="Réunion",
        attendees=10,
        now=BOOKED_ON,
    )[0]


@pytest.fixture
def booked(spaces, requester):
    nantes, dakar = spaces
    book(nantes, requester, dt.date(2026, 3, 2), 10, 2)
    # The day clocks go forward in Paris: 10:00 to 14:00 is still 4 hours.
    book(nantes, requester, dt.date(2026, 3, 29), 10, 4)
    cancelled = book(nantes, requester, dt.date(2026, 3, 3), 10, 5)
    services.booking_cancel(booking=cancelled, user=requester, now=BOOKED_ON)
    book(dakar, requester, dt.date(2026, 3, 4), 9, 3, zone=DAKAR)
    # Outside the period: does not count.
    book(nantes, requester, dt.date(2026, 4, 2), 10, 2)
    return spaces


def rows_by_label(rows):
    return {row.label: row for row in rows}


def test_occupancy_is_booked_hours_over_open_hours_minus_closures(booked, superuser):
    figures = space_usage(user=superuser, start=MARCH[0], end=MARCH[1])
    by_space = rows_by_label(figures["by_space"])
    nantes = by_space["Salle des fêtes"]
    # 31 days of 14 hours, minus the 2 days of works.
    assert nantes.open_hours == 29 * 14
    assert nantes.booked_hours == 6
    assert nantes.bookings == 2
    assert nantes.rate == round(100 * 6 / (29 * 14), 1)
    dakar = by_space["Maison de l’ESS de Dakar"]
    assert (dakar.open_hours, dakar.booked_hours, dakar.bookings) == (31 * 14, 3, 1)
    assert figures["total"].booked_hours == 9
    assert figures["total"].bookings == 3

    (march,) = figures["by_month"]
    assert march.key == dt.date(2026, 3, 1)
    assert (march.open_hours, march.booked_hours) == (29 * 14 + 31 * 14, 9)

    weeks = {row.key: row for row in figures["by_week"]}
    assert weeks[dt.date(2026, 3, 2)].booked_hours == 5  # 2 in Nantes, 3 in Dakar
    assert weeks[dt.date(2026, 3, 9)].open_hours == 5 * 14 + 7 * 14  # closure in Nantes
    assert weeks[dt.date(2026, 3, 23)].booked_hours == 4  # the DST Sunday

    territories = rows_by_label(figures["by_territory"])
    assert territories["Nantes"].booked_hours == 6
    assert territories["Dakar"].booked_hours == 3


def test_bookings_by_sector_count_each_sector_of_the_actor(booked, superuser):
    figures = space_usage(user=superuser, start=MARCH[0], end=MARCH[1])
    sectors = rows_by_label(figures["by_sector"])
    assert set(sectors) == {"Food", "Housing"}
    assert sectors["Food"].bookings == 3
    assert sectors["Food"].booked_hours == 9


def test_a_booking_split_by_the_end_of_the_period_counts_only_its_share(
    spaces, requester, superuser
):
    nantes, _dakar = spaces
    book(nantes, requester, dt.date(2026, 3, 31), 20, 2)
    figures = space_usage(user=superuser, start=MARCH[0], end=MARCH[1], space=nantes)
    assert figures["total"].booked_hours == 2
    figures = space_usage(user=superuser, start=MARCH[0], end=dt.date(2026, 3, 30), space=nantes)
    assert figures["total"].booked_hours == 0


@pytest.fixture
def superuser(make_user):
    return make_user("admin@essaim.example", is_superuser=True, is_staff=True)


def test_managers_see_their_spaces_elected_officials_and_superusers_every_space(
    booked, manager, elected, superuser, make_user
):
    mine = space_usage(user=manager, start=MARCH[0], end=MARCH[1])
    assert [space.slug for space in mine["spaces"]] == ["salle-des-fetes"]
    assert {row.label for row in mine["by_territory"]} == {"Nantes"}
    for person in (elected, superuser):
        figures = space_usage(user=person, start=MARCH[0], end=MARCH[1])
        assert len(figures["spaces"]) == 2
    with pytest.raises(PermissionDenied):
        space_usage(user=make_user("curieux@example.org"), start=MARCH[0], end=MARCH[1])


def test_the_page_refuses_others_and_filters_by_territory(
    client, booked, manager, elected, make_user, vocab
):
    url = reverse("spaces:spaces_usage")
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(make_user("curieux@example.org"))
    assert client.get(url).status_code == 403

    client.force_login(manager)
    page = client.get(url, {"start": "2026-03-01", "end": "2026-03-31"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "<caption>" in html
    assert "Salle des fêtes" in html
    assert "Dakar" not in html

    client.force_login(elected)
    html = client.get(url, {"start": "2026-03-01", "end": "2026-03-31"}).content.decode()
    assert "Maison de l’ESS de Dakar" in html
    only = client.get(url, {"start": "2026-03-01", "end": "2026-03-31", "territory": "dakar"})
    assert [s.slug for s in only.context["figures"]["spaces"]] == ["maison-ess-dakar"]
    # A manager cannot ask for a space that is not theirs: the choice does not exist.
    client.force_login(manager)
    other = client.get(url, {"space": "maison-ess-dakar"})
    assert other.context["form"].errors
    assert [s.slug for s in other.context["figures"]["spaces"]] == ["salle-des-fetes"]


def test_the_page_tells_the_total_time_as_a_duration_not_decimal_hours(
    client, spaces, requester, elected
):
    nantes, _dakar = spaces
    book(nantes, requester, dt.date(2026, 3, 2), 10, 2)
    book(nantes, requester, dt.date(2026, 3, 5), 10, 1.5)
    client.force_login(elected)
    period = {"start": "2026-03-01", "end": "2026-03-31"}
    told = {}
    for language in ("fr", "en"):
        with translation.override(language):
            told[language] = client.get(reverse("spaces:spaces_usage"), period).content.decode()
    # 29 days of 14 hours in Nantes (2 closed), 31 in Dakar.
    assert (
        "3\u00a0h\u00a030 réservées sur 840\u00a0h d’ouverture, 2 réservations confirmées."
        in told["fr"]
    )
    assert "3 h 30 min booked out of 840 h open, 2 confirmed bookings." in told["en"]
    assert "3,5 heures" not in told["fr"]


def test_the_csv_gives_the_same_figures(client, booked, elected):
    client.force_login(elected)
    response = client.get(
        reverse("spaces:spaces_usage"),
        {"start": "2026-03-01", "end": "2026-03-31", "format": "csv"},
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:5] == ["Breakdown", "Value", "Open hours", "Booked hours", "Occupancy (%)"]
    by_space = {row[1]: row for row in rows if row[0] == "By space"}
    assert by_space["Salle des fêtes"][2:6] == ["406.0", "6.0", "1.5", "2"]
    sectors = {row[1]: row for row in rows if row[0] == "By sector of the actors"}
    assert sectors["Food"][3] == "9.0"
    assert rows[-1][0] == "Total"


def test_query_count_does_not_grow_with_the_number_of_bookings(client, spaces, requester, elected):
    nantes, dakar = spaces
    client.force_login(elected)
    url = reverse("spaces:spaces_usage")
    params = {"start": "2026-03-01", "end": "2026-03-31"}

    def count():
        cache.clear()  # the menus and the footer are kept: measure their making
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, params)
        assert response.status_code == 200
        return len(queries), response.context["figures"]["total"].bookings

    book(nantes, requester, dt.date(2026, 3, 2), 10, 1)
    count()
    few, counted = count()
    assert counted == 1
    for day in [*range(3, 10), *range(12, 25)]:  # not during the works
        book(nantes, requester, dt.date(2026, 3, day), 12, 1)
        book(dakar, requester, dt.date(2026, 3, day), 12, 1, zone=DAKAR)
    many, counted = count()
    assert counted == 41
    assert many == few
    assert few <= 24  # 9 for the figures and the form, the rest is the site layout
