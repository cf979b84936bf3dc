"""The database side of ``website.textsearch`` on PostgreSQL.

- ``essaim_fold(text)``: lower case without accents, as ``textsearch.fold`` does in Python.
  ``unaccent()`` is only STABLE (its dictionary could change), so an index cannot use it;
  this wrapper names the dictionary and is declared IMMUTABLE, as the PostgreSQL
  documentation of ``unaccent`` suggests, so that trigram indexes can be built on it.
- ``essaim_french``: the French text search configuration with accents removed before
  stemming ("coopératives" and "cooperative" have the same lexeme), used by Wagtail's page
  search (``WAGTAILSEARCH_BACKENDS``) and the forums' search. Pages indexed before it keep
  their old vectors until ``manage.py update_index`` (see the CHANGELOG).

SQLite gets ``essaim_fold`` from Python on each connection (``textsearch.connect``) and
needs nothing here.
"""

from django.db import migrations

CREATE = """
CREATE EXTENSION IF NOT EXISTS unaccent;
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE OR REPLACE FUNCTION essaim_fold(text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    AS $$ SELECT lower(public.unaccent('public.unaccent'::regdictionary, $1)) $$;
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'essaim_french') THEN
        CREATE TEXT SEARCH CONFIGURATION essaim_french (COPY = pg_catalog.french);
        ALTER TEXT SEARCH CONFIGURATION essaim_french
            ALTER MAPPING FOR hword, hword_part, word WITH public.unaccent, french_stem;
    END IF;
END
$$;
"""

DROP = """
DROP TEXT SEARCH CONFIGURATION IF EXISTS essaim_french;
DROP FUNCTION IF EXISTS essaim_fold(text);
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("website", "0004_installation")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
