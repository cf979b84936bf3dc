"""A private category and its topics appear nowhere to non-members: lists, topic URLs, search,
feeds, notifications and mails."""

import importlib
import shutil
from pathlib import Path

import pytest
from django.core import mail
from django.http import Http404
from django.test.utils import CaptureQueriesContext  # noqa: F401
from django.urls import clear_url_caches
from django.views.static import serve

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


# Attachments live outside the public media root (PRIVATE_MEDIA_ROOT): whatever serves
# /media/ (nginx, or Django with SERVE_MEDIA) cannot hand them out; only the view above,
# which checks who may read the post, serves them.

ATTACHMENT_BYTES = b"%PDF-1.4\n% budget participatif, ligne 7 confidentielle\n%%EOF"


def files_under(root):
    """{path relative to root: bytes} of every file under ``root``."""
    root = Path(root)
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def attach(make_topic, category, user, content=ATTACHMENT_BYTES, name="budget.pdf"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    topic = make_topic(category, user, files=[SimpleUploadedFile(name, content)])
    return topic.posts.get().attachments.get()


def test_attachments_are_stored_outside_the_public_media_root(
    client, rf, settings, private, elected, make_topic
):
    attachment = attach(make_topic, private, elected)
    assert ATTACHMENT_BYTES not in files_under(settings.MEDIA_ROOT).values()
    assert files_under(settings.PRIVATE_MEDIA_ROOT)[attachment.file.name] == ATTACHMENT_BYTES
    public, hidden = (
        Path(settings.MEDIA_ROOT).resolve(),
        Path(settings.PRIVATE_MEDIA_ROOT).resolve(),
    )
    assert not hidden.is_relative_to(public) and not public.is_relative_to(hidden)
    # What SERVE_MEDIA (or a web server's /media/ location) would answer for its name.
    with pytest.raises(Http404):
        serve(rf.get(f"/media/{attachment.file.name}"), attachment.file.name, settings.MEDIA_ROOT)
    with pytest.raises(ValueError):
        attachment.file.url  # noqa: B018 - a private file has no public address
    # The checked view still serves it, to members only.
    assert client.get(attachment.get_absolute_url()).status_code == 404
    client.force_login(elected)
    response = client.get(attachment.get_absolute_url())
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == ATTACHMENT_BYTES


def test_the_media_url_serves_no_attachment_even_when_django_serves_media(
    client, settings, private, elected, make_topic
):
    """SERVE_MEDIA=true (small installs), through the real URLconf."""
    settings.ESSAIM_SERVE_MEDIA = True
    attachment = attach(make_topic, private, elected)
    clear_url_caches()
    try:
        importlib.reload(importlib.import_module(settings.ROOT_URLCONF))
        client.force_login(elected)  # even a member: /media/ checks nothing
        assert client.get(f"/media/{attachment.file.name}").status_code == 404
        assert client.get(attachment.get_absolute_url()).status_code == 200
    finally:
        settings.ESSAIM_SERVE_MEDIA = False
        importlib.reload(importlib.import_module(settings.ROOT_URLCONF))
        clear_url_caches()


def test_behind_nginx_the_checked_view_hands_the_file_over_by_internal_redirect(
    client, settings, private, elected, outsider, make_topic
):
    """PRIVATE_MEDIA_ACCEL_REDIRECT: Django checks, nginx sends the bytes from an internal
    location (README, "Production")."""
    settings.ESSAIM_PRIVATE_MEDIA_ACCEL_REDIRECT = "/_private/"
    attachment = attach(make_topic, private, elected)
    client.force_login(outsider)
    refused = client.get(attachment.get_absolute_url())
    assert refused.status_code == 404 and "X-Accel-Redirect" not in refused
    client.force_login(elected)
    response = client.get(attachment.get_absolute_url())
    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == f"/_private/{attachment.file.name}"
    assert response.content == b""
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="budget.pdf"'
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response["Cache-Control"] == "private, max-age=3600"


def test_moving_existing_attachments_to_the_private_root_keeps_every_file(
    settings, private, elected, make_topic
):
    """The data migration (forums 0002) on what the site stored before: every file that was
    under MEDIA_ROOT/forums/ is under PRIVATE_MEDIA_ROOT with the same bytes, and every
    attachment still opens; other uploads stay; a second run (or one interrupted half-way)
    loses nothing; going back moves every file back."""
    from django.apps import apps

    migration = importlib.import_module("forums.migrations.0002_attachments_private_storage")
    public, hidden = Path(settings.MEDIA_ROOT), Path(settings.PRIVATE_MEDIA_ROOT)
    shutil.rmtree(hidden / "forums", ignore_errors=True)
    shutil.rmtree(public / "forums", ignore_errors=True)
    attachments = [
        attach(make_topic, private, elected, ATTACHMENT_BYTES + bytes([n]), f"doc-{n}.pdf")
        for n in range(4)
    ]
    # Put them back where the site stored them before this migration.
    shutil.move(hidden / "forums", public / "forums")
    (public / "forums" / "orphan").mkdir()
    (public / "forums" / "orphan" / "left-by-a-deleted-post.pdf").write_bytes(b"%PDF-orphan")
    (public / "original_images").mkdir(exist_ok=True)
    (public / "original_images" / "photo.png").write_bytes(b"public image")
    # An earlier run stopped after copying one file, before removing its public copy.
    copied = hidden / attachments[0].file.name
    copied.parent.mkdir(parents=True)
    copied.write_bytes(ATTACHMENT_BYTES + bytes([0]))
    # A different file already holds another one's private name: both are kept.
    clash = hidden / attachments[1].file.name
    clash.parent.mkdir(parents=True)
    clash.write_bytes(b"%PDF-something-else")
    before = files_under(public / "forums")
    assert len(before) == 5

    migration.move_to_private_root(apps, None)
    migration.move_to_private_root(apps, None)  # safe to run twice

    after = files_under(hidden)
    assert not (public / "forums").exists() or not files_under(public / "forums")
    assert files_under(public)["original_images/photo.png"] == b"public image"
    assert sorted(after.values()) == sorted([*before.values(), b"%PDF-something-else"])
    for attachment, n in zip(attachments, range(4), strict=True):
        attachment.refresh_from_db()
        with attachment.file.open("rb") as opened:
            assert opened.read() == ATTACHMENT_BYTES + bytes([n])
    assert after[attachments[1].file.name] == ATTACHMENT_BYTES + bytes([1])  # renamed

    migration.move_back_to_media_root(apps, None)
    assert sorted(files_under(public / "forums").values()) == sorted(after.values())
    assert not files_under(hidden)
    migration.move_to_private_root(apps, None)
    assert sorted(files_under(hidden).values()) == sorted(after.values())
    for attachment, n in zip(attachments, range(4), strict=True):
        attachment.refresh_from_db()
        with attachment.file.open("rb") as opened:
            assert opened.read() == ATTACHMENT_BYTES + bytes([n])


def test_the_site_refuses_to_start_with_private_files_inside_the_public_media_root(tmp_path):
    from tests.website.test_settings import run_django

    def start(private_root):
        environment = {
            "ESSAIM_VAR_DIR": str(tmp_path / "var"),
            "MEDIA_ROOT": str(tmp_path / "media"),
            "PRIVATE_MEDIA_ROOT": str(private_root),
        }
        return run_django("website.settings.dev", environment, "import django; django.setup()")

    for inside in (tmp_path / "media" / "private", tmp_path / "media"):
        refused = start(inside)
        assert refused.returncode != 0
        assert "PRIVATE_MEDIA_ROOT must not be inside MEDIA_ROOT" in refused.stderr
    apart = start(tmp_path / "private")
    assert apart.returncode == 0, apart.stderr
