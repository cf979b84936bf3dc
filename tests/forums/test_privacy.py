"""A private category and its topics appear nowhere to non-members: lists, topic URLs, search,
feeds, notifications and mails."""

import pytest
from django.core import mail
from django.test.utils import CaptureQueriesContext  # noqa: F401

from forums import selectors, services
from forums.models import Category, ForumNotification, Subscription

pytestmark = pytest.mark.django_db

SECRET = "Budget confidentiel des élus"


@pytest.fixture
def secret_topic(private, elected, make_topic):
    return make_topic(private, elected, title=SECRET, source="Parlons du budget participatif.")


@pytest.mark.parametrize("who", ["anonymous", "outsider"])
def test_private_category_is_invisible_to_non_members(client, who, outsider, public, secret_topic):
    if who == "outsider":
        client.force_login(outsider)
    for url in ("/en/forums/", "/fr/forums/", "/en/forums/search/?q=budget"):
        html = client.get(url).content.decode()
        assert "Officials" not in html and "élu·es" not in html and SECRET not in html
    assert client.get("/en/forums/c/espace-des-elus/").status_code == 404
    assert client.get(f"/en/forums/t/{secret_topic.pk}/").status_code == 404
    post = secret_topic.posts.get()
    for url in (f"/en/forums/p/{post.pk}/", f"/en/forums/p/{post.pk}/history/"):
        assert client.get(url).status_code == 404
    assert client.get(f"/en/forums/t/{secret_topic.pk}/reply/").status_code in (302, 404)
    assert client.get("/en/forums/c/espace-des-elus/feed/").status_code == 404
    assert SECRET not in client.get("/en/forums/feed/").content.decode()


def test_members_of_the_group_and_listed_members_see_it(client, elected, outsider, secret_topic):
    client.force_login(elected)
    assert SECRET in client.get("/en/forums/c/espace-des-elus/").content.decode()
    assert SECRET in client.get("/en/forums/search/?q=budget").content.decode()
    client.force_login(outsider)
    assert client.get(f"/en/forums/t/{secret_topic.pk}/").status_code == 404
    secret_topic.category.members.add(outsider)
    assert client.get(f"/en/forums/t/{secret_topic.pk}/").status_code == 200


def test_even_the_rss_feed_of_everything_leaves_private_topics_out(secret_topic, elected):
    # Feed readers carry no session: the feed is the anonymous view, whoever asks.
    assert list(selectors.latest_topics(user=elected)) == [secret_topic]
    assert list(selectors.latest_topics()) == []


def test_mentioning_an_outsider_in_a_private_topic_tells_them_nothing(
    elected, outsider, secret_topic, django_capture_on_commit_callbacks
):
    handle = services.profile_for(outsider).handle
    with django_capture_on_commit_callbacks(execute=True):
        services.post_create(topic=secret_topic, user=elected, source=f"Qu’en pense @{handle} ?")
    assert not ForumNotification.objects.filter(user=outsider).exists()
    assert [m for m in mail.outbox if outsider.email in m.to] == []


def test_a_follower_removed_from_the_group_loses_notifications_and_mails(
    client, elected, make_user, secret_topic, django_capture_on_commit_callbacks
):
    colleague = make_user("adjoint@ville.example", "Adjoint", groups=["Elected officials"])
    services.follow_set(user=colleague, topic=secret_topic, follow=True)
    with django_capture_on_commit_callbacks(execute=True):
        services.post_create(topic=secret_topic, user=elected, source="Premier point")
    assert ForumNotification.objects.filter(user=colleague).count() == 1
    assert [SECRET in m.subject for m in mail.outbox if colleague.email in m.to] == [True]

    colleague.groups.clear()
    client.force_login(colleague)
    assert SECRET not in client.get("/en/forums/notifications/").content.decode()
    assert selectors.unread_count(user=colleague) == 0
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.post_create(topic=secret_topic, user=elected, source="Second point")
    assert [m for m in mail.outbox if colleague.email in m.to] == []


def test_a_mail_already_queued_is_not_sent_if_the_category_became_private(
    public, member, other, make_topic, django_capture_on_commit_callbacks
):
    from website.notifications.models import Delivery
    from website.notifications.services import delivery_send

    topic = make_topic(public, member)
    Subscription.objects.create(user=other, topic=topic)
    services.post_create(
        topic=topic, user=member, source=f"Nouvelle info pour @{services.profile_for(other).handle}"
    )
    delivery = Delivery.objects.get(user=other)
    Category.objects.filter(pk=public.pk).update(visibility=Category.Visibility.PRIVATE)
    delivery_send(delivery_id=delivery.pk)
    assert mail.outbox == []


def test_sub_categories_of_a_private_category_must_be_private(private):
    from django.core.exceptions import ValidationError

    child = Category(name_fr="Sous", name_en="Sub", slug="sous", parent=private)
    with pytest.raises(ValidationError):
        child.full_clean()


def test_search_respects_private_categories_and_status(
    public, private, member, elected, outsider, make_topic
):
    make_topic(public, member, title="Compost partagé", source="Le compost du quartier")
    make_topic(private, elected, title="Compost municipal", source="Le compost de la régie")
    assert [p.topic.title for p in selectors.search(query="compost", user=outsider)] == [
        "Compost partagé"
    ]
    found = {p.topic.title for p in selectors.search(query="compost", user=elected)}
    assert found == {"Compost partagé", "Compost municipal"}
    assert list(selectors.search(query="compost régie", user=elected))[0].topic.title == (
        "Compost municipal"
    )


def test_attachments_of_private_topics_are_served_to_members_only(
    client, private, elected, outsider, make_topic
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    topic = make_topic(
        private, elected, files=[SimpleUploadedFile("budget.pdf", b"%PDF-1.4\n%%EOF")]
    )
    url = topic.posts.get().attachments.get().get_absolute_url()
    assert client.get(url).status_code == 404
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    client.force_login(elected)
    assert client.get(url).status_code == 200
