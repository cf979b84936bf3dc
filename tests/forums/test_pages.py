"""The forum pages: index, category, topic (paginated, bounded queries), new topic, reply,
quote, edit with history, close with a conclusion, attachments."""

import io

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from forums import services
from forums.models import Attachment, Post, PostRevision, Topic

pytestmark = pytest.mark.django_db


def png_bytes():
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "green").save(buffer, "PNG")
    return buffer.getvalue()


def test_index_and_category_list_topics_pinned_first(client, public, member, make_topic):
    old = make_topic(public, member, title="Ancien sujet épinglé")
    make_topic(public, member, title="Sujet récent")
    Topic.objects.filter(pk=old.pk).update(pinned=True)
    index = client.get("/en/forums/").content.decode()
    assert "Food" in index and "2 topics" in index
    html = client.get("/fr/forums/c/alimentation/").content.decode()
    assert html.index("Ancien sujet épinglé") < html.index("Sujet récent")


def test_post_a_topic_reply_and_quote_through_the_pages(client, public, member, other):
    client.force_login(member)
    response = client.post(
        "/en/forums/c/alimentation/new/",
        {"title": "Paniers solidaires", "body": "Qui a un **groupement d’achat** ?"},
    )
    topic = Topic.objects.get(title="Paniers solidaires")
    assert response["Location"] == f"/en/forums/t/{topic.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "<strong>groupement d’achat</strong>" in page

    client.force_login(other)
    first = topic.posts.get()
    form = client.get(f"/en/forums/t/{topic.pk}/reply/?quote={first.pk}").content.decode()
    assert "&gt; Qui a un **groupement d’achat** ?" in form
    client.post(
        f"/en/forums/t/{topic.pk}/reply/",
        {"body": "> Qui a un groupement ?\n\nNous, à Dakar.", "quoted": first.pk},
    )
    reply = Post.objects.exclude(pk=first.pk).get()
    assert reply.quoted == first
    page = client.get(f"/en/forums/t/{topic.pk}/").content.decode()
    assert "In reply to Léa Martin" in page
    assert "<blockquote>" in page
    topic.refresh_from_db()
    assert topic.reply_count == 1


def test_topic_page_queries_do_not_grow_with_posts(
    client, public, member, other, make_topic, django_assert_max_num_queries, settings
):
    settings.FORUMS_POST_RATE = (1000, 60)
    topic = make_topic(public, member)
    client.force_login(other)

    def count_queries():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        cache.clear()  # the menus and the footer are kept: measure their making
        with CaptureQueriesContext(connection) as context:
            assert client.get(f"/en/forums/t/{topic.pk}/").status_code == 200
        return len(context)

    services.post_create(topic=topic, user=other, source="Première réponse")
    count_queries()  # the first request of a site creates its settings row
    few = count_queries()
    image = SimpleUploadedFile("photo.png", png_bytes())
    quoted = topic.posts.first()
    for number in range(18):
        author = member if number % 2 else other
        services.post_create(
            topic=topic,
            user=author,
            source=f"Réponse {number} à @lea-martin",
            quoted=quoted,
            files=[image] if number < 3 else [],
        )
    many = count_queries()
    assert many == few
    with django_assert_max_num_queries(few):
        client.get(f"/en/forums/t/{topic.pk}/?page=1")


def test_topic_pages_paginate(client, public, member, other, make_topic, settings):
    settings.FORUMS_POSTS_PER_PAGE = 5
    settings.FORUMS_POST_RATE = (1000, 60)
    topic = make_topic(public, member)
    posts = [services.post_create(topic=topic, user=other, source=f"R {n}") for n in range(7)]
    second = client.get(f"/en/forums/t/{topic.pk}/?page=2").content.decode()
    assert "Page 2 of 2" in second and f'id="post-{posts[-1].pk}"' in second
    response = client.get(f"/en/forums/p/{posts[-1].pk}/")
    assert response["Location"] == f"/en/forums/t/{topic.pk}/?page=2#post-{posts[-1].pk}"


def test_edit_keeps_a_visible_history(client, public, member, other, make_topic):
    topic = make_topic(public, member, source="Version une")
    post = topic.posts.get()
    client.force_login(other)
    assert client.get(f"/en/forums/p/{post.pk}/edit/").status_code == 403
    client.force_login(member)
    client.post(f"/en/forums/p/{post.pk}/edit/", {"body": "Version deux"})
    post.refresh_from_db()
    assert post.source == "Version deux" and post.edit_count == 1
    assert PostRevision.objects.get(post=post).source == "Version une"
    page = client.get(f"/en/forums/t/{topic.pk}/").content.decode()
    assert "edited once, see the history" in page
    history = client.get(f"/en/forums/p/{post.pk}/history/").content.decode()
    assert "Version une" in history and "Version deux" in history


def test_close_with_a_conclusion_stops_replies(client, public, member, other, make_topic):
    topic = make_topic(public, member)
    client.force_login(other)
    assert client.get(f"/en/forums/t/{topic.pk}/close/").status_code == 403
    client.force_login(member)
    response = client.post(f"/en/forums/t/{topic.pk}/close/", {"conclusion": ""})
    assert response.status_code == 400
    assert 'href="#id_conclusion"' in response.content.decode()
    client.post(f"/en/forums/t/{topic.pk}/close/", {"conclusion": "On mutualise le camion."})
    page = client.get(f"/en/forums/t/{topic.pk}/").content.decode()
    assert "Closed with a conclusion" in page and "On mutualise le camion." in page
    client.force_login(other)
    with pytest.raises(services.PermissionDenied):
        services.post_create(topic=Topic.objects.get(pk=topic.pk), user=other, source="Encore")
    assert "This topic is closed" in client.get(f"/en/forums/t/{topic.pk}/").content.decode()


def test_attachments_are_sniffed_renamed_and_served_with_checks(client, public, member, make_topic):
    fake = SimpleUploadedFile("evil.png", b"<script>alert(1)</script>", "image/png")
    with pytest.raises(services.ValidationError):
        make_topic(public, member, files=[fake])
    svg = SimpleUploadedFile("x.svg", b'<svg onload="alert(1)"/>', "image/svg+xml")
    with pytest.raises(services.ValidationError):
        make_topic(public, member, files=[svg])
    pdf = SimpleUploadedFile('"><img src=x onerror=alert(1)>.pdf', b"%PDF-1.4\n%%EOF", "x/y")
    image = SimpleUploadedFile("../../photo du marché.PNG", png_bytes(), "text/html")
    topic = make_topic(public, member, files=[pdf, image])
    names = sorted(Attachment.objects.values_list("name", "content_type"))
    assert names == [
        ("img-srcx-onerroralert1.pdf", "application/pdf"),
        ("photo-du-marche.png", "image/png"),
    ]
    served = client.get(Attachment.objects.get(kind="image").get_absolute_url())
    assert served["Content-Type"] == "image/png"
    assert "sandbox" in served["Content-Security-Policy"]
    document = client.get(Attachment.objects.get(kind="pdf").get_absolute_url())
    assert document["Content-Disposition"].startswith("attachment")
    assert topic.posts.get().attachments.count() == 2


def test_too_large_attachment_is_refused_and_the_text_kept(client, public, member, settings):
    settings.FORUMS_ATTACHMENT_MAX_BYTES = 10
    client.force_login(member)
    response = client.post(
        "/en/forums/c/alimentation/new/",
        {
            "title": "Avec photo",
            "body": "Voici le texte que j’ai tapé",
            "files": SimpleUploadedFile("grande.png", png_bytes()),
        },
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "grande is too large" in html
    assert "Voici le texte que j’ai tapé" in html and 'value="Avec photo"' in html
    assert not Topic.objects.exists()


def test_forms_show_an_error_summary_linked_to_fields(client, public, member):
    client.force_login(member)
    response = client.post("/en/forums/c/alimentation/new/", {"title": "", "body": ""})
    html = response.content.decode()
    assert 'role="alert"' in html
    assert 'href="#id_title"' in html and 'href="#id_body"' in html
    assert 'aria-invalid="true"' in html
