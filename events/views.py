"""The events app's views: registrations, follows, and the agenda's and event pages' views.

The agenda (``EventIndexPage``) and an event's page (``EventPage``) are served by Wagtail
through their models, which import neither the forms nor the selectors these views read: the
functions at the end of this module are registered on the page classes instead
(``website.pageviews``), and ``EventsConfig.ready`` imports this module so that they are
there before the first request.
"""

import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from website.addresses import absolute_url
from website.cache import KeptCountPaginator, cached_fragment
from website.calendars.models import CalendarFeedToken
from website.notifications import subscribers
from website.ratelimit import rate_limit
from website.selectors import localized_pages

from . import services, subscriptions
from .forms import EventFilterForm, SubscribeForm
from .models import EventIndexPage, EventPage, Occurrence, Registration, Subscription
from .month import month_table
from .recurrence import describe_rule
from .selectors import (
    mapped_occurrences,
    occurrences_for_listing,
    registrations_of,
    with_waiting_position,
)


@login_required
@require_POST
@rate_limit("registration_create")
def register(request, occurrence_id):
    occurrence = get_object_or_404(Occurrence.objects.select_related("event"), pk=occurrence_id)
    try:
        registration = services.registration_create(occurrence=occurrence, user=request.user)
    except services.RegistrationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(occurrence.event.localized.url)
    return redirect("events:registration", token=registration.token)


def _own_registration(request, token):
    registration = get_object_or_404(
        Registration.objects.select_related("occurrence__event"), token=token
    )
    if registration.user_id != request.user.pk:
        raise Http404
    return registration


@login_required
@require_GET
def registration_detail(request, token):
    registration = _own_registration(request, token)
    registration.waiting_position = (
        with_waiting_position(Registration.objects.filter(pk=registration.pk))
        .values_list("waiting_position", flat=True)
        .get()
    )
    event = registration.occurrence.event
    return render(
        request,
        "events/registration_detail.html",
        {
            "registration": registration,
            "occurrence": registration.occurrence,
            "event": event.localized,
        },
    )


@login_required
@require_POST
def cancel_registration(request, token):
    registration = _own_registration(request, token)
    services.registration_cancel(registration=registration, user=request.user)
    messages.success(request, _("Your registration has been cancelled."))
    return redirect("events:mine")


@login_required
@require_GET
def my_events(request):
    now = timezone.now()
    registrations = registrations_of(user=request.user)
    pages = localized_pages(
        [registration.occurrence.event for registration in registrations], model=EventPage
    )
    for registration, page in zip(registrations, pages, strict=True):
        registration.page = page
    upcoming = [r for r in registrations if r.occurrence.end >= now]
    past = [r for r in registrations if r.occurrence.end < now][::-1]
    token = CalendarFeedToken.objects.filter(user=request.user).first()
    feed_url = None
    if token is not None:
        feed_url = absolute_url(reverse("calendars:personal_feed", args=[token.token]))
    return render(
        request,
        "events/my_events.html",
        {
            "upcoming": upcoming,
            "past": past,
            "feed_url": feed_url,
            "webcal_url": "webcal://" + feed_url.split("://", 1)[1] if feed_url else None,
        },
    )


@require_http_methods(["GET", "POST"])
@rate_limit("subscription_request")
def subscribe(request):
    """Follow kinds, sectors, territories or a series. Signed-in people follow at once;
    others receive a link to confirm that the address is theirs."""
    series = [value for value in request.GET.getlist("series") if value.isdigit()]
    initial = {
        "kinds": request.GET.getlist("kind"),
        "sectors": request.GET.getlist("sector"),
        "territories": request.GET.getlist("territory"),
        "series": series,
    }
    form = SubscribeForm(request.POST or None, initial=initial, user=request.user, series=series)
    if request.method == "POST" and form.is_valid():
        targets = form.targets()
        frequency = form.cleaned_data["frequency"]
        if not request.user.is_authenticated:
            subscribers.subscription_request(
                email=form.cleaned_data["email"],
                language=get_language(),
                app="events",
                targets=targets,
                frequency=frequency,
            )
            return render(
                request, "events/subscribe_sent.html", {"email": form.cleaned_data["email"]}
            )
        subscriber = subscribers.subscriber_for_user(request.user)
        try:
            subscriptions.subscriptions_add(subscriber=subscriber, targets=targets)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            subscriber.frequency = frequency
            subscriber.save(update_fields=["frequency"])
            messages.success(request, _("Done: you follow what you chose."))
            return redirect("notifications:preferences")
    return render(request, "events/subscribe.html", {"form": form})


@require_POST
def subscription_remove(request, pk):
    """Stop following one thing, signed in or with the link of one's preferences."""
    token = request.POST.get("token")
    subscriber = subscribers.subscriber_acting(request, token)
    subscription = get_object_or_404(Subscription, pk=pk)
    if subscriber is None:
        raise Http404
    try:
        subscriptions.subscription_remove(subscription=subscription, subscriber=subscriber)
    except PermissionDenied:
        raise Http404 from None
    messages.success(request, _("You no longer follow it."))
    if token:
        return redirect("notifications:preferences_token", token=token)
    return redirect("notifications:preferences")


# The agenda: routes of EventIndexPage ------------------------------------------------------


def _agenda_context(agenda, request, *, view, form):
    """Filters and links shared by every view of the agenda."""
    params = request.GET.copy()
    params.pop("page", None)
    filter_query = params.urlencode()
    today = timezone.localdate()
    return {
        "view": view,
        "filter_form": form,
        "filters": form.filters,
        "filter_query": filter_query,
        # What the pagination include puts before "page=".
        "query_string": f"{filter_query}&" if filter_query else "",
        "upcoming_url": agenda.route_url(request, "upcoming"),
        "archive_url": agenda.route_url(request, "archive"),
        "map_url": agenda.route_url(request, "map"),
        "this_month_url": agenda.route_url(request, "month", year=today.year, month=today.month),
    }


def _agenda_list(agenda, request, *, view):
    """The paginated list of upcoming dates, or of past ones for the archive."""
    form = EventFilterForm(request.GET)
    context = _agenda_context(agenda, request, view=view, form=form)
    occurrences = occurrences_for_listing(
        filters=form.filters, past=view == "archive", index=agenda
    )
    page_obj = KeptCountPaginator(
        occurrences,
        agenda.OCCURRENCES_PER_PAGE,
        name=f"agenda\n{agenda.pk}\n{view}\n{context['filter_query']}",
        # Sectors and territories: a filter covers the nodes below it.
        scopes=("pages", "events", "directory"),
    ).get_page(request.GET.get("page"))
    context.update(page_obj=page_obj, occurrences=page_obj.object_list)
    return agenda.render(request, context_overrides=context)


@EventIndexPage.register_route("", name="upcoming")
def agenda_upcoming(agenda, request):
    return _agenda_list(agenda, request, view="upcoming")


@EventIndexPage.register_route("archive/", name="archive")
def agenda_archive(agenda, request):
    return _agenda_list(agenda, request, view="archive")


@EventIndexPage.register_route("month/<int:year>/<int:month>/", name="month")
def agenda_month(agenda, request, year, month):
    """A month as a calendar table (``events.month``), weeks from Monday, each date on its
    event's local day.

    The table is the same for everybody who asks with the same filters on the same day:
    it is kept as HTML (``website.cache.cached_fragment``) until an event or a page
    changes, so signed-in people, whom the page cache does not serve, get it too.
    """
    if not (1 <= month <= 12 and dt.MINYEAR < year < dt.MAXYEAR):
        raise Http404
    form = EventFilterForm(request.GET)
    today = timezone.localdate()
    table, count = cached_fragment(
        f"month\n{get_language()}\n{request.get_host()}\n{request.get_full_path()}\n{today}",
        ("pages", "events"),
        lambda: month_table(
            agenda, request, year=year, month=month, filters=form.filters, today=today
        ),
    )
    month_start = dt.date(year, month, 1)
    previous_month = month_start - dt.timedelta(days=1)
    next_month = month_start + dt.timedelta(days=31)
    return agenda.render(
        request,
        template="events/event_month.html",
        context_overrides={
            **_agenda_context(agenda, request, view="month", form=form),
            "month_start": month_start,
            "calendar_table": mark_safe(table),  # rendered by our own template
            "occurrence_count": count,
            "previous_month": previous_month,
            "previous_month_url": agenda.route_url(
                request, "month", year=previous_month.year, month=previous_month.month
            ),
            "next_month": next_month,
            "next_month_url": agenda.route_url(
                request, "month", year=next_month.year, month=next_month.month
            ),
        },
    )


@EventIndexPage.register_route("map/", name="map")
def agenda_map(agenda, request):
    """Upcoming dates on a map (markers only: no tile server), and as a list beside it."""
    form = EventFilterForm(request.GET)
    occurrences = list(
        mapped_occurrences(filters=form.filters, index=agenda, limit=agenda.MAP_MAX_OCCURRENCES)
    )
    return agenda.render(
        request,
        template="events/event_map.html",
        context_overrides={
            **_agenda_context(agenda, request, view="map", form=form),
            "occurrences": occurrences,
            "map_limit": agenda.MAP_MAX_OCCURRENCES,
            "map_data_url": agenda.route_url(request, "map_json"),
            "map_tiles": settings.ESSAIM_MAP_TILE_URL,
            "map_attribution": settings.ESSAIM_MAP_TILE_ATTRIBUTION,
        },
    )


# Wagtail serves no address with a dot in it, so "map.json" is spelt "map/json/".
@EventIndexPage.register_route("map/json/", name="map_json")
def agenda_map_json(agenda, request):
    """The map's markers: a GeoJSON FeatureCollection (RFC 7946) of upcoming dates."""
    occurrences = mapped_occurrences(
        filters=EventFilterForm(request.GET).filters,
        index=agenda,
        limit=agenda.MAP_MAX_OCCURRENCES,
    )
    features = [
        {
            "type": "Feature",
            "geometry": {
                "type": "Point",
                # GeoJSON puts longitude first.
                "coordinates": [
                    float(occurrence.event.longitude),
                    float(occurrence.event.latitude),
                ],
            },
            "properties": {
                "title": occurrence.page.title,
                "url": occurrence.page.get_url(request),
                "start": occurrence.local_start.isoformat(),
                "end": occurrence.local_end.isoformat(),
                "time_zone": occurrence.event.time_zone,
                "all_day": occurrence.event.all_day,
                "cancelled": occurrence.status == Occurrence.Status.CANCELLED,
                "kind": str(occurrence.event.get_kind_display()),
                "venue": occurrence.page.venue_name,
            },
        }
        for occurrence in occurrences
    ]
    return JsonResponse(
        {"type": "FeatureCollection", "features": features},
        content_type="application/geo+json",
        json_dumps_params={"ensure_ascii": False},
    )


# An event's page ------------------------------------------------------------------------


@EventPage.register_context
def event_page_context(page, request):
    """What an event's page shows beyond its fields: the next dates of the page in the
    default language (which holds them), each with the visitor's own registration and the
    organiser's change to it, and the rule in words."""
    canonical = page.canonical
    occurrences = list(canonical.occurrences.upcoming().select_related("event")[:24])
    mine = {}
    if request.user.is_authenticated:
        mine = {
            registration.occurrence_id: registration
            for registration in with_waiting_position(
                Registration.objects.filter(user=request.user, occurrence__in=occurrences).exclude(
                    status=Registration.Status.CANCELLED
                )
            )
        }
    changes = {change.original_start: change for change in canonical.occurrence_changes.all()}
    for occurrence in occurrences:
        occurrence.my_registration = mine.get(occurrence.pk)
        # The organiser's word on a cancelled or moved date, and the date it replaces.
        occurrence.change = changes.get(occurrence.original_start)
    rule_in_words = ""
    if canonical.recurrence:
        rule_in_words = describe_rule(
            text=canonical.recurrence,
            local_start=canonical.local_start,
            all_day=canonical.all_day,
        )
    return {
        "occurrences": occurrences,
        # What the page says of "when": the next date, never the series' first start,
        # which a change may have moved (one date is never shown with two times).
        "next_occurrence": next(
            (o for o in occurrences if o.status == Occurrence.Status.SCHEDULED), None
        ),
        "rule_in_words": rule_in_words,
        "schedule": canonical,
        "sectors": list(canonical.sectors.all()),
        "uid": canonical.translation_key,
    }
