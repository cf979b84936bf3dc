"""What an event's page says of its dates (issue 17, item 5): the organiser's note on a
cancelled or moved date, one time for one date, and the rule in words."""

import datetime as dt
import re

import pytest

from events.models import OccurrenceChange

pytestmark = pytest.mark.django_db


@pytest.fixture
def committee(make_event):
    """Weekly, Mondays at 18:00 in Paris, 4 times; the first date moved to Tuesday 18:30 and
    the third cancelled, each with a note."""
    first = dt.datetime(2027, 3, 1, 17, 0, tzinfo=dt.UTC)
    return make_event(
        title="Comité ESS",
        recurrence="FREQ=WEEKLY;BYDAY=MO;COUNT=4",
        start=first,
        end=first + dt.timedelta(hours=2),
        changes=[
            (
                first,
                OccurrenceChange.Action.MOVE,
                first + dt.timedelta(days=1, minutes=30),
                first + dt.timedelta(days=1, hours=2, minutes=30),
                "La salle est prise le lundi.",
            ),
            (
                first + dt.timedelta(days=14),
                OccurrenceChange.Action.CANCEL,
                None,
                None,
                "Vacances scolaires",
            ),
        ],
    )


def text_of(html):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_notes_on_moved_and_cancelled_dates_are_on_the_page(client, committee):
    text = text_of(client.get(committee.url).content.decode())
    assert "Déplacée – au lieu du lundi 1er mars 2027, 18 h – La salle est prise le lundi." in text
    assert "Annulée – Vacances scolaires" in text


def test_one_date_is_never_shown_with_two_times(client, committee):
    html = client.get(committee.url).content.decode()
    # The series' first start (Monday 18:00) was moved: only the new time shows for it.
    assert 'datetime="2027-03-01T18:00:00+01:00"' not in html
    assert html.count('datetime="2027-03-02T18:30:00+01:00"') >= 1


def test_the_rule_is_said_in_words(client, committee):
    text = text_of(client.get(committee.url).content.decode())
    assert "Tous les lundis à 18 h, 4 fois" in text
    assert "Prochaine date :" in text
