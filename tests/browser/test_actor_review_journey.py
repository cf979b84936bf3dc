"""Only approved actors act, in Chromium (issue 18, items 1 and 2): a member registers a new
actor; its profile tells them it waits for review; the booking form of the Salle de la
Manufacture does not offer it and says why; the moderators are mailed and find it on the
admin's dashboard, approve it, and then it books. The member's other actor asks to join an
umbrella network: the network's administrator is mailed, the request shows as waiting, and
the decision comes back by mail. Every page passes an axe audit, in French and English, on
a phone and a desktop screen.

Selectors use ids and form values, so the journey holds whatever the catalogues say."""

import os
from pathlib import Path

import pytest
from django.core import mail
from playwright.sync_api import expect

from network.directory.models import Actor, ActorStatus, Membership, Territory
from network.spaces.models import Booking
from tests.browser.conftest import AXE
from tests.network.booking_helpers import make_space, next_week_day

pytestmark = pytest.mark.django_db(transaction=True)

SHOTS = Path(os.environ.get("ESSAIM_SHOTS", "/tmp/shots"))
NAME = "Atelier Vélo de Chantenay"
SIZES = (390, 1280)


def log_in(page, live_server, email_address, password):
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/fr/accounts/login/")
    page.get_by_label("E-mail").fill(email_address)
    page.get_by_label("Mot de passe :", exact=True).fill(password)
    page.get_by_role("button", name="Connexion").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()


def audit_panels(page):
    """axe on the dashboard's panels of the directory. The rest of Wagtail's dashboard is
    Wagtail's: on a desktop screen it has two search landmarks of the same name (its menu's
    and the dashboard's own), which axe reports as landmark-unique with or without them."""
    page.evaluate(AXE.read_text())
    result = page.evaluate(
        """async (tags) => await axe.run(
            {include: [['#network-review-section'], ['#network-booking-requests-section']]},
            {runOnly: {type: 'tag', values: tags}})""",
        ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"],
    )
    return [f"{v['id']}: {v['help']}" for v in result["violations"]]


def in_both_languages_and_sizes(page, live_server, audit, name, path, *, admin=False):
    """Open ``path`` (``{lang}`` in it, or the admin after a page in that language) in French
    and English, on a phone and a desktop screen: axe finds nothing, and a screenshot is kept."""
    for language in ("fr", "en"):
        for width in SIZES:
            page.set_viewport_size({"width": width, "height": 900})
            if admin:  # the admin speaks the language of the last page served
                page.goto(f"{live_server.url}/{language}/directory/")
            page.goto(live_server.url + path.format(lang=language))
            found = audit_panels(page) if admin else audit()
            assert found == [], (name, language, width)
            SHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(
                path=str(SHOTS / f"i18-actors-{name}-{language}-{width}.png"), full_page=True
            )
    page.set_viewport_size({"width": 1280, "height": 900})


@pytest.fixture
def network_world(demo):
    from network.directory.demo import _grant_moderators
    from website.accounts.models import User

    _grant_moderators()
    nantes, _ = Territory.objects.get_or_create(
        slug="nantes", defaults={"name": "Nantes", "kind": "commune", "country": "FR"}
    )
    member = User.objects.get(email="membre@essaim.example")
    recyclerie = Actor.objects.create(
        name="Recyclerie du Breil",
        slug="recyclerie-du-breil",
        status=ActorStatus.PUBLISHED,
        territory=nantes,
    )
    Membership.objects.create(actor=recyclerie, user=member, role="admin", status="active")
    network = Actor.objects.create(
        name="Réseau des ressourceries",
        slug="reseau-des-ressourceries",
        status=ActorStatus.PUBLISHED,
        is_umbrella=True,
        territory=nantes,
    )
    Membership.objects.create(
        actor=network,
        user=User.objects.get(email="admin@essaim.example"),
        role="admin",
        status="active",
    )
    space = make_space(
        nantes,
        slug="salle-de-la-manufacture",
        name="Salle de la Manufacture",
        requires_approval=False,
    )
    return {"space": space, "recyclerie": recyclerie, "network": network}


def test_a_new_actor_waits_for_review_books_once_approved_and_an_umbrella_hears_of_requests(
    page, live_server, demo, network_world, audit
):
    password = demo.DEMO_PASSWORD
    space = network_world["space"]
    book_path = f"/{{lang}}/directory/spaces/{space.slug}/book/"

    # A member registers a new actor with a name and a territory.
    log_in(page, live_server, "membre@essaim.example", password)
    page.goto(f"{live_server.url}/fr/directory/new/")
    page.locator("#actor-name").fill(NAME)
    page.locator("#actor-territory").select_option(label="Nantes")
    page.locator("form.actor-form button[type=submit]").click()
    expect(page.locator(".message--success")).to_contain_text(NAME)
    actor = Actor.objects.get(name=NAME)
    assert actor.status == ActorStatus.PENDING

    # The moderators hear of it: the moderator and the administrator (a superuser).
    told = {m.to[0] for m in mail.outbox if NAME in m.subject}
    assert told == {"moderateur@essaim.example", "admin@essaim.example"}

    # Its profile, for its creator: waiting for review.
    page.goto(f"{live_server.url}/fr/directory/mine/")
    page.get_by_role("link", name=NAME, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(NAME)
    expect(page.locator(".event__header .message--warning")).to_be_visible()
    in_both_languages_and_sizes(
        page, live_server, audit, "profile-waiting", f"/{{lang}}/directory/{actor.slug}/"
    )

    # The booking form offers only the approved actor, and says why the new one is missing.
    page.goto(live_server.url + book_path.format(lang="fr"))
    options = page.locator("#id_actor option")
    expect(options).to_have_count(1)
    expect(options).to_have_attribute("value", "recyclerie-du-breil")
    expect(page.locator("#id_actor_helptext")).to_contain_text(NAME)
    in_both_languages_and_sizes(page, live_server, audit, "booking-form", book_path)

    # The Recyclerie asks to join the umbrella network, once.
    mail.outbox.clear()
    page.goto(f"{live_server.url}/fr/directory/mine/")
    row = page.locator("tr", has_text="Recyclerie du Breil")
    row.locator("select[name=umbrella]").select_option(value="reseau-des-ressourceries")
    row.get_by_role("button").click()
    expect(page.locator(".message--success")).to_contain_text("Réseau des ressourceries")
    assert [m.to for m in mail.outbox] == [["admin@essaim.example"]]
    row = page.locator("tr", has_text="Recyclerie du Breil")
    expect(row).to_contain_text("Réseau des ressourceries")
    expect(row.locator("select[name=umbrella]")).to_have_count(0)  # nothing left to ask
    in_both_languages_and_sizes(page, live_server, audit, "my-actors", "/{lang}/directory/mine/")

    # The moderator finds it on the dashboard and approves it.
    log_in(page, live_server, "moderateur@essaim.example", password)
    page.goto(f"{live_server.url}/admin/")
    panel = page.locator("#network-review-section")
    expect(panel).to_be_visible()
    expect(panel.locator('a[href="/admin/directory/review/#review-new"]')).to_contain_text("1")
    in_both_languages_and_sizes(page, live_server, audit, "dashboard", "/admin/", admin=True)
    page.goto(f"{live_server.url}/admin/")
    page.locator('#network-review-section a[href$="#review-new"]').click()
    page.locator("form", has_text=NAME).locator("button[value=approve]").first.click()
    expect(page.locator(".messages")).to_contain_text(NAME)

    # Approved, it books.
    log_in(page, live_server, "membre@essaim.example", password)
    page.goto(live_server.url + book_path.format(lang="fr"))
    page.locator("#id_actor").select_option(value=actor.slug)
    page.locator("#id_date").fill(next_week_day().isoformat())
    page.locator("#id_start_time").fill("10:00")
    page.locator("#id_end_time").fill("12:00")
    page.locator("#id_purpose").fill("Atelier de réparation")
    page.locator("#id_attendees").fill("8")
    page.locator("form.booking-form button[type=submit]").click()
    expect(page.locator(".message--success")).to_be_visible()
    assert Booking.objects.get(actor=actor).status == Booking.Status.CONFIRMED

    # The umbrella's administrator accepts; the member hears of it.
    mail.outbox.clear()
    log_in(page, live_server, "admin@essaim.example", password)
    page.goto(f"{live_server.url}/fr/directory/mine/")
    page.locator("form[action*='umbrella-requests'] button[value=accept]").click()
    expect(page.locator(".message--success")).to_contain_text("Recyclerie du Breil")
    (decision,) = mail.outbox
    assert decision.to == ["membre@essaim.example"]
    assert "Réseau des ressourceries" in decision.subject
