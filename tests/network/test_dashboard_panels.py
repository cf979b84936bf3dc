"""The admin's dashboard shows each role of the directory what waits for it (issue 18,
item 1): moderators the actors and changes to review, the managers of meeting spaces the
booking requests to decide, each counted and linked."""

import datetime as dt

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from network.directory.models import ActorChange, ActorStatus
from network.spaces import services as booking
from network.spaces.models import Booking

from .booking_helpers import local, make_space, next_week_day

pytestmark = pytest.mark.django_db

REVIEW = 'id="network-review-section"'
BOOKINGS = 'id="network-booking-requests-section"'


@pytest.fixture
def admin_user(make_user):
    def make(email, **fields):
        user = make_user(email, preferred_language="en", **fields)
        user.user_permissions.add(Permission.objects.get(codename="access_admin"))
        return user

    return make


@pytest.fixture
def english_moderator(moderator):
    moderator.preferred_language = "en"
    moderator.save(update_fields=["preferred_language"])
    return moderator


def test_moderators_see_the_actors_and_changes_to_review(client, english_moderator, make_actor):
    client.force_login(english_moderator)
    quiet = client.get("/admin/").content.decode()
    assert REVIEW in quiet
    assert "Nothing waits for review." in quiet

    make_actor(status=ActorStatus.PENDING)
    make_actor(status=ActorStatus.PENDING)
    original = make_actor(name="Original")
    make_actor(status=ActorStatus.DUPLICATE, duplicate_of=original)
    ActorChange.objects.create(actor=original, data={"name": "Autre"})
    html = client.get("/admin/").content.decode()
    assert "2 new actors" in html
    assert "1 potential duplicate" in html
    assert "1 proposed change" in html
    assert 'href="/admin/directory/review/#review-new"' in html
    assert 'href="/admin/directory/review/#review-duplicates"' in html
    assert 'href="/admin/directory/review/#review-changes"' in html


def test_people_who_do_not_moderate_see_no_review_panel(client, admin_user, make_actor):
    make_actor(status=ActorStatus.PENDING)
    client.force_login(admin_user("editrice@ville.example"))
    html = client.get("/admin/").content.decode()
    assert REVIEW not in html
    assert BOOKINGS not in html


def test_space_managers_see_the_requests_waiting_for_them_by_space(
    client, vocab, admin_user, make_user, make_actor
):
    manager = admin_user("gestion@ville.example")
    person = make_user()
    actor = make_actor(admin=person)
    hall = make_space(
        vocab["nantes"], slug="salle-a", name="Salle A", manager=manager, requires_approval=True
    )
    room = make_space(
        vocab["nantes"], slug="salle-b", name="Salle B", manager=manager, requires_approval=True
    )
    elsewhere = make_space(
        vocab["dakar"], slug="salle-c", name="Salle C", manager=make_user(), requires_approval=True
    )
    day = next_week_day()
    for space, hours in ((hall, (9, 11)), (room, (9,)), (elsewhere, (9,))):
        for hour in hours:
            booking.booking_create(
                space=space,
                actor=actor,
                user=person,
                start=local(day, hour),
                end=local(day, hour + 1),
                purpose="Réunion",
                attendees=4,
            )
    # A request whose time passed is expired, whatever its row still says.
    Booking.objects.filter(space=room).update(expires_at=timezone.now() - dt.timedelta(hours=1))

    client.force_login(manager)
    html = client.get("/admin/").content.decode()
    assert BOOKINGS in html
    assert "Salle A: 2 requests" in html
    assert "Salle B" not in html
    assert "Salle C" not in html
    assert "Decide on 2 requests" in html
    assert 'href="/en/directory/spaces/manage/"' in html
    # The page the panel links to lists the same requests: the expired one is not there.
    queue = client.get("/en/directory/spaces/manage/").content.decode()
    assert queue.count("Salle A") >= 2 and "Salle B" not in queue


def test_a_manager_with_nothing_to_decide_is_told_so(client, vocab, admin_user):
    manager = admin_user("gestion@ville.example")
    make_space(vocab["nantes"], manager=manager)
    client.force_login(manager)
    html = client.get("/admin/").content.decode()
    assert "No booking request waits for a decision." in html


def test_the_panels_cost_the_same_queries_whatever_waits(
    client, vocab, english_moderator, make_user, make_actor
):
    moderator = english_moderator
    moderator.is_superuser = True  # a superuser manages every space, and moderates
    moderator.save()
    space = make_space(vocab["nantes"], manager=moderator, requires_approval=True)
    person = make_user()
    actor = make_actor(admin=person)
    day = next_week_day()

    def wait(n, first_hour):
        for index in range(n):
            make_actor(status=ActorStatus.PENDING)
            booking.booking_create(
                space=space,
                actor=actor,
                user=person,
                start=local(day, first_hour + index),
                end=local(day, first_hour + index + 1),
                purpose="Réunion",
                attendees=4,
            )

    client.force_login(moderator)
    wait(1, 8)
    client.get("/admin/")
    with CaptureQueriesContext(connection) as one:
        client.get("/admin/")
    wait(4, 9)
    client.get("/admin/")
    with CaptureQueriesContext(connection) as five:
        html = client.get("/admin/").content.decode()
    assert "5 new actors" in html and "Decide on 5 requests" in html
    assert len(five) == len(one)


def test_the_panels_speak_the_administrators_language(client, vocab, moderator, make_actor):
    moderator.is_superuser = True
    moderator.save()
    space = make_space(vocab["nantes"], name="Salle A", requires_approval=True)
    person = moderator
    actor = make_actor(admin=person)
    make_actor(status=ActorStatus.PENDING)
    booking.booking_create(
        space=space,
        actor=actor,
        user=person,
        start=local(next_week_day(), 9),
        end=local(next_week_day(), 10),
        purpose="Réunion",
        attendees=4,
    )
    client.force_login(moderator)
    html = client.get("/admin/").content.decode()
    assert "Annuaire\u00a0: en attente de validation" in html
    assert "1 nouvel acteur" in html
    assert "Salles de réunion\u00a0: demandes à traiter" in html
    assert "Salle A\u00a0: 1 demande" in html
    assert 'href="/fr/directory/spaces/manage/"' in html
