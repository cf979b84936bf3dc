"""An editor makes a workshop repeat without typing RFC 5545 (issue 17, item 6): the builder
in the admin, its preview in words and dates, and the rule stored with the draft."""

import pytest
from django.utils import translation
from playwright.sync_api import expect

from events.models import EventPage
from events.recurrence import describe_rule
from events.services import series_starts
from tests.browser.conftest import AXE
from website.wording import format_local_start

pytestmark = pytest.mark.django_db(transaction=True)

RULE = "FREQ=WEEKLY;BYDAY=MO,WE;COUNT=8"


def log_in(page, live_server, demo, email="editrice@essaim.example"):
    page.goto(f"{live_server.url}/fr/accounts/login/")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Mot de passe :", exact=True).fill(demo.DEMO_PASSWORD)
    page.get_by_role("button", name="Connexion").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()


def axe_violations(page, selector):
    """axe-core's WCAG A and AA rules on one part of the page."""
    page.evaluate(AXE.read_text())
    result = page.evaluate(
        "async (selector) => await axe.run(document.querySelector(selector), "
        "{runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})",
        selector,
    )
    return [f"{v['id']}: {v['help']}" for v in result["violations"]]


def test_an_editor_builds_a_weekly_rule_sees_its_dates_and_saves_the_draft(
    page, live_server, full_demo
):
    event = EventPage.objects.get(slug="atelier-compostage", locale__language_code="fr")
    assert event.recurrence == ""
    log_in(page, live_server, full_demo)
    page.goto(f"{live_server.url}/admin/pages/{event.pk}/edit/")
    builder = page.locator("[data-controller='essaim-recurrence']")
    expect(builder).to_be_visible()

    # The field's label names the builder's first control.
    page.get_by_label("Règle de récurrence").select_option("WEEKLY")
    days = builder.locator("[data-essaim-recurrence-target='weekdays']")
    expect(days).to_be_visible()
    for box in days.get_by_role("checkbox").all():
        box.uncheck()
    days.get_by_role("checkbox", name="lundi").check()
    # The keyboard works as for any checkbox.
    days.get_by_role("checkbox", name="mercredi").focus()
    page.keyboard.press("Space")
    builder.locator("input[type=radio][value=count]").check()
    builder.locator("input[type=number][id$='-count']").fill("8")

    # The rule in words and its dates, in the event's zone, in the editor's language.
    with translation.override("fr"):
        words = describe_rule(text=RULE, local_start=event.local_start, all_day=event.all_day)
        starts = series_starts(
            text=RULE, start=event.start, end=event.end, time_zone=event.time_zone
        )
        labels = [format_local_start(s.astimezone(event.zone), all_day=False) for s in starts]
    expect(builder.locator(".essaim-recurrence__words")).to_have_text(words[0].upper() + words[1:])
    dates = builder.locator(".essaim-recurrence__dates li")
    expect(dates).to_have_count(8)
    expect(dates).to_have_text(labels)
    # The builder wrote the rule into the field the form sends (under "Advanced").
    expect(page.locator("input[name='recurrence']")).to_have_value(RULE)
    assert axe_violations(page, ".essaim-recurrence") == []

    page.get_by_role("button", name="Enregistrer le brouillon").click()
    expect(page.locator(".messages")).to_be_visible()

    draft = EventPage.objects.get(pk=event.pk).get_latest_revision_as_object()
    assert draft.recurrence == RULE


def test_a_typed_rule_fills_the_builder_and_a_custom_one_stays_as_typed(
    page, live_server, full_demo
):
    event = EventPage.objects.get(slug="atelier-compostage", locale__language_code="fr")
    log_in(page, live_server, full_demo)
    page.goto(f"{live_server.url}/admin/pages/{event.pk}/edit/")
    builder = page.locator("[data-controller='essaim-recurrence']")
    rule = page.locator("input[name='recurrence']")

    builder.locator("details summary").click()
    rule.fill("FREQ=MONTHLY;BYDAY=-1FR;COUNT=3")
    expect(page.get_by_label("Règle de récurrence")).to_have_value("MONTHLY")
    expect(builder.locator("input[type=radio][value=nth]")).to_be_checked()
    expect(builder.locator("select[id$='-nth']")).to_have_value("-1")
    expect(builder.locator(".essaim-recurrence__dates li")).to_have_count(3)

    rule.fill("FREQ=MONTHLY;BYDAY=1TU,3TU;COUNT=4")
    expect(page.get_by_label("Règle de récurrence")).to_have_value("CUSTOM")
    expect(builder.locator(".essaim-recurrence__builder")).to_be_hidden()
    expect(builder.locator(".essaim-recurrence__dates li")).to_have_count(4)
    expect(rule).to_have_value("FREQ=MONTHLY;BYDAY=1TU,3TU;COUNT=4")

    rule.fill("FREQ=WEEKLY;BYDAY=XX")
    expect(builder.locator(".essaim-recurrence__problem")).to_be_visible()
    expect(builder.locator(".essaim-recurrence__dates li")).to_have_count(0)


def test_a_change_to_one_date_picks_it_from_the_series_dates(page, live_server, full_demo):
    event = EventPage.objects.get(slug="commission-ess-nantes", locale__language_code="fr")
    log_in(page, live_server, full_demo)
    page.goto(f"{live_server.url}/admin/pages/{event.pk}/edit/")
    builder = page.locator("[data-controller='essaim-recurrence']")
    expect(builder.locator(".essaim-recurrence__dates li").first).to_be_visible()

    page.locator("#id_occurrence_changes-ADD").click()
    picker = page.locator("select[name='occurrence_changes-2-original_start']")
    # Filled by the script from the preview: the ten dates of the rule, after the placeholder.
    expect(picker.locator("option")).to_have_count(11)

    # A shorter rule: the pickers follow it, and keep a saved date that left it, marked.
    builder.locator("input[type=number][id$='-count']").fill("1")
    expect(picker.locator("option")).to_have_count(2)
    saved = page.locator("select[name='occurrence_changes-0-original_start']")
    expect(saved.locator("option[data-orphan]")).to_have_count(1)
    expect(saved.locator("option:checked")).to_have_attribute("data-orphan", "true")
