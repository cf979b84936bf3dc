"""Migrations keep every row and give what was there its due (issue 17)."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from events import services
from events.models import CalendarCopy, EventKind, Occurrence, Registration, Subscription
from events.subscriptions import subscription_remove, subscriptions_add
from website.notifications import services as outbox
from website.notifications import subscribers

BEFORE = [("events", "0005_organiser_actor_and_currencies")]
AFTER = [("events", "0006_calendar_copies")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


@pytest.mark.django_db(transaction=True)
def test_0006_gives_whoever_was_sent_an_event_a_copy_above_what_they_were_sent(
    make_event, django_user_model
):
    committee = make_event(kind=EventKind.COMMITTEE, recurrence="FREQ=WEEKLY;COUNT=3")
    seat_holder = django_user_model.objects.create_user(email="Seat@Asso.example", password="x")
    follower = django_user_model.objects.create_user(email="follower@asso.example", password="x")
    leaver = django_user_model.objects.create_user(email="leaver@asso.example", password="x")
    services.registration_create(occurrence=Occurrence.objects.first(), user=seat_holder)
    for person in (follower, leaver):
        subscriptions_add(
            subscriber=subscribers.subscriber_for_user(person),
            targets=[["series", committee.pk]],
        )
    leaving = subscribers.subscriber_for_user(leaver)
    subscription_remove(
        subscription=Subscription.objects.get(subscriber=leaving), subscriber=leaving
    )
    for pk in outbox.deliveries_due():
        outbox.delivery_send(delivery_id=pk)
    Occurrence.objects.filter(event=committee).update(sequence=4)
    rows = {model: model.objects.count() for model in (Registration, Subscription, Occurrence)}

    migrate(BEFORE)
    migrate(AFTER)

    copies = {copy.recipient: copy for copy in CalendarCopy.objects.all()}
    assert set(copies) == {"seat@asso.example", "follower@asso.example", "leaver@asso.example"}
    assert {copy.sequence for copy in copies.values()} == {5}
    assert all(copy.told == {"unknown": True} for copy in copies.values())
    assert {model: model.objects.count() for model in rows} == rows
