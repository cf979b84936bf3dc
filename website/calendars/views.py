"""The calendar addresses that belong to a person rather than to an app: their own feed, and
the form that gives it a new address."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from .feeds import SOURCES
from .ical import calendar_from_vevents
from .models import CalendarFeedToken
from .responses import FEED_KEEPS_PAST, calendar_response
from .services import calendar_feed_token_regenerate


@require_GET
def personal_feed(request, token):
    """What a person holds, at an address only they know: each registered source's part
    (``feeds.personal_feed_source``): the dates they hold a seat for, the meeting spaces they
    booked. What left the feed still counts in the validators, so that the feed's ETag and
    Last-Modified change when it leaves."""
    feed_token = CalendarFeedToken.objects.filter(token=token).select_related("user").first()
    if feed_token is None or not feed_token.user.is_active:
        raise Http404(_("This calendar address does not exist or has been replaced."))
    since = timezone.now() - FEED_KEEPS_PAST
    parts = [gather(feed_token.user, since, request) for gather in SOURCES]

    def build():
        vevents = [vevent for part in parts for vevent in part.build()]
        name = _("My events on %(site)s") % {"site": settings.WAGTAIL_SITE_NAME}
        return calendar_from_vevents(vevents, name=name)

    changed = [moment for part in parts for moment in part.changed if moment]
    return calendar_response(
        request,
        validators=(feed_token.token, *(part.validators for part in parts)),
        last_modified=max(changed, default=None),
        build=build,
        filename="my-events.ics",
        private=True,
    )


@login_required
@require_POST
def feed_regenerate(request):
    """Give the person a new personal feed address; the old one stops working."""
    replaced = CalendarFeedToken.objects.filter(user=request.user).exists()
    calendar_feed_token_regenerate(user=request.user)
    if replaced:
        text = _(
            "Your calendar has a new address. The previous one no longer works: subscribe again."
        )
    else:
        text = _("Your calendar address is ready: subscribe to it in your calendar application.")
    messages.success(request, text)
    next_url = request.POST.get("next", "")
    # Only a path on this site: allowed_hosts=None refuses every URL that names a host.
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts=None):
        next_url = "/"
    return redirect(next_url)
