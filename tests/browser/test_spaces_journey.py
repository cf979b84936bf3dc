"""Booking a meeting space in Chromium: a member searches by date and time, books a space that
needs approval on behalf of their actor, the manager approves it, and the requester sees it
confirmed, receives the calendar invite and finds it in their personal calendar feed. The
manager subscribes to the space's feed from the managers' page and reads the usage
statistics, as does an elected official. Every page passes an axe audit.

Selectors use ids and form values, so the journey holds whatever the catalogues say."""

import datetime as dt
import email
import os
import re
from pathlib import Path
from urllib.parse import urljoin

import pytest
from django.core import mail
from playwright.sync_api import expect

from network.spaces.models import Booking

pytestmark = pytest.mark.django_db(transaction=True)

SHOTS = Path(os.environ.get("ESSAIM_SHOTS", "/tmp/shots-booking"))


def log_in(page, live_server, email_address, password):
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/fr/accounts/login/")
    page.get_by_label("E-mail").fill(email_address)
    page.get_by_label("Mot de passe :", exact=True).fill(password)
    page.get_by_role("button", name="Connexion").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()


def shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_search_book_approve_and_the_requester_sees_it_confirmed_with_the_invite(
    page, live_server, full_demo, audit
):
    day = dt.date.today() + dt.timedelta(days=10)
    day += dt.timedelta(days=(2 - day.weekday()) % 7)  # a Wednesday
    log_in(page, live_server, "membre@essaim.example", full_demo.DEMO_PASSWORD)

    page.goto(f"{live_server.url}/fr/directory/spaces/")
    page.locator("#id_date").fill(day.isoformat())
    page.locator("#id_time").fill("14:00")
    page.locator("#id_duration").select_option(value="120")
    page.locator("#id_capacity").fill("50")
    page.locator("input[name=accessibility][value=step_free_access]").check()
    page.locator("form.space-search button[type=submit]").click()
    results = page.locator(".card-grid")
    expect(results.get_by_role("link", name="Maison de quartier de Doulon")).to_be_visible()
    expect(results.get_by_role("link", name="Salle de la Manufacture")).to_have_count(0)
    expect(
        page.locator('.leaflet-marker-icon[title="Maison de quartier de Doulon"]')
    ).to_be_visible()
    assert audit() == []
    shot(page, "1-search")

    results.get_by_role("link", name="Maison de quartier de Doulon").click()
    expect(page.locator("table.week-view caption")).to_be_visible()
    assert audit() == []
    shot(page, "2-space")

    page.goto(
        f"{live_server.url}/fr/directory/spaces/maison-de-quartier-doulon/book/"
        f"?date={day.isoformat()}&start_time=14:00&end_time=16:00"
    )
    page.locator("#id_actor").select_option(value="recyclerie-du-breil")
    page.locator("#id_purpose").fill("Formation des bénévoles")
    page.locator("#id_attendees").fill("30")
    assert audit() == []
    shot(page, "3-form")
    page.locator("form.booking-form button[type=submit]").click()
    booking = Booking.objects.get(purpose="Formation des bénévoles")
    assert booking.status == Booking.Status.PENDING
    expect(page.locator(".booking-status")).to_have_text(booking.get_status_display())

    log_in(page, live_server, "editrice@essaim.example", full_demo.DEMO_PASSWORD)
    page.goto(f"{live_server.url}/fr/directory/spaces/manage/")
    assert audit() == []
    shot(page, "4-manage")
    request = page.locator("section.card", has_text="Formation des bénévoles")
    mail.outbox.clear()
    request.locator("button[value=approve]").click()
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED

    log_in(page, live_server, "membre@essaim.example", full_demo.DEMO_PASSWORD)
    page.goto(f"{live_server.url}/fr/directory/spaces/bookings/")
    page.get_by_role("row", name="Maison de quartier de Doulon").filter(
        has_text=booking.get_status_display()
    ).get_by_role("link").first.click()
    expect(page.locator(".booking-status")).to_have_text(booking.get_status_display())
    assert audit() == []
    shot(page, "5-confirmed")

    (invite,) = [m for m in mail.outbox if "membre@essaim.example" in m.to]
    parsed = email.message_from_bytes(invite.message().as_bytes())
    calendar = parsed.get_payload()[0].get_payload()[-1]
    assert calendar.get_content_type() == "text/calendar"
    assert calendar.get_param("method") == "REQUEST"
    assert booking.uid in calendar.get_payload(decode=True).decode().replace("\r\n ", "")

    # The requester's personal feed lists it, with the UID of the invite.
    page.goto(f"{live_server.url}/fr/events/mine/")
    page.locator("form[action$='/feed/regenerate/'] button[type=submit]").click()
    feed_address = page.locator(".feed-address").first.inner_text().strip()
    feed = page.request.get(feed_address)
    assert feed.status == 200
    assert feed.headers["content-type"].startswith("text/calendar")
    unfolded = feed.text().replace("\r\n ", "")
    assert f"UID:{booking.uid}" in unfolded
    assert "STATUS:CONFIRMED" in unfolded

    # The manager subscribes to the space's feed from the managers' page.
    log_in(page, live_server, "editrice@essaim.example", full_demo.DEMO_PASSWORD)
    page.goto(f"{live_server.url}/fr/directory/spaces/manage/")
    page.locator("form.space-feeds-form button[type=submit]").click()
    link = page.locator("a.space-feed-link[data-space=maison-de-quartier-doulon]")
    expect(link).to_be_visible()
    assert audit() == []
    shot(page, "6-manage-feeds")
    space_feed = page.request.get(link.get_attribute("href"))
    assert space_feed.status == 200
    assert space_feed.headers["content-type"].startswith("text/calendar")
    assert f"UID:{booking.uid}" in space_feed.text().replace("\r\n ", "")

    # ...and reads the usage of their spaces.
    page.get_by_role(
        "link", name=re.compile("statistiques|statistics", re.IGNORECASE)
    ).first.click()
    expect(page.locator("#usage-spaces caption")).to_be_visible()
    expect(page.locator("#usage-spaces")).to_contain_text("Maison de quartier de Doulon")
    assert audit() == []
    shot(page, "7-usage")


def test_an_elected_official_reads_the_usage_of_every_space(page, live_server, full_demo, audit):
    from forums import demo as forums_demo

    forums_demo.load()
    log_in(page, live_server, "elue@essaim.example", full_demo.DEMO_PASSWORD)
    page.goto(f"{live_server.url}/fr/directory/spaces/")
    page.get_by_role(
        "link", name=re.compile("statistiques|statistics", re.IGNORECASE)
    ).first.click()
    table = page.locator("#usage-spaces")
    expect(table.locator("caption")).to_be_visible()
    expect(table).to_contain_text("Salle communautaire de Limoilou")
    expect(table).to_contain_text("Salle de la Manufacture")
    expect(page.locator("#usage-sectors caption")).to_be_visible()
    page.locator("section[aria-labelledby=usage-by-week] summary").first.click()
    expect(page.locator("#usage-weeks caption")).to_be_visible()
    assert audit() == []
    shot(page, "8-usage-elected")
    csv_file = page.request.get(
        urljoin(page.url, page.locator("a.usage-csv").get_attribute("href"))
    )
    assert csv_file.status == 200
    assert csv_file.headers["content-type"].startswith("text/csv")
