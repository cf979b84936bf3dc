"""The preview of a message before it is sent (new topic, reply, edit): without script, a
"Preview" button sends the form and the page comes back with the rendered message and
everything typed; the rights and anti-abuse rules of posting apply to it, and nothing is
written."""

import re
from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.utils import CaptureQueriesContext

from forums import services
from forums.models import ForumProfile, Post, PostRevision, Topic

pytestmark = pytest.mark.django_db


def preview_of(html):
    """The rendered message of a preview, or None when the page shows none."""
    found = re.search(r'<div class="post__body prose">(.*?)</div>', html, re.S)
    section = re.search(r'<section class="preview".*?</section>', html, re.S)
    return found.group(1).strip() if found and section else None


def textarea(html, name="body"):
    found = re.search(rf'<textarea name="{name}"[^>]*>(.*?)</textarea>', html, re.S)
    return unescape(found.group(1)).strip()


def test_a_new_topic_is_previewed_with_everything_typed_kept_and_nothing_posted(
    client, public, member
):
    client.force_login(member)
    response = client.post(
        "/en/forums/c/alimentation/new/",
        {
            "title": "Camion partagé",
            "body": "# Le besoin\n\nUn **camion** le mardi.",
            "preview": "1",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert preview_of(html) == "<h4>Le besoin</h4>\n<p>Un <strong>camion</strong> le mardi.</p>"
    assert 'id="preview-title"' in html and "It is not posted yet" in html
    assert 'value="Camion partagé"' in html
    assert textarea(html) == "# Le besoin\n\nUn **camion** le mardi."
    assert not Topic.objects.exists() and not Post.objects.exists()
    # The preview is shown as its author's message, under the page's outline.
    assert '<h3 class="post__author" id="preview-author">Léa Martin' in html


def test_a_preview_needs_the_message_only_and_says_which_files_to_choose_again(
    client, public, member
):
    client.force_login(member)
    response = client.post(
        "/en/forums/c/alimentation/new/",
        {
            "title": "",
            "body": "Avec une photo",
            "files": [
                SimpleUploadedFile("marché.png", b"\x89PNG\r\n\x1a\n"),
                SimpleUploadedFile("plan.pdf", b"%PDF-1.4"),
            ],
            "preview": "1",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Give the topic a title." not in html and 'role="alert"' not in html
    assert preview_of(html) == "<p>Avec une photo</p>"
    assert "The preview cannot keep the 2 files you had chosen (marché.png, plan.pdf)" in html
    # An empty message has nothing to preview: the form says so, as on posting.
    response = client.post(
        "/en/forums/c/alimentation/new/", {"title": "T", "body": " ", "preview": "1"}
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "Write a message." in html and preview_of(html) is None


def test_a_reply_is_previewed_with_its_quote_kept(client, public, member, other, make_topic):
    topic = make_topic(public, member, source="Qui a un camion ?")
    first = topic.posts.get()
    client.force_login(other)
    response = client.post(
        f"/en/forums/t/{topic.pk}/reply/",
        {"body": "> Qui a un camion ?\n\nNous, @lea-martin.", "quoted": first.pk, "preview": "1"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<blockquote>" in preview_of(html)
    assert f'name="quoted" value="{first.pk}"' in html
    assert "You are quoting Léa Martin." in html
    assert Post.objects.count() == 1
    assert topic.posts.get().pk == first.pk


def test_an_edit_is_previewed_and_nothing_changes_until_it_is_saved(
    client, public, member, other, make_topic
):
    topic = make_topic(public, member, source="Version une")
    post = topic.posts.get()
    client.force_login(member)
    response = client.post(
        f"/en/forums/p/{post.pk}/edit/", {"body": "Version *deux*", "preview": "1"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert preview_of(html) == "<p>Version <em>deux</em></p>"
    assert textarea(html) == "Version *deux*"
    post.refresh_from_db()
    assert post.source == "Version une" and post.edit_count == 0
    assert not PostRevision.objects.exists()
    # Someone else may not preview an edit of it either.
    client.force_login(other)
    response = client.post(f"/en/forums/p/{post.pk}/edit/", {"body": "Pirate", "preview": "1"})
    assert response.status_code == 403


def test_the_preview_tells_what_will_not_look_as_typed(client, public, member, make_topic):
    make_topic(public, member)  # Léa's handle exists
    client.force_login(member)
    response = client.post(
        "/en/forums/c/alimentation/new/",
        {
            "title": "Photos",
            "body": "![Le marché](https://photos.example/m.jpg) <b>gras</b> @lea-martin @personne",
            "preview": "1",
        },
    )
    html = response.content.decode()
    remarks = re.search(r'<ul class="preview__remarks">(.*?)</ul>', html, re.S).group(1)
    assert "The picture written in your text is shown as a link to its address" in remarks
    assert "HTML tags are shown as typed" in remarks
    assert "Nobody has the handle @personne: nobody will be told." in remarks
    assert "lea-martin" not in remarks
    assert '<span class="mention">@lea-martin</span>' in preview_of(html)


def test_the_preview_follows_the_rights_and_anti_abuse_rules_of_posting(
    client, public, private, member, outsider, moderator, make_topic, settings
):
    settings.FORUMS_NEW_ACCOUNT_MAX_LINKS = 1
    client.force_login(outsider)
    # A private category is not there for an outsider, preview or not.
    response = client.post(
        "/en/forums/c/espace-des-elus/new/", {"title": "T", "body": "x", "preview": "1"}
    )
    assert response.status_code == 404
    # A new account with too many links sees its preview and why posting would be refused.
    body = "Voir https://a.example et https://b.example"
    response = client.post(
        "/en/forums/c/alimentation/new/", {"title": "Liens", "body": body, "preview": "1"}
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "New accounts may put at most 1 links in a message" in html
    assert preview_of(html).count("<a href") == 2
    # The same message twice is announced before it is sent.
    make_topic(public, member, source="Bonjour à toutes et à tous")
    client.force_login(member)
    response = client.post(
        "/en/forums/c/alimentation/new/",
        {"title": "Encore", "body": "Bonjour à toutes et à tous", "preview": "1"},
    )
    assert "You have just posted this same message." in response.content.decode()
    # A suspended account cannot preview: it cannot post.
    services.moderation_decide(moderator=moderator, action="suspend", reason="Spam", account=member)
    response = client.post(
        "/en/forums/c/alimentation/new/", {"title": "T", "body": "x", "preview": "1"}
    )
    assert response.status_code == 302
    assert Topic.objects.count() == 1


def test_a_preview_writes_nothing(public, member, make_topic):
    from django.db import connection

    topic = make_topic(public, member)
    services.profile_for(member)
    with CaptureQueriesContext(connection) as queries:
        preview = services.post_preview(user=member, topic=topic, source="Oui **@lea-martin**")
    writes = [
        q["sql"] for q in queries if q["sql"].split()[0].upper() in {"INSERT", "UPDATE", "DELETE"}
    ]
    assert writes == []
    assert '<span class="mention">@lea-martin</span>' in preview.html
    assert ForumProfile.objects.count() == 1


def test_every_message_form_has_a_preview_button_and_the_script_is_external(
    client, public, member, make_topic
):
    topic = make_topic(public, member)
    client.force_login(member)
    for url in (
        "/en/forums/c/alimentation/new/",
        f"/en/forums/t/{topic.pk}/",
        f"/en/forums/t/{topic.pk}/reply/",
        f"/en/forums/p/{topic.posts.get().pk}/edit/",
    ):
        html = client.get(url).content.decode()
        form = re.search(r"<form [^>]*data-preview.*?</form>", html, re.S).group(0)
        buttons = re.findall(r"<button [^>]*>", form)
        # Posting stays the default button (Enter in the title posts, it does not preview).
        assert 'name="preview"' not in buttons[0] and 'name="preview" value="1"' in buttons[1]
        assert "data-preview-region" in html
        assert '<script src="/static/forums/preview.js" defer></script>' in html
