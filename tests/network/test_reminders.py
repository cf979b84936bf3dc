"""Keeping entries alive: a yearly "still up to date?" mail to actor admins through the
outbox, a signed one-click confirmation, and stale entries flagged."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from network.directory import services, tokens
from network.directory.models import Actor
from network.directory.tasks import remind_actor_admins

pytestmark = pytest.mark.django_db


@pytest.fixture
def old_actor(make_actor, make_user):
    admin = make_user(email="admin@actor.example")
    actor = make_actor(admin=admin, name="Vieille Coop")
    Actor.objects.filter(pk=actor.pk).update(confirmed_at=timezone.now() - dt.timedelta(days=400))
    return actor


def test_admins_get_one_reminder_a_year_even_if_the_task_runs_twice(
    old_actor, make_actor, django_capture_on_commit_callbacks
):
    make_actor(name="Récente", confirmed_at=timezone.now())  # confirmed lately: no mail
    with django_capture_on_commit_callbacks(execute=True):
        assert remind_actor_admins() == {"reminded": 1, "flagged_stale": 0}
    with django_capture_on_commit_callbacks(execute=True):
        assert remind_actor_admins() == {"reminded": 0, "flagged_stale": 0}
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["admin@actor.example"]
    assert "Vieille Coop" in mail.outbox[0].subject


def test_the_one_click_link_confirms_the_entry(
    client, old_actor, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        remind_actor_admins()
    link = re.search(r"http://\S+/confirm/\S+/", mail.outbox[0].body).group(0)
    path = link.split("://", 1)[1].split("/", 1)[1]
    response = client.get("/" + path)
    assert response.status_code == 200
    old_actor.refresh_from_db()
    assert old_actor.confirmed_at > timezone.now() - dt.timedelta(minutes=1)
    assert not old_actor.is_stale


def test_a_forged_link_confirms_nothing(client, old_actor):
    token = tokens.confirmation_token(old_actor)
    response = client.get(f"/fr/directory/confirm/{token[:-2]}xx/")
    assert response.status_code == 400
    old_actor.refresh_from_db()
    assert old_actor.confirmed_at < timezone.now() - dt.timedelta(days=300)


def test_entries_nobody_confirms_are_flagged_stale_and_shown_so(client, old_actor):
    now = timezone.now()
    services.reminders_send(now=now)
    assert services.reminders_send(now=now + dt.timedelta(days=61)) == {
        "reminded": 0,
        "flagged_stale": 1,
    }
    old_actor.refresh_from_db()
    assert old_actor.is_stale
    assert "May be out of date" in client.get("/en/directory/acteur-1/").content.decode()
    services.actor_confirm_current(token=tokens.confirmation_token(old_actor))
    old_actor.refresh_from_db()
    assert not old_actor.is_stale


def test_the_reminder_runs_from_the_periodic_tasks_command(old_actor, capsys):
    call_command("run_periodic_tasks", "remind-actor-admins")
    assert "remind-actor-admins: done" in capsys.readouterr().out
    old_actor.refresh_from_db()
    assert old_actor.reminder_sent_at is not None
