"""A call's dates in the call's own zone, then in the reader's when their clock differs: on the
listing, the programme and call pages, in the alerts, reminders and digests, and in the
deadlines feed (whose DTSTART stays UTC). A call in Dakar closing on 11 December at 23:59 is
not "12 décembre 00:59 (Europe/Paris)" to a reader in Paris."""

import datetime as dt
import re
import zoneinfo

import icalendar
import pytest
from django.core import mail
from django.utils import timezone, translation

from network.directory.models import Follow
from network.incubators import services as incubators
from network.incubators.models import Call
from network.incubators.tasks import calls_alert
from website import wording
from website.notifications import subscribers
from website.notifications.models import Subscriber

DAKAR = zoneinfo.ZoneInfo("Africa/Dakar")
LISTING = "/fr/directory/programmes/"

# What a reader in Paris is told, in French and in English (spaces made plain below).
DAKAR_FOR_PARIS_FR = (
    "vendredi 11 décembre 2026, 23 h 59 (heure de Dakar) ; "
    "soit samedi 12 décembre 2026, 0 h 59, heure de Paris"
)
DAKAR_FOR_PARIS_EN = (
    "Friday 11 December 2026, 11:59 pm (Dakar time); "
    "that is Saturday 12 December 2026, 12:59 am, Paris time"
)


def plain(text):
    """Text with its no-break spaces made plain, and HTML tags and entities left out."""
    text = re.sub(r"<[^>]+>", "", text).replace("&#x27;", "'").replace("&nbsp;", " ")
    return re.sub(r"[\u00a0\u202f]", " ", text)


@pytest.fixture
def clock(monkeypatch):
    class Clock:
        def set(self, moment):
            monkeypatch.setattr(timezone, "now", lambda: moment)

    clock = Clock()
    clock.set(dt.datetime(2026, 12, 7, 10, 0, tzinfo=dt.UTC))
    return clock


@pytest.fixture
def dakar_call(clock, dakar_programme):
    call = Call(
        programme=dakar_programme,
        title="Appel habitat",
        time_zone="Africa/Dakar",
        opens_at=dt.datetime(2026, 11, 2, 9, 0, tzinfo=DAKAR),
        pre_deposit_at=dt.datetime(2026, 11, 20, 12, 0, tzinfo=DAKAR),
        closes_at=incubators.local_moment(dt.date(2026, 12, 11), None, "Africa/Dakar"),
        apply_url="https://dakar.example/candidater",
    )
    call.full_clean()
    call.save()
    return call


def call_page(call, language="fr"):
    return f"/{language}/directory/programmes/{call.programme.slug}/calls/{call.pk}/"


def test_a_dakar_deadline_is_told_in_dakar_time_then_in_the_paris_readers_on_the_listing(
    client, dakar_call
):
    html = client.get(LISTING).content.decode()
    assert DAKAR_FOR_PARIS_FR in plain(html)
    assert "(Europe/Paris)" not in html
    assert "00:59" not in html


def test_the_programme_and_call_pages_tell_the_calls_time_and_the_readers(client, dakar_call):
    for url in (f"{LISTING}habitat/", call_page(dakar_call)):
        text = plain(client.get(url).content.decode())
        assert DAKAR_FOR_PARIS_FR in text, url
        # The pre-deposit date too: noon in Dakar is one in the afternoon in Paris, same day.
        assert "vendredi 20 novembre 2026, 12 h (heure de Dakar) ; soit 13 h, heure de Paris" in (
            text
        ), url


def test_the_english_page_says_it_in_english(client, dakar_call):
    text = plain(client.get(call_page(dakar_call, "en")).content.decode())
    assert DAKAR_FOR_PARIS_EN in text
    assert "Dakar time" in text


def test_a_reader_in_dakar_is_told_the_calls_time_alone(client, dakar_call, make_user):
    client.force_login(make_user(time_zone="Africa/Dakar"))
    text = plain(client.get(call_page(dakar_call)).content.decode())
    assert "vendredi 11 décembre 2026, 23 h 59 (heure de Dakar)" in text
    assert "heure de Paris" not in text and " ; soit " not in text


def test_a_coming_call_tells_its_opening_the_same_way(client, dakar_call, clock):
    clock.set(dt.datetime(2026, 10, 1, tzinfo=dt.UTC))
    text = plain(client.get(call_page(dakar_call)).content.decode())
    assert "lundi 2 novembre 2026, 9 h (heure de Dakar) ; soit 10 h, heure de Paris" in text


def test_machines_read_the_deadline_in_the_calls_zone_to_the_second(client, dakar_call):
    html = client.get(call_page(dakar_call)).content.decode()
    assert '<time datetime="2026-12-11T23:59:59+00:00">' in html
    # HTML allows three decimals at most: none are written.
    assert not re.search(r'datetime="[^"]*\.\d', html)


def test_the_call_page_names_the_calls_zone_in_words(client, dakar_call):
    html = client.get(call_page(dakar_call)).content.decode()
    (note,) = re.findall(r'<p class="results-count__note">(.*?)</p>', html, re.S)
    assert "(heure de Dakar)" in plain(note)
    assert "Africa/Dakar" not in html


@pytest.fixture
def paris_follower(vocab):
    follower = Subscriber.objects.create(
        email="habitat@asso.example", language="fr", time_zone="Europe/Paris"
    )
    Follow.objects.create(subscriber=follower, target="sector", sector=vocab["housing"])
    return follower


def test_the_alert_and_the_reminder_tell_the_deadline_in_dakar_and_paris_time(
    dakar_call, paris_follower, clock, django_capture_on_commit_callbacks
):
    for moment in (
        dt.datetime(2026, 12, 7, 10, 0, tzinfo=dt.UTC),  # it is open: announced
        dt.datetime(2026, 12, 9, 10, 0, tzinfo=dt.UTC),  # it closes within 3 days: reminded
    ):
        clock.set(moment)
        with django_capture_on_commit_callbacks(execute=True):
            calls_alert.apply().get()
    opened, closing = mail.outbox
    for message in (opened, closing):
        assert f"Date limite : {DAKAR_FOR_PARIS_FR}" in plain(message.body)
        html = message.alternatives[0][0]
        assert DAKAR_FOR_PARIS_FR in plain(html)
        assert "(Europe/Paris)" not in message.body + html


def test_a_digest_tells_the_deadline_in_dakar_and_paris_time(
    dakar_call, paris_follower, clock, django_capture_on_commit_callbacks
):
    paris_follower.frequency = Subscriber.Frequency.DAILY
    paris_follower.save()
    with django_capture_on_commit_callbacks(execute=True):
        calls_alert.apply().get()
        subscribers.digest_send(subscriber=paris_follower, force=True)
    (digest,) = mail.outbox
    assert f"clôture le {DAKAR_FOR_PARIS_FR}" in plain(digest.body)


def test_the_feed_describes_each_deadline_in_the_calls_zone_and_keeps_dtstart_in_utc(
    client, dakar_call
):
    response = client.get(f"{LISTING}deadlines.ics")
    vevents = {
        plain(str(vevent["SUMMARY"])).split(" :")[0]: vevent
        for vevent in icalendar.Calendar.from_ical(response.content).walk("VEVENT")
    }
    closes = vevents["Date limite"]
    assert closes.decoded("DTSTART") == dt.datetime(2026, 12, 11, 23, 59, 59, tzinfo=dt.UTC)
    assert "DTSTART:20261211T235959Z" in response.content.decode()
    description = plain(str(closes["DESCRIPTION"]))
    first, second = description.splitlines()
    # "Date limite : …" once the catalogue has it; the moment is in words either way.
    assert first.endswith(": vendredi 11 décembre 2026, 23 h 59 (heure de Dakar)")
    assert second.startswith("Pour candidater : ")
    pre = plain(str(vevents["Date limite de pré-dépôt"]["DESCRIPTION"]))
    assert ": vendredi 20 novembre 2026, 12 h (heure de Dakar)\n" in pre


def test_the_english_feed_says_it_in_english(client, dakar_call):
    response = client.get("/en/directory/programmes/deadlines.ics")
    text = plain(response.content.decode().replace("\r\n ", ""))
    assert "Deadline: Friday 11 December 2026\\, 11:59 pm (Dakar time)" in text


def test_the_moment_is_told_once_when_the_readers_clock_is_the_calls():
    translation.activate("en")
    moment = dt.datetime(2026, 12, 11, 23, 59, 59, tzinfo=dt.UTC)
    # Abidjan keeps Dakar's clock: nothing to add.
    told = plain(wording.moment_for_reader(moment, "Africa/Dakar", "Africa/Abidjan"))
    assert told == "Friday 11 December 2026, 11:59 pm (Dakar time)"
    told = plain(wording.moment_for_reader(moment, "Africa/Dakar", "America/Montreal"))
    assert told == "Friday 11 December 2026, 11:59 pm (Dakar time); that is 6:59 pm, Montreal time"
