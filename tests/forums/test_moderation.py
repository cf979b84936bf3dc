"""Reports, hiding after three, first posts awaiting approval, decisions with their reason,
suspension, and the moderation queue in the Wagtail admin."""

import pytest
from django.contrib.auth.models import Permission
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from forums import services
from forums.models import ModerationDecision, Post, PublicationStatus, Report, Topic

pytestmark = pytest.mark.django_db


@pytest.fixture
def reporters(make_user):
    return [make_user(f"r{n}@coop.example", f"Rapporteur {n}") for n in range(3)]


def test_three_distinct_reports_hide_a_post_until_a_moderator_decides(
    client, public, member, other, reporters, moderator, make_topic
):
    topic = make_topic(public, member)
    reply = services.post_create(topic=topic, user=other, source="Achetez mes montres !")
    services.post_report(post=reply, user=reporters[0], reason="spam")
    with pytest.raises(ValidationError):
        services.post_report(post=reply, user=reporters[0], reason="spam")
    services.post_report(post=reply, user=reporters[1], reason="offensive")
    reply.refresh_from_db()
    assert reply.status == PublicationStatus.PUBLISHED
    client.force_login(reporters[2])
    response = client.post(f"/en/forums/p/{reply.pk}/report/", {"reason": "off_topic"})
    assert response.status_code == 302
    reply.refresh_from_db()
    assert reply.status == PublicationStatus.HIDDEN
    page = client.get(f"/en/forums/t/{topic.pk}/").content.decode()
    assert "Achetez mes montres" not in page
    assert "hidden after reports" in page
    assert Topic.objects.get(pk=topic.pk).reply_count == 0

    decision = services.moderation_decide(
        moderator=moderator, action="approve", reason="Message légitime", post=reply
    )
    reply.refresh_from_db()
    assert reply.status == PublicationStatus.PUBLISHED
    assert decision.reason == "Message légitime" and decision.moderator == moderator
    assert not Report.objects.filter(post=reply, resolved_at__isnull=True).exists()
    assert "Achetez mes montres" in client.get(f"/en/forums/t/{topic.pk}/").content.decode()


def test_reporting_needs_a_reason_and_not_ones_own_post(client, public, member, other, make_topic):
    topic = make_topic(public, member)
    post = topic.posts.get()
    client.force_login(other)
    response = client.post(f"/en/forums/p/{post.pk}/report/", {"reason": ""})
    assert response.status_code == 400 and 'href="#id_reason_0"' in response.content.decode()
    with pytest.raises(ValidationError):
        services.post_report(post=post, user=member, reason="spam")


def test_first_posts_of_new_accounts_wait_for_approval(
    client,
    settings,
    public,
    member,
    other,
    moderator,
    make_topic,
    django_capture_on_commit_callbacks,
):
    settings.FORUMS_APPROVAL_FIRST_POSTS = 2
    services.follow_set(user=other, category=public, follow=True)
    with django_capture_on_commit_callbacks(execute=True):
        topic = make_topic(public, member, title="Mon tout premier sujet")
    assert topic.status == PublicationStatus.PENDING
    assert mail.outbox == []
    client.force_login(other)
    assert "Mon tout premier sujet" not in client.get("/en/forums/c/alimentation/").content.decode()
    assert client.get(f"/en/forums/t/{topic.pk}/").status_code == 404
    client.force_login(member)
    assert "Awaiting a moderator" in client.get(f"/en/forums/t/{topic.pk}/").content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        services.moderation_decide(
            moderator=moderator, action="approve", reason="Bienvenue", post=topic.posts.get()
        )
    assert Topic.objects.get(pk=topic.pk).status == PublicationStatus.PUBLISHED
    assert [m.to for m in mail.outbox] == [[other.email]]
    # The second post still waits; after it, the third is published at once.
    topic.refresh_from_db()
    second = services.post_create(topic=topic, user=member, source="Deuxième")
    assert second.status == PublicationStatus.PENDING
    services.moderation_decide(moderator=moderator, action="approve", reason="OK", post=second)
    assert services.post_create(topic=topic, user=member, source="Troisième").status == (
        PublicationStatus.PUBLISHED
    )


def test_decisions_need_a_moderator_and_a_reason(public, member, other, moderator, make_topic):
    post = make_topic(public, member).posts.get()
    with pytest.raises(PermissionDenied):
        services.moderation_decide(moderator=other, action="hide", reason="x", post=post)
    with pytest.raises(ValidationError):
        services.moderation_decide(moderator=moderator, action="hide", reason=" ", post=post)
    services.moderation_decide(moderator=moderator, action="delete", reason="Insultes", post=post)
    assert Post.objects.get(pk=post.pk).status == PublicationStatus.DELETED
    assert Topic.objects.get(pk=post.topic_id).status == PublicationStatus.DELETED
    assert ModerationDecision.objects.get().action == ModerationDecision.Action.DELETE


def test_a_suspended_account_can_read_but_not_post(
    client, public, member, other, moderator, make_topic
):
    topic = make_topic(public, member)
    services.moderation_decide(moderator=moderator, action="suspend", reason="Spam", account=other)
    other = type(other).objects.get(pk=other.pk)
    client.force_login(other)
    page = client.get(f"/en/forums/t/{topic.pk}/").content.decode()
    assert "Message d’ouverture" in page and "suspended" in page
    with pytest.raises(PermissionDenied):
        services.post_create(topic=topic, user=other, source="Je reviens")
    response = client.post(f"/en/forums/t/{topic.pk}/reply/", {"body": "Je reviens"})
    assert response.status_code == 302 and Post.objects.count() == 1
    services.moderation_decide(moderator=moderator, action="reinstate", reason="Fin", account=other)
    other = type(other).objects.get(pk=other.pk)
    assert services.post_create(topic=topic, user=other, source="Merci").pk


def test_moderation_queue_in_the_wagtail_admin(
    client, settings, public, member, other, moderator, make_topic
):
    settings.FORUMS_APPROVAL_FIRST_POSTS = 1
    moderator.user_permissions.add(Permission.objects.get(codename="access_admin"))
    topic = make_topic(public, member, title="Sujet à valider")
    other.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(other)
    assert client.get("/admin/forums/moderation/").status_code == 302  # Wagtail: "no permission"
    assert "/admin/forums/moderation/" not in client.get("/admin/").content.decode()

    client.force_login(moderator)
    assert "/admin/forums/moderation/" in client.get("/admin/").content.decode()
    queue = client.get("/admin/forums/moderation/").content.decode()
    assert "Sujet à valider" in queue
    post = topic.posts.get()
    response = client.post(
        f"/admin/forums/moderation/{post.pk}/decide/", {"action": "approve", "reason": ""}
    )
    assert Post.objects.get(pk=post.pk).status == PublicationStatus.PENDING
    client.post(
        f"/admin/forums/moderation/{post.pk}/decide/",
        {"action": "approve", "reason": "Conforme à la charte"},
    )
    assert response.status_code == 302
    assert Post.objects.get(pk=post.pk).status == PublicationStatus.PUBLISHED
    log = client.get("/admin/forums/moderation/").content.decode()
    assert "Conforme à la charte" in log
    assert 'id="reported-action-' not in log
    post = Post.objects.select_related("topic").get(pk=post.pk)
    services.post_report(post=post, user=other, reason="spam", comment="Publicité déguisée")
    queue = client.get("/admin/forums/moderation/").content.decode()
    assert f'id="reported-action-{post.pk}"' in queue and "Publicité déguisée" in queue


def test_pin_and_lock_are_for_moderators(client, public, member, other, moderator, make_topic):
    topic = make_topic(public, member)
    client.force_login(member)
    assert client.post(f"/en/forums/t/{topic.pk}/moderate/", {"action": "lock"}).status_code == 403
    client.force_login(moderator)
    client.post(f"/en/forums/t/{topic.pk}/moderate/", {"action": "lock"})
    client.post(f"/en/forums/t/{topic.pk}/moderate/", {"action": "pin"})
    topic.refresh_from_db()
    assert topic.locked and topic.pinned
    with pytest.raises(PermissionDenied):
        services.post_create(topic=topic, user=other, source="Puis-je ?")
    assert services.post_create(topic=topic, user=moderator, source="Sujet verrouillé.").pk


def test_administrators_manage_categories_in_the_admin(admin_client, public):
    listing = admin_client.get("/admin/snippets/forums/category/")
    assert listing.status_code == 200 and "Alimentation" in listing.content.decode()
    edit = admin_client.get(f"/admin/snippets/forums/category/edit/{public.pk}/")
    assert edit.status_code == 200 and 'name="groups"' in edit.content.decode()


def test_a_hidden_message_leaves_the_page_visitors_are_served(
    client, settings, public, member, moderator, make_topic
):
    """Topic pages are kept whole for visitors (website/cache.py): a moderation decision
    shows at once."""
    settings.ESSAIM_PAGE_CACHE = True
    topic = make_topic(public, member, source="Un message à retirer.")
    url = f"/fr/forums/t/{topic.pk}/"
    client.get(url)  # the first request of a new site makes its settings' row
    assert "Un message à retirer." in client.get(url).content.decode()
    assert client.get(url)["X-Essaim-Cache"] == "hit"
    services.moderation_decide(
        moderator=moderator, action="hide", reason="Hors sujet", post=topic.posts.first()
    )
    assert "Un message à retirer." not in client.get(url).content.decode()


def test_a_log_in_keeps_the_forum_pages_but_a_new_name_shows_at_once(
    client, settings, public, member, make_topic
):
    from django.contrib.auth.signals import user_logged_in

    from website.accounts.services import user_update_profile

    settings.ESSAIM_PAGE_CACHE = True
    topic = make_topic(public, member)
    url = f"/fr/forums/t/{topic.pk}/"
    client.get(url)  # the first request of a new site makes its settings' row
    client.get(url)
    user_logged_in.send(sender=type(member), request=None, user=member)  # saves last_login
    assert client.get(url)["X-Essaim-Cache"] == "hit"
    user_update_profile(
        user=member,
        display_name="Léa M.",
        first_name="",
        last_name="",
        preferred_language="fr",
        time_zone="Europe/Paris",
    )
    response = client.get(url)
    assert response["X-Essaim-Cache"] == "miss"
    assert "Léa M." in response.content.decode()
