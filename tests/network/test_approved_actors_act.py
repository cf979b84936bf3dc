"""Only approved actors act (issue 18, item 1): an actor waiting for review, sent back,
archived or flagged as a potential duplicate books no space, runs no programme or call,
publishes no need or offer and joins no umbrella network. The services refuse it, whatever
the forms offer, with a message in the reader's language."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from network.directory import services
from network.directory.models import Actor, ActorStatus, NeedOffer
from network.incubators import services as incubators
from network.incubators.models import Call, Programme
from network.spaces import services as booking
from network.spaces.models import Booking

from .booking_helpers import join, local, make_space, next_week_day
from .test_views import form_data

pytestmark = pytest.mark.django_db

NOT_APPROVED_STATUSES = [
    ActorStatus.PENDING,
    ActorStatus.DUPLICATE,
    ActorStatus.DRAFT,
    ActorStatus.ARCHIVED,
]


@pytest.fixture
def manufacture(vocab, make_user):
    """The demo's room that confirms bookings at once."""
    return make_space(
        vocab["nantes"],
        slug="salle-de-la-manufacture",
        name="Salle de la Manufacture",
        manager=make_user("gestion@ville.example"),
        requires_approval=False,
    )


def book(space, actor, user, hour=10, **kwargs):
    day = next_week_day()
    return booking.booking_create(
        space=space,
        actor=actor,
        user=user,
        start=local(day, hour),
        end=local(day, hour + 1),
        purpose="Assemblée générale",
        attendees=12,
        **kwargs,
    )


def booking_data(actor_slug, hour=10):
    return {
        "actor": actor_slug,
        "date": next_week_day().isoformat(),
        "start_time": f"{hour:02d}:00",
        "end_time": f"{hour + 1:02d}:00",
        "purpose": "Réunion",
        "attendees": 5,
    }


def test_an_actor_created_on_the_site_is_not_offered_for_booking_and_its_booking_is_refused(
    client, vocab, make_user, manufacture
):
    person = make_user()
    client.force_login(person)
    assert client.post("/fr/directory/new/", form_data(vocab)).status_code == 302
    actor = Actor.objects.get()
    assert actor.status == ActorStatus.PENDING

    url = reverse("spaces:space_book", args=[manufacture.slug])
    page = client.get(url)
    assert f'value="{actor.slug}"' not in page.content.decode()
    assert list(page.context["form"].fields["actor"].queryset) == []

    # Even a request made by hand, past the form, confirms nothing.
    response = client.post(url, booking_data(actor.slug))
    assert response.status_code == 400
    assert not Booking.objects.exists()


@pytest.mark.parametrize("status", NOT_APPROVED_STATUSES)
def test_the_booking_service_refuses_an_actor_that_is_not_published(
    status, make_user, make_actor, manufacture
):
    person = make_user()
    actor = make_actor(admin=person, status=status)
    with pytest.raises(ValidationError) as refused:
        book(manufacture, actor, person)
    assert refused.value.code == services.NOT_APPROVED
    assert actor.name in " ".join(refused.value.messages)
    assert not Booking.objects.exists()


def test_throwaway_actors_do_not_get_round_the_quota_per_actor(make_user, make_actor, vocab):
    space = make_space(vocab["nantes"], slug="petite-salle", max_active_per_actor=1)
    person = make_user()
    approved = make_actor(admin=person)
    book(space, approved, person, hour=9)
    with pytest.raises(ValidationError):
        book(space, approved, person, hour=11)  # the quota
    for n in range(3):
        throwaway = services.actor_create(
            user=person,
            values={"name": f"Coquille vide {n}", "territory": vocab["dakar"]},
        )
        with pytest.raises(ValidationError) as refused:
            book(space, throwaway, person, hour=12 + n)
        assert refused.value.code == services.NOT_APPROVED
    assert Booking.objects.count() == 1


def test_an_actor_checked_when_the_booking_is_made_not_when_the_form_was_read(
    make_user, make_actor, manufacture
):
    person = make_user()
    actor = make_actor(admin=person)
    Actor.objects.filter(pk=actor.pk).update(status=ActorStatus.ARCHIVED)
    with pytest.raises(ValidationError):
        book(manufacture, actor, person)  # the instance still says "published"


def test_only_approved_actors_are_offered_and_may_be_booked_for(make_user, make_actor):
    person = make_user()
    approved = make_actor(admin=person, name="B Approuvé")
    waiting = make_actor(admin=person, name="A En attente", status=ActorStatus.PENDING)
    archived = make_actor(admin=person, name="C Archivé", status=ActorStatus.ARCHIVED)
    assert list(booking.actors_for_booking(person)) == [approved]
    assert booking.can_book_for(person, approved)
    assert not booking.can_book_for(person, waiting)
    assert not booking.can_book_for(person, archived)


def test_the_booking_form_says_which_of_their_actors_wait_for_approval(
    client, make_user, make_actor, manufacture
):
    person = make_user(preferred_language="en")
    make_actor(admin=person, name="Coop en attente", status=ActorStatus.PENDING)
    client.force_login(person)
    page = client.get(f"/en/directory/spaces/{manufacture.slug}/book/").content.decode()
    assert "Coop en attente is not offered: it is waiting for a moderator’s approval." in page
    make_actor(admin=person, name="Autre coop", status=ActorStatus.PENDING)
    with translation.override("fr"):
        page = client.get(f"/fr/directory/spaces/{manufacture.slug}/book/").content.decode()
    assert "ne sont pas proposés : ils attendent la validation" in page


def test_a_manager_cannot_confirm_the_request_of_an_actor_archived_since(
    vocab, make_user, make_actor
):
    manager = make_user("gestion@ville.example")
    space = make_space(vocab["nantes"], slug="sur-demande", manager=manager, requires_approval=True)
    person = make_user()
    actor = make_actor(admin=person)
    (request,) = book(space, actor, person)
    Actor.objects.filter(pk=actor.pk).update(status=ActorStatus.ARCHIVED)
    with pytest.raises(ValidationError) as refused:
        booking.booking_approve(booking=request, user=manager)
    assert refused.value.code == services.NOT_APPROVED
    request.refresh_from_db()
    assert request.status == Booking.Status.PENDING


@pytest.mark.parametrize("status", NOT_APPROVED_STATUSES)
def test_an_actor_that_is_not_published_publishes_no_need_or_offer(status, make_user, make_actor):
    person = make_user()
    actor = make_actor(admin=person, status=status)
    with pytest.raises(ValidationError) as refused:
        services.need_offer_create(
            actor=actor,
            user=person,
            kind="need",
            category="premises",
            title="Un local",
            expires_on=timezone.localdate() + dt.timedelta(days=30),
        )
    assert refused.value.code == services.NOT_APPROVED
    assert not NeedOffer.objects.exists()


def test_the_needs_page_of_a_pending_actor_says_why_nothing_can_be_added(
    client, make_user, make_actor
):
    person = make_user()
    actor = make_actor(admin=person, name="Coop en attente", status=ActorStatus.PENDING)
    client.force_login(person)
    url = f"/en/directory/{actor.slug}/needs/"
    assert "waiting for a moderator&#x27;s approval" in client.get(url).content.decode()
    response = client.post(
        url,
        {
            "kind": "need",
            "category": "premises",
            "title": "Un local",
            "description": "",
            "expires_on": (timezone.localdate() + dt.timedelta(days=30)).isoformat(),
        },
    )
    assert response.status_code == 200
    assert "waiting for a moderator&#x27;s approval" in response.content.decode()
    assert not NeedOffer.objects.exists()


@pytest.mark.parametrize("status", NOT_APPROVED_STATUSES)
def test_an_incubator_that_is_not_published_runs_no_programme_or_call(
    status, make_user, make_actor, vocab
):
    person = make_user()
    incubator = make_actor(admin=person, is_incubator=True)
    programme = incubators.programme_create(
        user=person, actor=incubator, values={"name": "Pépinière", "territory": vocab["nantes"]}
    )
    now = timezone.now()
    call = incubators.call_create(
        user=person,
        programme=programme,
        values={
            "title": "Appel de printemps",
            "cadence": "one_off",
            "time_zone": "Europe/Paris",
            "opens_at": now + dt.timedelta(days=1),
            "closes_at": now + dt.timedelta(days=20),
            "apply_url": "https://pepiniere.example/candidater",
        },
    )
    Actor.objects.filter(pk=incubator.pk).update(status=status)
    incubator.refresh_from_db()
    attempts = [
        lambda: incubators.programme_create(
            user=person, actor=incubator, values={"name": "Autre", "territory": vocab["nantes"]}
        ),
        lambda: incubators.programme_update(user=person, programme=programme, values={}),
        lambda: incubators.call_create(
            user=person,
            programme=programme,
            values={
                "title": "Deuxième appel",
                "cadence": "one_off",
                "time_zone": "Europe/Paris",
                "opens_at": now,
                "closes_at": now + dt.timedelta(days=10),
                "apply_url": "https://pepiniere.example/candidater",
            },
        ),
        lambda: incubators.call_update(user=person, call=call, values={"opens_at": now}),
    ]
    for attempt in attempts:
        with pytest.raises(ValidationError) as refused:
            attempt()
        assert refused.value.code == services.NOT_APPROVED
    assert Programme.objects.count() == 1
    assert Call.objects.get().opens_at > now


def test_an_actor_that_is_not_published_joins_no_umbrella_network(make_user, make_actor):
    person = make_user()
    umbrella = make_actor(admin=make_user(), is_umbrella=True, name="Réseau")
    waiting = make_actor(admin=person, status=ActorStatus.PENDING)
    with pytest.raises(ValidationError) as refused:
        services.umbrella_join_request(umbrella=umbrella, member=waiting, user=person)
    assert refused.value.code == services.NOT_APPROVED
    assert not umbrella.member_links.exists()


@pytest.mark.parametrize(
    ("language", "status", "expected"),
    [
        ("en", ActorStatus.PENDING, "Coop is waiting for a moderator's approval: once approved"),
        ("fr", ActorStatus.PENDING, "La fiche de Coop attend la validation de l’équipe de"),
        ("en", ActorStatus.ARCHIVED, "Coop is archived: it can no longer book spaces"),
        ("fr", ActorStatus.ARCHIVED, "La fiche de Coop est archivée\u00a0: elle ne permet plus"),
        ("en", ActorStatus.DRAFT, "Coop is not published yet: edit it to submit it for review."),
        ("fr", ActorStatus.DRAFT, "La fiche de Coop n’est pas encore publiée\u00a0: modifiez-la"),
    ],
)
def test_the_refusal_says_why_in_the_readers_language(
    language, status, expected, make_user, make_actor
):
    actor = make_actor(name="Coop", status=status)
    with translation.override(language), pytest.raises(ValidationError) as refused:
        services.require_approved_actor(actor)
    assert expected in refused.value.messages[0]


def test_approved_actors_still_act(make_user, make_actor, manufacture):
    person = make_user()
    actor = make_actor(admin=person)
    join(make_user(), actor)
    (confirmed,) = book(manufacture, actor, person)
    assert confirmed.status == Booking.Status.CONFIRMED
