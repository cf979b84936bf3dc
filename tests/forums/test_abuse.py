"""Anti-abuse: rate limit, link limit for new accounts, same message twice; each refusal
says why, in the person's language, and keeps what they typed."""

import datetime as dt

import pytest
from django.utils import timezone, translation

from forums import services
from forums.models import Post

pytestmark = pytest.mark.django_db

RATE_MESSAGE = (
    "You are posting very quickly. Please wait a minute before posting again; "
    "your text is kept below."
)


def test_posting_too_fast_is_refused_and_the_text_kept(
    client, settings, public, member, make_topic
):
    settings.FORUMS_POST_RATE = (2, 60)
    topic = make_topic(public, member)
    services.post_create(topic=topic, user=member, source="Deux")
    client.force_login(member)
    response = client.post(f"/en/forums/t/{topic.pk}/reply/", {"body": "Trois, tapé avec soin"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "You are posting very quickly" in html
    assert "Trois, tapé avec soin" in html
    french = client.post(f"/fr/forums/t/{topic.pk}/reply/", {"body": "Encore"}).content.decode()
    with translation.override("fr"):
        refusal = translation.gettext(RATE_MESSAGE)
    assert refusal in french
    assert Post.objects.count() == 2


def test_moderators_are_not_rate_limited(settings, public, moderator, make_topic):
    settings.FORUMS_POST_RATE = (1, 60)
    topic = make_topic(public, moderator)
    assert services.post_create(topic=topic, user=moderator, source="Encore").pk


def test_the_same_message_twice_is_refused(client, public, member, make_topic):
    topic = make_topic(public, member)
    services.post_create(topic=topic, user=member, source="Rendez-vous  jeudi")
    client.force_login(member)
    response = client.post(f"/en/forums/t/{topic.pk}/reply/", {"body": "rendez-vous jeudi"})
    assert response.status_code == 400
    assert "You have just posted this same message" in response.content.decode()
    Post.objects.update(created_at=timezone.now() - dt.timedelta(hours=2))
    assert services.post_create(topic=topic, user=member, source="Rendez-vous jeudi").pk


def test_new_accounts_have_a_link_limit(client, public, member, other, make_topic):
    topic = make_topic(public, other)
    body = "Voir https://a.example, https://b.example et www.c.example"
    client.force_login(member)
    response = client.post(f"/en/forums/t/{topic.pk}/reply/", {"body": body})
    html = response.content.decode()
    assert "New accounts may put at most 2 links" in html and "www.c.example" in html
    type(member).objects.filter(pk=member.pk).update(
        date_joined=timezone.now() - dt.timedelta(days=30)
    )
    member.refresh_from_db()
    assert services.post_create(topic=topic, user=member, source=body).pk


def test_an_edit_is_no_way_round_the_link_limit_of_new_accounts(
    client, public, member, moderator, make_topic
):
    topic = make_topic(public, member, source="Bonjour, sans lien.")
    post = topic.posts.get()
    body = "Voir https://a.example, https://b.example et www.c.example"
    client.force_login(member)
    response = client.post(f"/en/forums/p/{post.pk}/edit/", {"body": body})
    assert response.status_code == 400
    assert "New accounts may put at most 2 links" in response.content.decode()
    post.refresh_from_db()
    assert post.source == "Bonjour, sans lien." and post.edit_count == 0
    # The preview of the edit says so before it is sent; a moderator's edit is not limited.
    response = client.post(f"/en/forums/p/{post.pk}/edit/", {"body": body, "preview": "1"})
    assert "New accounts may put at most 2 links" in response.content.decode()
    assert services.post_edit(post=post, user=moderator, source=body).source == body
