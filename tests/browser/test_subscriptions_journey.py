"""Following a committee without an account: subscribe, confirm from the mail, manage,
unsubscribe in one click. In Chromium, audited by axe."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)


def test_follow_a_committee_by_mail_confirm_manage_and_unsubscribe(
    page, live_server, full_demo, audit
):
    page.goto(f"{live_server.url}/fr/agenda/commission-ess-nantes/")
    page.get_by_role("link", name=re.compile("Suivre cette série")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Recevoir les nouveaux événements par e-mail"
    )
    assert audit() == []

    page.get_by_role("button", name="S’abonner").click()  # no address: a clear error
    expect(page.get_by_role("alert")).to_contain_text("Saisissez votre adresse e-mail.")
    assert audit() == []
    expect(page.get_by_label(re.compile("Commission"))).to_be_checked()  # nothing chosen is lost

    page.get_by_label("Votre adresse e-mail").fill("lea@asso.example")
    page.get_by_label("Un résumé hebdomadaire").check()
    page.get_by_role("button", name="S’abonner").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Consultez votre boîte de réception")

    (confirmation,) = [m for m in mail.outbox if m.to == ["lea@asso.example"]]
    url = re.search(r"http\S+/confirm/\S+/", confirmation.body).group(0)
    page.goto(live_server.url + "/" + url.split("/", 3)[3])
    assert audit() == []
    page.get_by_role("button", name="Confirmer mon abonnement").click()
    expect(page.get_by_text("Votre abonnement est confirmé.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ce que vous recevez")
    expect(page.get_by_label("Un résumé hebdomadaire")).to_be_checked()
    assert audit() == []

    invite = mail.outbox[-1]
    assert invite.subject.startswith("Dans votre agenda")
    unsubscribe = invite.extra_headers["List-Unsubscribe"].strip("<>")

    page.get_by_role("button", name=re.compile("Arrêter")).click()
    expect(page.get_by_text("Vous ne le suivez plus.")).to_be_visible()
    expect(page.get_by_text("Vous ne suivez encore aucun thème ni aucune série.")).to_be_visible()
    assert mail.outbox[-1].subject.startswith("Retiré de votre agenda")

    page.goto(live_server.url + "/" + unsubscribe.split("/", 3)[3])
    assert audit() == []
    page.get_by_role("button", name="Se désabonner").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Vous êtes désabonné·e")
