"""Pages of the meeting spaces: search, a space with its week and free slots, the booking form,
a person's bookings and the managers' view. Thin: reads through booking_selectors, writes
through the booking services, which check every permission and rule."""

import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from website import csvsafe
from website.addresses import absolute_url
from website.cache import public_page
from website.calendars.ical import calendar_from_vevents
from website.calendars.models import CalendarFeedToken
from website.calendars.responses import FEED_KEEPS_PAST, calendar_response
from website.ratelimit import rate_limit

from . import selectors, services, usage
from .forms import DURATIONS, BookingForm, DecisionForm, SpaceSearchForm, UsageForm
from .models import Booking, Space
from .notifications import booking_changed_at, booking_feed_state, booking_vevent, feed_status


@public_page("spaces")
@require_GET
def space_list(request):
    form = SpaceSearchForm(request.GET or None)
    filters = form.filters() if request.GET else {}
    spaces = selectors.spaces_search(filters=filters)
    searched = filters.get("duration") is not None
    map_points = [
        {
            "name": space.name,
            "url": space.get_absolute_url(),
            "lat": float(space.latitude),
            "lon": float(space.longitude),
        }
        for space in spaces
        if space.latitude is not None and space.longitude is not None
    ]
    return render(
        request,
        "network/spaces/space_list.html",
        {
            "form": form,
            "spaces": spaces,
            "searched": searched,
            "filters": filters,
            "map_points": map_points,
            "map_tiles": settings.ESSAIM_MAP_TILE_URL,
            "map_attribution": settings.ESSAIM_MAP_TILE_ATTRIBUTION,
            "can_see_usage": usage.can_see_usage(request.user),
        },
    )


def _week_start(request, space):
    try:
        day = dt.date.fromisoformat(request.GET.get("week", ""))
    except ValueError:
        # Today's bookings need notice anyway: from tomorrow's week on.
        day = timezone.localtime(timezone.now(), space.zone).date() + dt.timedelta(days=1)
    return day - dt.timedelta(days=day.weekday())


@public_page("spaces")
@require_GET
def space_detail(request, slug):
    try:
        space = selectors.space_for_page(slug=slug)
    except Space.DoesNotExist:
        raise Http404 from None
    monday = _week_start(request, space)
    today = timezone.localtime(timezone.now(), space.zone).date()
    try:
        day = dt.date.fromisoformat(request.GET.get("day", ""))
    except ValueError:
        day = max(today + dt.timedelta(days=1), monday)
    try:
        minutes = int(request.GET.get("duration", 60))
    except ValueError:
        minutes = 60
    if minutes not in dict(DURATIONS):
        minutes = 60
    duration = dt.timedelta(minutes=minutes)
    return render(
        request,
        "network/spaces/space_detail.html",
        {
            "space": space,
            "week": selectors.week_view(space=space, monday=monday),
            "monday": monday,
            "previous_week": monday - dt.timedelta(days=7),
            "next_week": monday + dt.timedelta(days=7),
            "day": day,
            "duration_minutes": minutes,
            "durations": DURATIONS,
            "slots": selectors.free_slots(space=space, day=day, duration=duration),
            "is_manager": services.is_manager(request.user, space),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
@rate_limit("booking_create")
def space_book(request, slug):
    space = get_object_or_404(Space.objects.active(), slug=slug)
    initial = {}
    for name in ("date", "start_time", "end_time"):
        if request.GET.get(name):
            initial[name] = request.GET[name]
    form = BookingForm(request.POST or None, user=request.user, space=space, initial=initial)
    status = 200
    plan = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = services.booking_create(
                space=space,
                actor=data["actor"],
                user=request.user,
                start=data["start"],
                end=data["end"],
                purpose=data["purpose"],
                attendees=data["attendees"],
                repeat=data.get("repeat") or services.Repeat.NONE,
                until=data.get("until"),
                skip_conflicts=data.get("skip_conflicts", False),
            )
        except PermissionDenied as error:
            form.add_error("actor", str(error))
            status = 403
        except ValidationError as error:
            form.add_error(None, error)
            # A clean refusal for a slot someone else just got: 409, not a server error.
            status = 409 if getattr(error, "code", None) == services.SLOT_TAKEN else 400
            if data.get("repeat"):
                plan = services.booking_plan(
                    space=space,
                    start=data["start"],
                    end=data["end"],
                    attendees=data["attendees"],
                    repeat=data["repeat"],
                    until=data.get("until"),
                )
        else:
            first = created[0]
            count = len(created)
            if first.status == Booking.Status.CONFIRMED:
                text = ngettext(
                    "Your booking is confirmed (%(count)d date).",
                    "Your booking is confirmed (%(count)d dates).",
                    count,
                )
            else:
                text = ngettext(
                    "Your request was sent to the managers (%(count)d date).",
                    "Your request was sent to the managers (%(count)d dates).",
                    count,
                )
            messages.success(request, text % {"count": count})
            return redirect("spaces:booking", pk=first.pk)
    elif request.method == "POST":
        status = 400
    if not form.fields["actor"].queryset.exists():
        messages.info(request, _("To book a space, first join an actor of the directory."))
    return render(
        request,
        "network/spaces/booking_form.html",
        {"space": space, "form": form, "plan": plan},
        status=status,
    )


def _visible_booking(request, pk):
    booking = get_object_or_404(Booking.objects.select_related("space", "actor"), pk=pk)
    # Someone else's booking does not exist for you.
    if not services.can_see(request.user, booking):
        raise Http404
    return booking


@login_required
@require_GET
def booking_detail(request, pk):
    booking = _visible_booking(request, pk)
    series = []
    if booking.series:
        series = list(Booking.objects.filter(series=booking.series).order_by("start"))
    now = timezone.now()
    # The whole series may be cancelled at once when more than this date can still be.
    series_cancellable = sum(1 for item in series if item.is_active and item.end > now) > 1
    return render(
        request,
        "network/spaces/booking_detail.html",
        {
            "booking": booking,
            "series": series,
            "series_cancellable": series_cancellable,
            "is_manager": services.is_manager(request.user, booking.space),
            "decision_form": DecisionForm(),
        },
    )


@login_required
@require_POST
def booking_cancel(request, pk):
    """Cancel one date, or with ``scope=series`` every coming date of its series."""
    booking = _visible_booking(request, pk)
    reason = request.POST.get("reason", "")
    whole_series = booking.series and request.POST.get("scope") == "series"
    try:
        if whole_series:
            cancelled = services.booking_series_cancel(
                booking=booking, user=request.user, reason=reason
            )
        else:
            services.booking_cancel(booking=booking, user=request.user, reason=reason)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
    else:
        if whole_series:
            count = len(cancelled)
            text = ngettext(
                "The series is cancelled (%(count)d date).",
                "The series is cancelled (%(count)d dates).",
                count,
            )
            messages.success(request, text % {"count": count})
        else:
            messages.success(request, _("The booking is cancelled."))
    return redirect("spaces:booking", pk=booking.pk)


@login_required
@require_POST
def booking_decide(request, pk):
    booking = _visible_booking(request, pk)
    form = DecisionForm(request.POST)
    form.is_valid()
    reason = form.cleaned_data.get("reason", "")
    try:
        if request.POST.get("decision") == "approve":
            services.booking_approve(booking=booking, user=request.user)
            messages.success(request, _("The booking is confirmed."))
        else:
            services.booking_decline(booking=booking, user=request.user, reason=reason)
            messages.success(request, _("The request is declined."))
    except PermissionDenied as error:
        raise PermissionDenied(str(error)) from error
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(request.POST.get("next") or "spaces:spaces_manage")


@login_required
@require_GET
def my_bookings(request):
    return render(
        request,
        "network/spaces/my_bookings.html",
        {"bookings": selectors.bookings_of(user=request.user)},
    )


@login_required
@require_GET
def spaces_manage(request):
    if not (request.user.is_superuser or request.user.managed_spaces.exists()):
        raise PermissionDenied(_("Only the managers of a space can see this page."))
    token = CalendarFeedToken.objects.filter(user=request.user).first()
    feeds = []
    for space in selectors.managed_spaces(user=request.user):
        url = None
        if token is not None:
            url = absolute_url(reverse("spaces:space_feed", args=[space.slug, token.token]))
        webcal = "webcal://" + url.split("://", 1)[1] if url else None
        feeds.append({"space": space, "url": url, "webcal": webcal})
    return render(
        request,
        "network/spaces/manage.html",
        {
            **selectors.manager_queue(user=request.user),
            "decision_form": DecisionForm(),
            "feeds": feeds,
            "has_feed_token": token is not None,
        },
    )


@require_GET
def space_feed(request, slug, token):
    """A space's bookings for its managers' calendars, at an address made of the manager's own
    personal feed token (``website.calendars.models.CalendarFeedToken``): regenerating it
    revokes this address too.
    Confirmed bookings, and requests waiting for a decision as TENTATIVE, with the UID of the
    invites. 404 unless the token's owner manages the space (or is a superuser)."""
    feed_token = CalendarFeedToken.objects.filter(token=token).select_related("user").first()
    space = Space.objects.filter(slug=slug).first()
    if (
        feed_token is None
        or space is None
        or not feed_token.user.is_active
        or not services.is_manager(feed_token.user, space)
    ):
        raise Http404(_("This calendar address does not exist or has been replaced."))
    bookings = selectors.space_feed_bookings(space=space, since=timezone.now() - FEED_KEEPS_PAST)

    def build():
        vevents = []
        for booking in bookings:
            status = feed_status(booking)
            if status is None:
                continue
            # Managers see who booked: the actor, in the title of the entry.
            vevent = booking_vevent(
                booking,
                dtstamp=booking_changed_at(booking),
                status=status,
                summary=f"{booking.purpose} · {booking.actor.name}",
            )
            vevents.append(vevent)
        name = _("Bookings of %(space)s") % {"space": space.name}
        return calendar_from_vevents(vevents, name=name)

    return calendar_response(
        request,
        # Declined, cancelled and expired rows count too: their leaving changes the ETag.
        validators=(
            feed_token.token,
            space.pk,
            tuple((*booking_feed_state(booking), booking.actor.name) for booking in bookings),
        ),
        last_modified=max((booking_changed_at(booking) for booking in bookings), default=None),
        build=build,
        filename=f"{space.slug}.ics",
        private=True,
    )


@login_required
@require_GET
def spaces_usage(request):
    """Occupancy and bookings by sector, for managers (their spaces), elected officials and
    superusers (every space); ``booking_usage`` checks who may see what. ?format=csv too."""
    spaces, territories = usage.usage_filter_choices(user=request.user)
    form = UsageForm(request.GET or None, spaces=spaces, territories=territories)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    default_start, default_end = usage.default_period(timezone.localdate())
    figures = usage.space_usage(
        user=request.user,
        start=data.get("start") or default_start,
        end=data.get("end") or default_end,
        territory=data.get("territory"),
        space=data.get("space"),
    )
    if request.GET.get("format") == "csv":
        return _usage_csv(figures)
    return render(request, "network/spaces/usage.html", {"form": form, "figures": figures})


def _usage_csv(figures):
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = f"occupation-salles-{figures['start']:%Y%m%d}-{figures['end']:%Y%m%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response.write("\ufeff")
    writer = csvsafe.writer(response)
    writer.writerow(
        [
            _("Breakdown"),
            _("Value"),
            _("Open hours"),
            _("Booked hours"),
            _("Occupancy (%)"),
            _("Confirmed bookings"),
        ]
    )
    sections = [
        ("by_month", _("By month")),
        ("by_week", _("By week")),
        ("by_space", _("By space")),
        ("by_territory", _("By territory")),
        ("by_sector", _("By sector of the actors")),
    ]
    for key, title in sections:
        for row in figures[key]:
            writer.writerow(
                [
                    title,
                    row.label,
                    "" if key == "by_sector" else f"{row.open_hours:.1f}",
                    f"{row.booked_hours:.1f}",
                    "" if row.rate is None or key == "by_sector" else row.rate,
                    row.bookings if key in ("by_space", "by_territory", "by_sector") else "",
                ]
            )
    total = figures["total"]
    writer.writerow(
        [
            _("Total"),
            "",
            f"{total.open_hours:.1f}",
            f"{total.booked_hours:.1f}",
            "" if total.rate is None else total.rate,
            total.bookings,
        ]
    )
    return response
