"""The moderators' queue in the Wagtail admin: new actors, proposed changes, potential
duplicates and stale entries, each decided through the services."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import permissions, selectors, services
from .models import Actor, ActorChange, LegalForm, Sector, Territory


def _require_moderator(request):
    if not permissions.can_moderate(request.user):
        raise PermissionDenied


def _display(name, value, lookups):
    """A proposal value as people read it."""
    if value in (None, "", []):
        return "—"
    if name == "sectors":
        return ", ".join(str(lookups["sectors"].get(pk, pk)) for pk in value)
    if name in ("legal_form", "territory"):
        return str(lookups[name].get(value, value))
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    return str(value)


def review(request):
    _require_moderator(request)
    queue = selectors.review_queue()
    lookups = {
        "sectors": {s.pk: s for s in Sector.objects.all()},
        "legal_form": {f.pk: f for f in LegalForm.objects.all()},
        "territory": {t.pk: t for t in Territory.objects.all()},
    }
    actors = {a.pk: a for a in Actor.objects.filter(pk__in=[c.actor_id for c in queue["changes"]])}
    labels = {
        f.name: f.verbose_name for f in Actor._meta.get_fields() if hasattr(f, "verbose_name")
    }
    for change in queue["changes"]:
        current = services.current_values(actors[change.actor_id])
        change.rows = [
            {
                "label": labels.get(name, name),
                "before": _display(name, current.get(name), lookups),
                "after": _display(name, value, lookups),
            }
            for name, value in change.data.items()
        ]
    return TemplateResponse(
        request,
        "network/admin/review.html",
        {**queue, "page_title": _("Directory review")},
    )


@require_POST
def actor_decide(request, pk):
    _require_moderator(request)
    actor = get_object_or_404(Actor, pk=pk)
    decision = request.POST.get("decision")
    try:
        if decision == "approve":
            services.actor_approve(actor=actor, user=request.user)
            messages.success(request, _("%(name)s is published.") % {"name": actor.name})
        elif decision == "reject":
            services.actor_reject(actor=actor, user=request.user, note=request.POST.get("note", ""))
            messages.success(
                request, _("%(name)s was sent back to its administrators.") % {"name": actor.name}
            )
        elif decision == "not_duplicate":
            services.actor_mark_not_duplicate(actor=actor, user=request.user)
            messages.success(
                request,
                _("%(name)s is marked as not a duplicate; it waits for review.")
                % {"name": actor.name},
            )
        elif decision == "archive":
            services.actor_archive(actor=actor, user=request.user)
            messages.success(request, _("%(name)s is archived.") % {"name": actor.name})
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("network_review")


@require_POST
def change_decide(request, pk):
    _require_moderator(request)
    change = get_object_or_404(ActorChange.objects.select_related("actor"), pk=pk)
    try:
        if request.POST.get("decision") == "approve":
            services.change_approve(change=change, user=request.user)
            messages.success(
                request, _("The changes to %(name)s are published.") % {"name": change.actor.name}
            )
        else:
            services.change_reject(
                change=change, user=request.user, note=request.POST.get("note", "")
            )
            messages.success(
                request, _("The changes to %(name)s were declined.") % {"name": change.actor.name}
            )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("network_review")
