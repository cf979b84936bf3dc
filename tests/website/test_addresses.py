"""One address for the site: every link the site writes for elsewhere (calendars, JSON-LD, the
API, mails) is made from BASE_URL, and every calendar UID ends in one domain that does not
move when the address does (issue 17, item 2)."""

import json
import re
import subprocess
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core import mail
from django.db.models.signals import post_migrate
from wagtail.models import Site

from events import ical
from events.models import EventPage
from events.services import registration_create
from network.directory.models import Actor
from network.incubators.models import Call
from network.incubators.services import deadline_uid
from network.spaces.models import Booking
from website.addresses import site_record_sync

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
SERVED = "https://agenda.ville.example:8443"
LINK = re.compile(r"https?://[^\s\"<>\\]+")


@pytest.fixture
def elsewhere(settings, full_demo):
    """The site served at SERVED, while Wagtail's Site record still names another host (as the
    demo's did: localhost, port 80)."""
    settings.BASE_URL = SERVED
    settings.ESSAIM_CALENDAR_UID_DOMAIN = "essaim.ville.example"
    Site.objects.filter(is_default_site=True).update(hostname="localhost", port=80)
    Site.clear_site_root_paths_cache()
    return full_demo


def links(text):
    return [link.rstrip(".,;)") for link in LINK.findall(text.replace("\r\n ", ""))]


def external_links():
    """What editors and actors link to on purpose: join links, websites."""
    return {
        *EventPage.objects.exclude(online_url="").values_list("online_url", flat=True),
        *Actor.objects.exclude(website="").values_list("website", flat=True),
        "https://schema.org",
    }


def assert_all_on_the_site(found, where):
    external = external_links()
    own = [link for link in found if not any(link.startswith(e) for e in external)]
    assert own, f"no link in {where}"
    strays = [link for link in own if not link.startswith(SERVED + "/")]
    assert strays == [], f"{where} links elsewhere: {strays}"


def live_event(**filters):
    return EventPage.objects.live().filter(locale__language_code="fr", **filters).first()


def test_calendars_link_to_the_address_the_site_is_served_on(client, elsewhere):
    event = live_event()
    ics = client.get(f"/fr/events/{event.translation_key}.ics").content.decode()
    assert_all_on_the_site(links(ics), "the event's .ics")
    feed = client.get("/fr/events/feed.ics").content.decode()
    assert_all_on_the_site(links(feed), "the site feed")


def test_json_ld_and_the_api_link_to_the_address_the_site_is_served_on(client, elsewhere):
    event = live_event()
    page = client.get(event.url).content.decode()
    data = json.loads(re.search(r'id="event-json-ld"[^>]*>(.*?)</script>', page, re.S).group(1))
    assert data["url"].startswith(SERVED + "/")
    actor = Actor.objects.published().first()
    page = client.get(actor.get_absolute_url()).content.decode()
    assert_all_on_the_site(
        [link for link in links(page.split("</head>")[0]) if "/static/" not in link],
        "the actor's JSON-LD",
    )
    for path in ("/api/v1/occurrences", "/api/v1/actors", "/api/v1/spaces", "/api/v1/calls"):
        assert_all_on_the_site(links(client.get(path).content.decode()), path)


def test_mails_link_to_the_address_the_site_is_served_on(
    elsewhere, django_capture_on_commit_callbacks
):
    person = get_user_model().objects.get(email="membre@essaim.example")
    occurrence = (
        live_event(registration_enabled=True, capacity__isnull=True).occurrences.upcoming().first()
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        registration_create(occurrence=occurrence, user=person)
    [message] = mail.outbox
    assert_all_on_the_site(links(message.body), "the confirmation mail")
    calendar = message.alternatives[-1][0]
    assert_all_on_the_site(links(calendar), "the invite")


def test_every_kind_of_calendar_uid_ends_in_one_domain_that_the_address_never_changes(
    settings, full_demo
):
    event = live_event()
    booking = Booking.objects.filter(status=Booking.Status.CONFIRMED).first()
    call = Call.objects.first()
    # The demo's bookings were made with the installation's domain, whatever the address.
    from website.calendars.uids import calendar_uid_domain

    assert booking.uid.endswith("@" + calendar_uid_domain())
    settings.ESSAIM_CALENDAR_UID_DOMAIN = "essaim.ville.example"

    def uids():
        from network.spaces.services import _new_uid

        return [ical.event_uid(event), _new_uid(), deadline_uid(call, "closing")]

    settings.BASE_URL = "http://127.0.0.1:8000"
    before = uids()
    settings.BASE_URL = "https://agenda.ville.example:8443"
    after = uids()
    assert before[0] == after[0] and before[2] == after[2]
    assert all(uid.endswith("@essaim.ville.example") for uid in before + after)


def test_wagtails_site_record_follows_base_url_after_each_migration(settings, site_base):
    settings.BASE_URL = "https://agenda.ville.example:8443"
    post_migrate.send(
        sender=apps.get_app_config("website"),
        app_config=apps.get_app_config("website"),
        verbosity=0,
        interactive=False,
        using="default",
        plan=[],
        apps=apps,
    )
    site = Site.objects.get(is_default_site=True)
    assert (site.hostname, site.port) == ("agenda.ville.example", 8443)
    settings.BASE_URL = "http://127.0.0.1:8123"
    site_record_sync()
    assert Site.objects.get(is_default_site=True).root_url == "http://127.0.0.1:8123"


def test_make_run_serves_and_links_on_the_port_it_is_given():
    commands = subprocess.run(
        ["make", "-n", "run", "PORT=8123"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    for command in ("manage.py migrate", "manage.py load_demo", "manage.py runserver"):
        [line] = [line for line in commands.splitlines() if command in line]
        assert "BASE_URL=http://127.0.0.1:8123 " in line, line


def test_the_uid_domain_is_recorded_once_and_a_new_address_keeps_it(settings, site_base):
    from django.core.checks import run_checks

    from website.calendars import uids as addresses
    from website.models import Installation

    settings.ESSAIM_CALENDAR_UID_DOMAIN = ""
    addresses._recorded_domain.cache_clear()
    Installation.objects.all().delete()
    settings.BASE_URL = "http://127.0.0.1:8000"
    assert addresses.calendar_uid("x") == "x@127.0.0.1"
    settings.BASE_URL = "https://agenda.ville.example:8443"  # moved, and a new port
    addresses._recorded_domain.cache_clear()
    assert addresses.calendar_uid("x") == "x@127.0.0.1"
    assert Installation.objects.get().calendar_uid_domain == "127.0.0.1"

    settings.ESSAIM_CALENDAR_UID_DOMAIN = "agenda.ville.example"
    [error] = [
        e
        for e in run_checks(include_deployment_checks=False, databases=["default"])
        if e.id == "essaim.E001"
    ]
    assert "127.0.0.1" in error.hint
    addresses._recorded_domain.cache_clear()
