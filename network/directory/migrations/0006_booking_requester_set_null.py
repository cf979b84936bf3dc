# A booking outlives its requester's account: the person goes, the booking stays with its actor.

import importlib

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

# SQLite alters a column by copying the table, which drops its triggers: the overlap guard of
# migration 0004 is taken down before and put back after. PostgreSQL alters in place.
_bookings = importlib.import_module("network.directory.migrations.0004_spaces_and_bookings")


def sqlite_unguard(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in _bookings.SQLITE_UNGUARD:
            schema_editor.execute(statement)


def sqlite_guard(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in _bookings.SQLITE_GUARD:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("network", "0005_incubators"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(sqlite_unguard, sqlite_guard),
        migrations.AlterField(
            model_name="booking",
            name="requested_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="space_bookings",
                to=settings.AUTH_USER_MODEL,
                verbose_name="requested by",
            ),
        ),
        migrations.RunPython(sqlite_guard, sqlite_unguard),
    ]
