"""Forum mail goes through the shared preferences: digests and one-click unsubscribe."""

import pytest
from django.core import mail

from forums import services
from forums.models import ForumNotification, ForumProfile
from website.notifications import subscribers
from website.notifications.models import DigestItem, Subscriber
from website.notifications.tasks import send_digests

pytestmark = pytest.mark.django_db


def mention(topic, author, person, words="Qu’en penses-tu"):
    return services.post_create(
        topic=topic, user=author, source=f"{words} @{services.profile_for(person).handle} ?"
    )


def test_a_digest_reader_gets_forum_messages_in_the_digest_not_at_once(
    public, member, other, make_topic, django_capture_on_commit_callbacks
):
    subscriber = subscribers.subscriber_for_user(member)
    subscriber.frequency = Subscriber.Frequency.DAILY
    subscriber.save()
    topic = make_topic(public, member, title="Groupement d’achat")
    with django_capture_on_commit_callbacks(execute=True):
        mention(topic, other, member)
    assert mail.outbox == []
    assert DigestItem.objects.filter(subscriber=subscriber, kind="forums.post").count() == 1
    assert ForumNotification.objects.filter(user=member).exists()  # the site still shows it

    with django_capture_on_commit_callbacks(execute=True):
        send_digests()
    (digest,) = mail.outbox
    assert digest.to == [member.email]
    assert "Groupement d’achat" in digest.body
    assert "List-Unsubscribe" in digest.extra_headers


def test_one_click_in_a_forum_mail_stops_forum_mail_but_not_the_list_on_the_site(
    client, public, member, other, make_topic, django_capture_on_commit_callbacks
):
    topic = make_topic(public, member, title="Mobilité partagée")
    with django_capture_on_commit_callbacks(execute=True):
        mention(topic, other, member)
    (message,) = mail.outbox
    url = message.extra_headers["List-Unsubscribe"].strip("<>")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    path = "/" + url.split("/", 3)[3]
    assert client.post(path, {"List-Unsubscribe": "One-Click"}).status_code == 200
    assert ForumProfile.objects.get(user=member).mail is False

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        mention(topic, other, member, words="Et maintenant")
    assert mail.outbox == []
    assert ForumNotification.objects.filter(user=member).count() == 2

    client.force_login(member)
    client.post("/en/forums/mail/", {"mail": "on"})
    assert ForumProfile.objects.get(user=member).mail is True
