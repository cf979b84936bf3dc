"""An event's capacity never goes below the seats people already hold (issue 17, item 7): the
editor is told why, in the form, instead of a silent or failed publication."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.utils import translation

from events import services
from events.models import EventPage, Occurrence
from events.selectors import capacity_problem
from tests.admin_forms import as_post_data, form_fields

pytestmark = pytest.mark.django_db


@pytest.fixture
def three_registered(make_event, django_user_model):
    event = make_event(
        capacity=5,
        recurrence="FREQ=WEEKLY;COUNT=3",
        start=dt.datetime(2027, 3, 1, 17, 0, tzinfo=dt.UTC),
        end=dt.datetime(2027, 3, 1, 19, 0, tzinfo=dt.UTC),
    )
    first = Occurrence.objects.filter(event=event).order_by("start").first()
    for n in range(3):
        person = django_user_model.objects.create_user(email=f"p{n}@asso.example", password="x")
        services.registration_create(occurrence=first, user=person)
    return event


def test_a_capacity_below_the_seats_held_is_refused_with_the_date_and_the_count(
    three_registered,
):
    page = EventPage.objects.get(pk=three_registered.pk)
    with translation.override("fr"):
        message = capacity_problem(event=page, capacity=2)
    assert "3 personnes" in message and "lundi 1er mars 2027, 18\u00a0h" in message
    assert capacity_problem(event=page, capacity=3) is None


def test_the_editor_sees_the_message_and_nothing_is_published(client, three_registered):
    moderator = get_user_model().objects.get(email="moderateur@essaim.example")
    client.force_login(moderator)
    url = f"/admin/pages/{three_registered.pk}/edit/"
    data = as_post_data(
        form_fields(client.get(url).content.decode(), "page-edit-form"),
        **{"body-count": "0", "action-publish": "1", "capacity": "2"},
    )

    response = client.post(url, data)

    assert response.status_code == 200
    assert "ne peut pas descendre en dessous de 3" in response.content.decode()
    assert EventPage.objects.get(pk=three_registered.pk).capacity == 5
    assert Occurrence.objects.filter(event=three_registered, capacity=2).count() == 0


def test_an_approval_publishes_even_when_seats_were_taken_since_the_editor_saved(
    three_registered,
):
    """The moderator approves (or a scheduled publication runs) after more people took seats
    than the capacity the editor saved: it publishes, and no date goes below its seats."""
    page = EventPage.objects.get(pk=three_registered.pk)
    page.capacity = 2
    page.save_revision().publish()

    assert EventPage.objects.get(pk=page.pk).capacity == 2
    first = Occurrence.objects.filter(event=page).order_by("start").first()
    assert first.capacity == first.seats_taken == 3
    assert set(
        Occurrence.objects.filter(event=page)
        .exclude(pk=first.pk)
        .values_list("capacity", flat=True)
    ) == {2}
