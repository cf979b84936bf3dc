from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from website.addresses import absolute_url
from website.notifications import subscribers
from website.ratelimit import rate_limit
from website.selectors import localized_pages

from . import services, subscriptions
from .forms import SubscribeForm
from .models import CalendarFeedToken, EventPage, Occurrence, Registration, Subscription
from .selectors import registrations_of, with_waiting_position


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
        feed_url = absolute_url(reverse("events:personal_feed", args=[token.token]))
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
