"""Editors of member cities propose practices; moderators publish them (Wagtail's workflow)."""

import pytest
from wagtail.models import Workflow

from practices.models import GoodPracticePage, PracticeTheme

pytestmark = pytest.mark.django_db

URL = "/fr/bonnes-pratiques/"


def _propose(library, editor, vocab):
    """What the admin's "Submit for moderation" does: a draft revision, then the workflow."""
    draft = GoodPracticePage(
        title="Une monnaie locale complémentaire",
        slug="monnaie-locale",
        summary="Une monnaie locale pour soutenir les commerces de l’ESS.",
        theme=PracticeTheme.FUNDING,
        territory=vocab["nantes"],
        organisation_name="Ville de Nantes",
        live=False,
        owner=editor,
    )
    library.add_child(instance=draft)
    revision = draft.save_revision(user=editor)
    workflow = draft.get_workflow()
    assert isinstance(workflow, Workflow)
    state = workflow.start(draft, editor)
    return GoodPracticePage.objects.get(pk=draft.pk), revision, state


def test_editors_may_propose_under_the_library_but_not_publish(library, editor, moderator):
    assert library.permissions_for_user(editor).can_add_subpage()
    assert not library.permissions_for_user(editor).can_publish_subpage()
    assert library.permissions_for_user(moderator).can_publish_subpage()


def test_a_proposed_practice_is_not_live_until_a_moderator_approves(
    client, library, editor, moderator, vocab
):
    draft, revision, state = _propose(library, editor, vocab)

    assert state.status == state.STATUS_IN_PROGRESS
    assert not draft.permissions_for_user(editor).can_publish()
    assert not draft.live
    assert client.get("/fr/bonnes-pratiques/monnaie-locale/").status_code == 404
    assert "Une monnaie locale" not in client.get(URL).content.decode()

    task_state = state.current_task_state
    task_state.task.specific.on_action(task_state, moderator, "approve")

    draft.refresh_from_db()
    assert draft.live
    assert draft.live_revision_id == revision.id
    assert client.get("/fr/bonnes-pratiques/monnaie-locale/").status_code == 200
    assert "Une monnaie locale" in client.get(URL).content.decode()


def test_a_rejected_practice_stays_unpublished(client, library, editor, moderator, vocab):
    draft, _revision, state = _propose(library, editor, vocab)

    task_state = state.current_task_state
    task_state.task.specific.on_action(task_state, moderator, "reject")

    draft.refresh_from_db()
    state.refresh_from_db()
    assert state.status == state.STATUS_NEEDS_CHANGES
    assert not draft.live
    assert client.get("/fr/bonnes-pratiques/monnaie-locale/").status_code == 404


def test_only_moderators_are_offered_to_approve_the_proposal(library, editor, moderator, vocab):
    draft, _revision, state = _propose(library, editor, vocab)

    task = state.current_task_state.task.specific
    assert task.get_actions(draft, editor) == []
    assert "approve" in [action[0] for action in task.get_actions(draft, moderator)]


def test_an_editor_submits_through_the_admin_and_the_page_waits(client, library, editor, moderator):
    from wagtail.test.utils.form_data import (
        inline_formset,
        nested_form_data,
        rich_text,
        streamfield,
    )

    client.force_login(editor)
    data = nested_form_data(
        {
            "title": "Un guichet unique pour les créateurs",
            "slug": "guichet-unique",
            "summary": "Un seul lieu pour les démarches des créateurs d’entreprise.",
            "theme": PracticeTheme.BUSINESS_SUPPORT,
            "organisation_name": "Commune de Banfora",
            "body": streamfield([]),
            "results": rich_text(""),
            "attached_documents": inline_formset([]),
            "action-submit": "Submit",
        }
    )
    response = client.post(f"/admin/pages/add/practices/goodpracticepage/{library.pk}/", data)

    assert response.status_code == 302, response.content.decode()[:2000]
    page = GoodPracticePage.objects.get(slug="guichet-unique", locale__language_code="fr")
    assert not page.live
    assert page.workflow_in_progress
    assert page.current_workflow_state.requested_by == editor


def test_moderators_preview_a_proposal_before_approving_it(
    library, editor, moderator, vocab, make_actor
):
    from django.test import RequestFactory

    from network.directory.models import ActorStatus

    draft, _revision, _state = _propose(library, editor, vocab)
    proposal = draft.get_latest_revision_as_object()
    proposal.summary = "Une version revue avant publication."
    proposal.actors.set(
        [make_actor(name="Monnaie Nantaise"), make_actor(name="Caché", status=ActorStatus.PENDING)]
    )

    request = RequestFactory().get("/")
    request.user = moderator
    response = proposal.make_preview_request(original_request=request)

    assert response.status_code == 200
    html = response.render().content.decode()
    assert "Une version revue avant publication." in html
    assert "Monnaie Nantaise" in html
    assert "Caché" not in html
