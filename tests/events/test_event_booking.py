"""An event held in a booked meeting space: the page's place comes from the space (one rule,
``EventPage.place``), and the page refuses a booking that is not confirmed or does not cover
its first date."""

import copy
import datetime as dt
from decimal import Decimal

import icalendar
import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection
from django.forms.models import apply_limit_choices_to_to_formfield
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from events import ical
from events.models import EventPage
from network.spaces import services
from network.spaces.models import Space
from tests.factories.directory import MembershipFactory, TerritoryFactory
from tests.factories.spaces import SpaceFactory
from tests.network.booking_helpers import book_one, local, next_week_day

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_english")]


@pytest.fixture
def nantes(db):
    return TerritoryFactory(name="Nantes", slug="nantes-ville")


def make_space(territory, slug="salle-manufacture", **fields):
    """The Salle de la Manufacture, where it is on the map (the page takes its place)."""
    place = {
        "name": "Salle de la Manufacture",
        "address": "10 boulevard de Stalingrad\n44000 Nantes",
        "latitude": Decimal("47.220000"),
        "longitude": Decimal("-1.535000"),
    }
    return SpaceFactory(territory=territory, slug=slug, **{**place, **fields})


@pytest.fixture
def member(nantes):
    membership = MembershipFactory(
        user__email="benevole@asso.example", actor__name="Café associatif"
    )
    user = membership.user
    user.actor = membership.actor
    return user


def book(space, user, start, end):
    return book_one(space, user, start, end, purpose="Atelier vélo", attendees=20)


@pytest.fixture
def booking(nantes, member):
    day = next_week_day()
    return book(make_space(nantes), member, local(day, 13), local(day, 18))


def test_an_event_in_a_booked_space_takes_its_place_from_the_space(make_event, booking):
    event = make_event(
        start=booking.start + dt.timedelta(hours=1),
        end=booking.end - dt.timedelta(hours=1),
        booking=booking,
        venue_name="",
        address="",
    )
    assert event.place.space == booking.space
    assert event.place.name == "Salle de la Manufacture"
    # Stored too, so that listings, search, the API and the map say the same.
    assert event.venue_name == "Salle de la Manufacture"
    assert event.address == "10 boulevard de Stalingrad\n44000 Nantes"
    assert event.latitude == Decimal("47.220000")

    (vevent,) = ical.event_vevents(event)
    assert str(vevent["LOCATION"]) == (
        "Salle de la Manufacture, 10 boulevard de Stalingrad, 44000 Nantes"
    )
    assert vevent["GEO"].latitude == pytest.approx(47.22)

    # The calendar follows the space when its address changes.
    Space.objects.filter(pk=booking.space_id).update(
        address="12 boulevard de Stalingrad\n44000 Nantes"
    )
    event = EventPage.objects.get(pk=event.pk)
    (vevent,) = ical.event_vevents(event)
    assert "12 boulevard de Stalingrad" in str(vevent["LOCATION"])


def test_the_feed_uses_the_place_in_a_fixed_number_of_queries(client, make_event, booking, member):
    def count():
        cache.clear()  # the feed's text is kept: measure its writing
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("events:feed"))
        calendar = icalendar.Calendar.from_ical(response.content)
        found = calendar.walk("VEVENT")
        assert all(str(v["LOCATION"]).startswith("Salle de la Manufacture, ") for v in found)
        return len(queries), len(found)

    make_event(start=booking.start, end=booking.end, booking=booking)
    count()
    few, served = count()
    assert served == 1
    for offset in range(1, 4):
        day = next_week_day(offset)
        other = book(booking.space, member, local(day, 13), local(day, 18))
        make_event(start=other.start, end=other.end, booking=other)
    many, served = count()
    assert served == 4
    assert many == few


def test_the_feed_etag_changes_when_the_booked_space_moves(client, make_event, booking):
    make_event(start=booking.start, end=booking.end, booking=booking)
    url = reverse("events:feed")
    etag = client.get(url)["ETag"]
    assert client.get(url, headers={"if-none-match": etag}).status_code == 304
    Space.objects.filter(pk=booking.space_id).update(address="3 rue Neuve\n44000 Nantes")
    moved = client.get(url, headers={"if-none-match": etag})
    assert moved.status_code == 200
    assert "3 rue Neuve" in moved.content.decode()


def test_a_booking_that_is_not_confirmed_is_refused(make_event, nantes, member):
    space = make_space(nantes, slug="sur-demande", requires_approval=True)
    day = next_week_day()
    pending = book(space, member, local(day, 13), local(day, 18))
    event = make_event(start=local(day, 14), end=local(day, 16))
    event.booking = pending
    with pytest.raises(ValidationError) as refused:
        event.full_clean()
    assert "not confirmed" in " ".join(refused.value.message_dict["booking"])


def test_a_booking_that_does_not_cover_the_first_date_is_refused(make_event, booking):
    event = make_event(start=booking.start - dt.timedelta(hours=1), end=booking.end)
    event.booking = booking
    with pytest.raises(ValidationError) as refused:
        event.full_clean()
    assert "does not cover the event's first date" in refused.value.message_dict["booking"][0]
    event.start = booking.start + dt.timedelta(days=1)
    event.end = event.start + dt.timedelta(hours=1)
    with pytest.raises(ValidationError):
        event.full_clean()
    event.start, event.end = booking.start, booking.end
    event.full_clean()
    assert event.venue_name == "Salle de la Manufacture"


def test_a_cancelled_booking_is_refused_when_the_page_is_saved_again(make_event, booking, member):
    event = make_event(start=booking.start, end=booking.end, booking=booking)
    services.booking_cancel(booking=booking, user=member)
    event = EventPage.objects.get(pk=event.pk)
    with pytest.raises(ValidationError):
        event.full_clean()


def test_the_editor_offers_only_confirmed_bookings(booking, nantes, member):
    space = make_space(nantes, slug="sur-demande", requires_approval=True)
    day = next_week_day()
    pending = book(space, member, local(day, 13), local(day, 18))
    form_class = EventPage.get_edit_handler().get_form_class()
    # What the form does when it is built: apply the field's limit_choices_to.
    field = copy.deepcopy(form_class.base_fields["booking"])
    apply_limit_choices_to_to_formfield(field)
    choices = field.queryset
    assert booking in choices
    assert pending not in choices


def test_the_demo_has_an_event_in_a_booked_space(full_demo):
    event = EventPage.objects.get(slug="atelier-reparation-velos")
    assert event.booking is not None
    assert event.booking.status == "confirmed"
    assert event.venue_name == event.booking.space.name
    assert event.booking.start <= event.start and event.end <= event.booking.end
