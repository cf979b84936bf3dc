"""Pages reached from mails, without logging in: confirm a subscription, unsubscribe in
one click (RFC 8058), and manage one's preferences."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from . import registry, subscribers
from .forms import PreferencesForm


@csrf_exempt  # the signed token is the credential; mail clients POST without a session
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    data = subscribers.read_link("unsubscribe", token)
    if data is None:
        raise Http404
    if request.method == "GET":
        # Link checkers open every link of a mail: a GET only shows the button.
        return render(
            request,
            "notifications/unsubscribe.html",
            {"scope": data["s"], "email": data["e"], "done": False},
        )
    scope = subscribers.unsubscribe(token)
    if request.POST.get("List-Unsubscribe") == "One-Click":
        return HttpResponse(_("You are unsubscribed."), content_type="text/plain; charset=utf-8")
    return render(
        request,
        "notifications/unsubscribe.html",
        {
            "scope": scope,
            "email": data["e"],
            "done": True,
            "preferences_url": reverse(
                "notifications:preferences_token", args=[subscribers.manage_token(data["e"])]
            ),
        },
    )


@require_http_methods(["GET", "POST"])
def confirm(request, token):
    data = subscribers.read_token("confirm", token, max_age=subscribers.CONFIRM_MAX_AGE)
    if data is None:
        return render(request, "notifications/confirm.html", {"invalid": True}, status=400)
    if request.method == "GET":
        return render(request, "notifications/confirm.html", {"email": data["e"]})
    subscriber = subscribers.subscription_confirm(token)
    messages.success(request, _("Your subscription is confirmed."))
    return redirect(
        "notifications:preferences_token", token=subscribers.manage_token(subscriber.email)
    )


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request):
    subscriber = subscribers.subscriber_for_user(request.user)
    return _preferences(request, subscriber, manage_token=None)


@require_http_methods(["GET", "POST"])
def preferences_token(request, token):
    subscriber = subscribers.subscriber_acting(request, token)
    if subscriber is None:
        raise Http404
    return _preferences(request, subscriber, manage_token=token)


def _preferences(request, subscriber, *, manage_token):
    form = PreferencesForm(
        request.POST or None, instance=subscriber, with_reminders=subscriber.user_id is not None
    )
    if request.method == "POST" and "revoke_links" in request.POST:
        subscribers.subscriber_links_revoke(subscriber=subscriber)
        messages.success(request, _("The links in the mails you already received no longer work."))
        if manage_token is None:
            return redirect(request.path)
        # Whoever revoked from a link goes on with a new one; the old one is gone.
        return redirect(
            "notifications:preferences_token", token=subscribers.manage_token(subscriber.email)
        )
    if request.method == "POST" and form.is_valid():
        subscribers.subscriber_update(
            subscriber=subscriber,
            frequency=form.cleaned_data["frequency"],
            reminder_hours=form.cleaned_data.get("reminder_hours", subscriber.reminder_hours),
            actor_email=subscriber.email,
        )
        messages.success(request, _("Your preferences are saved."))
        return redirect(request.path)
    sections = [section(subscriber, manage_token) for section in registry.preference_sections]
    return render(
        request,
        "notifications/preferences.html",
        {
            "form": form,
            "subscriber": subscriber,
            "sections": sections,
            "manage_token": manage_token,
            "unsubscribe_all_token": subscribers.unsubscribe_token(
                subscriber.email, subscribers.ALL
            ),
        },
    )
