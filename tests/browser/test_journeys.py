"""A person's journeys in Debian's Chromium, and accessibility audits with axe-core."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "un-mot-de-passe-solide-2026"


def test_sign_up_verify_log_in_switch_to_english_and_log_out(page, live_server, demo):
    page.goto(f"{live_server.url}/")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    page.get_by_role("link", name="Créer un compte").click()

    page.get_by_label("E-mail").fill("nouvelle@asso.example")
    page.get_by_label("Mot de passe :", exact=True).fill(PASSWORD)
    page.get_by_label("Mot de passe (confirmation)").fill(PASSWORD)
    page.get_by_role("button", name="Création de compte").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Vérifiez votre adresse e-mail")

    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+/confirm-email/\S+", mail.outbox[0].body).group(0)
    page.goto(link)
    page.get_by_role("button", name="Confirmer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Votre profil")

    page.get_by_role("button", name="Déconnexion").click()
    page.get_by_role("link", name="Connexion").first.click()
    page.get_by_label("E-mail").fill("nouvelle@asso.example")
    page.get_by_label("Mot de passe :", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Connexion").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Votre profil")

    page.get_by_role("link", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your profile")

    page.get_by_role("button", name="Log out").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("link", name="Log in")).to_be_visible()


def test_keyboard_users_can_skip_to_the_content(page, live_server, demo):
    page.goto(f"{live_server.url}/fr/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Aller au contenu")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


@pytest.mark.parametrize(
    "path",
    [
        "/fr/",
        "/en/",
        "/fr/le-reseau/",
        "/fr/accounts/login/",
        "/fr/accounts/signup/",
        "/fr/accounts/password/reset/",
        "/fr/search/?q=r%C3%A9seau",
        "/en/search/?q=nothing-matches",
    ],
)
def test_public_pages_pass_an_axe_audit(page, live_server, demo, audit, path):
    page.goto(f"{live_server.url}{path}")
    assert audit() == []


def test_profile_and_account_pages_pass_an_axe_audit(page, live_server, demo, audit):
    page.goto(f"{live_server.url}/fr/accounts/login/")
    page.get_by_label("E-mail").fill("membre@essaim.example")
    page.get_by_label("Mot de passe :", exact=True).fill(demo.DEMO_PASSWORD)
    page.get_by_role("button", name="Connexion").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Votre profil")
    assert audit() == []
    for path in ("/fr/accounts/email/", "/fr/accounts/password/change/", "/fr/accounts/2fa/"):
        page.goto(f"{live_server.url}{path}")
        assert audit() == [], path


def test_a_form_error_is_announced_and_nothing_typed_is_lost(page, live_server, demo, audit):
    page.goto(f"{live_server.url}/fr/accounts/signup/")
    page.get_by_label("E-mail").fill("pas-une-adresse")
    page.get_by_label("Mot de passe :", exact=True).fill(PASSWORD)
    page.get_by_label("Mot de passe (confirmation)").fill("autre-chose-2026")
    page.evaluate("document.querySelector('form.form').noValidate = true")
    page.get_by_role("button", name="Création de compte").click()
    expect(page.locator(".errorlist").first).to_be_visible()
    expect(page.get_by_label("E-mail")).to_have_value("pas-une-adresse")
    assert audit() == []
