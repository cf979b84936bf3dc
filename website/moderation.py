"""Moderation in the admin that people can trust: an approval is never undone by a request that
read the page before it, and a moderator is always told where the page stands.

The trap: Wagtail's edit view writes the whole page row from the copy it read when the request
began (``form.save(commit=not page.live)`` for a page not yet live). A second submission or
an autosave that read a page before an approval committed wrote ``live=False`` and no live
revision back over it, while the English alias, published by the approval, stayed live; then
it failed on the finished workflow with a 500 (wagtail/wagtail#14460, #13856).

``PageWritesMiddleware`` serialises every write the admin makes to one page (a POST to a page
view of ``wagtailadmin_pages``) behind a lock on the page's row, taken before the view reads
anything: on PostgreSQL ``SELECT … FOR UPDATE``, on SQLite the IMMEDIATE transaction, which
holds the write lock from BEGIN. The second request then reads what the first committed. A
workflow action that arrives after the workflow ended is answered with a message saying what
happened and whether the page is live, and changes nothing; a workflow action that went
through is reported the same way, in place of Wagtail's "Page has been updated".
"""

from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect
from django.utils import formats, timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import get_language_info
from django.utils.translation import gettext as _
from wagtail.models import Page, TaskState, WorkflowState

from website.addresses import page_url

PAGE_VIEWS = "wagtailadmin_pages"
# The admin's views that write a page (its row, its revisions or its workflow). Previews,
# choosers and the modal that only checks a workflow comment write nothing: they are left
# out, so that a preview refreshing as someone types never waits for a publication.
PAGE_WRITES = {
    "edit",
    "workflow_action",
    "unpublish",
    "delete",
    "convert_alias",
    "move_confirm",
    "set_page_position",
    "copy",
    "set_privacy",
    "lock",
    "unlock",
    "revisions_revert",
    "revisions_unschedule",
}


class PageWritesMiddleware:
    """One admin write to a page at a time (see the module's docstring).

    Placed after the CSRF, authentication and message middlewares: when it answers a request
    itself, the middlewares after it and the view do not run.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        page_id = view_kwargs.get("page_id")
        if (
            request.method != "POST"
            or page_id is None
            or match.namespace != PAGE_VIEWS
            or match.url_name not in PAGE_WRITES
        ):
            return None
        acting = _is_workflow_action(request, match.url_name)
        with transaction.atomic():
            page = Page.objects.select_for_update().filter(pk=page_id).first()
            if page is None:
                return None  # the view answers 404
            if not acting:
                return view_func(request, *view_args, **view_kwargs)
            task_state = page.current_workflow_task_state
            if task_state is None:
                messages.warning(request, late_action_message(page))
                return redirect("wagtailadmin_pages:edit", page.pk)
            response = view_func(request, *view_args, **view_kwargs)
            went_through = (
                TaskState.objects.filter(pk=task_state.pk)
                .exclude(status=task_state.status)
                .exists()
            )
            # The next page shows the messages (a redirect, or the dashboard's modal, which
            # answers JSON and reloads): an invalid form, shown now, changed nothing and says so.
            if went_through and (
                response.status_code == 302
                or response.get("Content-Type", "").startswith("application/json")
            ):
                _report(request, Page.objects.get(pk=page_id))
        return response


def _is_workflow_action(request, url_name):
    """Approve, request changes, or another task's action, from the editor or the dashboard."""
    if url_name == "workflow_action":
        return True
    return url_name == "edit" and bool(request.POST.get("action-workflow-action"))


def _report(request, page):
    """Put the moderator's outcome in place of the view's own success messages (Wagtail says
    only "has been updated"); warnings and errors stay."""
    kept = [m for m in messages.get_messages(request) if m.level != messages.SUCCESS]
    for message in kept:
        messages.add_message(request, message.level, message.message, message.extra_tags)
    messages.success(request, outcome_message(page))


def live_state(page):
    """Where a page stands, in a sentence: on line (with a link to it in each language it is
    live in, named in that language), scheduled, or not on line."""
    page = page.specific_deferred
    if page.live:
        live = {
            translation.locale.language_code: translation
            for translation in Page.objects.translation_of(page, inclusive=True)
            .live()
            .select_related("locale")
        }
        links = format_html_join(
            " · ",
            '<a href="{}">{}</a>',
            (
                (page_url(live[code]), get_language_info(code)["name_local"])
                for code, _name in settings.LANGUAGES
                if code in live
            ),
        )
        return format_html(_("It is live: {links}."), links=links)
    scheduled = page.scheduled_revision
    if scheduled is not None and scheduled.approved_go_live_at:
        return _("It will go live on %(date)s.") % {"date": _when(scheduled.approved_go_live_at)}
    return _("It is not live.")


def outcome_message(page):
    """What a moderator is told once their action went through."""
    state = _latest_workflow_state(page)
    title = page.get_admin_display_title()
    if state is None or state.status == WorkflowState.STATUS_APPROVED:
        what = _("“%(title)s” is approved.") % {"title": title}
    elif state.status == WorkflowState.STATUS_NEEDS_CHANGES:
        what = _("“%(title)s” goes back to its author for changes.") % {"title": title}
    elif state.status == WorkflowState.STATUS_IN_PROGRESS and state.current_task_state:
        what = _("“%(title)s” is approved at this step; it now waits for “%(task)s”.") % {
            "title": title,
            "task": state.current_task_state.task.name,
        }
    else:
        what = _("“%(title)s”: the moderation has ended.") % {"title": title}
    return format_html("{} {}", what, live_state(page))


def late_action_message(page):
    """What someone is told whose approval (or other action) arrived after the moderation of
    the page had ended: who ended it, when, and where the page stands. Nothing was changed."""
    state = _latest_workflow_state(page)
    title = page.get_admin_display_title()
    decided = (
        TaskState.objects.filter(workflow_state=state, finished_at__isnull=False)
        .select_related("finished_by")
        .order_by("-finished_at")
        .first()
        if state is not None
        else None
    )
    who = decided.finished_by.get_display_name() if decided and decided.finished_by else None
    who = who or (_("a moderator") if decided else None)
    if decided is None:
        what = _("“%(title)s” is no longer in moderation.") % {"title": title}
    elif state.status == WorkflowState.STATUS_APPROVED:
        what = _("“%(title)s” is no longer in moderation: %(who)s approved it on %(when)s.")
    elif state.status == WorkflowState.STATUS_NEEDS_CHANGES:
        what = _("“%(title)s” is no longer in moderation: %(who)s asked for changes on %(when)s.")
    else:
        what = _("“%(title)s” is no longer in moderation: it was cancelled on %(when)s.")
    if decided is not None:
        what = what % {"title": title, "who": who, "when": _when(decided.finished_at)}
    return format_html("{} {} {}", what, live_state(page), _("Your action was not applied."))


def _latest_workflow_state(page):
    return (
        WorkflowState.objects.for_instance(page)
        .select_related("current_task_state__task")
        .order_by("-created_at", "-pk")
        .first()
    )


def _when(moment):
    return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")
