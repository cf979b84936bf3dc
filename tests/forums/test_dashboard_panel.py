"""The admin's dashboard shows forum moderators what waits for them (issue 18, item 1):
messages held or hidden, and reported messages, counted and linked to the queue."""

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from forums import services

pytestmark = pytest.mark.django_db

PANEL = 'id="forums-moderation-section"'


@pytest.fixture
def admin_moderator(moderator):
    moderator.user_permissions.add(Permission.objects.get(codename="access_admin"))
    return moderator


def test_forum_moderators_see_what_waits_for_them_on_the_dashboard(
    client, settings, public, member, other, admin_moderator, make_topic, make_user
):
    client.force_login(admin_moderator)
    quiet = client.get("/admin/").content.decode()
    assert PANEL in quiet
    assert "No message or report waits for a moderator." in quiet

    topic = make_topic(public, member)
    services.post_report(post=topic.posts.get(), user=other, reason="spam")
    settings.FORUMS_APPROVAL_FIRST_POSTS = 1
    make_topic(public, make_user("nouveau@coop.example", "Nouvelle Personne"))
    html = client.get("/admin/").content.decode()
    assert "1 message waiting for a decision" in html
    assert "1 reported message still visible" in html
    assert 'href="/admin/forums/moderation/"' in html


def test_people_who_do_not_moderate_the_forums_see_no_forum_panel(client, other):
    other.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(other)
    assert PANEL not in client.get("/admin/").content.decode()


def test_the_panel_costs_the_same_queries_whatever_the_number_of_reports(
    client, public, member, admin_moderator, make_topic, make_user
):
    client.force_login(admin_moderator)
    reporter = make_user("r@coop.example", "Rapporteuse")
    topic = make_topic(public, member)
    services.post_report(post=topic.posts.get(), user=reporter, reason="spam")
    client.get("/admin/")
    with CaptureQueriesContext(connection) as one:
        client.get("/admin/")
    for _n in range(4):
        topic = make_topic(public, member)
        services.post_report(post=topic.posts.get(), user=reporter, reason="spam")
    client.get("/admin/")
    with CaptureQueriesContext(connection) as five:
        html = client.get("/admin/").content.decode()
    assert "5 reported messages still visible" in html
    assert len(five) == len(one)
