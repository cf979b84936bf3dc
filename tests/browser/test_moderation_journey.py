"""An editor submits an event, a moderator approves it in the admin: the event is live in
French and English, every time, even with a second submission right behind the approval
(issue 17, item 1). Three rounds of each."""

import datetime as dt
import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect
from wagtail.models import Locale

pytestmark = pytest.mark.django_db(transaction=True)

ROUNDS = 3


def log_in(page, live_server, email, password):
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/fr/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", password)
    page.locator("main form button[type=submit]").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()


def submit_as_editor(page, live_server, agenda, title):
    """The editor's part, in the admin: add an event under the agenda, submit it."""
    page.goto(f"{live_server.url}/admin/pages/add/events/eventpage/{agenda.pk}/")
    page.locator("#id_title").fill(title)
    # Wagtail's admin makes the slug from the title in the browser: on a busy machine it can
    # come after the submission, which the server then refuses for a missing slug.
    page.locator("#id_title").press("Tab")
    expect(page.locator("#id_slug")).to_have_value(re.compile(r"^atelier-r"))
    page.locator("#id_kind").select_option("atelier")
    page.locator("#id_summary").fill("Réparer ensemble plutôt que jeter.")
    start = dt.datetime.now() + dt.timedelta(days=20)
    page.locator("#id_start").fill(start.strftime("%Y-%m-%d 18:00"))
    page.locator("#id_end").fill(start.strftime("%Y-%m-%d 20:00"))
    page.locator("#id_venue_name").fill("Maison de quartier")
    page.locator("#id_organiser_name").fill("Ville de Nantes")
    # With the keyboard: the date picker's popup may still cover the footer.
    page.locator("footer .w-dropdown__toggle").press("Enter")
    page.locator("button[name=action-submit]").press("Enter")
    expect(page.locator(".messages")).to_contain_text(title)


def submitted_by_editor(make_event, editor, title, slug):
    """What ``submit_as_editor`` leaves, made directly: a draft, its English alias, the
    workflow started by the editor."""
    event = make_event(title=title, slug=slug, publish=False, owner=editor)
    event.copy_for_translation(
        Locale.objects.get(language_code="en"), copy_parents=True, alias=True
    )
    event.get_workflow().start(event, editor)
    return event


def open_for_approval(page, live_server, event):
    """The moderator opens the page in the admin and unfolds the actions."""
    page.goto(f"{live_server.url}/admin/pages/{event.pk}/edit/")
    page.locator("footer .w-dropdown__toggle").click()
    button = page.get_by_role("button", name="Approuver et publier")
    expect(button).to_be_visible()
    return button


def posts_answered(page):
    """The status of every form the page posts, as it comes."""
    statuses = []
    page.on(
        "response",
        lambda answer: answer.request.method == "POST" and statuses.append(answer.status),
    )
    return statuses


def approve(page, live_server, event):
    """Click "Approuver et publier"."""
    statuses = posts_answered(page)
    open_for_approval(page, live_server, event).click()
    expect(page.locator(".messages")).to_contain_text("en ligne")
    assert statuses and all(status < 500 for status in statuses), statuses


def approve_twice(page, live_server, event, password):
    """The same approval from two windows opened before it, sent one right behind the other
    (a second window, or a colleague's): both answer, neither with an error, and each says
    where the page stands. The second window has a session of its own: two tabs of one
    browser share the cookie that carries Django's messages, and the later answer's cookie
    can replace the other's before its page is shown (then neither tab shows "approved")."""
    second = page.context.browser.new_context().new_page()
    log_in(second, live_server, "moderateur@essaim.example", password)
    buttons = [open_for_approval(tab, live_server, event) for tab in (page, second)]
    statuses = [posts_answered(tab) for tab in (page, second)]
    for button in buttons:
        button.click(no_wait_after=True)
    for tab in (page, second):
        expect(tab.locator(".messages")).to_contain_text("en ligne")
    assert all(answers and all(status < 500 for status in answers) for answers in statuses), (
        statuses
    )
    said = [tab.locator(".messages").inner_text() for tab in (page, second)]
    assert any("est approuvée" in text for text in said), said
    second.context.close()


def assert_live_in_french_and_english(page, live_server, event):
    from events.models import EventPage

    event = EventPage.objects.get(pk=event.pk)
    english = EventPage.objects.get(
        translation_key=event.translation_key, locale__language_code="en"
    )
    assert event.live and english.live
    # A visitor of their own (the moderator's language cookie stays French).
    visitor = page.context.browser.new_context()
    for url in (event.url, english.url):
        assert visitor.request.get(f"{live_server.url}{url}").status == 200, url
    visitor.close()


def test_an_approval_in_the_admin_always_puts_the_event_live_in_both_languages(
    page, live_server, make_event, agenda, demo
):
    from events.models import EventPage

    users = get_user_model().objects
    editor = users.get(email="editrice@essaim.example")
    for round_ in range(ROUNDS):
        log_in(page, live_server, "editrice@essaim.example", demo.DEMO_PASSWORD)
        title = f"Atelier réparation {round_ + 1}"
        submit_as_editor(page, live_server, agenda, title)
        submitted = EventPage.objects.get(title=title, locale__language_code="fr")
        again = submitted_by_editor(make_event, editor, f"Repair café {round_ + 1}", f"rc-{round_}")

        log_in(page, live_server, "moderateur@essaim.example", demo.DEMO_PASSWORD)
        approve(page, live_server, submitted)
        assert_live_in_french_and_english(page, live_server, submitted)
        approve_twice(page, live_server, again, demo.DEMO_PASSWORD)
        assert_live_in_french_and_english(page, live_server, again)
