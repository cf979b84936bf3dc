"""Times of the meeting spaces said as people say them (issue 18, item 9): "8 h", "10 h 30",
"mardi 9 mars 2027, 18 h – 20 h" in French, "8 am", "10:30 am" in English, through
``events.wording`` like every date of the site. What machines read keeps "08:00": the values
of ``<input type="time">``, the query strings of the links."""

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from network.spaces import services
from network.spaces.forms import SpaceSearchForm
from tests.website.test_wording import clock_times, text_nodes
from website.wording import day_in_words

from .booking_helpers import book, local, next_week_day

NBSP = "\u00a0"


def page(client, language, name, *args, query=""):
    with translation.override(language):
        response = client.get(reverse(name, args=args) + query)
    assert response.status_code == 200
    document = response.content.decode()
    return document, text_nodes(document)


def test_the_space_page_tells_opening_hours_free_slots_and_rows_in_hours(client, space):
    day = next_week_day()
    query = f"?day={day.isoformat()}&duration=60&week={day.isoformat()}"
    document, nodes = page(client, "fr", "spaces:space", space.slug, query=query)
    assert f"Lundi 8{NBSP}h – 22{NBSP}h" in nodes
    assert f"Réserver 8{NBSP}h – 9{NBSP}h" in nodes
    assert f"8{NBSP}h{NBSP}30" in nodes  # a row of the week, by half hour
    assert [node for node in nodes if clock_times(node)] == []
    # The link still carries the times for the form, as the machine writes them.
    assert "start_time=08:00&amp;end_time=09:00" in document

    _document, nodes = page(client, "en", "spaces:space", space.slug, query=query)
    assert "Monday 8 am – 10 pm" in nodes
    assert "Book 8 am – 9 am" in nodes
    assert "8:30 am" in nodes


def test_the_search_tells_its_time_in_hours_and_keeps_the_field_value(client, space):
    day = next_week_day()
    query = f"?date={day.isoformat()}&time=10:30&duration=480"
    document, nodes = page(client, "fr", "spaces:spaces", query=query)
    heading = next(node for node in nodes if "salle libre le" in node)
    assert heading.endswith(f"à 10{NBSP}h{NBSP}30 (heure locale de chaque salle)")
    assert 'type="time"' in document and 'value="10:30"' in document
    assert f"Une journée (8{NBSP}h)" in nodes
    _document, nodes = page(client, "en", "spaces:spaces", query=query)
    assert any(node.endswith("at 10:30 am (local time of each space)") for node in nodes)


def test_the_day_offered_in_a_search_is_told_like_every_duration():
    for language, label in (("fr", f"Une journée (8{NBSP}h)"), ("en", "A day (8 h)")):
        with translation.override(language):
            assert str(dict(SpaceSearchForm().fields["duration"].choices)[480]) == label


def test_a_booking_and_the_lists_of_bookings_tell_their_dates_in_words(
    client, space, requester, manager
):
    day = next_week_day()
    (booking,) = book(space, requester, local(day, 10), local(day, 12, 30))
    client.force_login(requester)
    with translation.override("fr"):
        when = f"{day_in_words(day)}, 10{NBSP}h – 12{NBSP}h{NBSP}30"
        moment = f"{day_in_words(day)}, 10{NBSP}h"
    _document, nodes = page(client, "fr", "spaces:booking", booking.pk)
    assert when in nodes
    _document, nodes = page(client, "fr", "spaces:my_bookings")
    assert moment in nodes
    client.force_login(manager)
    _document, nodes = page(client, "fr", "spaces:spaces_manage")
    assert moment in nodes
    for name, args in (
        ("spaces:booking", [booking.pk]),
        ("spaces:spaces_manage", []),
        ("spaces:space_book", [space.slug]),
    ):
        _document, nodes = page(client, "fr", name, *args)
        assert [node for node in nodes if clock_times(node)] == [], name


def test_the_conflicting_dates_of_a_series_are_told_in_words(space, requester):
    day = next_week_day()
    taken = day + dt.timedelta(weeks=1)
    book(space, requester, local(taken, 18), local(taken, 19))
    with translation.override("fr"), pytest.raises(ValidationError) as refused:
        book(
            space,
            requester,
            local(day, 18),
            local(day, 20),
            repeat=services.Repeat.WEEKLY,
            until=day + dt.timedelta(weeks=2),
        )
    with translation.override("fr"):
        told = f"{day_in_words(taken)}, 18{NBSP}h{NBSP}: "
    (message,) = refused.value.messages
    assert message.startswith(told)


def test_the_booking_mail_tells_its_dates_in_words(
    space, requester, django_capture_on_commit_callbacks
):
    requester.preferred_language = "fr"
    requester.save(update_fields=["preferred_language"])
    day = next_week_day()
    with django_capture_on_commit_callbacks(execute=True):
        book(space, requester, local(day, 10), local(day, 12, 30))
    (confirmed,) = [m for m in mail.outbox if requester.email in m.to]
    with translation.override("fr"):
        when = f"- {day_in_words(day)}, 10{NBSP}h – 12{NBSP}h{NBSP}30"
    assert when in confirmed.body
    assert not clock_times(confirmed.body)
