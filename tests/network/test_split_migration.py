"""The split of the flat ``network`` app into directory, spaces and incubators (issue 19) keeps
every row, every constraint and trigger, and every permission granted on the moved models.

The database holds the demo of the directory, spaces, incubators and events; going back to
the layout of the flat app (``network`` 0007) and forward again must change nothing but the
models' state and the content types' app labels, which keep their ids, so permissions and
log entries follow.
"""

import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

FLAT = [
    ("network", "0007_actor_search_trigram_indexes"),
    ("events", "0006_calendar_copies"),
    ("spaces", None),
    ("incubators", None),
]
# The split and nothing after it (the follows' own move is tests/network/test_follows_migration).
SPLIT = [
    ("network", "0008_spaces_and_incubators_move_out"),
    ("events", "0008_calendar_feed_token_moves_down"),
    ("spaces", "0001_initial"),
    ("incubators", "0001_initial"),
    ("calendars", "0001_initial"),
]
MOVED = {
    "spaces": ["space", "openinghours", "closure", "booking"],
    "incubators": ["programme", "call", "callalertoptout"],
}
# Before the split, the tokens of personal feeds were the events app's (events 0008 moves them).
BEFORE = {"spaces": "network", "incubators": "network", "calendars": "events"}


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


def latest():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()


def shape():
    """Every table's rows, and every constraint, index and trigger by name."""
    with connection.cursor() as cursor:
        tables = sorted(connection.introspection.table_names(cursor))
        rows = {}
        for table in tables:
            cursor.execute(f'SELECT COUNT(*) FROM "{table}"')
            rows[table] = cursor.fetchone()[0]
        rows.pop("django_migrations")
        constraints = {
            table: sorted(connection.introspection.get_constraints(cursor, table))
            for table in tables
            if table.startswith(("network_", "events_"))
        }
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' ORDER BY name")
        else:
            cursor.execute("SELECT conname FROM pg_constraint WHERE contype = 'x' ORDER BY conname")
        guards = [name for (name,) in cursor.fetchall()]
    return rows, constraints, guards


@pytest.mark.django_db(transaction=True)
def test_going_from_the_flat_app_to_the_split_keeps_every_row_and_constraint(full_demo):
    from network.spaces.models import Booking

    assert Booking.objects.exists()
    managers = Group.objects.create(name="Space managers (test)")
    managers.permissions.add(*Permission.objects.filter(content_type__app_label="spaces"))
    granted = sorted(managers.permissions.values_list("pk", flat=True))
    moved = {**MOVED, "calendars": ["calendarfeedtoken"]}
    ids = {
        (label, model): ContentType.objects.get(app_label=label, model=model).pk
        for label, models in moved.items()
        for model in models
    }
    migrate(SPLIT)
    split = shape()
    guards = split[2]
    assert any(name.startswith("network_booking_no_overlap") for name in guards), guards

    migrate(FLAT)
    flat = shape()
    assert flat == split
    for (label, model), pk in ids.items():
        assert ContentType.objects.get(pk=pk).app_label == BEFORE[label], (label, model)

    migrate(SPLIT)
    assert shape() == split
    migrate(latest())
    for (label, model), pk in ids.items():
        assert ContentType.objects.get(pk=pk).app_label == label, model
    assert sorted(managers.permissions.values_list("pk", flat=True)) == granted
    assert (
        Permission.objects.filter(content_type__app_label="network")
        .filter(codename="moderate_actor")
        .exists()
    )
