"""Bookings in calendars: each space's feed for its managers, and the requester's personal
feed. Same UID as the invites, TENTATIVE while a manager decides, conditional GET."""

import datetime as dt

import icalendar
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from network.spaces import services
from network.spaces.models import Booking
from network.spaces.notifications import booking_invite
from website.calendars.models import CalendarFeedToken
from website.calendars.services import calendar_feed_token_regenerate

from .booking_helpers import book_one as book
from .booking_helpers import join, local, next_week_day

pytestmark = pytest.mark.usefixtures("in_english")


@pytest.fixture
def requester(make_requester, make_actor):
    return make_requester(actor=make_actor(name="Recyclerie du Breil"))


def feed_url(space, user):
    token = CalendarFeedToken.objects.filter(user=user).first()
    token = token or calendar_feed_token_regenerate(user=user)
    return reverse("spaces:space_feed", args=[space.slug, token.token])


def personal_url(user):
    token = CalendarFeedToken.objects.filter(user=user).first()
    token = token or calendar_feed_token_regenerate(user=user)
    return reverse("calendars:personal_feed", kwargs={"token": token.token})


def vevents(response):
    calendar = icalendar.Calendar.from_ical(response.content)
    return {str(v["UID"]): v for v in calendar.walk("VEVENT")}


# The space's feed, for its managers.


def test_space_feed_lists_confirmed_bookings_and_pending_requests_as_tentative(
    client, space, approval_space, manager, requester
):
    day = next_week_day()
    confirmed = book(space, requester, local(day, 10), local(day, 12))
    cancelled = book(space, requester, local(day, 14), local(day, 15))
    services.booking_cancel(booking=cancelled, user=requester)
    other_space = book(approval_space, requester, local(day, 10), local(day, 12))

    response = client.get(feed_url(space, manager))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert "private" in response["Cache-Control"]
    found = vevents(response)
    assert set(found) == {confirmed.uid}
    entry = found[confirmed.uid]
    assert entry["STATUS"] == "CONFIRMED"
    assert entry.decoded("DTSTART") == confirmed.start
    assert "Recyclerie du Breil" in str(entry["SUMMARY"])
    assert "Salle des fêtes" in str(entry["LOCATION"])

    pending = vevents(client.get(feed_url(approval_space, manager)))
    assert pending[other_space.uid]["STATUS"] == "TENTATIVE"


def test_space_feed_uid_and_sequence_are_those_of_the_invites(client, space, manager, requester):
    booking = book(space, requester, local(next_week_day(), 10), local(next_week_day(), 12))
    invite = booking_invite(
        [booking], attendee_email="demandeuse@example.org", attendee_name="", method="REQUEST"
    )
    (mailed,) = invite.walk("VEVENT")
    (listed,) = vevents(client.get(feed_url(space, manager))).values()
    assert str(listed["UID"]) == str(mailed["UID"]) == booking.uid
    assert listed["SEQUENCE"] == mailed["SEQUENCE"]


def test_space_feed_is_404_unless_the_token_owner_manages_the_space(
    client, space, manager, requester, make_user
):
    assert client.get(feed_url(space, requester)).status_code == 404
    bad = reverse("spaces:space_feed", args=[space.slug, "not-a-token"])
    assert client.get(bad).status_code == 404
    token = calendar_feed_token_regenerate(user=manager).token
    assert client.get(reverse("spaces:space_feed", args=["nope", token])).status_code == 404
    boss = make_user("admin@ville.example", is_superuser=True)
    assert client.get(feed_url(space, boss)).status_code == 200
    manager.is_active = False
    manager.save()
    assert client.get(feed_url(space, manager)).status_code == 404


def test_regenerating_the_personal_token_revokes_the_space_feed_address(client, space, manager):
    old = feed_url(space, manager)
    assert client.get(old).status_code == 200
    calendar_feed_token_regenerate(user=manager)
    assert client.get(old).status_code == 404
    assert client.get(feed_url(space, manager)).status_code == 200


def test_space_feed_answers_304_until_a_booking_changes(client, approval_space, manager, requester):
    day = next_week_day()
    booking = book(approval_space, requester, local(day, 10), local(day, 12))
    url = feed_url(approval_space, manager)
    first = client.get(url)
    etag, modified = first["ETag"], first["Last-Modified"]
    assert client.get(url, headers={"if-none-match": etag}).status_code == 304
    assert client.get(url, headers={"if-modified-since": modified}).status_code == 304

    services.booking_approve(
        booking=booking, user=manager, now=booking.created_at + dt.timedelta(minutes=1)
    )
    approved = client.get(url, headers={"if-none-match": etag})
    assert approved.status_code == 200
    assert vevents(approved)[booking.uid]["STATUS"] == "CONFIRMED"
    assert approved["ETag"] != etag

    # Leaving the feed changes both validators.
    services.booking_cancel(
        booking=booking, user=requester, now=booking.created_at + dt.timedelta(minutes=2)
    )
    gone = client.get(url, headers={"if-none-match": approved["ETag"]})
    assert gone.status_code == 200
    assert vevents(gone) == {}
    assert (
        client.get(url, headers={"if-modified-since": approved["Last-Modified"]}).status_code == 200
    )


def test_space_feed_query_count_does_not_grow_with_the_number_of_bookings(
    client, space, manager, requester
):
    url = feed_url(space, manager)
    day = next_week_day()

    def count():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        return len(queries), len(vevents(response))

    book(space, requester, local(day, 8), local(day, 9))
    few, served = count()
    assert served == 1
    for hour in range(10, 20):
        book(space, requester, local(day, hour), local(day, hour, 30))
    many, served = count()
    assert served == 11
    assert many == few


def test_manage_page_links_each_managed_space_to_its_feed(client, space, manager):
    client.force_login(manager)
    page = client.get(reverse("spaces:spaces_manage")).content.decode()
    assert "space-feed-link" not in page
    assert reverse("calendars:feed_regenerate") in page
    url = feed_url(space, manager)
    page = client.get(reverse("spaces:spaces_manage")).content.decode()
    assert url in page
    assert client.get(url).status_code == 200


# The requester's personal feed.


def test_personal_feed_lists_my_bookings_with_the_uid_of_their_invites(
    client, space, approval_space, requester, make_user
):
    day = next_week_day()
    confirmed = book(space, requester, local(day, 10), local(day, 12))
    pending = book(approval_space, requester, local(day, 10), local(day, 12))
    colleague = join(make_user("collegue@example.org"), requester.actor)
    colleague.actor = requester.actor
    theirs = book(space, colleague, local(day, 14), local(day, 15))

    response = client.get(personal_url(requester))
    assert response.status_code == 200
    found = vevents(response)
    assert set(found) == {confirmed.uid, pending.uid}
    assert theirs.uid not in found
    assert found[confirmed.uid]["STATUS"] == "CONFIRMED"
    assert found[pending.uid]["STATUS"] == "TENTATIVE"
    invite = booking_invite(
        [confirmed], attendee_email="demandeuse@example.org", attendee_name="", method="REQUEST"
    )
    assert str(next(iter(invite.walk("VEVENT")))["UID"]) == confirmed.uid


def test_a_cancelled_booking_leaves_the_personal_feed_and_changes_its_validators(
    client, space, requester
):
    day = next_week_day()
    booking = book(space, requester, local(day, 10), local(day, 12))
    url = personal_url(requester)
    first = client.get(url)
    assert set(vevents(first)) == {booking.uid}
    assert client.get(url, headers={"if-none-match": first["ETag"]}).status_code == 304

    services.booking_cancel(
        booking=booking, user=requester, now=booking.created_at + dt.timedelta(minutes=5)
    )
    after = client.get(url, headers={"if-none-match": first["ETag"]})
    assert after.status_code == 200
    assert vevents(after) == {}
    assert after["ETag"] != first["ETag"]
    assert client.get(url, headers={"if-modified-since": first["Last-Modified"]}).status_code == 200
    assert Booking.objects.get(pk=booking.pk).status == Booking.Status.CANCELLED


def test_personal_feed_query_count_does_not_grow_with_the_number_of_bookings(
    client, space, requester
):
    url = personal_url(requester)
    day = next_week_day()

    def count():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        return len(queries), len(vevents(response))

    book(space, requester, local(day, 8), local(day, 9))
    few, served = count()
    for hour in range(10, 16):
        book(space, requester, local(day, hour), local(day, hour, 30))
    many, served = count()
    assert served == 7
    assert many == few


# A series in the personal feed: one recurring VEVENT, as in its invites.


def _series(space, user, day, weeks):
    return services.booking_create(
        space=space,
        actor=user.actor,
        user=user,
        start=local(day, 18),
        end=local(day, 20),
        purpose="Conseil",
        attendees=8,
        repeat=services.Repeat.WEEKLY,
        until=day + dt.timedelta(weeks=weeks - 1),
    )


def _expanded(calendar, uid):
    """(start, STATUS) of each date of ``uid`` as a client expands it."""
    import recurring_ical_events

    found = recurring_ical_events.of(calendar).between(
        dt.datetime(2000, 1, 1, tzinfo=dt.UTC), dt.datetime(2100, 1, 1, tzinfo=dt.UTC)
    )
    return [
        (occurrence.decoded("DTSTART"), str(occurrence["STATUS"]))
        for occurrence in found
        if str(occurrence["UID"]) == uid
    ]


def test_personal_feed_shows_a_series_as_its_invites_do(client, space, requester):
    from network.spaces.notifications import series_uid

    day = next_week_day()
    created = _series(space, requester, day, 5)
    services.booking_cancel(booking=created[1], user=requester)
    rows = list(Booking.objects.filter(series=created[0].series).order_by("start"))
    invite = booking_invite(
        rows, attendee_email="demandeuse@example.org", attendee_name="", method="REQUEST"
    )
    (mailed,) = invite.walk("VEVENT")

    calendar = icalendar.Calendar.from_ical(client.get(personal_url(requester)).content)
    (listed,) = calendar.walk("VEVENT")
    uid = series_uid(created[0].series)
    assert str(listed["UID"]) == str(mailed["UID"]) == uid
    for name in ("SEQUENCE", "DTSTART", "DTEND", "RRULE", "EXDATE"):
        assert listed[name].to_ical() == mailed[name].to_ical(), name
    assert listed["SEQUENCE"] == 1
    assert [start for start, _status in _expanded(calendar, uid)] == [
        b.start for b in rows if b.status == Booking.Status.CONFIRMED
    ]


def test_personal_feed_shows_the_dates_of_a_series_waiting_for_a_manager_as_tentative(
    client, approval_space, manager, requester
):
    from network.spaces.notifications import series_uid

    day = next_week_day()
    created = _series(approval_space, requester, day, 4)
    uid = series_uid(created[0].series)
    url = personal_url(requester)
    calendar = icalendar.Calendar.from_ical(client.get(url).content)
    assert {status for _start, status in _expanded(calendar, uid)} == {"TENTATIVE"}

    services.booking_approve(booking=created[0], user=manager)
    services.booking_decline(booking=created[2], user=manager, reason="Travaux")
    calendar = icalendar.Calendar.from_ical(client.get(url).content)
    assert _expanded(calendar, uid) == [
        (created[0].start, "CONFIRMED"),
        (created[1].start, "TENTATIVE"),
        (created[3].start, "TENTATIVE"),
    ]
    assert len({str(v["UID"]) for v in calendar.walk("VEVENT")}) == 1


def test_personal_feed_query_count_does_not_grow_with_the_number_of_series(
    client, space, requester
):
    url = personal_url(requester)
    day = next_week_day()

    def count():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        return len(queries), len(vevents(response))

    book(space, requester, local(day, 8), local(day, 9))
    _series(space, requester, day, 3)
    few, served = count()
    assert served == 2
    for offset in (1, 2, 3):
        _series(space, requester, day + dt.timedelta(days=offset), 3)
    many, served = count()
    assert served == 5
    assert many == few
