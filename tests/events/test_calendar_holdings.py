"""What a person's calendar holds once it has applied every invite they were mailed, in order
(issue 17, items 3 and 4): following a series and registering for some of its dates never
cancel each other, the SEQUENCE a person receives for one UID never goes down, and an update
goes only to those whose dates change, saying what changed."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from events import services
from events.models import EventKind, Occurrence, Registration
from events.subscriptions import subscriptions_add
from tests.calendar_client import CalendarClient, calendar_parts
from tests.events.following import follow, unfollow
from tests.factories.accounts import UserFactory
from website.notifications import services as outbox
from website.notifications import subscribers

pytestmark = pytest.mark.django_db

WINDOW = (dt.datetime(2026, 1, 1, tzinfo=dt.UTC), dt.datetime(2029, 1, 1, tzinfo=dt.UTC))


@pytest.fixture
def awa(db):
    return UserFactory(email="awa@coop.example", display_name="Awa", preferred_language="fr")


@pytest.fixture
def binta(db):
    return UserFactory(email="binta@coop.example", display_name="Binta", preferred_language="en")


@pytest.fixture
def committee(make_event):
    return make_event(
        kind=EventKind.COMMITTEE,
        title="Comité ESS",
        recurrence="FREQ=WEEKLY;COUNT=6",
        start=dt.datetime(2027, 3, 1, 18, 0, tzinfo=dt.UTC),
        end=dt.datetime(2027, 3, 1, 20, 0, tzinfo=dt.UTC),
        capacity=20,
    )


def mails_to(address):
    return [message for message in mail.outbox if address in message.to]


def replayed(address):
    calendar = CalendarClient()
    for message in mails_to(address):
        calendar.receive(message)
    assert calendar.dropped == [], "a message went backwards"
    return calendar


def shown(address):
    return [(start, end) for _uid, start, end, _title in replayed(address).held(*WINDOW)]


def dates(committee, *numbers):
    occurrences = list(Occurrence.objects.filter(event=committee).order_by("original_start"))
    return [occurrences[n - 1] for n in numbers]


def held_by_registration(user):
    return sorted(
        (r.occurrence.start, r.occurrence.end)
        for r in Registration.objects.filter(
            user=user,
            status=Registration.Status.CONFIRMED,
            occurrence__status=Occurrence.Status.SCHEDULED,
        ).select_related("occurrence")
    )


def every_date(committee):
    return sorted(
        (o.start, o.end)
        for o in Occurrence.objects.filter(event=committee, status=Occurrence.Status.SCHEDULED)
    )


def move(run, event, occurrence, hours):
    from events.models import OccurrenceChange

    event.occurrence_changes.add(
        OccurrenceChange(
            original_start=occurrence.original_start,
            action=OccurrenceChange.Action.MOVE,
            new_start=occurrence.start + dt.timedelta(hours=hours),
            new_end=occurrence.end + dt.timedelta(hours=hours),
            note="La salle est prise ce soir-là.",
        )
    )
    run(event.save_revision().publish)


def test_leaving_a_series_keeps_the_dates_one_registered_for(run, committee, awa):
    follow(run, awa, committee)
    for occurrence in dates(committee, 2, 4):
        run(services.registration_create, occurrence=occurrence, user=awa)
    assert shown(awa.email) == every_date(committee)

    unfollow(run, awa, committee)

    assert shown(awa.email) == held_by_registration(awa)
    assert len(shown(awa.email)) == 2


def test_cancelling_a_registration_keeps_the_series_one_follows(run, committee, awa):
    second = dates(committee, 2)[0]
    registration = run(services.registration_create, occurrence=second, user=awa)
    follow(run, awa, committee)

    run(services.registration_cancel, registration=registration, user=awa)

    assert shown(awa.email) == every_date(committee)


def test_cancelling_one_of_two_registrations_keeps_the_other(run, committee, awa):
    second, fourth = dates(committee, 2, 4)
    registration = run(services.registration_create, occurrence=second, user=awa)
    run(services.registration_create, occurrence=fourth, user=awa)

    run(services.registration_cancel, registration=registration, user=awa)

    assert shown(awa.email) == [(fourth.start, fourth.end)]
    run(services.registration_create, occurrence=second, user=awa)
    assert shown(awa.email) == held_by_registration(awa)


def test_follow_register_unfollow_then_a_move_reaches_only_those_who_hold_the_date(
    run, committee, awa, binta
):
    third, fourth = dates(committee, 3, 4)
    follow(run, awa, committee)
    run(services.registration_create, occurrence=fourth, user=awa)
    unfollow(run, awa, committee)
    run(services.registration_create, occurrence=third, user=binta)
    before = {address: len(mails_to(address)) for address in (awa.email, binta.email)}

    move(run, committee, fourth, hours=24)

    fourth.refresh_from_db()
    assert shown(awa.email) == [(fourth.start, fourth.end)]
    assert len(mails_to(binta.email)) == before[binta.email], "an unchanged date got an update"
    [update] = mails_to(awa.email)[before[awa.email] :]
    assert "La salle est prise ce soir-là." in update.body
    assert "mardi 23 mars 2027" in update.body  # the new day, with the old one before it
    assert "lundi 22 mars 2027" in update.body
    [(method, _data)] = calendar_parts(update)
    assert method == "REQUEST"


def test_a_withdrawn_event_leaves_every_calendar_and_comes_back_when_published_again(
    run, committee, awa, binta
):
    follow(run, awa, committee)
    run(services.registration_create, occurrence=dates(committee, 2)[0], user=binta)

    run(committee.unpublish)
    assert shown(awa.email) == [] and shown(binta.email) == []

    committee.refresh_from_db()
    run(committee.save_revision().publish)
    assert shown(awa.email) == every_date(committee)
    assert shown(binta.email) == held_by_registration(binta)


def test_people_on_the_waiting_list_get_no_invite_until_they_hold_a_seat(
    run, make_event, awa, binta
):
    event = make_event(capacity=1)
    occurrence = Occurrence.objects.get(event=event)
    first = run(services.registration_create, occurrence=occurrence, user=awa)
    run(services.registration_create, occurrence=occurrence, user=binta)
    assert shown(binta.email) == []
    assert all(not calendar_parts(message) for message in mails_to(binta.email))

    run(services.registration_cancel, registration=first, user=awa)

    assert shown(awa.email) == []
    assert shown(binta.email) == [(occurrence.start, occurrence.end)]


class FailingOnce:
    """A mail backend whose first message meets a dropped SMTP connection (a 4xx, say)."""

    failed = False

    def __init__(self, *args, **kwargs):
        from django.core.mail.backends.locmem import EmailBackend

        self.backend = EmailBackend(*args, **kwargs)

    def send_messages(self, messages):
        import smtplib

        if not FailingOnce.failed:
            FailingOnce.failed = True
            raise smtplib.SMTPServerDisconnected("the server went away")
        return self.backend.send_messages(messages)


def test_an_update_that_failed_to_leave_goes_out_again_and_says_what_changed(
    run, committee, awa, settings
):
    from events.models import CalendarCopy

    second = dates(committee, 2)[0]
    run(services.registration_create, occurrence=second, user=awa)
    told = CalendarCopy.objects.get(recipient=awa.email)
    settings.ESSAIM_EMAIL_DELIVERY_BACKEND = f"{__name__}.FailingOnce"
    FailingOnce.failed = False

    move(run, committee, second, hours=24)

    # The message did not leave: what the calendar was told stays as it was.
    copy = CalendarCopy.objects.get(recipient=awa.email)
    assert (copy.sequence, copy.told) == (told.sequence, told.told)
    later = timezone.now() + dt.timedelta(minutes=30)
    for pk in outbox.deliveries_due(now=later):
        outbox.delivery_send(delivery_id=pk, now=later)
    update = mails_to(awa.email)[-1]
    assert "Date déplacée" in update.body
    assert shown(awa.email) == held_by_registration(awa)
    assert CalendarCopy.objects.get(recipient=awa.email).sequence == told.sequence + 1


@pytest.mark.parametrize("count", [6, 30])
def test_an_invites_queries_do_not_grow_with_the_dates_of_the_series(
    count, make_event, awa, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    """What a fan-out to thousands pays per mail: the same for a series of 6 or 30 dates."""
    event = make_event(
        kind=EventKind.COMMITTEE,
        recurrence=f"FREQ=WEEKLY;COUNT={count}",
        start=dt.datetime(2027, 3, 1, 18, 0, tzinfo=dt.UTC),
        end=dt.datetime(2027, 3, 1, 20, 0, tzinfo=dt.UTC),
    )
    with django_capture_on_commit_callbacks(execute=False):
        subscriptions_add(
            subscriber=subscribers.subscriber_for_user(awa), targets=[["series", event.pk]]
        )
    [pk] = outbox.deliveries_due(now=timezone.now())
    with django_assert_max_num_queries(23):  # 23 on 2026-12-07, for 6 dates as for 30
        outbox.delivery_send(delivery_id=pk)
    assert len(mail.outbox) == 1
