"""The directory's trigram indexes over folded text (PostgreSQL).

The word search now compares ``essaim_fold(column)`` (no accents, lower case: see
``website.textsearch``) instead of ``UPPER(column)``: the indexes of 0007 follow. SQLite has
no such index and needs none at the sizes it serves; there the migration does nothing.
"""

from django.db import migrations

COLUMNS = ("name", "description", "languages")


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in COLUMNS:
        schema_editor.execute(f"DROP INDEX IF EXISTS network_actor_{column}_trgm")
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS network_actor_{column}_fold_trgm ON network_actor "
            f"USING gin (essaim_fold({column}::text) gin_trgm_ops)"
        )
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS network_territory_name_fold_trgm ON network_territory "
        "USING gin (essaim_fold(name::text) gin_trgm_ops)"
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS network_territory_name_fold_trgm")
    for column in COLUMNS:
        schema_editor.execute(f"DROP INDEX IF EXISTS network_actor_{column}_fold_trgm")
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS network_actor_{column}_trgm ON network_actor "
            f"USING gin (UPPER({column}::text) gin_trgm_ops)"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("network", "0009_follows"),
        ("website", "0005_search_folding"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]
