"""Incubators' programmes and calls: the public listing, pages and deadline feed, and the
pages where an incubator's admins manage them. Thin: reads through incubator_selectors,
writes through network.services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from network.directory.models import Actor
from website import wording
from website.cache import public_page
from website.calendars.responses import calendar_response
from website.forms import errors_to_form
from website.notifications import subscribers

from . import notifications, selectors, services
from .forms import CallFilterForm, CallForm, ProgrammeForm
from .models import Call, Programme

CALLS_PER_PAGE = 20

# Model fields and the form fields that type them.
CALL_FORM_FIELDS = {
    "opens_at": "opens_on",
    "pre_deposit_at": "pre_deposit_on",
    "closes_at": "closes_on",
}


def _filter_context(request, form):
    params = request.GET.copy()
    params.pop("page", None)
    filter_query = params.urlencode()
    return {
        "filter_form": form,
        "filters": form.filters,
        "filter_query": filter_query,
        "query_string": f"{filter_query}&" if filter_query else "",
    }


@public_page("incubators", "directory")
@require_GET
def programme_list(request):
    """Calls for applications of every incubator, with the listing's filters."""
    form = CallFilterForm(request.GET)
    context = _filter_context(request, form)
    calls = selectors.calls_for_listing(filters=form.filters)
    page_obj = Paginator(calls, CALLS_PER_PAGE).get_page(request.GET.get("page"))
    page_obj.object_list = services.with_dates_for_reader(
        page_obj.object_list, timezone.get_current_timezone()
    )
    feed_path = reverse("incubators:calls_feed")
    if context["filter_query"]:
        feed_path += "?" + context["filter_query"]
    context.update(
        page_obj=page_obj,
        calls=page_obj.object_list,
        feed_url=feed_path,
        webcal_url="webcal://" + request.get_host() + feed_path,
    )
    return render(request, "network/incubators/programme_list.html", context)


@public_page("incubators", "directory")
@require_GET
def programme_detail(request, slug):
    programme = selectors.programme_for_page(slug=slug)
    if programme is None:
        raise Http404
    return render(
        request,
        "network/incubators/programme_detail.html",
        {
            "programme": programme,
            "calls": services.with_dates_for_reader(
                programme.calls.all(), timezone.get_current_timezone()
            ),
            "can_manage": services.can_manage_programmes(request.user, programme.actor),
        },
    )


@public_page("incubators", "directory")
@require_GET
def call_detail(request, slug, pk):
    call = selectors.call_for_page(programme_slug=slug, pk=pk)
    if call is None:
        raise Http404
    (call,) = services.with_dates_for_reader([call], timezone.get_current_timezone())
    return render(
        request,
        "network/incubators/call_detail.html",
        {
            "call": call,
            "call_zone": wording.zone_in_words(call.zone),
            "programme": call.programme,
            "can_manage": services.can_manage_programmes(request.user, call.programme.actor),
        },
    )


@public_page("incubators", "directory")
@require_GET
def calls_feed(request):
    """The deadlines of the listing's calls (same filters): closing and pre-deposit dates."""
    form = CallFilterForm(request.GET)
    calls = list(selectors.calls_for_feed(filters=form.filters))
    stamps = sorted((call.pk, call.sequence, call.updated_at.isoformat()) for call in calls)
    return calendar_response(
        request,
        validators=(sorted(request.GET.lists()), stamps),
        last_modified=max((call.updated_at for call in calls), default=None),
        build=lambda: services.deadlines_calendar(calls, request=request),
        filename="deadlines.ics",
    )


@require_POST
def call_alerts(request):
    """Turn alerts about calls on or off, signed in or with the link of one's preferences."""
    token = request.POST.get("token")
    subscriber = subscribers.subscriber_acting(request, token)
    if subscriber is None:
        raise Http404
    enabled = request.POST.get("enabled") == "1"
    notifications.call_alerts_set(subscriber=subscriber, enabled=enabled)
    if enabled:
        messages.success(request, _("You will hear of calls for applications again."))
    else:
        messages.success(request, _("You will no longer hear of calls for applications."))
    if token:
        return redirect("notifications:preferences_token", token=token)
    return redirect("notifications:preferences")


# --- managing (an incubator's admins, moderators) ----------------------------------------


def _managed_actor(request, slug):
    actor = get_object_or_404(Actor, slug=slug, is_incubator=True)
    if not services.can_manage_programmes(request.user, actor):
        raise PermissionDenied
    return actor


@login_required
@require_GET
def programmes_manage(request, slug):
    actor = _managed_actor(request, slug)
    programmes = Programme.objects.filter(actor=actor).prefetch_related("calls").order_by("name")
    return render(
        request,
        "network/incubators/manage.html",
        {"actor": actor, "programmes": programmes},
    )


@login_required
@require_http_methods(["GET", "POST"])
def programme_create(request, slug):
    actor = _managed_actor(request, slug)
    form = ProgrammeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.programme_create(
                user=request.user,
                actor=actor,
                values=form.values(),
                sectors=form.cleaned_data["sectors"],
            )
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("The programme is saved."))
            return redirect("incubators:programmes_manage", actor.slug)
    return render(
        request,
        "network/incubators/programme_form.html",
        {"form": form, "actor": actor, "programme": None},
    )


@login_required
@require_http_methods(["GET", "POST"])
def programme_edit(request, slug):
    programme = get_object_or_404(Programme.objects.select_related("actor"), slug=slug)
    actor = _managed_actor(request, programme.actor.slug)
    form = ProgrammeForm(request.POST or None, instance=Programme.objects.get(pk=programme.pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.programme_update(
                user=request.user,
                programme=programme,
                values=form.values(),
                sectors=form.cleaned_data["sectors"],
            )
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("The programme is saved."))
            return redirect("incubators:programmes_manage", actor.slug)
    return render(
        request,
        "network/incubators/programme_form.html",
        {"form": form, "actor": actor, "programme": programme},
    )


@login_required
@require_http_methods(["GET", "POST"])
def call_create(request, slug):
    programme = get_object_or_404(Programme.objects.select_related("actor"), slug=slug)
    _managed_actor(request, programme.actor.slug)
    form = CallForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            call = services.call_create(
                user=request.user, programme=programme, values=form.values()
            )
        except ValidationError as error:
            errors_to_form(form, error, CALL_FORM_FIELDS)
        else:
            messages.success(request, _("The call is saved."))
            return redirect(call.get_absolute_url())
    return render(
        request,
        "network/incubators/call_form.html",
        {"form": form, "programme": programme, "call": None},
    )


@login_required
@require_http_methods(["GET", "POST"])
def call_edit(request, slug, pk):
    call = get_object_or_404(
        Call.objects.select_related("programme__actor"), programme__slug=slug, pk=pk
    )
    _managed_actor(request, call.programme.actor.slug)
    form = CallForm(request.POST or None, instance=Call.objects.get(pk=call.pk))
    if request.method == "POST" and form.is_valid():
        try:
            call = services.call_update(user=request.user, call=call, values=form.values())
        except ValidationError as error:
            errors_to_form(form, error, CALL_FORM_FIELDS)
        else:
            messages.success(request, _("The call is saved."))
            return redirect(call.get_absolute_url())
    return render(
        request,
        "network/incubators/call_form.html",
        {"form": form, "programme": call.programme, "call": call},
    )
