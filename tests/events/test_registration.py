"""Registration: seats never oversold, waiting list promoted in the same transaction."""

import datetime as dt
import threading

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone, translation

from events import services
from events.models import EventPage, Occurrence, OccurrenceChange, Registration

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(django_user_model):
    def make(count, prefix="personne"):
        return [
            django_user_model.objects.create_user(email=f"{prefix}{n}@asso.example", password="x")
            for n in range(count)
        ]

    return make


def only_occurrence(event):
    return Occurrence.objects.get(event=event)


def test_a_seat_is_confirmed_and_a_mail_sent_in_the_persons_language(
    make_event, people, django_capture_on_commit_callbacks
):
    occurrence = only_occurrence(make_event(capacity=3))
    (person,) = people(1)
    person.preferred_language = "en"
    person.save()
    with django_capture_on_commit_callbacks(execute=True):
        registration = services.registration_create(occurrence=occurrence, user=person)
    assert registration.status == Registration.Status.CONFIRMED
    occurrence.refresh_from_db()
    assert occurrence.seats_taken == 1
    assert mail.outbox[0].to == [person.email]
    assert mail.outbox[0].subject.startswith("Registration confirmed: Atelier compostage")


def test_registering_twice_keeps_one_registration(make_event, people):
    occurrence = only_occurrence(make_event(capacity=3))
    (person,) = people(1)
    first = services.registration_create(occurrence=occurrence, user=person)
    second = services.registration_create(occurrence=occurrence, user=person)
    assert first == second
    occurrence.refresh_from_db()
    assert occurrence.seats_taken == 1


def test_when_full_people_wait_and_the_first_waiting_gets_the_freed_seat(make_event, people):
    occurrence = only_occurrence(make_event(capacity=2))
    first, second, third, fourth = people(4)
    seated = [services.registration_create(occurrence=occurrence, user=p) for p in (first, second)]
    waiting = [services.registration_create(occurrence=occurrence, user=p) for p in (third, fourth)]
    assert {r.status for r in waiting} == {Registration.Status.WAITING}

    promoted = services.registration_cancel(registration=seated[0], user=first)

    assert promoted.user == third
    assert promoted.status == Registration.Status.CONFIRMED
    occurrence.refresh_from_db()
    assert occurrence.seats_taken == 2
    assert Registration.objects.get(user=fourth).status == Registration.Status.WAITING


def test_without_a_waiting_list_a_full_date_refuses_with_a_reason(make_event, people):
    occurrence = only_occurrence(make_event(capacity=1, waiting_list_enabled=False))
    first, second = people(2)
    services.registration_create(occurrence=occurrence, user=first)
    with translation.override("fr"), pytest.raises(services.RegistrationError) as refused:
        services.registration_create(occurrence=occurrence, user=second)
    assert refused.value.messages == ["Cette date est complète."]


def test_registration_respects_its_window_and_the_past(make_event, people):
    now = timezone.now()
    (person,) = people(1)
    not_yet = make_event(registration_opens_at=now + dt.timedelta(days=1))
    with pytest.raises(services.RegistrationError):
        services.registration_create(occurrence=only_occurrence(not_yet), user=person)
    past = make_event(start=now - dt.timedelta(days=2))
    with pytest.raises(services.RegistrationError):
        services.registration_create(occurrence=only_occurrence(past), user=person)


def test_only_the_attendee_can_cancel_their_registration(make_event, people):
    occurrence = only_occurrence(make_event(capacity=2))
    owner, stranger = people(2)
    registration = services.registration_create(occurrence=occurrence, user=owner)
    with pytest.raises(services.RegistrationError):
        services.registration_cancel(registration=registration, user=stranger)


def test_the_database_refuses_more_seats_than_the_capacity(make_event):
    from django.db import IntegrityError, transaction

    occurrence = only_occurrence(make_event(capacity=1))
    with pytest.raises(IntegrityError), transaction.atomic():
        Occurrence.objects.filter(pk=occurrence.pk).update(seats_taken=2)


def test_a_monthly_committee_keeps_its_local_time_across_daylight_saving(make_event):
    paris = dt.timezone(dt.timedelta(hours=1))
    event = make_event(
        kind="concertation",
        start=dt.datetime(2027, 1, 5, 18, 0, tzinfo=paris),
        end=dt.datetime(2027, 1, 5, 20, 0, tzinfo=paris),
        recurrence="FREQ=MONTHLY;BYDAY=1TU;COUNT=6",
    )
    local = [o.local_start for o in Occurrence.objects.filter(event=event)]
    assert [d.date().isoformat() for d in local] == [
        "2027-01-05",
        "2027-02-02",
        "2027-03-02",
        "2027-04-06",
        "2027-05-04",
        "2027-06-01",
    ]
    assert {(d.hour, d.minute) for d in local} == {(18, 0)}
    assert [d.utcoffset() for d in local][2:4] == [dt.timedelta(hours=1), dt.timedelta(hours=2)]


def test_cancelled_and_moved_dates_of_a_series(make_event):
    paris = dt.timezone(dt.timedelta(hours=1))
    first = dt.datetime(2027, 1, 5, 17, 0, tzinfo=dt.UTC)
    february = dt.datetime(2027, 2, 2, 17, 0, tzinfo=dt.UTC)
    march = dt.datetime(2027, 3, 2, 17, 0, tzinfo=dt.UTC)
    moved_to = dt.datetime(2027, 3, 4, 17, 0, tzinfo=dt.UTC)
    event = make_event(
        start=first.astimezone(paris),
        end=(first + dt.timedelta(hours=2)).astimezone(paris),
        recurrence="FREQ=MONTHLY;BYDAY=1TU;COUNT=4",
        changes=[
            (february, OccurrenceChange.Action.CANCEL, None, None),
            (march, OccurrenceChange.Action.MOVE, moved_to, moved_to + dt.timedelta(hours=2)),
        ],
    )
    occurrences = {o.original_start: o for o in Occurrence.objects.filter(event=event)}
    assert occurrences[february].status == Occurrence.Status.CANCELLED
    assert occurrences[march].start == moved_to


def test_a_single_event_that_moves_keeps_its_registrations_and_bumps_its_sequence(
    make_event, people
):
    event = make_event(capacity=5)
    occurrence = only_occurrence(event)
    (person,) = people(1)
    registration = services.registration_create(occurrence=occurrence, user=person)
    assert EventPage.objects.get(pk=event.pk).sequence == 0

    event.start = event.start + dt.timedelta(days=7)
    event.end = event.end + dt.timedelta(days=7)
    event.save_revision().publish()

    occurrence.refresh_from_db()
    assert occurrence.start == event.start
    assert occurrence.sequence == 1
    assert Occurrence.objects.filter(event=event).count() == 1
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CONFIRMED
    assert EventPage.objects.get(pk=event.pk).sequence == 1


def test_a_new_description_alone_does_not_bump_the_sequence(make_event):
    event = make_event()
    event.summary = "Un autre résumé."
    event.save_revision().publish()
    assert EventPage.objects.get(pk=event.pk).sequence == 0
    event.venue_name = "Salle des fêtes"
    event.save_revision().publish()
    assert EventPage.objects.get(pk=event.pk).sequence == 1


def test_a_date_with_registrations_that_leaves_a_series_is_cancelled_not_deleted(
    make_event, people
):
    event = make_event(capacity=5, recurrence="FREQ=WEEKLY;COUNT=3")
    last = Occurrence.objects.filter(event=event).order_by("start").last()
    (person,) = people(1)
    services.registration_create(occurrence=last, user=person)

    event.recurrence = "FREQ=WEEKLY;COUNT=2"
    event.save_revision().publish()

    last.refresh_from_db()
    assert last.status == Occurrence.Status.CANCELLED
    assert last.sequence == 1
    assert Occurrence.objects.filter(event=event).count() == 3


def test_raising_the_capacity_promotes_people_waiting(make_event, people):
    event = make_event(capacity=1)
    occurrence = only_occurrence(event)
    first, second = people(2)
    services.registration_create(occurrence=occurrence, user=first)
    waiting = services.registration_create(occurrence=occurrence, user=second)
    event.capacity = 2
    event.save_revision().publish()
    waiting.refresh_from_db()
    assert waiting.status == Registration.Status.CONFIRMED


@pytest.mark.django_db(transaction=True)
def test_last_five_seats_go_to_exactly_five_of_twenty_concurrent_registrations(
    site_base, make_event, people
):
    occurrence = only_occurrence(make_event(capacity=5))
    crowd = people(20, prefix="foule")
    barrier = threading.Barrier(len(crowd))
    outcomes, errors = [], []

    def register(person):
        try:
            barrier.wait(timeout=30)
            outcomes.append(services.registration_create(occurrence=occurrence, user=person).status)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=register, args=(person,)) for person in crowd]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    assert outcomes.count(Registration.Status.CONFIRMED) == 5
    assert outcomes.count(Registration.Status.WAITING) == 15
    occurrence.refresh_from_db()
    assert occurrence.seats_taken == 5
    assert Registration.objects.filter(status="confirmed").count() == 5


def test_open_ended_series_are_extended_and_running_twice_changes_nothing(make_event):
    from events.tasks import extend_open_ended_series

    event = make_event(recurrence="FREQ=WEEKLY")
    count = Occurrence.objects.filter(event=event).count()
    assert 50 < count < 90  # weeks up to about 18 months from today
    Occurrence.objects.filter(event=event).order_by("-start").first().delete()
    extend_open_ended_series()
    extend_open_ended_series()
    assert Occurrence.objects.filter(event=event).count() == count


def test_editors_open_the_event_form_in_the_admin(client, agenda, django_user_model):
    editor = django_user_model.objects.get(email="editrice@essaim.example")
    client.force_login(editor)
    response = client.get(f"/admin/pages/add/events/eventpage/{agenda.pk}/")
    assert response.status_code == 200
    assert "recurrence" in response.content.decode()


def test_publishing_an_old_draft_never_lowers_the_sequence(make_event):
    event = make_event()
    draft = EventPage.objects.get(pk=event.pk)  # an editor opens the page
    event.start += dt.timedelta(days=1)
    event.end += dt.timedelta(days=1)
    event.save_revision().publish()
    assert EventPage.objects.get(pk=event.pk).sequence == 1

    draft.venue_name = "Autre salle"  # their older draft, published later
    draft.save_revision().publish()
    assert EventPage.objects.get(pk=event.pk).sequence == 2
