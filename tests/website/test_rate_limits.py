"""Rate limits on the site's own writes (website/ratelimit.py, ESSAIM_RATE_LIMITS): past the
limit the write is refused with the translated 429 page and Retry-After, nothing is written,
and other people (or other client addresses, for visitors) are not affected."""

import pytest
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext

from events.models import Registration
from network.directory.models import Actor, ActorChange, Membership
from network.spaces.models import Booking
from tests.network import conftest as network_fixtures
from tests.network.booking_helpers import join, make_space, next_week_day
from tests.network.test_views import form_data
from website import ratelimit

pytestmark = pytest.mark.django_db

# The directory's fixtures (tests/network/conftest.py), shared rather than copied.
vocab = network_fixtures.vocab
make_user = network_fixtures.make_user
make_actor = network_fixtures.make_actor

REFUSAL = "You did this too many times in a short while. Please wait a few minutes, then try again."


def refused(response, language="fr"):
    """A 429 carrying the page's message in the request's language (through gettext, so it
    holds before and after the catalogues translate it)."""
    with translation.override(language):
        message = gettext(REFUSAL)
    return (
        response.status_code == 429
        and message in response.content.decode()
        and int(response["Retry-After"]) > 0
    )


@pytest.fixture
def limit_two(settings):
    """Every action limited to 2 attempts an hour: the third is the one refused."""
    settings.ESSAIM_RATE_LIMITS = dict.fromkeys(settings.ESSAIM_RATE_LIMITS, (2, 3600))


def test_every_write_endpoint_has_a_limit_in_the_one_setting():
    assert set(settings.ESSAIM_RATE_LIMITS) == {
        "actor_create",
        "actor_change",
        "join_request",
        "booking_create",
        "registration_create",
        "subscription_request",
        "geocode",
    }
    for attempts, seconds in settings.ESSAIM_RATE_LIMITS.values():
        assert attempts > 0 and seconds > 0


def test_actor_creation_is_limited_per_person(client, vocab, make_user, limit_two):
    awa, omar = make_user(), make_user()
    client.force_login(awa)
    for n in (1, 2):
        data = form_data(vocab, name=f"Café {n}", identifier_kind="", identifier="")
        assert client.post("/fr/directory/new/", data).status_code == 302
    third = client.post("/fr/directory/new/", form_data(vocab, name="Café 3", identifier=""))
    assert refused(third)
    assert Actor.objects.count() == 2  # the refused one was never written
    assert client.get("/fr/directory/new/").status_code == 200  # reading does not count
    client.force_login(omar)
    data = form_data(vocab, name="Café d’Omar", identifier_kind="", identifier="")
    assert client.post("/fr/directory/new/", data).status_code == 302


def test_change_proposals_are_limited(client, vocab, make_user, make_actor, limit_two):
    admin = make_user()
    make_actor(admin=admin, name="Café", slug="cafe")
    client.force_login(admin)
    for name in ("Café Un", "Café Deux"):
        assert client.post("/fr/directory/cafe/edit/", form_data(vocab, name=name)).status_code == (
            302
        )
    assert refused(client.post("/fr/directory/cafe/edit/", form_data(vocab, name="Café Trois")))
    assert not ActorChange.objects.filter(data__name="Café Trois").exists()


def test_join_requests_are_limited_across_actors_and_umbrellas(
    client, make_user, make_actor, limit_two
):
    person = make_user()
    first, second, third = make_actor(), make_actor(), make_actor()
    client.force_login(person)
    assert client.post(f"/fr/directory/{first.slug}/join/").status_code == 302
    assert client.post(f"/fr/directory/{second.slug}/join/").status_code == 302
    assert refused(client.post(f"/fr/directory/{third.slug}/join/"))
    assert not Membership.objects.filter(actor=third).exists()
    # The umbrella form counts in the same bucket.
    make_actor(admin=person, slug="mine")
    assert refused(client.post("/fr/directory/mine/umbrella/", {"umbrella": first.pk}))
    client.force_login(make_user())
    assert client.post(f"/fr/directory/{third.slug}/join/").status_code == 302


def test_booking_requests_are_limited(client, vocab, make_user, make_actor, limit_two):
    actor = make_actor()
    person = join(make_user(), actor)
    space = make_space(vocab["nantes"])
    client.force_login(person)
    day = next_week_day()

    def book(hour):
        return client.post(
            f"/fr/directory/spaces/{space.slug}/book/",
            {
                "actor": actor.slug,
                "date": day.isoformat(),
                "start_time": f"{hour:02d}:00",
                "end_time": f"{hour + 1:02d}:00",
                "purpose": "Réunion",
                "attendees": 5,
            },
        )

    assert book(9).status_code == 302
    assert book(11).status_code == 302
    assert refused(book(14))
    assert Booking.objects.count() == 2


def test_event_registrations_are_limited(client, make_event, django_user_model, limit_two):
    events = [make_event(capacity=10) for _ in range(3)]
    person = django_user_model.objects.create_user(email="awa@coop.example", password="x" * 12)
    client.force_login(person)
    occurrences = [event.occurrences.get() for event in events]
    for occurrence in occurrences[:2]:
        response = client.post(f"/fr/events/occurrences/{occurrence.pk}/register/")
        assert response.status_code == 302
    assert refused(client.post(f"/fr/events/occurrences/{occurrences[2].pk}/register/"))
    assert Registration.objects.filter(user=person).count() == 2


def test_the_public_subscription_form_is_limited_per_client_address(client, limit_two):
    data = {"email": "visiteuse@mail.example", "frequency": "immediate", "kinds": ["workshop"]}
    for _ in range(2):
        assert client.post("/en/events/subscribe/", data).status_code == 200
    assert refused(client.post("/en/events/subscribe/", data), language="en")
    other = client.post("/en/events/subscribe/", data, REMOTE_ADDR="192.0.2.7")
    assert other.status_code == 200


def test_the_window_is_fixed_and_opens_again_when_it_ends(rf, settings, django_user_model):
    settings.ESSAIM_RATE_LIMITS = {"booking_create": (2, 600)}
    request = rf.post("/")
    request.user = django_user_model.objects.create_user(email="a@b.example", password="x" * 12)
    start = 6000.0  # the start of a 600 s window
    assert ratelimit.consume(request, "booking_create", now=start) is None
    assert ratelimit.consume(request, "booking_create", now=start + 10) is None
    assert ratelimit.consume(request, "booking_create", now=start + 100) == 500
    assert ratelimit.consume(request, "booking_create", now=start + 600) is None
    assert ratelimit.consume(request, "unknown_action", now=start) is None  # no limit set
