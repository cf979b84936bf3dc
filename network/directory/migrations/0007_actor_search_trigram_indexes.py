"""Trigram indexes for the directory's word search on PostgreSQL.

The search (``network.selectors.apply_filters``) looks for each word anywhere in an actor's
name, description and languages with ``icontains``, which Django writes as
``UPPER(column::text) LIKE UPPER('%word%')``: a GIN index over the same expression with
``gin_trgm_ops`` answers it without reading every actor. SQLite has no such index and needs
none at the sizes it serves; there the migration does nothing.
"""

from django.db import migrations

COLUMNS = ("name", "description", "languages")


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # pg_trgm is a trusted extension (PostgreSQL 13+): the database's owner may create it.
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for column in COLUMNS:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS network_actor_{column}_trgm ON network_actor "
            f"USING gin (UPPER({column}::text) gin_trgm_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in COLUMNS:
        schema_editor.execute(f"DROP INDEX IF EXISTS network_actor_{column}_trgm")


class Migration(migrations.Migration):
    dependencies = [("network", "0006_booking_requester_set_null")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
