"""schema.org/Event JSON-LD on event pages, as Google's Event rich results read it.

Every block is parsed from the rendered page and checked twice: against ``EVENT_SCHEMA`` below
(a JSON Schema of the schema.org types and properties we write, with Google's required ones,
validated by ``jsonschema_rs``, which the dev group installs with schemathesis), and by exact
comparison of the values that matter.
"""

import datetime as dt
import json
import zoneinfo
from decimal import Decimal

import jsonschema_rs
import pytest
from bs4 import BeautifulSoup
from wagtail.images.models import Image, Rendition
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import Locale

from events.models import AttendanceMode, Occurrence
from network.directory.models import Actor, ActorStatus, Territory

pytestmark = pytest.mark.django_db

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
SITE = "https://essaim.example"

# What a value of each kind looks like.
DATE = r"^\d{4}-\d{2}-\d{2}$"
DATE_TIME = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$"  # with its offset
DATE_OR_DATE_TIME = {"type": "string", "anyOf": [{"pattern": DATE}, {"pattern": DATE_TIME}]}
HTTPS = {"type": "string", "pattern": r"^https://"}


def _thing(type_name, properties, required=()):
    return {
        "type": "object",
        "properties": {"@type": {"const": type_name}, **properties},
        "required": ["@type", *required],
        "additionalProperties": False,
    }


POSTAL_ADDRESS = _thing(
    "PostalAddress",
    {
        "streetAddress": {"type": "string", "minLength": 1},
        "postalCode": {"type": "string", "pattern": r"^\d{4,5}$"},
        "addressLocality": {"type": "string", "minLength": 1},
        "addressCountry": {"type": "string", "pattern": r"^[A-Z]{2}$"},  # ISO 3166-1
    },
)
POSTAL_ADDRESS["minProperties"] = 2
PLACE = _thing(
    "Place",
    {
        "name": {"type": "string", "minLength": 1},
        "address": POSTAL_ADDRESS,
        "geo": _thing(
            "GeoCoordinates",
            {"latitude": {"type": "number"}, "longitude": {"type": "number"}},
            required=("latitude", "longitude"),
        ),
    },
    # Google: a physical location needs its address.
    required=("address",),
)
VIRTUAL_LOCATION = _thing("VirtualLocation", {"url": HTTPS}, required=("url",))
WEEKDAY = r"^https://schema\.org/(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)$"
EVENT_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    **_thing(
        "Event",
        {
            "@context": {"const": "https://schema.org"},
            "name": {"type": "string", "minLength": 1},
            "description": {"type": "string"},
            "url": HTTPS,
            "inLanguage": {"enum": ["fr", "en"]},
            "image": {"type": "array", "items": HTTPS, "minItems": 1},
            "startDate": DATE_OR_DATE_TIME,
            "endDate": DATE_OR_DATE_TIME,
            "previousStartDate": DATE_OR_DATE_TIME,
            "eventStatus": {
                "enum": [
                    "https://schema.org/EventScheduled",
                    "https://schema.org/EventCancelled",
                    "https://schema.org/EventRescheduled",
                    "https://schema.org/EventPostponed",
                    "https://schema.org/EventMovedOnline",
                ]
            },
            "eventAttendanceMode": {
                "enum": [
                    "https://schema.org/OfflineEventAttendanceMode",
                    "https://schema.org/OnlineEventAttendanceMode",
                    "https://schema.org/MixedEventAttendanceMode",
                ]
            },
            "location": {
                "anyOf": [
                    PLACE,
                    VIRTUAL_LOCATION,
                    {
                        "type": "array",
                        "prefixItems": [PLACE, VIRTUAL_LOCATION],
                        "items": False,
                        "minItems": 2,
                    },
                ]
            },
            "organizer": _thing(
                "Organization",
                {"@id": HTTPS, "name": {"type": "string", "minLength": 1}, "url": HTTPS},
                required=("name",),
            ),
            "offers": _thing(
                "Offer",
                {
                    "url": HTTPS,
                    "price": {"type": "string", "pattern": r"^\d+(\.\d+)?$"},
                    "priceCurrency": {"type": "string", "pattern": r"^[A-Z]{3}$"},  # ISO 4217
                    "validFrom": {"type": "string", "pattern": DATE_TIME},
                    "availability": {
                        "enum": [
                            "https://schema.org/InStock",
                            "https://schema.org/LimitedAvailability",
                            "https://schema.org/SoldOut",
                        ]
                    },
                    "description": {"type": "string", "minLength": 1},
                },
                required=("url", "price", "priceCurrency"),
            ),
            "isAccessibleForFree": {"const": True},
            "maximumAttendeeCapacity": {"type": "integer", "minimum": 0},
            "remainingAttendeeCapacity": {"type": "integer", "minimum": 0},
            "eventSchedule": _thing(
                "Schedule",
                {
                    "repeatFrequency": {"type": "string", "pattern": r"^P\d+[DWMY]$"},
                    "byDay": {
                        "type": "array",
                        "minItems": 1,
                        "items": {
                            "type": "string",
                            # A schema.org DayOfWeek, or iCal's BYDAY text ("1TU", "-1FR").
                            "anyOf": [
                                {"pattern": WEEKDAY},
                                {"pattern": r"^[+-]?\d{1,2}(MO|TU|WE|TH|FR|SA|SU)$"},
                            ],
                        },
                    },
                    "byMonth": {"type": "array", "items": {"type": "integer", "minimum": 1}},
                    "byMonthDay": {
                        "type": "array",
                        "items": {"type": "integer", "minimum": 1, "maximum": 31},
                    },
                    "startDate": {"type": "string", "pattern": DATE},
                    "endDate": {"type": "string", "pattern": DATE},
                    "repeatCount": {"type": "integer", "minimum": 1},
                    "startTime": {"type": "string", "pattern": r"^\d{2}:\d{2}:\d{2}$"},
                    "endTime": {"type": "string", "pattern": r"^\d{2}:\d{2}:\d{2}$"},
                    "duration": {"type": "string", "pattern": r"^P(\d+D)?(T(\d+H)?(\d+M)?)?$"},
                    "scheduleTimezone": {"type": "string", "minLength": 1},
                    "exceptDate": {"type": "array", "items": DATE_OR_DATE_TIME},
                },
                required=("repeatFrequency", "startDate"),
            ),
        },
        # Google's required properties, and those we always know.
        required=(
            "@context",
            "name",
            "url",
            "startDate",
            "endDate",
            "eventStatus",
            "eventAttendanceMode",
            "location",
            "organizer",
            "offers",
        ),
    ),
    # Google: previousStartDate goes with EventRescheduled, and only with it.
    "if": {"required": ["previousStartDate"]},
    "then": {"properties": {"eventStatus": {"const": "https://schema.org/EventRescheduled"}}},
    "else": {
        "properties": {"eventStatus": {"not": {"const": "https://schema.org/EventRescheduled"}}}
    },
}
VALIDATOR = jsonschema_rs.validator_for(EVENT_SCHEMA)


@pytest.fixture(autouse=True)
def _base_url(settings):
    settings.BASE_URL = "https://essaim.example"


@pytest.fixture
def places(db):
    france = Territory.objects.create(
        name="France", slug="france-ld", kind="country", code="FR", country="FR"
    )
    nantes = Territory.objects.create(
        name="Nantes", slug="nantes-ld", kind="commune", code="44109", country="FR", parent=france
    )
    dakar = Territory.objects.create(name="Dakar", slug="dakar-ld", kind="commune", country="SN")
    return {"france": france, "nantes": nantes, "dakar": dakar}


@pytest.fixture
def actor(db):
    return Actor.objects.create(
        name="Compost & Co", slug="compost-and-co", status=ActorStatus.PUBLISHED
    )


def json_ld(client, page):
    """The page's only JSON-LD block, parsed and checked against EVENT_SCHEMA."""
    response = client.get(page.get_url())
    assert response.status_code == 200
    scripts = BeautifulSoup(response.content, "html.parser").find_all(
        "script", type="application/ld+json"
    )
    assert len(scripts) == 1
    data = json.loads(scripts[0].string)
    errors = [f"{error.instance_path}: {error.message}" for error in VALIDATOR.iter_errors(data)]
    assert not errors, errors
    return data


def page_address(page):
    return SITE + page.get_url()


def test_a_single_event_gives_every_property_google_rewards(client, make_event, places, actor):
    event = make_event(
        title="Atelier compostage",
        slug="atelier-compostage",
        latitude=Decimal("47.212345"),
        longitude=Decimal("-1.561"),
        territory=places["nantes"],
        organiser_actor=actor,
        price=Decimal("12.50"),
        capacity=20,
        registration_opens_at=dt.datetime(2027, 2, 1, 9, 0, tzinfo=PARIS),
    )

    data = json_ld(client, event)

    profile = f"{SITE}/fr/directory/compost-and-co/"
    assert data == {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": "Atelier compostage",
        "description": "Apprendre à composter en pied d’immeuble.",
        "url": page_address(event),
        "inLanguage": "fr",
        "startDate": "2027-03-10T14:00:00+01:00",
        "endDate": "2027-03-10T16:00:00+01:00",
        "eventStatus": "https://schema.org/EventScheduled",
        "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
        "location": {
            "@type": "Place",
            "name": "Maison de l’ESS",
            "address": {
                "@type": "PostalAddress",
                "streetAddress": "8 rue Saint-Domingue",
                "postalCode": "44200",
                "addressLocality": "Nantes",
                "addressCountry": "FR",
            },
            "geo": {"@type": "GeoCoordinates", "latitude": 47.212345, "longitude": -1.561},
        },
        # The page's name for the organiser; the link and identity are the actor's profile.
        "organizer": {
            "@type": "Organization",
            "@id": profile,
            "name": "Ville de Nantes",
            "url": profile,
        },
        "maximumAttendeeCapacity": 20,
        "remainingAttendeeCapacity": 20,
        "offers": {
            "@type": "Offer",
            "url": page_address(event),
            "price": "12.50",
            "priceCurrency": "EUR",
            "validFrom": "2027-02-01T09:00:00+01:00",
            "availability": "https://schema.org/InStock",
        },
    }


def test_the_image_is_given_as_absolute_renditions_in_googles_three_shapes(client, make_event):
    image = Image.objects.create(title="Compost", file=get_test_image_file())  # 640 × 480
    event = make_event(image=image)

    urls = json_ld(client, event)["image"]

    assert len(urls) == 3
    assert all(url.startswith(f"{SITE}/media/images/") for url in urls)
    renditions = {r.url: r for r in Rendition.objects.filter(image=image)}
    shapes = [renditions[url.removeprefix(SITE)] for url in urls]
    # 16:9, 4:3 and 1:1, as Google asks; a small original is cropped, never enlarged.
    assert [(r.width, r.height) for r in shapes] == [(640, 360), (640, 480), (480, 480)]


def test_an_event_without_image_has_no_image_property(client, make_event):
    assert "image" not in json_ld(client, make_event())


def test_the_organiser_links_the_actors_profile_only_while_it_is_published(
    client, make_event, actor
):
    event = make_event(organiser_actor=actor)
    assert json_ld(client, event)["organizer"]["url"] == f"{SITE}/fr/directory/compost-and-co/"

    Actor.objects.filter(pk=actor.pk).update(status=ActorStatus.ARCHIVED)
    # No profile to point to, and the site's own address would be a lie about a city.
    assert json_ld(client, event)["organizer"] == {
        "@type": "Organization",
        "name": "Ville de Nantes",
    }


def test_an_organiser_that_is_not_an_actor_has_a_name_and_no_made_up_address(client, make_event):
    assert json_ld(client, make_event())["organizer"] == {
        "@type": "Organization",
        "name": "Ville de Nantes",
    }


@pytest.mark.parametrize(
    ("address", "territory", "expected"),
    [
        (
            "8 rue Saint-Domingue, 44200 Nantes",
            "nantes",
            {
                "streetAddress": "8 rue Saint-Domingue",
                "postalCode": "44200",
                "addressLocality": "Nantes",
                "addressCountry": "FR",
            },
        ),
        (
            "Maison de l’ESS\n8 rue Saint-Domingue\n44200 NANTES CEDEX 1\nFrance",
            None,
            {
                "streetAddress": "Maison de l’ESS, 8 rue Saint-Domingue",
                "postalCode": "44200",
                "addressLocality": "NANTES CEDEX 1",
                "addressCountry": "FR",  # named in the address itself
            },
        ),
        # No postal code: the last part is the town only where the territory says so.
        (
            "Route de l’aéroport, Dakar",
            "dakar",
            {
                "streetAddress": "Route de l’aéroport",
                "addressLocality": "Dakar",
                "addressCountry": "SN",
            },
        ),
        (
            "Route de l’aéroport, Dakar",
            None,
            {"streetAddress": "Route de l’aéroport, Dakar"},
        ),
        (
            "Route de l’aéroport, Dakar, Sénégal",
            None,
            {"streetAddress": "Route de l’aéroport, Dakar", "addressCountry": "SN"},
        ),
        # A metric street number in the countryside is not a French postal code.
        (
            "1250 route de Vannes",
            "nantes",
            {"streetAddress": "1250 route de Vannes", "addressCountry": "FR"},
        ),
        (
            "Rue Royale 1, 1000 Bruxelles, Belgique",
            None,
            {
                "streetAddress": "Rue Royale 1",
                "postalCode": "1000",
                "addressLocality": "Bruxelles",
                "addressCountry": "BE",
            },
        ),
        ("", "nantes", {"addressCountry": "FR"}),
    ],
)
def test_the_address_is_split_into_a_postal_address_without_inventing_anything(
    client, make_event, places, address, territory, expected
):
    event = make_event(address=address, territory=places[territory] if territory else None)

    place = json_ld(client, event)["location"]

    assert place["address"] == {"@type": "PostalAddress", **expected}


def test_a_booked_space_is_the_place_and_its_commune_the_town(client, make_event, places):
    from django.contrib.auth import get_user_model

    from network.directory.models import Membership
    from network.spaces import services as booking
    from tests.network.booking_helpers import local, make_space, next_week_day

    # The space's territory is "the commune where the space is": a truthful town.
    space = make_space(
        places["nantes"],
        address="10 boulevard de Stalingrad",
        latitude=Decimal("47.220000"),
        longitude=Decimal("-1.535000"),
    )
    user = get_user_model().objects.create_user(email="benevole@asso.example", password="x")
    actor = Actor.objects.create(name="Café", slug="cafe-ld", status=ActorStatus.PUBLISHED)
    Membership.objects.create(actor=actor, user=user, status=Membership.Status.ACTIVE)
    day = next_week_day()
    (held,) = booking.booking_create(
        space=space,
        actor=actor,
        user=user,
        start=local(day, 13),
        end=local(day, 18),
        purpose="Atelier",
        attendees=20,
    )
    event = make_event(
        start=local(day, 14),
        end=local(day, 16),
        booking=held,
        venue_name="",
        address="",
        territory=places["dakar"],  # whom the event is for, not where it is
    )

    place = json_ld(client, event)["location"]

    assert place == {
        "@type": "Place",
        "name": "Salle des fêtes",
        "address": {
            "@type": "PostalAddress",
            "streetAddress": "10 boulevard de Stalingrad",
            "addressLocality": "Nantes",
            "addressCountry": "FR",
        },
        "geo": {"@type": "GeoCoordinates", "latitude": 47.22, "longitude": -1.535},
    }


def test_an_online_event_is_a_virtual_location(client, make_event):
    event = make_event(
        attendance_mode=AttendanceMode.ONLINE,
        online_url="https://visio.example/compost",
        venue_name="",
        address="",
    )

    data = json_ld(client, event)

    assert data["eventAttendanceMode"] == "https://schema.org/OnlineEventAttendanceMode"
    assert data["location"] == {"@type": "VirtualLocation", "url": "https://visio.example/compost"}


def test_a_hybrid_event_has_both_places(client, make_event, places):
    event = make_event(
        attendance_mode=AttendanceMode.HYBRID,
        online_url="https://visio.example/compost",
        territory=places["nantes"],
    )

    data = json_ld(client, event)

    assert data["eventAttendanceMode"] == "https://schema.org/MixedEventAttendanceMode"
    place, online = data["location"]
    assert place["@type"] == "Place"
    assert place["address"]["addressLocality"] == "Nantes"
    assert online == {"@type": "VirtualLocation", "url": "https://visio.example/compost"}


def test_a_place_without_a_venue_name_is_not_named_after_the_organiser(client, make_event):
    data = json_ld(client, make_event(venue_name=""))

    assert "name" not in data["location"]


def test_all_day_events_are_plain_dates_ending_on_their_last_day(client, make_event):
    fair = make_event(
        all_day=True,
        start=dt.datetime(2027, 5, 15, 9, 0, tzinfo=PARIS),
        end=dt.datetime(2027, 5, 16, 18, 0, tzinfo=PARIS),
    )
    one_day = make_event(
        all_day=True,
        start=dt.datetime(2027, 5, 20, 0, 0, tzinfo=PARIS),
        # All-day ends are exclusive at midnight: this is the 20th only.
        end=dt.datetime(2027, 5, 21, 0, 0, tzinfo=PARIS),
    )

    fair_data, one_day_data = json_ld(client, fair), json_ld(client, one_day)

    assert (fair_data["startDate"], fair_data["endDate"]) == ("2027-05-15", "2027-05-16")
    assert (one_day_data["startDate"], one_day_data["endDate"]) == ("2027-05-20", "2027-05-20")


def test_dates_carry_the_offset_of_their_own_day_across_daylight_saving(client, make_event):
    # Weekly on Wednesdays at 18:00 in Paris; winter time ends on 28 March 2027.
    event = make_event(
        start=dt.datetime(2027, 3, 24, 18, 0, tzinfo=PARIS),
        recurrence="FREQ=WEEKLY;COUNT=3",
        changes=[(dt.datetime(2027, 3, 24, 18, 0, tzinfo=PARIS), "cancel", None, None)],
    )
    Occurrence.objects.filter(
        event=event, original_start=dt.datetime(2027, 3, 24, 18, 0, tzinfo=PARIS)
    ).delete()  # as if that date had passed

    data = json_ld(client, event)

    assert data["startDate"] == "2027-03-31T18:00:00+02:00"
    assert data["endDate"] == "2027-03-31T20:00:00+02:00"


def test_a_cancelled_next_date_of_a_series_leaves_the_series_scheduled(client, make_event):
    """The series goes on: it is described by its next date that takes place, and the
    cancelled one is an exception of its schedule."""
    first = dt.datetime(2027, 3, 10, 14, 0, tzinfo=PARIS)
    event = make_event(
        start=first,
        recurrence="FREQ=WEEKLY;COUNT=4",
        capacity=20,
        changes=[(first, "cancel", None, None, "Salle indisponible")],
    )

    data = json_ld(client, event)

    assert data["eventStatus"] == "https://schema.org/EventScheduled"
    assert data["startDate"] == "2027-03-17T14:00:00+01:00"
    assert "2027-03-10T14:00:00+01:00" in str(data["eventSchedule"]["exceptDate"])


def test_a_cancelled_date_is_announced_cancelled_on_its_original_date(client, make_event):
    first = dt.datetime(2027, 3, 10, 14, 0, tzinfo=PARIS)
    event = make_event(
        start=first,
        recurrence="FREQ=WEEKLY;COUNT=1",
        capacity=20,
        changes=[(first, "cancel", None, None, "Salle indisponible")],
    )

    data = json_ld(client, event)

    assert data["eventStatus"] == "https://schema.org/EventCancelled"
    assert data["startDate"] == "2027-03-10T14:00:00+01:00"
    assert "previousStartDate" not in data
    # Nothing to book on a cancelled date.
    assert "availability" not in data["offers"]
    assert "remainingAttendeeCapacity" not in data


def test_a_moved_next_date_is_rescheduled_with_its_previous_start(client, make_event):
    first = dt.datetime(2027, 3, 10, 14, 0, tzinfo=PARIS)
    moved = dt.datetime(2027, 3, 11, 18, 0, tzinfo=PARIS)
    event = make_event(
        start=first,
        recurrence="FREQ=WEEKLY;COUNT=4",
        changes=[(first, "move", moved, moved + dt.timedelta(hours=2))],
    )

    data = json_ld(client, event)

    assert data["eventStatus"] == "https://schema.org/EventRescheduled"
    assert data["startDate"] == "2027-03-11T18:00:00+01:00"
    assert data["endDate"] == "2027-03-11T20:00:00+01:00"
    assert data["previousStartDate"] == "2027-03-10T14:00:00+01:00"


def test_a_moved_all_day_date_gives_its_previous_day(client, make_event):
    first = dt.datetime(2027, 6, 1, 0, 0, tzinfo=PARIS)
    moved = dt.datetime(2027, 6, 3, 0, 0, tzinfo=PARIS)
    event = make_event(
        all_day=True,
        start=first,
        end=first + dt.timedelta(days=1),
        recurrence="FREQ=MONTHLY;COUNT=3",
        changes=[(first, "move", moved, moved + dt.timedelta(days=1))],
    )

    data = json_ld(client, event)

    assert (data["startDate"], data["endDate"]) == ("2027-06-03", "2027-06-03")
    assert data["previousStartDate"] == "2027-06-01"


def test_a_weekly_series_describes_its_rule_as_a_schedule(client, make_event):
    first = dt.datetime(2027, 3, 9, 18, 0, tzinfo=PARIS)  # a Tuesday
    event = make_event(
        start=first,
        end=first + dt.timedelta(hours=2),
        recurrence="FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH;COUNT=10",
        changes=[(first + dt.timedelta(days=14), "cancel", None, None)],
    )

    schedule = json_ld(client, event)["eventSchedule"]

    assert schedule == {
        "@type": "Schedule",
        "repeatFrequency": "P2W",
        "byDay": ["https://schema.org/Tuesday", "https://schema.org/Thursday"],
        "startDate": "2027-03-09",
        "repeatCount": 10,
        "startTime": "18:00:00",
        "endTime": "20:00:00",
        "scheduleTimezone": "Europe/Paris",
        "exceptDate": ["2027-03-23T18:00:00+01:00"],
    }


@pytest.mark.parametrize(
    ("rule", "start", "expected"),
    [
        (
            "FREQ=MONTHLY;BYDAY=1TU;UNTIL=20270630",
            dt.datetime(2027, 3, 2, 18, 0, tzinfo=PARIS),
            {"repeatFrequency": "P1M", "byDay": ["1TU"], "endDate": "2027-06-30"},
        ),
        (
            "FREQ=MONTHLY;BYMONTHDAY=15",
            dt.datetime(2027, 3, 15, 18, 0, tzinfo=PARIS),
            {"repeatFrequency": "P1M", "byMonthDay": [15]},
        ),
        # Weekly without BYDAY repeats on the first date's weekday (RFC 5545).
        (
            "FREQ=WEEKLY",
            dt.datetime(2027, 3, 10, 18, 0, tzinfo=PARIS),
            {"repeatFrequency": "P1W", "byDay": ["https://schema.org/Wednesday"]},
        ),
        (
            "FREQ=YEARLY;COUNT=3",
            dt.datetime(2027, 3, 10, 18, 0, tzinfo=PARIS),
            {"repeatFrequency": "P1Y", "byMonth": [3], "byMonthDay": [10], "repeatCount": 3},
        ),
        (
            "FREQ=DAILY;INTERVAL=3;COUNT=5",
            dt.datetime(2027, 3, 10, 18, 0, tzinfo=PARIS),
            {"repeatFrequency": "P3D", "repeatCount": 5},
        ),
    ],
)
def test_each_kind_of_rule_becomes_its_schedule(client, make_event, rule, start, expected):
    event = make_event(start=start, recurrence=rule)

    schedule = json_ld(client, event)["eventSchedule"]

    assert {key: schedule.get(key) for key in expected} == expected
    assert schedule["startDate"] == start.date().isoformat()


def test_a_rule_that_cannot_be_said_truthfully_gives_no_schedule(client, make_event):
    # The last weekday of each month: BYSETPOS has no schema.org equivalent.
    event = make_event(recurrence="FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1;COUNT=3")

    assert "eventSchedule" not in json_ld(client, event)


def test_an_all_day_series_has_no_times_in_its_schedule(client, make_event):
    first = dt.datetime(2027, 4, 3, 0, 0, tzinfo=PARIS)
    event = make_event(
        all_day=True, start=first, end=first + dt.timedelta(days=1), recurrence="FREQ=WEEKLY"
    )

    schedule = json_ld(client, event)["eventSchedule"]

    assert "startTime" not in schedule and "endTime" not in schedule
    assert schedule["startDate"] == "2027-04-03"


def set_seats(event, taken):
    Occurrence.objects.filter(event=event).update(seats_taken=taken)


@pytest.mark.parametrize(
    ("capacity", "taken", "waiting_list", "availability", "remaining"),
    [
        (None, 0, True, "https://schema.org/InStock", None),
        (20, 5, True, "https://schema.org/InStock", 15),
        # A tenth of the seats or fewer left.
        (20, 18, True, "https://schema.org/LimitedAvailability", 2),
        (5, 4, True, "https://schema.org/LimitedAvailability", 1),
        (20, 20, False, "https://schema.org/SoldOut", 0),
    ],
)
def test_offers_say_how_many_seats_are_left(
    client, make_event, capacity, taken, waiting_list, availability, remaining
):
    event = make_event(capacity=capacity, waiting_list_enabled=waiting_list)
    set_seats(event, taken)

    data = json_ld(client, event)

    assert data["offers"]["availability"] == availability
    assert "description" not in data["offers"]
    assert data.get("remainingAttendeeCapacity") == remaining
    assert data.get("maximumAttendeeCapacity") == capacity


def test_a_full_date_with_a_waiting_list_is_sold_out_and_says_the_list_is_open(client, make_event):
    event = make_event(capacity=20, waiting_list_enabled=True)
    set_seats(event, 20)

    offers = json_ld(client, event)["offers"]

    # schema.org has no availability for a waiting list: sold out, in the page's own words.
    assert offers["availability"] == "https://schema.org/SoldOut"
    assert offers["description"] == "Complet · liste d’attente ouverte"


def test_a_free_event_has_price_zero_and_is_accessible_for_free(client, make_event):
    data = json_ld(client, make_event(price=None))

    assert data["isAccessibleForFree"] is True
    assert data["offers"]["price"] == "0"
    assert data["offers"]["priceCurrency"] == "EUR"


def test_a_paying_event_is_not_said_to_be_free(client, make_event):
    data = json_ld(client, make_event(price=Decimal("5"), price_currency="XOF"))

    assert "isAccessibleForFree" not in data
    assert (data["offers"]["price"], data["offers"]["priceCurrency"]) == ("5.00", "XOF")


def test_without_registration_the_offer_gives_the_price_but_no_seats(client, make_event):
    event = make_event(
        registration_enabled=False,
        capacity=20,
        registration_opens_at=dt.datetime(2027, 2, 1, 9, 0, tzinfo=PARIS),
    )

    offers = json_ld(client, event)["offers"]

    assert "availability" not in offers and "validFrom" not in offers


def test_the_english_page_speaks_english_and_links_the_english_profile(client, make_event, actor):
    en = Locale.objects.get(language_code="en")
    event = make_event(organiser_actor=actor, capacity=20, waiting_list_enabled=True)
    set_seats(event, 20)
    english = event.copy_for_translation(en, copy_parents=True)
    english.title = "Composting workshop"
    english.save_revision().publish()

    data = json_ld(client, english)

    assert data["inLanguage"] == "en"
    assert data["name"] == "Composting workshop"
    assert data["url"].startswith(f"{SITE}/en/")
    assert data["organizer"]["url"] == f"{SITE}/en/directory/compost-and-co/"
    assert data["offers"]["description"] == "Full · waiting list open"


def test_the_json_ld_cannot_close_its_script_element(client, make_event):
    event = make_event(title="</script><script>alert(1)</script>", slug="xss-ld")

    response = client.get(event.get_url())

    assert b"</script><script>alert(1)" not in response.content
    assert json_ld(client, event)["name"] == "</script><script>alert(1)</script>"


# The organiser on the page ----------------------------------------------------------------


def organiser_line(client, page):
    soup = BeautifulSoup(client.get(page.get_url()).content, "html.parser")
    facts = soup.select_one(".event__facts dl")
    term = next(dt_ for dt_ in facts.find_all("dt") if dt_.get_text() == "Organisateur")
    return term.find_next_sibling("dd")


def test_the_organiser_line_links_the_actors_profile_with_the_organisers_name(
    client, make_event, actor
):
    line = organiser_line(client, make_event(organiser_actor=actor))

    link = line.find("a")
    assert link["href"] == "/fr/directory/compost-and-co/"
    assert line.get_text() == "Ville de Nantes"


@pytest.mark.parametrize("status", [ActorStatus.PENDING, ActorStatus.ARCHIVED])
def test_an_actor_without_a_public_profile_is_not_linked(client, make_event, actor, status):
    """Chosen while it was published (only published actors can be chosen), then sent back to
    review or archived."""
    event = make_event(organiser_actor=actor)
    Actor.objects.filter(pk=actor.pk).update(status=status)

    line = organiser_line(client, event)

    assert line.find("a") is None
    assert line.get_text() == "Ville de Nantes"
