"""The moderation queue in the Wagtail admin: pending and hidden messages, reports, and the
log of decisions. Every decision goes through ``services.moderation_decide``."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import selectors, services
from .forms import DecisionForm
from .models import ModerationDecision, Post, is_moderator


def queue(request):
    if not is_moderator(request.user):
        raise PermissionDenied
    decisions = ModerationDecision.objects.select_related("post__topic", "account", "moderator")
    return TemplateResponse(
        request,
        "forums/admin/queue.html",
        {
            "waiting": list(selectors.moderation_queue()[:100]),
            "reported": list(selectors.reported_posts()[:100]),
            "decisions": Paginator(decisions, 30).get_page(request.GET.get("p")),
            "form": DecisionForm(),
            "page_title": _("Forum moderation"),
        },
    )


@require_POST
def decide(request, pk):
    if not is_moderator(request.user):
        raise PermissionDenied
    post = get_object_or_404(Post.objects.select_related("topic", "author"), pk=pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("forums_moderation")
    try:
        services.moderation_decide(
            moderator=request.user,
            action=form.cleaned_data["action"],
            reason=form.cleaned_data["reason"],
            post=post,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The decision is recorded."))
    return redirect("forums_moderation")
