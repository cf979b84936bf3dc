"""Follows, @mentions, the on-site list and mails through the outbox; the XSS corpus on the
server side (the browser test runs it in Chromium); the demo."""

from html.parser import HTMLParser

import pytest
from django.core import mail
from django.utils import translation

from forums import markup, selectors, services
from forums.models import Category, ForumNotification, Topic

pytestmark = pytest.mark.django_db

XSS = [
    "<script>window.__xss=1</script>",
    '<img src=x onerror="window.__xss=1">',
    '<svg onload="window.__xss=1"></svg>',
    "<svg><script>window.__xss=1</script></svg>",
    "[clic](javascript:window.__xss=1)",
    "[clic](JaVaScRiPt:window.__xss=1)",
    "[clic](  javascript:window.__xss=1  )",
    "[clic](data:text/html;base64,PHNjcmlwdD53aW5kb3cuX194c3M9MTwvc2NyaXB0Pg==)",
    "[clic](vbscript:msgbox)",
    '[clic](https://ok.example "x\\" onmouseover=\\"window.__xss=1")',
    "![x](javascript:window.__xss=1)",
    "<a href='javascript:window.__xss=1'>a</a>",
    "[a]: javascript:window.__xss=1\n\n[ref][a]",
    "<iframe src=javascript:window.__xss=1>",
    '<div style="background:url(javascript:window.__xss=1)">x</div>',
    "`<script>` and ```\n<script>window.__xss=1</script>\n```",
    "<<script>script>window.__xss=1<</script>/script>",
    "&lt;script&gt;window.__xss=1&lt;/script&gt;",
]


class _Elements(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))


@pytest.mark.parametrize("payload", XSS)
def test_rendered_markdown_never_carries_script(payload):
    parser = _Elements()
    parser.feed(markup.render(payload, handles=["x"]))
    for tag, attrs in parser.found:
        assert tag in markup.ALLOWED_TAGS
        assert not any(name.startswith("on") or name == "style" for name in attrs)
        href = attrs.get("href")
        if href is not None:
            assert href.split(":", 1)[0].strip().lower() in {"http", "https", "mailto"}


def test_mention_follow_and_notifications_list_and_mail(
    client, public, member, other, make_topic, django_capture_on_commit_callbacks
):
    services.follow_set(user=other, category=public, follow=True)
    with django_capture_on_commit_callbacks(execute=True):
        topic = make_topic(public, member, title="Compost & <b>partagé</b>")
    assert [m.subject for m in mail.outbox] == ["New topic: Compost & <b>partagé</b>"]
    mail.outbox.clear()
    handle = services.profile_for(member).handle
    assert handle == "lea-martin"
    with django_capture_on_commit_callbacks(execute=True):
        reply = services.post_create(topic=topic, user=other, source=f"Bonne idée @{handle} !")
    assert '<span class="mention">@lea-martin</span>' in reply.html
    (message,) = mail.outbox
    assert message.to == [member.email]
    assert message.subject == "Omar Diallo mentioned you: Compost & <b>partagé</b>"
    assert (
        f"/fr/forums/p/{reply.pk}/" in message.body or f"/en/forums/p/{reply.pk}/" in message.body
    )
    html = message.alternatives[0][0]
    assert "&lt;b&gt;partagé&lt;/b&gt;" in html
    notice = ForumNotification.objects.get(user=member)
    assert notice.reason == ForumNotification.Reason.MENTION

    client.force_login(member)
    index = client.get("/en/forums/").content.decode()
    assert "1 unread" in index
    page = client.get("/en/forums/notifications/").content.decode()
    assert "Omar Diallo mentioned you" in page
    client.get(f"/en/forums/p/{reply.pk}/")
    assert selectors.unread_count(user=member) == 0
    ForumNotification.objects.update(read_at=None)
    client.post("/en/forums/notifications/")
    assert "0 unread notifications" in client.get("/en/forums/notifications/").content.decode()

    # Unfollowing stops replies reaching the person (the author follows their own topic).
    services.follow_set(user=other, topic=topic, follow=False)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.post_create(topic=topic, user=member, source="Merci à tous")
    assert mail.outbox == []


def test_demo_loads_twice_with_a_private_space_for_elected_officials(demo):
    from forums import demo
    from network.directory import demo as network_demo

    network_demo.load()

    demo.load()
    demo.load()
    assert Category.objects.filter(slug="espace-des-elus", visibility="private").exists()
    assert Category.objects.filter(parent__slug="filieres").count() >= 4
    assert Topic.objects.count() == len(demo.TOPICS)
    private = Topic.objects.get(category__slug="espace-des-elus")
    assert private.author.groups.filter(name="Elected officials").exists()
    assert ForumNotification.objects.filter(reason="mention").exists()


def test_the_header_tag_shows_the_unread_count(rf, member, other, public, make_topic):
    from django.contrib.auth.models import AnonymousUser
    from django.template import Context, Template

    template = Template("{% load forums_tags %}{% forum_notifications_link %}")
    request = rf.get("/en/forums/")
    request.user = AnonymousUser()
    assert template.render(Context({"request": request})) == ""
    topic = make_topic(public, member)
    services.post_create(topic=topic, user=other, source="Une réponse")
    request.user = member
    with translation.override("en"):
        html = template.render(Context({"request": request}))
    assert "/forums/notifications/" in html and "1 unread" in html


def test_a_mention_added_by_an_edit_is_announced_once(
    public, member, other, make_topic, django_capture_on_commit_callbacks
):
    topic = make_topic(public, member, source="Premier jet")
    post = topic.posts.get()
    handle = services.profile_for(other).handle
    with django_capture_on_commit_callbacks(execute=True):
        services.post_edit(post=post, user=member, source=f"Premier jet, pour @{handle}")
    assert [m.to for m in mail.outbox] == [[other.email]]
    with django_capture_on_commit_callbacks(execute=True):
        services.post_edit(post=post, user=member, source=f"Premier jet, pour @{handle} !")
    assert len(mail.outbox) == 1
    assert ForumNotification.objects.get(user=other).reason == "mention"
