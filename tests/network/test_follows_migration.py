"""Follows of sectors and territories move from ``events.Subscription`` to the directory's
``Follow`` (issue 19): every one is kept, with its subscriber and date, and back again."""

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [
    ("network", "0008_spaces_and_incubators_move_out"),
    ("events", "0008_calendar_feed_token_moves_down"),
]
AFTER = [("network", "0009_follows"), ("events", "0009_follows_move_to_the_directory")]
SINCE = dt.datetime(2026, 3, 1, 9, tzinfo=dt.UTC)


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_every_follow_of_a_sector_or_territory_reaches_the_directory_and_comes_back(
    vocab, make_event
):
    series = make_event(recurrence="FREQ=WEEKLY;COUNT=3")
    apps = migrate(BEFORE)
    Subscriber = apps.get_model("notifications", "Subscriber")
    Subscription = apps.get_model("events", "Subscription")
    awa = Subscriber.objects.create(email="awa@asso.example")
    paul = Subscriber.objects.create(email="paul@asso.example")
    rows = [
        Subscription(subscriber=awa, target="sector", sector_id=vocab["compost"].pk),
        Subscription(subscriber=awa, target="territory", territory_id=vocab["dakar"].pk),
        Subscription(subscriber=paul, target="sector", sector_id=vocab["compost"].pk),
        Subscription(subscriber=paul, target="kind", kind="workshop"),
        Subscription(subscriber=paul, target="series", event_id=series.pk),
    ]
    for row in rows:
        row.created_at = SINCE
    Subscription.objects.bulk_create(rows)

    apps = migrate(AFTER)
    Follow = apps.get_model("network", "Follow")
    follows = sorted(
        (f.subscriber.email, f.target, f.sector_id, f.territory_id, f.created_at)
        for f in Follow.objects.select_related("subscriber")
    )
    assert follows == sorted(
        [
            ("awa@asso.example", "sector", vocab["compost"].pk, None, SINCE),
            ("awa@asso.example", "territory", None, vocab["dakar"].pk, SINCE),
            ("paul@asso.example", "sector", vocab["compost"].pk, None, SINCE),
        ]
    )
    kept = apps.get_model("events", "Subscription").objects.order_by("target")
    assert [(s.subscriber.email, s.target) for s in kept] == [
        ("paul@asso.example", "kind"),
        ("paul@asso.example", "series"),
    ]

    apps = migrate(BEFORE)
    back = apps.get_model("events", "Subscription").objects.order_by("subscriber__email", "target")
    assert [(s.subscriber.email, s.target, s.created_at) for s in back] == [
        ("awa@asso.example", "sector", SINCE),
        ("awa@asso.example", "territory", SINCE),
        ("paul@asso.example", "kind", SINCE),
        ("paul@asso.example", "sector", SINCE),
        ("paul@asso.example", "series", SINCE),
    ]
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
