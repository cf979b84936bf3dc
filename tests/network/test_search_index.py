"""The directory's word search is answered by PostgreSQL's trigram indexes over the folded
text (migration 0010).

If the search compared another expression than the indexed ``essaim_fold(column)``, or went
back to a join, the index would silently stop matching and every search would read every
actor again."""

import pytest
from django.db import connection

from network.directory.models import Actor
from network.directory.selectors import apply_filters

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="trigram indexes exist on PostgreSQL only"
)


def plan_of(queryset):
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        # A test database is too small for the planner to prefer an index: forbid the
        # sequential scan to see whether an index can answer at all.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


def test_a_word_search_uses_the_trigram_index_of_each_column(db, vocab, make_actor):
    make_actor(name="Compost & Co", territory=vocab["nantes"])

    # The search's own condition, without the status (whose index a tiny table prefers).
    plan = plan_of(apply_filters(Actor.objects.all(), {"q": "compost nantes"}))

    for column in ("name", "description", "languages"):
        assert f"network_actor_{column}_fold_trgm" in plan, plan
    assert "Seq Scan on network_actor" not in plan


def test_without_the_index_the_same_search_reads_every_actor(db, vocab, make_actor):
    # The negative control: the check above can fail.
    make_actor(name="Compost & Co", territory=vocab["nantes"])
    with connection.cursor() as cursor:
        cursor.execute("DROP INDEX network_actor_name_fold_trgm")

    plan = plan_of(apply_filters(Actor.objects.all(), {"q": "compost"}))

    # One column without its index and no index can answer the OR: every actor is read.
    assert "Seq Scan on network_actor" in plan
