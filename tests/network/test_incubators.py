"""Incubators' programmes and calls: states computed from the dates (the clock moved), the
rules the database keeps, who may manage them, and alerts sent once per call and subscriber."""

import datetime as dt
import zoneinfo

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from network.directory.models import Follow
from network.incubators import services as incubators
from network.incubators.models import (
    CLOSING_SOON_WITHIN,
    Call,
    CallAlertOptOut,
    CallState,
    Programme,
)
from network.incubators.notifications import CALLS_SCOPE, CLOSING, OPENED
from network.incubators.tasks import calls_alert
from tests.factories.incubators import ProgrammeFactory
from website.notifications import subscribers
from website.notifications.models import DigestItem, Notification, Subscriber

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
T0 = dt.datetime(2027, 3, 1, 9, 0, tzinfo=PARIS)


@pytest.fixture
def clock(monkeypatch):
    """Move "now" for the code under test (everything that calls ``timezone.now()``)."""

    class Clock:
        now = timezone.now()

        def set(self, moment):
            self.now = moment
            monkeypatch.setattr(timezone, "now", lambda: self.now)

    return Clock()


@pytest.fixture
def incubator(make_actor, make_user):
    admin = make_user("incubatrice@pepiniere.example")
    actor = make_actor(name="Pépinière", slug="pepiniere", is_incubator=True, admin=admin)
    actor.admin = admin
    return actor


@pytest.fixture
def programme(incubator, vocab):
    return ProgrammeFactory(
        actor=incubator,
        name="Amorçage",
        slug="amorcage",
        offers_training=True,
        offers_mentoring=True,
        sectors=[vocab["compost"]],
    )


@pytest.fixture
def make_call(programme):
    def make(**fields):
        values = {
            "programme": programme,
            "title": "Promotion",
            "opens_at": T0,
            "closes_at": T0 + dt.timedelta(days=20),
            "apply_url": "https://pepiniere.example/candidater",
        }
        values.update(fields)
        call = Call(**values)
        call.full_clean()
        call.save()
        return call

    return make


def state_of(call, now):
    return Call.objects.with_state(now).get(pk=call.pk).state


# --- states ------------------------------------------------------------------------------


def test_a_call_is_coming_open_closing_soon_then_closed_at_the_right_moments(make_call, clock):
    call = make_call()
    closes = call.closes_at
    second = dt.timedelta(seconds=1)
    expected = [
        (T0 - second, CallState.COMING),
        (T0, CallState.OPEN),
        (closes - CLOSING_SOON_WITHIN - second, CallState.OPEN),
        (closes - CLOSING_SOON_WITHIN, CallState.CLOSING_SOON),
        (closes - second, CallState.CLOSING_SOON),
        (closes, CallState.CLOSED),
        (closes + dt.timedelta(days=400), CallState.CLOSED),
    ]
    for moment, state in expected:
        clock.set(moment)
        assert state_of(call, timezone.now()) == state, moment
        assert incubators.call_state(call) == state
        assert Call.objects.open_now().filter(pk=call.pk).exists() == (
            state in (CallState.OPEN, CallState.CLOSING_SOON)
        )


def test_a_permanent_call_never_closes(make_call):
    call = make_call(cadence=Call.Cadence.PERMANENT, closes_at=None)
    assert state_of(call, T0 - dt.timedelta(days=1)) == CallState.COMING
    assert state_of(call, T0 + dt.timedelta(days=3650)) == CallState.OPEN


def test_a_deadline_given_as_a_day_closes_at_the_end_of_that_day_in_the_calls_zone():
    closes = incubators.local_moment(dt.date(2027, 3, 15), None, "Africa/Dakar")
    assert closes == dt.datetime(2027, 3, 15, 23, 59, 59, tzinfo=dt.UTC)
    closes = incubators.local_moment(dt.date(2027, 3, 15), None, "America/Toronto")
    assert closes.astimezone(dt.UTC) == dt.datetime(2027, 3, 16, 3, 59, 59, tzinfo=dt.UTC)


# --- invariants --------------------------------------------------------------------------


def test_a_call_needs_a_way_to_apply_in_clean_and_in_the_database(make_call, programme):
    with pytest.raises(ValidationError) as error:
        make_call(apply_url="")
    assert "apply_url" in error.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        Call.objects.create(
            programme=programme, title="x", opens_at=T0, closes_at=T0 + dt.timedelta(days=1)
        )


def test_dates_must_be_in_order_and_permanent_calls_have_no_closing(make_call, programme):
    with pytest.raises(ValidationError) as error:
        make_call(closes_at=T0 - dt.timedelta(days=1))
    assert "closes_at" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        make_call(pre_deposit_at=T0 + dt.timedelta(days=30))
    assert "pre_deposit_at" in error.value.message_dict
    with pytest.raises(ValidationError):
        make_call(cadence=Call.Cadence.PERMANENT)
    with pytest.raises(ValidationError):
        make_call(closes_at=None)
    for fields in (
        {"closes_at": T0 - dt.timedelta(days=1)},
        {"cadence": "permanent"},
        {"closes_at": None},
        {"pre_deposit_at": T0 - dt.timedelta(days=1)},
    ):
        values = {
            "programme": programme,
            "title": "x",
            "opens_at": T0,
            "closes_at": T0 + dt.timedelta(days=5),
            "apply_email": "a@b.example",
        }
        values.update(fields)
        with pytest.raises(IntegrityError), transaction.atomic():
            Call.objects.create(**values)


def test_only_incubators_run_programmes(make_actor):
    actor = make_actor(name="Pas incubateur", slug="pas-incubateur")
    with pytest.raises(ValidationError):
        Programme(actor=actor, name="P", slug="p").full_clean()


# --- managing ----------------------------------------------------------------------------


def test_only_the_incubators_admins_manage_its_programmes_and_calls(
    incubator, programme, make_user, moderator
):
    stranger = make_user()
    values = {"name": "Nouveau", "offers_funding": True}
    with pytest.raises(PermissionDenied):
        incubators.programme_create(user=stranger, actor=incubator, values=values)
    created = incubators.programme_create(user=incubator.admin, actor=incubator, values=values)
    assert created.slug == "nouveau" and created.offers_funding
    assert incubators.programme_create(user=moderator, actor=incubator, values=values).slug == (
        "nouveau-2"
    )
    call_values = {
        "title": "Appel",
        "opens_at": T0,
        "closes_at": T0 + dt.timedelta(days=9),
        "apply_email": "candidatures@pepiniere.example",
        "time_zone": "Europe/Paris",
    }
    with pytest.raises(PermissionDenied):
        incubators.call_create(user=stranger, programme=programme, values=call_values)
    call = incubators.call_create(user=incubator.admin, programme=programme, values=call_values)
    assert call.sequence == 0
    call = incubators.call_update(
        user=incubator.admin, call=call, values={"closes_at": T0 + dt.timedelta(days=10)}
    )
    assert call.sequence == 1
    call = incubators.call_update(user=incubator.admin, call=call, values={"description": "Plus"})
    assert call.sequence == 1


def test_a_non_incubator_admin_cannot_manage_programmes(make_actor, make_user):
    admin = make_user()
    actor = make_actor(name="Asso", slug="asso", admin=admin)
    with pytest.raises(PermissionDenied):
        incubators.programme_create(user=admin, actor=actor, values={"name": "P"})


# --- alerts ------------------------------------------------------------------------------


@pytest.fixture
def followers(vocab):
    """Who follows what: the parent sector (immediate), the region (digest), a sector the
    call is not in, and someone who opted out of call alerts."""
    food = Subscriber.objects.create(email="food@asso.example")
    Follow.objects.create(subscriber=food, target="sector", sector=vocab["food"])
    region = Subscriber.objects.create(
        email="region@asso.example", frequency=Subscriber.Frequency.DAILY
    )
    Follow.objects.create(subscriber=region, target="territory", territory=vocab["region"])
    housing = Subscriber.objects.create(email="housing@asso.example")
    Follow.objects.create(subscriber=housing, target="sector", sector=vocab["housing"])
    quiet = Subscriber.objects.create(email="quiet@asso.example")
    Follow.objects.create(subscriber=quiet, target="sector", sector=vocab["compost"])
    CallAlertOptOut.objects.create(subscriber=quiet)
    return {"food": food, "region": region, "housing": housing, "quiet": quiet}


def run_alerts(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return calls_alert.apply().get()


def test_opening_and_closing_alerts_go_once_to_each_follower_with_the_clock_moving(
    make_call, followers, clock, django_capture_on_commit_callbacks
):
    clock.set(T0 - dt.timedelta(days=1))
    call = make_call()
    assert run_alerts(django_capture_on_commit_callbacks) == {"announced": 0, "reminded": 0}
    assert mail.outbox == []

    clock.set(T0 + dt.timedelta(minutes=5))
    assert run_alerts(django_capture_on_commit_callbacks) == {"announced": 1, "reminded": 0}
    assert run_alerts(django_capture_on_commit_callbacks) == {"announced": 0, "reminded": 0}
    assert [m.to for m in mail.outbox] == [["food@asso.example"]]
    opened = mail.outbox[0]
    assert "Promotion" in opened.subject
    assert opened.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert (
        DigestItem.objects.filter(
            subscriber=followers["region"], kind=OPENED, object_id=call.pk
        ).count()
        == 1
    )

    # Three days and a bit before closing: nothing yet; then the reminder, once.
    clock.set(call.closes_at - incubators.REMIND_BEFORE_CLOSING - dt.timedelta(minutes=1))
    assert run_alerts(django_capture_on_commit_callbacks) == {"announced": 0, "reminded": 0}
    clock.set(call.closes_at - incubators.REMIND_BEFORE_CLOSING + dt.timedelta(minutes=4))
    assert run_alerts(django_capture_on_commit_callbacks) == {"announced": 0, "reminded": 1}
    assert run_alerts(django_capture_on_commit_callbacks) == {"announced": 0, "reminded": 0}
    assert [m.to for m in mail.outbox] == [["food@asso.example"], ["food@asso.example"]]
    assert DigestItem.objects.filter(subscriber=followers["region"], kind=CLOSING).count() == 1

    # Closed: nothing more, ever.
    clock.set(call.closes_at + dt.timedelta(minutes=1))
    assert run_alerts(django_capture_on_commit_callbacks) == {"announced": 0, "reminded": 0}
    assert len(mail.outbox) == 2
    assert Notification.objects.filter(kind__in=[OPENED, CLOSING]).count() == 2


def test_a_call_saved_already_open_is_announced_at_once_and_only_once(
    programme, incubator, followers, django_capture_on_commit_callbacks
):
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        call = incubators.call_create(
            user=incubator.admin,
            programme=programme,
            values={
                "title": "Ouvert",
                "opens_at": now - dt.timedelta(hours=1),
                "closes_at": now + dt.timedelta(days=30),
                "apply_url": "https://pepiniere.example/a",
            },
        )
    assert [m.to for m in mail.outbox] == [["food@asso.example"]]
    assert Call.objects.get(pk=call.pk).announced_at is not None
    assert run_alerts(django_capture_on_commit_callbacks)["announced"] == 0
    assert len(mail.outbox) == 1


def test_a_moved_deadline_is_reminded_again_but_a_call_announced_late_is_not_reminded(
    make_call, followers, clock, django_capture_on_commit_callbacks
):
    clock.set(T0)
    call = make_call()
    run_alerts(django_capture_on_commit_callbacks)
    clock.set(call.closes_at - dt.timedelta(days=2))
    assert run_alerts(django_capture_on_commit_callbacks)["reminded"] == 1
    Call.objects.filter(pk=call.pk).update(closes_at=call.closes_at + dt.timedelta(days=10))
    clock.set(call.closes_at + dt.timedelta(days=8))
    assert run_alerts(django_capture_on_commit_callbacks)["reminded"] == 1
    assert run_alerts(django_capture_on_commit_callbacks)["reminded"] == 0

    late = make_call(
        title="Tardif", opens_at=T0 + dt.timedelta(days=29), closes_at=T0 + dt.timedelta(days=31)
    )
    clock.set(late.opens_at + dt.timedelta(minutes=1))
    assert run_alerts(django_capture_on_commit_callbacks) == {"announced": 1, "reminded": 0}


def test_one_click_unsubscribe_from_call_alerts_keeps_the_follows_for_events(
    make_call, followers, clock, client, django_capture_on_commit_callbacks
):
    clock.set(T0 + dt.timedelta(minutes=1))
    make_call()
    token = subscribers.unsubscribe_token("food@asso.example", CALLS_SCOPE)
    assert subscribers.unsubscribe(token) == CALLS_SCOPE
    assert CallAlertOptOut.objects.filter(subscriber=followers["food"]).exists()
    assert followers["food"].follows.count() == 1
    run_alerts(django_capture_on_commit_callbacks)
    assert mail.outbox == []


def test_the_mail_link_unsubscribes_in_one_click(
    make_call, followers, clock, client, django_capture_on_commit_callbacks
):
    clock.set(T0 + dt.timedelta(minutes=1))
    make_call()
    run_alerts(django_capture_on_commit_callbacks)
    header = mail.outbox[0].extra_headers["List-Unsubscribe"].strip("<>")
    path = header.split("://", 1)[1].split("/", 1)[1]
    response = client.post(f"/{path}", {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert CallAlertOptOut.objects.filter(subscriber=followers["food"]).exists()


def test_digest_readers_find_the_call_in_their_digest(
    make_call, followers, clock, django_capture_on_commit_callbacks
):
    clock.set(T0 + dt.timedelta(minutes=1))
    make_call()
    run_alerts(django_capture_on_commit_callbacks)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        subscribers.digest_send(subscriber=followers["region"], force=True)
    (digest,) = mail.outbox
    assert digest.to == ["region@asso.example"]
    assert "Promotion (Pépinière)" in digest.body


def test_the_preferences_page_turns_call_alerts_off_and_back_on(client, make_user):
    person = make_user("lea@asso.example")
    client.force_login(person)
    page = client.get("/fr/notifications/preferences/")
    assert 'action="/fr/directory/programmes/alerts/"' in page.content.decode()
    subscriber = subscribers.subscriber_for_user(person)
    client.post("/fr/directory/programmes/alerts/", {"enabled": "0"})
    assert CallAlertOptOut.objects.filter(subscriber=subscriber).exists()
    client.post("/fr/directory/programmes/alerts/", {"enabled": "1"})
    assert not CallAlertOptOut.objects.filter(subscriber=subscriber).exists()
    client.logout()
    assert client.post("/fr/directory/programmes/alerts/", {"enabled": "0"}).status_code == 404
    token = subscribers.manage_token("lea@asso.example")
    response = client.post("/fr/directory/programmes/alerts/", {"enabled": "0", "token": token})
    assert response.status_code == 302
    assert CallAlertOptOut.objects.filter(subscriber=subscriber).exists()


def test_the_demo_has_incubators_with_calls_in_every_state_and_loads_twice(full_demo):
    from network.incubators import demo as incubator_demo

    states = set(Call.objects.with_state().values_list("state", flat=True))
    assert states == {str(state) for state in CallState}
    assert set(Call.objects.values_list("cadence", flat=True)) == set(Call.Cadence.values)
    assert Programme.objects.public().values("actor").distinct().count() == 5
    count = Call.objects.count()
    incubator_demo.load()
    assert Call.objects.count() == count
