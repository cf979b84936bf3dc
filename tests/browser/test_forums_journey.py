"""Forums in Chromium: XSS payloads never run, a mention reaches its person who replies, and
the pages pass an axe audit."""

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)

FLAG = "window.__xss"
PAYLOADS = [
    "<script>window.__xss=1</script>",
    '<img src=x onerror="window.__xss=1;alert(1)">',
    '<svg onload="window.__xss=1"><script>window.__xss=1</script></svg>',
    "[clic](javascript:window.__xss=1)",
    "[clic2](JaVaScRiPt:alert(1))",
    "[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    '"><script>window.__xss=1</script>',
    '<iframe src="javascript:window.__xss=1"></iframe>',
    '<a href="javascript:window.__xss=1" id="evil">evil</a>',
]


@pytest.fixture
def forums_demo(demo, settings):
    from forums import demo as forums_demo
    from network.directory import demo as network_demo

    settings.FORUMS_APPROVAL_FIRST_POSTS = 0
    settings.FORUMS_POST_RATE = (100, 60)
    network_demo.load()
    forums_demo.load()
    mail.outbox.clear()  # the demo's own notifications
    return demo


def log_in(page, live_server, email, password):
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/en/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", password)
    page.locator("main form button[type=submit]").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()


def watch_for_script(page):
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    return dialogs


def assert_no_script_ran(page, dialogs):
    # Click every link of the posts, javascript: ones included, then check the flag.
    for link in page.locator(".post__body a").all():
        href = link.get_attribute("href") or ""
        assert not href.lower().strip().startswith(("javascript", "data"))
    assert page.evaluate(f"typeof {FLAG}") == "undefined"
    assert dialogs == []


def test_xss_payloads_in_titles_posts_names_and_files_never_run(page, live_server, forums_demo):
    from forums import services
    from forums.models import Category
    from website.accounts.models import User

    evil = User.objects.create_user(
        email="evil@x.example",
        password="x",
        display_name='<img src=x onerror="window.__xss=1">Mallory',
    )
    victim = User.objects.get(email="membre@essaim.example")
    category = Category.objects.get(slug="alimentation")
    dialogs = watch_for_script(page)
    pdf = SimpleUploadedFile('"><svg onload=alert(1)>.pdf', b"%PDF-1.4\n%%EOF")
    topic = services.topic_create(
        category=category,
        user=evil,
        title='<script>window.__xss=1</script>"><img src=x onerror=alert(1)>',
        source="\n\n".join(PAYLOADS) + f"\n\n@{services.profile_for(victim).handle}",
        files=[pdf],
    )
    for number, payload in enumerate(PAYLOADS):
        services.post_create(topic=topic, user=evil, source=f"{number} {payload}")

    for path in (
        f"/en/forums/t/{topic.pk}/",
        "/en/forums/c/alimentation/",
        "/en/forums/",
        "/en/forums/search/?q=script",
        f"/en/forums/p/{topic.posts.first().pk}/history/",
    ):
        page.goto(f"{live_server.url}{path}")
        assert_no_script_ran(page, dialogs)
    page.goto(f"{live_server.url}/en/forums/t/{topic.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("<script>")
    # Unsafe links are not links at all: their text stays as typed.
    expect(page.get_by_role("link", name="clic", exact=True)).to_have_count(0)
    expect(page.get_by_role("link", name="evil")).to_have_count(0)
    page.keyboard.press("Tab")
    assert page.evaluate(f"typeof {FLAG}") == "undefined"

    log_in(page, live_server, "membre@essaim.example", forums_demo.DEMO_PASSWORD)
    page.goto(f"{live_server.url}/en/forums/notifications/")
    expect(page.get_by_text("Mallory").first).to_be_visible()
    assert_no_script_ran(page, dialogs)


def test_post_mention_get_notified_and_reply(page, live_server, forums_demo, audit):
    from forums.models import Post

    log_in(page, live_server, "member@essaim.example", forums_demo.DEMO_PASSWORD)
    page.goto(f"{live_server.url}/en/forums/")
    assert audit() == []
    page.get_by_role("link", name="Food", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Food")
    assert audit() == []
    page.get_by_role("link", name="New topic").click()
    assert audit() == []
    # An empty form first: the error summary is announced and the title kept.
    page.get_by_role("textbox", name="Title").fill("Épicerie mobile : qui partage son camion ?")
    page.get_by_role("button", name="Publish the topic").click()
    expect(page.get_by_role("alert")).to_contain_text("Write a message.")
    title = page.get_by_role("textbox", name="Title")
    expect(title).to_have_value("Épicerie mobile : qui partage son camion ?")
    assert audit() == []
    page.get_by_role("textbox", name="Message").fill(
        "Bonjour @sophie-tremblay, votre coopérative aurait-elle un **camion** à partager ?"
    )
    page.get_by_role("button", name="Publish the topic").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Épicerie mobile : qui partage son camion ?"
    )
    expect(page.locator(".mention")).to_have_text("@sophie-tremblay")
    assert audit() == []
    sent = [m for m in mail.outbox if m.to == ["membre@essaim.example"]]
    assert len(sent) == 1 and "Alex Martin" in sent[0].subject

    log_in(page, live_server, "membre@essaim.example", forums_demo.DEMO_PASSWORD)
    page.goto(f"{live_server.url}/en/forums/")
    expect(page.get_by_role("link", name="My notifications")).to_contain_text("5 unread")
    page.get_by_role("link", name="My notifications").click()
    assert audit() == []
    page.get_by_role("link", name="Épicerie mobile : qui partage son camion ?").click()
    page.get_by_role("textbox", name="Message").fill("Oui @alex-martin, le mardi il est libre.")
    page.get_by_role("button", name="Post the reply").click()
    expect(page.get_by_text("Your reply is published.")).to_be_visible()
    expect(page.get_by_text("le mardi il est libre")).to_be_visible()
    assert Post.objects.filter(source__contains="le mardi").count() == 1
    assert [m for m in mail.outbox if m.to == ["member@essaim.example"]]


def test_screenshots_and_audits_of_the_forum_pages(page, live_server, forums_demo, audit):
    from pathlib import Path

    from forums import services
    from forums.models import Topic

    shots = Path("/tmp/shots-forums")
    shots.mkdir(exist_ok=True)
    log_in(page, live_server, "elue@essaim.example", forums_demo.DEMO_PASSWORD)
    topic = Topic.objects.get(category__slug="vie-du-reseau")
    first = topic.posts.select_related("author").first()
    services.post_edit(post=first, user=first.author, source=first.source + "\n\n*Modifié.*")
    for name, path in (
        ("index", "/fr/forums/"),
        ("category", "/fr/forums/c/alimentation/"),
        ("topic", f"/fr/forums/t/{topic.pk}/"),
        ("new", "/fr/forums/c/alimentation/new/"),
        ("quote", f"/fr/forums/t/{topic.pk}/reply/?quote={first.pk}"),
        ("report", f"/fr/forums/p/{first.pk}/report/"),
        ("search", "/fr/forums/search/?q=groupement"),
        ("notifications", "/fr/forums/notifications/"),
        ("history", f"/fr/forums/p/{first.pk}/history/"),
        ("private", "/en/forums/c/espace-des-elus/"),
    ):
        page.goto(f"{live_server.url}{path}")
        page.screenshot(path=str(shots / f"{name}.png"), full_page=True)
        assert audit() == [], name
        if name == "index":  # the official sees the private space
            expect(page.get_by_role("link", name="Espace des élu·es")).to_be_visible()


def test_a_moderator_approves_a_waiting_message_in_the_admin(page, live_server, forums_demo):
    from pathlib import Path

    from django.contrib.auth.models import Group, Permission

    from forums.models import ModerationDecision, Post, PublicationStatus

    # Transactional tests flush the permissions that Wagtail's migrations gave the group.
    Group.objects.get(name="Moderators").permissions.add(
        Permission.objects.get(codename="access_admin")
    )
    waiting = Post.objects.get(status=PublicationStatus.PENDING)
    log_in(page, live_server, "moderateur@essaim.example", forums_demo.DEMO_PASSWORD)
    page.goto(f"{live_server.url}/admin/forums/moderation/")
    expect(page.locator(f"#waiting-action-{waiting.pk}")).to_be_visible()
    page.screenshot(path="/tmp/shots-forums/admin-queue.png", full_page=True)
    page.select_option(f"#waiting-action-{waiting.pk}", "approve")
    page.fill(f"#waiting-reason-{waiting.pk}", "Lien utile, pas de publicité.")
    page.locator(f"form:has(#waiting-reason-{waiting.pk}) button").click()
    expect(page.get_by_text("Lien utile, pas de publicité.")).to_be_visible()
    assert Post.objects.get(pk=waiting.pk).status == PublicationStatus.PUBLISHED
    decision = ModerationDecision.objects.get()
    assert decision.action == "approve" and decision.moderator.email == "moderateur@essaim.example"
    assert Path("/tmp/shots-forums/admin-queue.png").exists()
