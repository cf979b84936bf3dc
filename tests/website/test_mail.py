"""Mail leaves through a Celery task once the transaction commits, and survives the trip."""

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives, send_mail
from django.db import transaction

from website.mail import deserialize_message, serialize_message

pytestmark = pytest.mark.django_db


def test_mail_is_sent_only_after_the_transaction_commits(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        send_mail("Bienvenue", "Bonjour !", None, ["awa@coop.example"])
        assert mail.outbox == []
    assert len(callbacks) == 1
    assert [m.subject for m in mail.outbox] == ["Bienvenue"]


def test_mail_of_a_rolled_back_change_is_never_sent(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                send_mail("Inscription confirmée", "…", None, ["awa@coop.example"])
                raise RuntimeError("the change failed")
        except RuntimeError:
            pass
    assert mail.outbox == []


def test_a_message_keeps_its_parts_through_json():
    message = EmailMultiAlternatives(
        "Invitation : atelier compostage",
        "Texte brut",
        "Essaim <ne-pas-repondre@essaim.example>",
        ["awa@coop.example"],
        cc=["copie@ville.example"],
        reply_to=["organisation@ville.example"],
        headers={"List-Unsubscribe": "<https://essaim.example/u/abc>"},
    )
    message.attach_alternative("<p>Texte <b>riche</b></p>", "text/html")
    message.attach("invite.ics", "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "text/calendar")
    message.attach("programme.pdf", b"%PDF-1.4 \x00\xff", "application/pdf")

    copy = deserialize_message(serialize_message(message))

    assert copy.subject == message.subject
    assert copy.to == message.to and copy.cc == message.cc and copy.reply_to == message.reply_to
    assert copy.extra_headers["List-Unsubscribe"] == "<https://essaim.example/u/abc>"
    assert copy.alternatives[0][0] == "<p>Texte <b>riche</b></p>"
    names = [(a[0], a[2]) for a in copy.attachments]
    assert names == [("invite.ics", "text/calendar"), ("programme.pdf", "application/pdf")]
    assert copy.attachments[1][1] == b"%PDF-1.4 \x00\xff"
    assert b"BEGIN:VCALENDAR" in copy.message().as_bytes()
