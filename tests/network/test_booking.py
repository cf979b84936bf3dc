"""Booking meeting spaces: the rules, the guarantee at the database, series, approval and
permissions. The concurrent requests are in test_booking_concurrency.py."""

import datetime as dt
import email

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from network.spaces import services
from network.spaces.models import Booking, Closure

from .booking_helpers import PARIS, book, join, local, make_space, next_week_day

pytestmark = pytest.mark.usefixtures("in_english")


def test_back_to_back_bookings_are_accepted(space, requester):
    day = next_week_day()
    book(space, requester, local(day, 10), local(day, 11))
    book(space, requester, local(day, 11), local(day, 12))
    book(space, requester, local(day, 9), local(day, 10))
    assert Booking.objects.occupying().count() == 3


def test_an_overlapping_booking_is_refused_as_slot_taken(space, requester):
    day = next_week_day()
    book(space, requester, local(day, 10), local(day, 12))
    with pytest.raises(ValidationError) as refused:
        book(space, requester, local(day, 11, 30), local(day, 13))
    assert refused.value.code == services.SLOT_TAKEN
    assert Booking.objects.count() == 1


def test_zero_length_bookings_are_refused_by_the_service_and_the_database(space, requester):
    day = next_week_day()
    with pytest.raises(ValidationError, match="end must be after the start"):
        book(space, requester, local(day, 10), local(day, 10))
    good = book(space, requester, local(day, 10), local(day, 11))[0]
    with pytest.raises(IntegrityError), transaction.atomic():
        Booking.objects.filter(pk=good.pk).update(end=good.start)


def test_cancelled_bookings_do_not_block_and_reactivating_one_conflicts(space, requester):
    day = next_week_day()
    first = book(space, requester, local(day, 10), local(day, 11))[0]
    services.booking_cancel(booking=first, user=requester)
    second = book(space, requester, local(day, 10), local(day, 11))[0]
    assert second.occupies
    # Whatever path tries to make the cancelled row occupy again, the database refuses it.
    with pytest.raises(IntegrityError), transaction.atomic():
        Booking.objects.filter(pk=first.pk).update(status="confirmed", occupies=True)
    first.refresh_from_db()
    assert first.status == Booking.Status.CANCELLED


def test_the_buffer_keeps_time_free_after_each_booking(vocab, manager, requester):
    space = make_space(vocab["nantes"], manager=manager, buffer=dt.timedelta(minutes=30))
    day = next_week_day()
    book(space, requester, local(day, 10), local(day, 11))
    with pytest.raises(ValidationError):
        book(space, requester, local(day, 11, 15), local(day, 12))
    with pytest.raises(ValidationError):  # its own buffer would run into the 10:00 booking
        book(space, requester, local(day, 9), local(day, 9, 45))
    book(space, requester, local(day, 11, 30), local(day, 12))
    book(space, requester, local(day, 8), local(day, 9, 30))


def _problem(space, requester, start, end, **kwargs):
    with pytest.raises(ValidationError) as refused:
        book(space, requester, start, end, **kwargs)
    assert Booking.objects.count() == 0
    return " ".join(refused.value.messages)


def test_every_rule_is_enforced_by_the_service(vocab, manager, requester):
    space = make_space(
        vocab["nantes"],
        manager=manager,
        min_duration=dt.timedelta(hours=1),
        max_duration=dt.timedelta(hours=3),
        min_notice=dt.timedelta(days=2),
        horizon=dt.timedelta(days=30),
        capacity=20,
    )
    day = next_week_day()
    Closure.objects.create(space=space, starts_on=day, ends_on=day, reason="Travaux")
    other = day + dt.timedelta(days=1)
    assert "closed that day" in _problem(space, requester, local(day, 10), local(day, 11))
    assert "not open" in _problem(space, requester, local(other, 6), local(other, 9))
    assert "not open" in _problem(space, requester, local(other, 21), local(other, 23))
    assert "at least 1 h." in _problem(space, requester, local(other, 10), local(other, 10, 30))
    assert "at most 3 h." in _problem(space, requester, local(other, 9), local(other, 13))
    soon = dt.date.today() + dt.timedelta(days=1)
    assert "ahead" in _problem(space, requester, local(soon, 10), local(soon, 11))
    far = dt.date.today() + dt.timedelta(days=60)
    assert "days ahead at most" in _problem(space, requester, local(far, 10), local(far, 11))
    assert "20 people at most" in _problem(
        space, requester, local(other, 10), local(other, 11), attendees=21
    )
    with pytest.raises(ValidationError, match="Say what"):
        book(space, requester, local(other, 10), local(other, 11), purpose="  ")


def test_the_quota_of_active_bookings_per_actor(vocab, manager, requester):
    space = make_space(vocab["nantes"], manager=manager, max_active_per_actor=2)
    day = next_week_day()
    book(space, requester, local(day, 9), local(day, 10))
    book(space, requester, local(day, 10), local(day, 11))
    assert "already has 2 active bookings" in _problem_keep(
        space, requester, local(day, 11), local(day, 12)
    )


def _problem_keep(space, requester, start, end):
    with pytest.raises(ValidationError) as refused:
        book(space, requester, start, end)
    return " ".join(refused.value.messages)


def test_only_members_of_the_actor_book_on_its_behalf(space, requester, make_user):
    outsider = make_user("dehors@example.org")
    day = next_week_day()
    with pytest.raises(PermissionDenied):
        services.booking_create(
            space=space,
            actor=requester.actor,
            user=outsider,
            start=local(day, 10),
            end=local(day, 11),
            purpose="x",
            attendees=2,
        )


def test_a_weekly_series_keeps_its_local_time_across_both_dst_changes(space, requester):
    now = dt.datetime(2027, 1, 4, 9, tzinfo=dt.UTC)
    start = dt.datetime(2027, 1, 13, 18, 30, tzinfo=PARIS)  # a Wednesday, winter time
    created = book(
        space,
        requester,
        start,
        start + dt.timedelta(hours=2),
        repeat=services.Repeat.WEEKLY,
        until=dt.date(2027, 11, 24),
        now=now,
    )
    assert len(created) == 46
    assert len({booking.series for booking in created}) == 1
    for booking in created:
        local_start, local_end = booking.start.astimezone(PARIS), booking.end.astimezone(PARIS)
        assert (local_start.time(), local_end.time()) == (dt.time(18, 30), dt.time(20, 30))
        assert local_start.weekday() == 2
    utc_hours = {booking.start.astimezone(dt.UTC).hour for booking in created}
    assert utc_hours == {16, 17}  # summer and winter time: the UTC hour moves, not the local one
    march = [b for b in created if b.start.month in (3, 4) and b.start.year == 2027]
    assert {b.start.astimezone(dt.UTC).hour for b in march} == {16, 17}


def test_a_series_reports_conflicts_and_the_requester_chooses(space, requester, make_user):
    day = next_week_day()
    taken = day + dt.timedelta(weeks=2)
    book(space, requester, local(taken, 18), local(taken, 19))
    with pytest.raises(ValidationError) as refused:
        book(
            space,
            requester,
            local(day, 18),
            local(day, 20),
            repeat=services.Repeat.WEEKLY,
            until=day + dt.timedelta(weeks=3),
        )
    assert len(refused.value.messages) == 1
    assert "already taken" in refused.value.messages[0]
    assert Booking.objects.count() == 1  # all or nothing: nothing
    created = book(
        space,
        requester,
        local(day, 18),
        local(day, 20),
        repeat=services.Repeat.WEEKLY,
        until=day + dt.timedelta(weeks=3),
        skip_conflicts=True,
    )
    assert [b.start.date() for b in created] == [
        day,
        day + dt.timedelta(weeks=1),
        day + dt.timedelta(weeks=3),
    ]


def test_approval_declines_the_colliding_requests_in_the_same_transaction(
    vocab, manager, requester, make_user, make_actor
):
    space = make_space(vocab["nantes"], manager=manager, requires_approval=True)
    rival = join(make_user("rivale@example.org"), make_actor())
    rival.actor = rival.actor_memberships.get().actor
    day = next_week_day()
    mine = book(space, requester, local(day, 10), local(day, 12))[0]
    theirs = book(space, rival, local(day, 11), local(day, 13))[0]
    apart = book(space, rival, local(day, 12), local(day, 13))[0]
    assert (mine.status, mine.occupies) == (Booking.Status.PENDING, False)

    with pytest.raises(PermissionDenied):
        services.booking_approve(booking=mine, user=requester)
    services.booking_approve(booking=mine, user=manager)

    mine.refresh_from_db()
    theirs.refresh_from_db()
    apart.refresh_from_db()
    assert (mine.status, mine.occupies) == (Booking.Status.CONFIRMED, True)
    assert theirs.status == Booking.Status.DECLINED
    assert "Another request" in theirs.reason
    assert apart.status == Booking.Status.PENDING  # back to back: no collision
    with pytest.raises(ValidationError):
        services.booking_approve(booking=theirs, user=manager)


def test_declining_needs_a_reason_and_only_managers_decide(vocab, manager, requester):
    space = make_space(vocab["nantes"], manager=manager, requires_approval=True)
    day = next_week_day()
    request = book(space, requester, local(day, 10), local(day, 12))[0]
    with pytest.raises(PermissionDenied):
        services.booking_decline(booking=request, user=requester, reason="non")
    with pytest.raises(ValidationError, match="reason"):
        services.booking_decline(booking=request, user=manager, reason=" ")
    services.booking_decline(booking=request, user=manager, reason="Salle réservée à la mairie")
    request.refresh_from_db()
    assert request.status == Booking.Status.DECLINED


def test_nobody_sees_or_cancels_someone_elses_booking(client, space, requester, make_user, manager):
    day = next_week_day()
    booking = book(space, requester, local(day, 10), local(day, 12))[0]
    stranger = make_user("curieuse@example.org")
    client.force_login(stranger)
    assert client.get(reverse("spaces:booking", args=[booking.pk])).status_code == 404
    assert client.post(reverse("spaces:booking_cancel", args=[booking.pk])).status_code == 404
    with pytest.raises(PermissionDenied):
        services.booking_cancel(booking=booking, user=stranger)
    with pytest.raises(ValidationError, match="reason"):
        services.booking_cancel(booking=booking, user=manager)
    client.force_login(requester)
    assert client.get(reverse("spaces:booking", args=[booking.pk])).status_code == 200
    client.force_login(manager)
    page = client.get(reverse("spaces:booking", args=[booking.pk]))
    assert page.status_code == 200
    services.booking_cancel(booking=booking, user=manager, reason="Dégât des eaux")
    booking.refresh_from_db()
    assert (booking.status, booking.occupies, booking.sequence) == ("cancelled", False, 1)


def _calendar_part(message):
    parsed = email.message_from_bytes(message.message().as_bytes())
    assert parsed.get_content_type() == "multipart/mixed"
    alternative = parsed.get_payload()[0]
    assert alternative.get_content_type() == "multipart/alternative"
    part = alternative.get_payload()[-1]
    assert part.get_content_type() == "text/calendar"
    return part


def test_the_requester_gets_a_request_invite_then_a_cancel(
    space, requester, django_capture_on_commit_callbacks
):
    day = next_week_day()
    with django_capture_on_commit_callbacks(execute=True):
        booking = book(space, requester, local(day, 10), local(day, 12))[0]
    (confirmed,) = [m for m in mail.outbox if requester.email in m.to]
    part = _calendar_part(confirmed)
    assert part.get_param("method") == "REQUEST"
    body = part.get_payload(decode=True).decode()
    assert f"UID:{booking.uid}" in body.replace("\r\n ", "")
    assert "METHOD:REQUEST" in body and "ATTENDEE" in body and "ORGANIZER" in body
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.booking_cancel(booking=booking, user=requester)
    (cancelled,) = [m for m in mail.outbox if requester.email in m.to]
    body = _calendar_part(cancelled).get_payload(decode=True).decode()
    assert "METHOD:CANCEL" in body and "STATUS:CANCELLED" in body and "SEQUENCE:1" in body


def test_managers_hear_of_new_requests(
    vocab, manager, requester, django_capture_on_commit_callbacks
):
    space = make_space(vocab["nantes"], manager=manager, requires_approval=True)
    day = next_week_day()
    with django_capture_on_commit_callbacks(execute=True):
        book(space, requester, local(day, 10), local(day, 12))
    assert [m.to for m in mail.outbox] == [[manager.email]]
    assert "/directory/spaces/manage/" in mail.outbox[0].body


def test_the_booking_endpoint_answers_409_when_the_slot_is_taken(client, space, requester):
    day = next_week_day()
    book(space, requester, local(day, 10), local(day, 12))
    client.force_login(requester)
    response = client.post(
        reverse("spaces:space_book", args=[space.slug]),
        {
            "actor": requester.actor.slug,
            "date": day.isoformat(),
            "start_time": "11:00",
            "end_time": "12:00",
            "purpose": "Réunion",
            "attendees": 5,
        },
    )
    assert response.status_code == 409
    assert "just taken" in response.content.decode()


def test_the_search_does_not_grow_in_queries_with_the_number_of_spaces(
    client, space, requester, vocab, manager
):
    day = next_week_day()
    book(space, requester, local(day, 10), local(day, 12))
    url = reverse("spaces:spaces") + f"?date={day.isoformat()}&time=10:30&duration=60&capacity=5"

    def count():
        cache.clear()  # the menus and the footer are kept: measure their making
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        return len(queries), response.content.decode()

    make_space(vocab["nantes"], slug="salle-0", manager=manager)
    count()  # the first page of a site creates its settings row
    few, _ = count()
    for index in range(1, 8):
        make_space(vocab["nantes"], slug=f"salle-{index}", manager=manager)
    many, content = count()
    assert many == few
    # The booked space is not free then; the others are.
    assert "/spaces/salle-7/" in content and f"/spaces/{space.slug}/" not in content


def test_the_week_view_is_a_table_with_headers_and_says_booked_in_words(client, space, requester):
    day = next_week_day()
    book(space, requester, local(day, 10), local(day, 12))
    response = client.get(
        reverse("spaces:space", args=[space.slug]) + f"?week={day.isoformat()}",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    text = response.content.decode()
    assert response.status_code == 200
    assert "<caption>" in text and 'scope="row"' in text and 'scope="col"' in text
    assert "slot--booked" in text
    assert requester.actor.name not in text  # the public does not learn who booked


def test_the_demo_has_spaces_in_several_cities_bookings_and_a_weekly_series(full_demo):
    from network.spaces import demo as booking_demo
    from network.spaces.models import Space

    booking_demo.load()  # a second run changes nothing
    cities = set(Space.objects.values_list("territory__slug", flat=True))
    assert {"nantes", "quebec", "dakar"} <= cities
    assert Space.objects.filter(requires_approval=True).exists()
    assert Booking.objects.filter(status="pending").count() == 1
    series = Booking.objects.exclude(series=None).values_list("series", flat=True)
    assert len(set(series)) == 1 and len(series) >= 10
    assert Booking.objects.filter(status="confirmed", series=None).count() == 2


def test_housekeeping_expires_stale_requests_and_reminds_once(
    vocab, manager, requester, django_capture_on_commit_callbacks
):
    from network.spaces.tasks import bookings_housekeeping

    approval = make_space(vocab["nantes"], manager=manager, slug="doulon", requires_approval=True)
    day = next_week_day()
    request = book(approval, requester, local(day, 10), local(day, 11))[0]
    open_space = make_space(vocab["nantes"], slug="open")
    book(open_space, requester, local(day, 10), local(day, 11))
    later = local(day, 10, 5)
    assert services.bookings_housekeeping(now=later) == {"expired": 1, "reminded": 0}
    request.refresh_from_db()
    assert request.status == Booking.Status.EXPIRED
    with pytest.raises(ValidationError):
        services.booking_approve(booking=request, user=manager)

    mail.outbox.clear()
    day_before = local(day, 9) - dt.timedelta(hours=12)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.bookings_housekeeping(now=day_before)["reminded"] == 1
        assert services.bookings_housekeeping(now=day_before)["reminded"] == 0
        bookings_housekeeping()  # the task, now: nothing due
    assert [m.to for m in mail.outbox] == [[requester.email]]  # one reminder, no invite
    assert not mail.outbox[0].alternatives


def test_a_race_past_the_checks_is_stopped_by_the_database_as_slot_taken(space, requester):
    """The constraint (PostgreSQL, SQLSTATE 23P01) or trigger (SQLite) answers, and the service
    turns it into the same clean refusal, leaving the transaction usable."""
    day = next_week_day()
    first = book(space, requester, local(day, 10), local(day, 12))[0]
    racer = Booking(
        space=space,
        actor=first.actor,
        requested_by=requester,
        uid="racer@test",
        start=local(day, 11),
        end=local(day, 13),
        occupied_until=local(day, 13),
        status=Booking.Status.CONFIRMED,
        occupies=True,
        purpose="x",
        attendees=1,
    )
    with transaction.atomic():
        with pytest.raises(ValidationError) as refused:
            services._insert(racer)
        assert refused.value.code == services.SLOT_TAKEN
        assert Booking.objects.count() == 1  # still usable after the refused insert


def test_the_form_shows_each_broken_rule_and_each_conflicting_date_of_a_series(
    client, space, requester
):
    day = next_week_day()
    book(
        space,
        requester,
        local(day + dt.timedelta(weeks=1), 10),
        local(day + dt.timedelta(weeks=1), 11),
    )
    client.force_login(requester)
    url = reverse("spaces:space_book", args=[space.slug])
    data = {
        "actor": requester.actor.slug,
        "date": day.isoformat(),
        "start_time": "06:00",
        "end_time": "07:00",
        "purpose": "Réunion",
        "attendees": 5,
    }
    closed = client.post(url, data, HTTP_ACCEPT_LANGUAGE="en")
    assert closed.status_code == 400
    assert "not open at that time" in closed.content.decode()
    series = client.post(
        url,
        {
            **data,
            "start_time": "10:00",
            "end_time": "11:00",
            "repeat": "weekly",
            "until": (day + dt.timedelta(weeks=2)).isoformat(),
        },
    )
    assert series.status_code == 400
    assert "already taken" in series.content.decode()
    assert Booking.objects.count() == 1
    skipped = client.post(
        url,
        {
            **data,
            "start_time": "10:00",
            "end_time": "11:00",
            "repeat": "weekly",
            "until": (day + dt.timedelta(weeks=2)).isoformat(),
            "skip_conflicts": "on",
        },
    )
    assert skipped.status_code == 302
    assert Booking.objects.count() == 3


def test_a_visitor_never_sees_a_stale_week_once_a_booking_changes(
    client, settings, space, requester, manager
):
    """The week view is kept whole for visitors (website/cache.py): booking, then cancelling,
    must show at once."""
    settings.ESSAIM_PAGE_CACHE = True
    day = next_week_day()
    url = reverse("spaces:space", args=[space.slug]) + f"?week={day.isoformat()}"
    client.get(url)  # the first request of a new site makes its settings' row
    assert "slot--booked" not in client.get(url).content.decode()
    assert client.get(url)["X-Essaim-Cache"] == "hit"
    (booking,) = book(space, requester, local(day, 10), local(day, 12))
    response = client.get(url)
    assert response["X-Essaim-Cache"] == "miss"
    assert "slot--booked" in response.content.decode()
    services.booking_cancel(booking=booking, user=manager, reason="Travaux")
    assert "slot--booked" not in client.get(url).content.decode()


def test_the_space_page_shows_its_photo_described_by_its_title(client, space):
    from wagtail.images.models import Image
    from wagtail.images.tests.utils import get_test_image_file

    space.photo = Image.objects.create(
        title="La grande salle, avec sa scène et ses fenêtres sur le parc",
        file=get_test_image_file(),
    )
    space.save()
    text = client.get(reverse("spaces:space", args=[space.slug])).content.decode()
    assert 'alt="La grande salle, avec sa scène et ses fenêtres sur le parc"' in text
    assert "<img" in text.split("<h1>")[1].split("</figure>")[0]


def test_a_booking_of_one_date_says_date_in_the_singular(client, space, requester):
    day = next_week_day()
    client.force_login(requester)
    response = client.post(
        reverse("spaces:space_book", args=[space.slug]),
        {
            "actor": requester.actor.slug,
            "date": day.isoformat(),
            "start_time": "10:00",
            "end_time": "11:00",
            "purpose": "Réunion",
            "attendees": 5,
        },
        follow=True,
    )
    page = response.content.decode()
    assert "(1 date)." in page
    assert "date(s)" not in page


def test_the_search_counts_free_spaces_in_words_that_agree(client, space):
    day = next_week_day()
    url = reverse("spaces:spaces") + f"?date={day.isoformat()}&time=10:30&duration=90"
    with translation.override("fr"):
        page = client.get(url.replace("/en/", "/fr/")).content.decode()
    assert "1 salle libre le" in page
    assert "libre(s)" not in page
    assert "1\u00a0h\u00a030" in page
