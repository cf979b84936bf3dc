"""The message editor in Chromium: the preview works without script (a submit button) and,
with script, without leaving the page, so that chosen files stay chosen; the forum pages
changed for it pass axe in French and English at 390 and 1280 px, under the real Content
Security Policy, without sideways scrolling on a telephone."""

import io
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import expect

from forums import services
from forums.models import Category, Post, Topic
from tests.browser.conftest import AXE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/tmp/shots")
PASSWORD = "x"
LONG_ADDRESS = "https://essaim.example/ressources/" + "guide-de-la-mutualisation-" * 4 + "fin"
MESSAGE = (
    "# Le camion du mardi\n\n"
    "Un **camion frigorifique** à partager entre épiceries, voir " + LONG_ADDRESS + "\n\n"
    "## Les horaires\n\n- mardi matin\n- jeudi soir\n\n"
    "![Le camion](https://photos.example/camion.jpg)"
)


def png(path):
    image = Image.new("RGB", (8, 8), "green")
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    path.write_bytes(buffer.getvalue())
    return str(path)


@pytest.fixture
def forum(demo, settings, live_server, make_user, tmp_path):
    """Filières > Alimentation, a private space for officials, a topic with headings."""
    settings.BASE_URL = live_server.url
    settings.FORUMS_POST_RATE = (1000, 60)
    lea = make_user("lea@coop.example", "Léa Martin")
    omar = make_user("omar@asso.example", "Omar Diallo")
    elected = make_user("maire@ville.example", "Fatou Ndiaye", groups=["Elected officials"])
    parent = Category.objects.create(
        name_fr="Filières", name_en="Sectors", slug="filieres", description_fr="Par filière."
    )
    food = Category.objects.create(
        name_fr="Alimentation", name_en="Food", slug="alimentation", parent=parent
    )
    private = Category.objects.create(
        name_fr="Espace des élu·es",
        name_en="Officials",
        slug="espace-des-elus",
        parent=parent,
        visibility=Category.Visibility.PRIVATE,
    )
    private.groups.add(elected.groups.get())
    topic = services.topic_create(category=food, user=lea, title="Camion partagé", source=MESSAGE)
    services.post_create(topic=topic, user=omar, source="Oui, @lea-martin, le **mardi**.")
    services.topic_create(category=private, user=elected, title="Budget", source="Entre nous.")
    services.post_edit(post=topic.posts.first(), user=lea, source=MESSAGE + "\n\n*Modifié.*")
    return {"topic": topic, "lea": lea, "image": png(tmp_path / "camion.png")}


def log_in(page, live_server, email):
    page.goto(f"{live_server.url}/en/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()


def audit(page):
    page.evaluate(AXE.read_text())
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})",
        ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"],
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} -> "
        + ", ".join(str(node["target"]) for node in v["nodes"][:5])
        for v in result["violations"]
    ]


def refused(page):
    """Chromium's console messages about the Content Security Policy."""
    found = []
    page.on(
        "console",
        lambda message: (
            found.append(message.text)
            if "Content Security Policy" in message.text or message.text.startswith("Refused to")
            else None
        ),
    )
    return found


def test_without_script_the_preview_button_shows_the_message_and_keeps_what_was_typed(
    browser, live_server, forum
):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    log_in(page, live_server, "lea@coop.example")
    page.goto(f"{live_server.url}/en/forums/c/alimentation/new/")
    page.get_by_role("textbox", name="Title").fill("Épicerie mobile")
    page.get_by_role("textbox", name="Message").fill("## Qui partage ?\n\nUn **camion**.")
    page.get_by_label("Attachments (optional)").set_input_files(forum["image"])
    page.get_by_role("button", name="Preview").click()

    preview = page.locator(".preview")
    expect(preview.get_by_role("heading", level=2)).to_have_text("Preview")
    expect(preview.get_by_role("heading", level=4)).to_have_text("Qui partage ?")
    expect(preview.locator("strong")).to_have_text("camion")
    expect(page.get_by_role("textbox", name="Title")).to_have_value("Épicerie mobile")
    expect(page.get_by_role("textbox", name="Message")).to_have_value(
        "## Qui partage ?\n\nUn **camion**."
    )
    expect(page.get_by_text("The preview cannot keep the file you had chosen")).to_be_visible()
    assert not Topic.objects.filter(title="Épicerie mobile").exists()

    page.get_by_label("Attachments (optional)").set_input_files(forum["image"])
    page.get_by_role("button", name="Publish the topic").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Épicerie mobile")
    topic = Topic.objects.get(title="Épicerie mobile")
    assert topic.posts.get().attachments.count() == 1
    context.close()


def test_with_script_the_preview_comes_in_place_keeps_the_files_and_follows_the_text(
    page, live_server, forum
):
    csp = refused(page)
    log_in(page, live_server, "lea@coop.example")
    page.goto(f"{live_server.url}/en/forums/c/alimentation/new/")
    page.evaluate("window.__samePage = true")
    page.get_by_role("textbox", name="Title").fill("Épicerie mobile")
    message = page.get_by_role("textbox", name="Message")
    message.fill("Un **camion**.")
    files = page.get_by_label("Attachments (optional)")
    files.set_input_files(forum["image"])
    page.get_by_role("button", name="Preview").click()

    preview = page.locator(".preview")
    expect(preview.locator("strong")).to_have_text("camion")
    expect(preview.get_by_role("heading", level=2)).to_be_focused()
    assert page.evaluate("window.__samePage") is True
    assert files.evaluate("input => input.files.length") == 1
    # The preview follows the text once it is shown.
    message.fill("Un **camion** et une *remorque*.")
    expect(preview.locator("em")).to_have_text("remorque")
    message.fill("")
    expect(page.get_by_role("alert")).to_contain_text("Write a message.")
    message.fill("Un **camion** et une *remorque*.")
    expect(page.locator(".preview em")).to_have_text("remorque")
    assert page.evaluate("window.__samePage") is True

    page.get_by_role("button", name="Publish the topic").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Épicerie mobile")
    assert Topic.objects.get(title="Épicerie mobile").posts.get().attachments.count() == 1

    # The reply box of a topic page previews in place too.
    page.get_by_role("textbox", name="Message").fill("### Réponse\n\nAvec plaisir.")
    page.get_by_role("button", name="Preview").click()
    expect(page.locator(".reply-box .preview h4")).to_have_text("Réponse")
    assert Post.objects.filter(source__contains="Avec plaisir").count() == 0
    assert csp == []


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_forum_pages_pass_axe_at_both_widths_without_sideways_scroll(
    browser, live_server, forum, language
):
    SHOTS.mkdir(exist_ok=True)
    topic, post = forum["topic"], forum["topic"].posts.first()
    for width in (390, 1280):
        context = browser.new_context(viewport={"width": width, "height": 900})
        page = context.new_page()
        csp = refused(page)
        log_in(page, live_server, "maire@ville.example")
        for name, path, action in (
            ("index", "/forums/", None),
            ("category", "/forums/c/filieres/", None),
            ("topic", f"/forums/t/{topic.pk}/", None),
            ("topic-preview", f"/forums/t/{topic.pk}/", "preview"),
            ("new-preview", "/forums/c/alimentation/new/", "preview"),
            ("reply-preview", f"/forums/t/{topic.pk}/reply/?quote={post.pk}", "preview"),
            ("history", f"/forums/p/{post.pk}/history/", None),
            ("report", f"/forums/p/{post.pk}/report/", None),
        ):
            page.goto(f"{live_server.url}/{language}{path}")
            if action == "preview":
                page.locator("form[data-preview] textarea[name=body]").fill(MESSAGE)
                page.locator("details.formatting summary").click()
                page.locator("form[data-preview] button[name=preview]").click()
                expect(page.locator(".preview .post__body")).to_be_visible()
            label = f"{name} {language} {width}"
            page.screenshot(
                path=str(SHOTS / f"i18-forums-{name}-{language}-{width}.png"), full_page=True
            )
            assert audit(page) == [], label
            sideways = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert sideways <= 0, label
        assert csp == []
        context.close()
