"""An approval publishes, always: what a moderator does in the admin is never undone by a
request that read the page before it (a second submission, an autosave), and such a request
gets a message, not a server error (issue 17, item 1)."""

import threading

import pytest
from django.contrib.auth import get_user_model
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client
from wagtail import hooks
from wagtail.models import Locale, Page

from events.models import EventPage
from tests.admin_forms import as_post_data, form_fields


def submitted_event(make_event, editor, slug):
    """An event an editor added under the agenda and submitted to moderation."""
    event = make_event(title="Atelier réemploi", slug=slug, publish=False, owner=editor)
    # What the admin's create view does after creating it (simple_translation's hook).
    event.copy_for_translation(
        Locale.objects.get(language_code="en"), copy_parents=True, alias=True
    )
    event.get_workflow().start(event, editor)
    return event


def edit_url(page):
    return f"/admin/pages/{page.pk}/edit/"


def approval_data(client, page):
    """What "Approuver et publier" posts: the edit form as loaded, and the workflow action."""
    response = client.get(edit_url(page))
    assert response.status_code == 200
    return as_post_data(
        form_fields(response.content.decode(), "page-edit-form"),
        # The body is an empty StreamField, which the admin's script writes out.
        **{"body-count": "0", "action-workflow-action": "true", "workflow-action-name": "approve"},
    )


def english_alias(page):
    return EventPage.objects.get(alias_of=page)


def assert_live_in_both_languages(page):
    page.refresh_from_db()
    alias = english_alias(page)
    assert page.live and page.live_revision_id is not None
    assert alias.live
    public = Client()
    assert public.get(page.url).status_code == 200
    assert public.get(alias.url).status_code == 200


def texts(client, response):
    """The messages the page after the redirect shows."""
    shown = client.get(response["Location"])
    return [str(message) for message in get_messages(shown.wsgi_request)]


def test_the_moderators_message_says_the_page_is_live(client, make_event, editor, moderator):
    event = submitted_event(make_event, editor, "atelier-reemploi")
    client.force_login(moderator)

    response = client.post(edit_url(event), approval_data(client, event))

    assert response.status_code == 302
    assert_live_in_both_languages(event)
    [message] = texts(client, response)
    assert "Atelier réemploi" in message
    assert "en ligne" in message
    assert event.url in message


def test_a_second_submission_after_the_approval_gets_a_message_and_changes_nothing(
    client, make_event, editor, moderator
):
    event = submitted_event(make_event, editor, "atelier-reemploi")
    client.force_login(moderator)
    data = approval_data(client, event)
    texts(client, client.post(edit_url(event), data))
    revisions = event.revisions.count()

    response = client.post(edit_url(event), data)

    assert response.status_code == 302
    assert response["Location"] == edit_url(event)
    assert_live_in_both_languages(event)
    event.refresh_from_db()
    assert not event.has_unpublished_changes
    assert event.revisions.count() == revisions
    [message] = texts(client, response)
    assert "n’est plus en modération" in message
    assert "Jean-Baptiste Kaboré" in message
    assert "en ligne" in message


@pytest.mark.django_db(transaction=True)
def test_an_approval_is_never_undone_by_a_request_that_read_the_page_before_it(
    make_event, editor, moderator
):
    """The second request reads the page, then waits until the approval has had its chance
    to commit (at most two seconds: with the fix, the approval waits for it instead)."""
    event = submitted_event(make_event, editor, "atelier-reemploi")
    first, second = Client(), Client()
    first.force_login(moderator)
    second.force_login(moderator)
    data = approval_data(first, event)
    loaded, approved = threading.Event(), threading.Event()
    answers = {}

    def pause_the_late_one(request, page):
        if request.method == "POST" and request.headers.get("X-Test-Late"):
            loaded.set()
            approved.wait(timeout=2)

    def late_submission():
        try:
            answers["late"] = second.post(edit_url(event), data, headers={"X-Test-Late": "1"})
        finally:
            connection.close()

    with hooks.register_temporarily("before_edit_page", pause_the_late_one):
        thread = threading.Thread(target=late_submission)
        thread.start()
        assert loaded.wait(timeout=10)
        answers["approval"] = first.post(edit_url(event), data)
        approved.set()
        thread.join(timeout=30)

    assert answers["approval"].status_code == 302
    assert answers["late"].status_code == 302
    assert_live_in_both_languages(event)
    assert Page.objects.get(pk=event.pk).specific.live


def test_the_workflows_name_is_said_in_the_readers_language(client, make_event, editor):
    from django.utils import translation
    from wagtail.models import Task, Workflow

    event = make_event(title="Atelier réemploi", slug="atelier-reemploi", publish=False)
    client.force_login(editor)
    html = client.get(f"/admin/pages/{event.pk}/edit/").content.decode()
    assert "Soumettre à validation par la modération" in html
    assert "Moderators approval" not in html
    workflow = Workflow.objects.get()
    with translation.override("en"):
        assert str(workflow.name) == "Moderators’ approval"
    # Saved as stored, whatever the language it was shown in: a msgid, not a translation.
    with translation.override("fr"):
        workflow.save()
        Task.objects.get().specific.save()
    assert Workflow.objects.filter(name="Moderators approval").exists()
    assert Task.objects.filter(name="Moderators approval").exists()


def test_moderators_are_mailed_the_workflows_name_in_their_language(
    client, make_event, editor, moderator, django_capture_on_commit_callbacks
):
    from django.core import mail

    event = make_event(title="Atelier réemploi", slug="atelier-reemploi", publish=False)
    client.force_login(editor)
    url = f"/admin/pages/{event.pk}/edit/"
    data = as_post_data(
        form_fields(client.get(url).content.decode(), "page-edit-form"),
        **{"body-count": "0", "action-submit": "1"},
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, data).status_code == 302
    to_moderator = [m for m in mail.outbox if moderator.email in m.to]
    assert to_moderator, [m.subject for m in mail.outbox]
    assert all("Moderators approval" not in m.subject + m.body for m in to_moderator)
    assert any("validation par la modération" in m.subject + m.body for m in to_moderator)


def test_the_workflow_admin_and_reports_show_the_translated_name_and_save_the_stored_one(
    client, make_event, editor, moderator
):
    from wagtail.models import Task, Workflow

    event = make_event(title="Atelier réemploi", slug="atelier-reemploi", publish=False)
    state = event.get_workflow().start(event, editor)
    admin = get_user_model().objects.get(email="admin@essaim.example")
    workflow, task = Workflow.objects.get(), Task.objects.get()
    client.force_login(admin)
    for url in (
        "/admin/workflows/list/",
        f"/admin/workflows/edit/{workflow.pk}/",
        f"/admin/workflows/tasks/edit/{task.pk}/",
        "/admin/reports/workflow/",
        "/admin/reports/workflow_tasks/",
        f"/admin/pages/{event.pk}/workflow_history/detail/{state.pk}/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "validation par la modération" in response.content.decode(), url
    client.force_login(moderator)
    assert client.get("/admin/reports/workflow/").status_code == 200

    client.force_login(admin)
    url = f"/admin/workflows/edit/{workflow.pk}/"
    data = as_post_data(form_fields(client.get(url).content.decode(), "w-editor-form"))
    assert data["name"] == "validation par la modération"
    client.post(url, data)
    assert Workflow.objects.filter(name="Moderators approval").exists()


def test_an_approval_with_an_invalid_form_says_so_and_nothing_else(
    client, make_event, editor, moderator
):
    event = submitted_event(make_event, editor, "atelier-reemploi")
    client.force_login(moderator)
    data = approval_data(client, event)
    data["title"] = ""

    response = client.post(edit_url(event), data)

    assert response.status_code == 200
    html = response.content.decode()
    assert "est approuvée" not in html
    event.refresh_from_db()
    assert not event.live
    assert event.current_workflow_task is not None
