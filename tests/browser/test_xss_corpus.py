"""The XSS corpus (tests/xss_corpus.py) through every field a person who is not staff can
write, in Chromium: no payload runs on any page that shows it, and the text outputs (iCalendar,
CSV, JSON, GeoJSON, the API) carry it as data.

The browser context bypasses the Content Security Policy: under the site's strict policy an
inline script would be blocked even if a template forgot to escape it, and the test would
prove nothing about escaping. The negative control shows that the probes catch a payload
that is left unescaped. The forums have their own journey
(test_forums_journey.py::test_xss_payloads_in_titles_posts_names_and_files_never_run).

Every page is checked and every problem collected before the test fails, so one run lists
them all.
"""

import csv
import datetime as dt
import io
import json
import re
import zoneinfo
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import quote

import icalendar
import pytest
from django.conf import settings
from django.utils.html import escape

from tests.xss_corpus import (
    DOM_PROBE,
    INIT_SCRIPT,
    JSON_LD_PROBE,
    PAYLOADS,
    SHORT,
    TINY,
    corpus,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "un-mot-de-passe-solide-2026"
PARIS = zoneinfo.ZoneInfo("Europe/Paris")
# What a query string or a filter reflects; URL-encoded where it goes.
QUERY = corpus("breakout", "attr_double", "img")
DISPLAY_NAME = "\"><img src=x onerror=__xss('name')>{{ 7|add:42 }}\u202eM"


@pytest.fixture
def xss_page(browser):
    """A page whose context ignores the CSP and records any payload that runs."""
    context = browser.new_context(bypass_csp=True, locale="fr-FR")
    context.add_init_script(INIT_SCRIPT)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def strings(data):
    """Every string in a JSON document."""
    if isinstance(data, str):
        yield data
    elif isinstance(data, dict):
        for value in data.values():
            yield from strings(value)
    elif isinstance(data, list):
        for value in data:
            yield from strings(value)


def normalise(text):
    return re.sub(r"\s+", " ", text).strip()


class Watcher:
    """Opens pages and collects what went wrong on each, instead of stopping at the first."""

    def __init__(self, page, base):
        self.page = page
        self.base = base
        self.dialogs = []
        self.problems = []
        self.visited = []
        page.on("dialog", lambda dialog: (self.dialogs.append(dialog.message), dialog.dismiss()))

    def check(self, label, texts=()):
        page = self.page
        page.wait_for_load_state("networkidle")
        hits = page.evaluate("() => Array.from(window.__xssHits || [])")
        live = page.evaluate(DOM_PROBE)
        if hits:
            self.problems.append(f"{label}: payloads ran: {hits}")
        if live:
            self.problems.append(f"{label}: live markup from the data: {live}")
        if self.dialogs:
            self.problems.append(f"{label}: dialogs opened: {self.dialogs}")
            self.dialogs.clear()
        if texts:
            body = normalise(page.locator("body").inner_text())
            for text in texts:
                if normalise(text) not in body:
                    self.problems.append(f"{label}: {text[:60]!r} is not shown as text")

    def visit(self, path, texts=(), status=200):
        response = self.page.goto(self.base + path)
        self.visited.append(path)
        if response.status != status:
            self.problems.append(f"{path}: HTTP {response.status}, expected {status}")
        self.check(path, texts)
        return response

    def expect(self, condition, problem):
        if not condition:
            self.problems.append(problem)

    def json_ld(self):
        return self.page.evaluate(JSON_LD_PROBE)


def sign_in(page, live_server, user):
    """Sign in without the form (the journey uses the form once): a session for ``user``."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    page.context.clear_cookies()
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )


def test_the_probes_catch_a_payload_left_unescaped_and_nothing_when_escaped(xss_page):
    """The negative control: the same payloads served raw under a strict CSP do run (the
    context bypasses the policy) and the probes see them; escaped, they do not."""
    watcher = Watcher(xss_page, "http://xss-control.test")
    strict = {"Content-Security-Policy": "default-src 'self'; script-src 'self'"}

    def page_with(text):
        # Each payload in its own element, the JSON-LD one (which opens a comment) last.
        paragraphs = "".join(
            f"<p>{text(payload)}</p>" for name, payload in PAYLOADS.items() if name != "json_ld"
        )
        return (
            "<!DOCTYPE html><html lang='fr'><head><title>t</title></head><body>"
            f'<input value="{text(PAYLOADS["attr_double"])}">{paragraphs}'
            f"<a href='{text(PAYLOADS['javascript_url'])}'>lien</a>"
            f'<script type=\'application/ld+json\'>{{"name": "{text(PAYLOADS["json_ld"])}"}}'
            "</script></body></html>"
        )

    def safe(payload):
        return "https://x.example/" if payload.startswith("javascript:") else escape(payload)

    xss_page.route(
        "http://xss-control.test/raw",
        lambda route: route.fulfill(
            status=200, content_type="text/html", headers=strict, body=page_with(str)
        ),
    )
    xss_page.route(
        "http://xss-control.test/escaped",
        lambda route: route.fulfill(
            status=200, content_type="text/html", headers=strict, body=page_with(safe)
        ),
    )
    watcher.visit("/raw")
    ran = " ".join(watcher.problems)
    for name in ("script", "img", "svg", "details", "breakout", "raw_text", "json_ld", "iframe"):
        assert f"'{name}'" in ran, name
    assert "javascript:__xss" in ran  # a link nobody clicked is found too
    assert "attr_double" in ran  # the autofocus handler of the attribute breakout

    watcher.problems.clear()
    watcher.visit("/escaped", texts=[PAYLOADS["img"], PAYLOADS["template"]])
    assert watcher.problems == []


def seed(make_event):
    """What a person who is not staff (Mallory) writes everywhere, through the services."""
    from allauth.account.models import EmailAddress

    from events import services as event_services
    from network.directory import services as network_services
    from network.directory.models import Actor, LegalForm, Sector, Territory
    from network.incubators import services as incubators
    from network.spaces import services as booking
    from network.spaces.demo import _at, _next
    from network.spaces.models import Space
    from website.accounts.models import User

    mallory = User.objects.create_user(
        email="mallory@evil.example", password=PASSWORD, display_name=TINY
    )
    EmailAddress.objects.create(user=mallory, email=mallory.email, verified=True, primary=True)
    moderator = User.objects.get(email="moderateur@essaim.example")
    nantes = Territory.objects.get(slug="nantes")
    sector = Sector.objects.get(slug="alimentation")

    actor_name = corpus("img", "breakout", "template", prefix="=1+1 ")
    values = {
        "name": actor_name,
        # Transactional tests flush the legal forms that a migration created.
        "legal_form": LegalForm.objects.get_or_create(
            slug="association", defaults={"name_fr": "Association", "name_en": "Association"}
        )[0],
        "identifier_kind": "",
        "identifier": "",
        "sectors": [sector],
        "territory": nantes,
        "address": corpus("raw_text", "newline", "unicode"),
        "latitude": "47.210000",
        "longitude": "-1.560000",
        "description": corpus(),
        "website": "https://evil.example/\"><svg/onload=__xss('website')>",
        "public_email": "\"<svg/onload=__xss('email')>\"@evil.example",
        "public_phone": TINY,
        "year_founded": None,
        "size_band": "",
        "languages": corpus("attr_double", prefix="wolof "),
        "is_umbrella": False,
    }
    private = {"private_contact_name": SHORT, "private_email": "", "private_phone": TINY}
    actor = network_services.actor_create(user=mallory, values=values, private=private)
    network_services.actor_approve(actor=actor, user=moderator)
    Actor.objects.filter(pk=actor.pk).update(is_incubator=True)  # a moderator's decision
    actor.refresh_from_db()

    # A change proposed to the published actor waits in the moderators' queue.
    change = network_services.actor_update(
        actor=actor,
        user=mallory,
        values={**values, "description": corpus("json_ld", "css", "attr_single", "newline")},
    )
    assert change is not None
    # A second actor, new, waits for review.
    pending = network_services.actor_create(
        user=mallory,
        values={
            **values,
            "name": corpus("svg", "attr_single"),
            "description": corpus("script", "details"),
            "latitude": None,
            "longitude": None,
        },
    )
    network_services.need_offer_create(
        actor=actor,
        user=mallory,
        kind="need",
        category="premises",
        title=corpus("img", "attr_double"),
        description=corpus("script", "json_ld", "css", "template"),
        expires_on=dt.date.today() + dt.timedelta(days=60),
    )
    network_services.need_offer_create(
        actor=actor,
        user=mallory,
        kind="offer",
        category="skills",
        title=corpus("svg", "raw_text"),
        description=corpus("breakout", "unicode"),
        expires_on=dt.date.today() + dt.timedelta(days=60),
    )
    recyclerie = Actor.objects.get(slug="recyclerie-du-breil")
    network_services.membership_request(actor=recyclerie, user=mallory)
    umbrella = Actor.objects.get(name="Réseau francophone des ressourceries")
    network_services.umbrella_join_request(umbrella=umbrella, member=actor, user=mallory)

    # Programmes and calls: written on the site by the incubator's own administrators.
    programme = incubators.programme_create(
        user=mallory,
        actor=actor,
        values={
            "name": corpus("img", "attr_single", "template"),
            "description": corpus(),
            "offers_training": True,
            "territory": nantes,
            "duration": corpus("svg", "attr_double")[:120],
            "cost": corpus("raw_text", "breakout"),
            "eligibility": corpus("script", "newline", "unicode"),
            "audience": TINY,
            "is_active": True,
        },
        sectors=[sector],
    )
    now = dt.datetime.now(dt.UTC)
    call = incubators.call_create(
        user=mallory,
        programme=programme,
        values={
            "title": corpus("breakout", "newline", "template"),
            "cadence": "one_off",
            "description": corpus(),
            "time_zone": "Europe/Paris",
            "opens_at": now - dt.timedelta(days=1),
            "closes_at": now + dt.timedelta(days=20),
            "apply_url": "https://evil.example/apply?x=\"onmouseover=__xss('apply')//",
            "apply_email": "\"<svg/onload=__xss('apply_email')>\"@evil.example",
        },
    )

    # Bookings: one waits for the manager, one is cancelled with a reason.
    doulon = Space.objects.get(slug="maison-de-quartier-doulon")
    day = _next(2, weeks=2, zone="Europe/Paris")
    (waiting,) = booking.booking_create(
        space=doulon,
        actor=actor,
        user=mallory,
        start=_at(day, 14, "Europe/Paris"),
        end=_at(day, 16, "Europe/Paris"),
        purpose=corpus("img", "newline", "breakout"),
        attendees=10,
    )
    (cancelled,) = booking.booking_create(
        space=doulon,
        actor=actor,
        user=mallory,
        start=_at(day, 9, "Europe/Paris"),
        end=_at(day, 10, "Europe/Paris"),
        purpose=corpus("svg", "attr_single"),
        attendees=5,
    )
    booking.booking_cancel(booking=cancelled, user=mallory, reason=corpus("script", "raw_text"))

    # An event (editors write those, through moderation) that Mallory registers for.
    event = make_event(
        title=corpus("script", "breakout", "newline"),
        slug="evenement-xss",
        summary=corpus("img", "json_ld", "template"),
        venue_name=corpus("svg", "attr_double"),
        address=corpus("raw_text", "newline"),
        organiser_name=corpus("details", "attr_single"),
        latitude="47.220000",
        longitude="-1.550000",
        audience=TINY,
        price_details=SHORT,
        accessibility_notes=corpus("css", "unicode"),
        start=dt.datetime.combine(dt.date.today() + dt.timedelta(days=12), dt.time(14), PARIS),
    )
    event_services.registration_create(occurrence=event.occurrences.first(), user=mallory)
    return SimpleNamespace(
        mallory=mallory,
        actor=actor,
        values=values,
        change=change,
        pending=pending,
        programme=programme,
        call=call,
        waiting=waiting,
        cancelled=cancelled,
        event=event,
    )


@pytest.fixture
def written(full_demo, make_event, settings):
    from django.contrib.auth.models import Group, Permission

    settings.ESSAIM_MFA_REQUIRED_FOR_STAFF = False
    # Transactional tests flush what Wagtail's migrations gave the groups.
    Group.objects.get(name="Moderators").permissions.add(
        Permission.objects.get(codename="access_admin")
    )
    return seed(make_event)


def user(email):
    from website.accounts.models import User

    return User.objects.get(email=email)


def test_no_payload_runs_on_any_page_that_shows_what_people_wrote(xss_page, live_server, written):
    page, w = xss_page, Watcher(xss_page, live_server.url)
    actor, values = written.actor, written.values
    q = quote(QUERY)

    # Mallory signs in and sets her display name through the real forms.
    page.goto(f"{live_server.url}/fr/accounts/login/")
    page.locator("input[name=login]").fill("mallory@evil.example")
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    w.visit("/fr/accounts/profile/")
    page.locator("input[name=display_name]").fill(DISPLAY_NAME)
    page.locator("main form.form button[type=submit]").click()
    w.check("profile after saving")
    assert page.locator("input[name=display_name]").input_value() == DISPLAY_NAME
    written.mallory.refresh_from_db()
    assert written.mallory.display_name == DISPLAY_NAME
    # Her data export, after the password again: the exact strings, as JSON.
    page.goto(f"{live_server.url}/fr/accounts/profile/data.json")
    page.locator("input[name=password]").fill(PASSWORD)
    with page.expect_download() as download:
        page.locator("main form button[type=submit]").click()
    exported = set(strings(json.loads(Path(download.value.path()).read_text(encoding="utf-8"))))
    for value in (DISPLAY_NAME, written.waiting.purpose, written.change.data["description"]):
        w.expect(value in exported, f"data export: {value[:40]!r} missing")

    # Her own pages: forms hold the values in attributes and text areas.
    w.visit("/fr/directory/mine/", texts=[PAYLOADS["img"]])
    w.visit(f"/fr/directory/{actor.slug}/edit/")
    assert page.locator("#actor-website").input_value() == values["website"]
    assert page.locator("#actor-languages").input_value() == values["languages"]
    w.visit(f"/fr/directory/{actor.slug}/needs/", texts=[PAYLOADS["attr_double"]])
    w.visit(f"/fr/directory/{written.pending.slug}/edit/")
    w.visit("/fr/directory/spaces/bookings/", texts=[PAYLOADS["img"]])
    w.visit(f"/fr/directory/spaces/bookings/{written.waiting.pk}/", texts=[PAYLOADS["breakout"]])
    w.visit(f"/fr/directory/spaces/bookings/{written.cancelled.pk}/", texts=[PAYLOADS["svg"]])
    w.visit(
        f"/fr/directory/spaces/maison-de-quartier-doulon/book/?date={q}&start_time={q}&end_time={q}"
    )
    w.visit(f"/fr/directory/programmes/manage/{actor.slug}/", texts=[PAYLOADS["template"]])
    w.visit(f"/fr/directory/programmes/{written.programme.slug}/edit/")
    w.visit(f"/fr/directory/programmes/{written.programme.slug}/calls/{written.call.pk}/edit/")
    w.visit("/fr/events/mine/", texts=[PAYLOADS["script"]])

    # The public pages.
    page.context.clear_cookies()
    w.visit(
        f"/fr/directory/{actor.slug}/",
        texts=[values["name"], PAYLOADS["json_ld"], PAYLOADS["attr_double"], TINY],
    )
    # The JSON-LD parses and holds the exact strings.
    blocks = w.json_ld()
    organisation = next((b for b in blocks if b.get("name") == values["name"]), {})
    w.expect(
        organisation.get("description") == values["description"]
        and organisation.get("address", {}).get("streetAddress") == values["address"]
        and organisation.get("sameAs") == [values["website"]],
        f"actor JSON-LD does not carry the values: {blocks}",
    )
    # The link fields keep their exact address, as an address.
    hrefs = page.eval_on_selector_all("a[href]", "links => links.map(a => a.getAttribute('href'))")
    for href in (values["website"], f"mailto:{values['public_email']}"):
        w.expect(href in hrefs, f"actor page: no link to {href}")
    page.keyboard.press("Tab")
    w.check("actor page after Tab")

    w.visit("/fr/directory/", texts=[PAYLOADS["img"]])
    w.visit(f"/fr/directory/?q={q}", texts=[])
    assert page.locator("#filter-q").input_value() == QUERY
    w.visit(f"/fr/directory/?sector={q}&legal_form={q}&territory={q}&need={q}&page={q}")
    w.visit("/fr/directory/needs-and-offers/", texts=[PAYLOADS["attr_double"]])
    w.visit(f"/fr/directory/needs-and-offers/?q={q}&category={q}")
    w.visit(f"/fr/directory/statistics/?sector={q}")

    # The map: the marker and its popup come from the GeoJSON, through the DOM (the names of
    # places on the ground are markers too, without popups).
    w.visit("/fr/directory/map/?q=onerror")
    markers = page.locator(".leaflet-marker-icon:not(.essaim-place)")
    markers.first.wait_for()
    titles = [m.get_attribute("title") for m in markers.all()]
    assert values["name"] in titles, titles
    markers.nth(titles.index(values["name"])).click()
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    assert normalise(values["name"]) in normalise(popup.inner_text())
    w.check("map popup")

    w.visit("/fr/directory/programmes/", texts=[PAYLOADS["attr_single"]])
    w.visit(f"/fr/directory/programmes/?q={q}&state={q}&support={q}&incubator={q}&sector={q}")
    w.visit(f"/fr/directory/programmes/{written.programme.slug}/", texts=[TINY])
    w.visit(
        f"/fr/directory/programmes/{written.programme.slug}/calls/{written.call.pk}/",
        texts=[PAYLOADS["breakout"], "X-INJECTED:yes"],
    )
    apply = page.locator("a.call-apply__link")
    assert apply.get_attribute("href") == written.call.apply_url
    page.keyboard.press("Tab")
    w.check("call page after Tab")
    w.visit(f"/fr/directory/spaces/?q={q}&date={q}&time={q}&capacity={q}&equipment={q}")

    event_path = written.event.url
    w.visit(event_path, texts=[PAYLOADS["script"], PAYLOADS["attr_double"], TINY])
    blocks = w.json_ld()
    w.expect(
        any(b.get("name") == written.event.title for b in blocks),
        f"event JSON-LD does not carry the title: {blocks}",
    )
    w.visit("/fr/agenda/", texts=[PAYLOADS["breakout"]])
    w.visit(f"/fr/agenda/?q={q}&kind={q}&date_from={q}&date_to={q}&accessibility={q}")
    w.visit("/fr/agenda/map/")
    page.locator("#events-map .leaflet-marker-icon:not(.essaim-place)").first.wait_for()
    popups = []
    for marker in page.locator("#events-map .leaflet-marker-icon:not(.essaim-place)").all():
        marker.dispatch_event("click")  # markers overlap: a real click may hit another
        popups.append(page.locator("#events-map .leaflet-popup-content").last.inner_text())
        w.check("agenda map popup")
    assert any(PAYLOADS["script"] in normalise(text) for text in popups), popups
    when = written.event.start.astimezone(PARIS)
    w.visit(f"/fr/agenda/month/{when.year}/{when.month}/", texts=[PAYLOADS["script"]])
    w.visit("/fr/")
    w.visit(f"/fr/search/?q={q}")
    w.visit(f"/fr/forums/search/?q={q}")
    w.visit(f"/fr/events/subscribe/?series={q}&kinds={q}")
    # The subscription form with a hostile address: refused, and kept as typed in the field.
    page.locator("input[name=email]").fill(SHORT)
    page.locator("main form button[type=submit]").last.click()
    w.check("subscription form error")
    assert page.locator("input[name=email]").input_value() == SHORT
    w.visit(f"/fr/{quote(PAYLOADS['img'])}/", status=404)

    # The people who decide: the actor's admin, the umbrella's, the space manager.
    sign_in(page, live_server, user("membre@essaim.example"))
    w.visit("/fr/directory/recyclerie-du-breil/members/", texts=[DISPLAY_NAME])
    sign_in(page, live_server, user("admin@essaim.example"))
    w.visit("/fr/directory/mine/", texts=[PAYLOADS["img"]])
    sign_in(page, live_server, user("editrice@essaim.example"))
    w.visit("/fr/directory/spaces/manage/", texts=[PAYLOADS["breakout"], DISPLAY_NAME])
    w.visit("/fr/directory/spaces/maison-de-quartier-doulon/")
    w.visit(f"/fr/directory/spaces/usage/?start={q}&end={q}&territory={q}&space={q}")

    # The admin side: the moderators' review queue and an event's attendees.
    sign_in(page, live_server, user("moderateur@essaim.example"))
    w.visit(
        "/admin/directory/review/",
        texts=[PAYLOADS["svg"], PAYLOADS["json_ld"], PAYLOADS["attr_single"], DISPLAY_NAME],
    )
    sign_in(page, live_server, user("admin@essaim.example"))
    w.visit(f"/admin/events/{written.event.pk}/registrations/", texts=[DISPLAY_NAME])

    print(f"{len(w.visited)} pages visited")
    assert w.problems == []


def unfolded(text):
    return text.replace("\r\n ", "").replace("\r\n\t", "")


def assert_one_calendar_without_injection(body, problems, label):
    """The feed parses, and the line breaks in a text became escaped text, not properties."""
    assert body.startswith("BEGIN:VCALENDAR"), f"{label}: {problems}"
    calendar = icalendar.Calendar.from_ical(body)
    for component in calendar.walk():
        for name in component:
            if name in ("X-INJECTED", "ATTENDEE") and "evil" in str(component[name]):
                problems.append(f"{label}: {name} was injected")
    for line in unfolded(body).split("\r\n"):
        if line.startswith(("X-INJECTED", "ATTENDEE:mailto:evil")):
            problems.append(f"{label}: a line starts a property: {line}")
    return calendar


def test_text_outputs_carry_the_payloads_as_data(xss_page, live_server, written):
    from website.calendars.services import calendar_feed_token_regenerate

    page, problems = xss_page, []
    actor, values = written.actor, written.values
    get = page.request.get

    def fetch(path, content_type):
        response = get(live_server.url + path)
        if response.status != 200:
            problems.append(f"{path}: HTTP {response.status}")
        if not response.headers.get("content-type", "").startswith(content_type):
            problems.append(f"{path}: served as {response.headers.get('content-type')}")
        if response.headers.get("x-content-type-options") != "nosniff":
            problems.append(f"{path}: no nosniff")
        return response

    # JSON and GeoJSON: the exact strings, as JSON strings.
    records = fetch("/fr/directory/open-data/actors.json", "application/json").json()
    records = records.get("actors", records) if isinstance(records, dict) else records
    (record,) = [r for r in records if r.get("name") == values["name"]]
    assert record["description"] == values["description"]
    for path in ("/fr/directory/open-data/actors.geojson", "/fr/directory/map/data.geojson"):
        collection = fetch(path, "application/geo+json").json()
        names = [f["properties"]["name"] for f in collection["features"]]
        assert values["name"] in names, path
    api = fetch(f"/api/v1/actors/{actor.slug}", "application/json").json()
    assert api["name"] == values["name"] and api["description"] == values["description"]
    calls = fetch("/api/v1/calls?limit=100", "application/json").json()["items"]
    assert written.call.title in [c["title"] for c in calls]
    programmes = fetch("/api/v1/programmes?limit=100", "application/json").json()["items"]
    assert written.programme.description in [p.get("description") for p in programmes]
    uid = written.event.translation_key
    assert fetch(f"/api/v1/events/{uid}", "application/json").json()["title"] == (
        written.event.title
    )
    # A hostile query is refused or answered in JSON, never echoed as HTML.
    hostile = get(f"{live_server.url}/api/v1/occurrences?q={quote(QUERY)}&kind={quote(QUERY)}")
    assert hostile.headers["content-type"].startswith("application/json")
    hostile.json()

    # CSV: one row per actor whatever the line breaks, formulas neutralised.
    text = fetch("/fr/directory/open-data/actors.csv", "text/csv").text()
    rows = list(csv.reader(io.StringIO(text)))
    header = rows[0]
    assert all(len(row) == len(header) for row in rows), "a line break split a row"
    (row,) = [r for r in rows if values["description"] in r]
    assert row[header.index("name")] == "'" + values["name"]
    assert values["address"] in row

    # iCalendar: the deadlines, an event, the public feed, Mallory's and the manager's feeds.
    body = fetch("/fr/directory/programmes/deadlines.ics", "text/calendar").text()
    calendar = assert_one_calendar_without_injection(body, problems, "deadlines.ics")
    summaries = [str(c["SUMMARY"]) for c in calendar.walk("VEVENT")]
    assert any(PAYLOADS["breakout"] in s and "X-INJECTED:yes" in s for s in summaries)
    for path in (f"/fr/events/{uid}.ics", "/fr/events/feed.ics"):
        body = fetch(path, "text/calendar").text()
        calendar = assert_one_calendar_without_injection(body, problems, path)
        titles = [str(c["SUMMARY"]) for c in calendar.walk("VEVENT")]
        assert any("X-INJECTED:yes" in t and PAYLOADS["script"] in t for t in titles), path
    token = calendar_feed_token_regenerate(user=written.mallory).token
    body = fetch(f"/fr/events/feed/{token}.ics", "text/calendar").text()
    calendar = assert_one_calendar_without_injection(body, problems, "personal feed")
    texts = " ".join(str(c.get("SUMMARY", "")) for c in calendar.walk("VEVENT"))
    assert PAYLOADS["script"] in texts  # the event
    manager = calendar_feed_token_regenerate(user=user("editrice@essaim.example")).token
    body = fetch(
        f"/fr/directory/spaces/maison-de-quartier-doulon/feed/{manager}.ics", "text/calendar"
    ).text()
    calendar = assert_one_calendar_without_injection(body, problems, "space feed")
    texts = " ".join(
        str(c.get(name, "")) for c in calendar.walk("VEVENT") for name in ("SUMMARY", "DESCRIPTION")
    )
    assert "X-INJECTED:yes" in texts and PAYLOADS["img"] in texts

    # The attendees' CSV of the admin.
    sign_in(page, live_server, user("admin@essaim.example"))
    text = fetch(f"/admin/events/{written.event.pk}/registrations/?format=csv", "text/csv").text()
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert any(written.mallory.display_name in row for row in rows)
    assert all(len(row) == len(rows[0]) for row in rows if row)

    assert problems == []
