from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from website.selectors import localized_pages

from . import services
from .models import CalendarFeedToken, EventPage, Occurrence, Registration
from .selectors import registrations_of


@login_required
@require_POST
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
        feed_url = request.build_absolute_uri(reverse("events:personal_feed", args=[token.token]))
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
