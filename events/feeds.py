"""Calendar addresses: one event's .ics, the site's feed, and each person's own feed.

All GET, all written by ``events.ical``, all answering conditional requests (ETag,
Last-Modified, 304) so that calendar clients polling every hour cost one cheap query or two.
Texts are in the language of the address (/fr/ or /en/); dates come from the canonical page.
"""

import datetime as dt
import hashlib

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.db.models import Exists, OuterRef, Q
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import content_disposition_header, http_date, url_has_allowed_host_and_scheme
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from wagtail.models import Locale

from network.directory.models import Sector, Territory
from network.spaces.models import Booking
from network.spaces.notifications import booking_changed_at, booking_feed_state, requester_vevents
from network.spaces.selectors import BOOKING_CALENDAR_RELATED
from website.cache import public_page

from . import ical, invites, wording
from .feed_services import calendar_feed_token_regenerate
from .models import CalendarCopy, CalendarFeedToken, EventKind, EventPage, Occurrence, Registration
from .selectors import with_descendants

CONTENT_TYPE = "text/calendar; charset=utf-8"

# Feeds keep an event until this long after its last date ended.
FEED_KEEPS_PAST = dt.timedelta(days=90)
# How long a feed's text is kept when nobody asks for it.
FEED_TEXT_TTL = 60 * 60


# What the serialiser reads of each event besides its row.
SERIALISER_PREFETCH = ("occurrence_changes", "occurrences", "sectors")


def live_canonical_events(*, prefetch=True):
    """Published events in the site's default language, with what the serialiser reads
    (without ``prefetch``: only what the validators read; ``SERIALISER_PREFETCH`` later)."""
    events = (
        EventPage.objects.live()
        .public()
        .filter(locale=Locale.get_default())
        .select_related("locale", "territory", "booking__space")
        .order_by("start", "pk")
    )
    return events.prefetch_related(*SERIALISER_PREFETCH) if prefetch else events


def not_long_past(queryset, now=None):
    """Events with a date that ended less than FEED_KEEPS_PAST ago, or later."""
    cutoff = (now or timezone.now()) - FEED_KEEPS_PAST
    recent = Occurrence.objects.filter(event=OuterRef("pk"), end__gte=cutoff)
    return queryset.filter(Q(end__gte=cutoff) | Exists(recent))


def filter_feed(queryset, params):
    """The site feed's filters: kind, sector and territory, each repeatable (any of the values).

    A sector or territory also selects what lies below it in its tree, as in the agenda.
    """
    kinds = params.getlist("kind")
    if kinds:
        queryset = queryset.filter(kind__in=kinds)
    sectors = Sector.objects.filter(slug__in=params.getlist("sector"))
    if params.getlist("sector"):
        ids = [pk for sector in sectors for pk in with_descendants(sector)]
        queryset = queryset.filter(pk__in=EventPage.objects.filter(sectors__in=ids).values("pk"))
    territories = Territory.objects.filter(slug__in=params.getlist("territory"))
    if params.getlist("territory"):
        ids = [pk for territory in territories for pk in with_descendants(territory)]
        queryset = queryset.filter(territory__in=ids)
    return queryset


def feed_filter_problem(params):
    """Why the site feed's filters cannot be followed, in words, or None: a calendar that
    subscribed to a mistyped address would otherwise hold every event, silently."""
    problems = []
    kinds = [kind for kind in params.getlist("kind") if kind not in EventKind.values]
    if kinds:
        problems.append(
            _("Unknown kind of event: %(values)s. Use one of: %(choices)s.")
            % {"values": ", ".join(kinds), "choices": ", ".join(EventKind.values)}
        )
    for name, model, message in (
        ("sector", Sector, _("Unknown sector: %(values)s.")),
        ("territory", Territory, _("Unknown territory: %(values)s.")),
    ):
        asked = set(params.getlist(name))
        known = set(model.objects.filter(slug__in=asked).values_list("slug", flat=True))
        if asked - known:
            problems.append(message % {"values": ", ".join(sorted(asked - known))})
    return " ".join(problems) or None


def _translations(canonicals):
    """The pages to show, in the active language where a live translation exists."""
    locale = Locale.objects.filter(language_code=get_language()).first()
    if not canonicals or locale is None or locale.pk == canonicals[0].locale_id:
        return list(canonicals)
    translated = {
        page.translation_key: page
        for page in EventPage.objects.live()
        .public()
        .filter(locale=locale, translation_key__in=[c.translation_key for c in canonicals])
        .select_related("locale", "booking__space")
    }
    return [translated.get(c.translation_key, c) for c in canonicals]


def _calendar_response(
    request, *, validators, last_modified, build, filename, private=False, cached=False
):
    """Answer 304 when the client's copy is current, else the calendar that ``build`` returns.

    With ``cached``, the calendar's text is kept under the validators' digest for every client
    of the same address: a feed of a thousand events takes a second to write and a
    millisecond to fetch, and any change to what it shows changes the digest.
    """
    digest = hashlib.sha256(repr((get_language(), validators)).encode()).hexdigest()
    etag = f'"{digest[:32]}"'
    timestamp = int(last_modified.timestamp()) if last_modified else None
    response = get_conditional_response(request, etag=etag, last_modified=timestamp)
    if response is None:
        body = None
        if cached:
            # The digest says everything the calendar shows, as the ETag promises clients:
            # which events, in which language, as last published, in which booked place.
            raw = f"{digest}\n{request.get_host()}\n{request.get_full_path()}"
            key = "calendar:" + hashlib.sha256(raw.encode()).hexdigest()
            body = cache.get(key)
        if body is None:
            body = build().to_ical()
            if cached:
                cache.set(key, body, timeout=FEED_TEXT_TTL)
        response = HttpResponse(body, content_type=CONTENT_TYPE)
        response.headers["Content-Disposition"] = content_disposition_header(
            as_attachment=False, filename=filename
        )
    response.headers["ETag"] = etag
    if timestamp is not None:
        response.headers["Last-Modified"] = http_date(timestamp)
    if private:
        patch_cache_control(response, private=True, no_cache=True)
        response.headers["X-Robots-Tag"] = "noindex"
    else:
        patch_cache_control(response, public=True, no_cache=True)
    return response


# Other apps' feeds (a meeting space's, network.booking_views) answer the same way.
calendar_response = _calendar_response


def _page_validators(pages, canonicals):
    seen = {page.pk: page for page in [*pages, *canonicals]}
    return tuple(
        sorted((pk, str(page.last_published_at), _booked_place(page)) for pk, page in seen.items())
    )


def _booked_place(page):
    """A booked space's place, which can change without the page being published again."""
    if page.booking_id is None:
        return None
    place = page.place
    return (place.name, place.address, str(place.latitude), str(place.longitude))


def _newest(moments):
    return max((moment for moment in moments if moment), default=None)


@public_page("events", "spaces")
@require_GET
def event_ics(request, uid):
    """One event as a calendar file (its whole series); same UID as in feeds and mails."""
    canonical = live_canonical_events().filter(translation_key=uid).first()
    if canonical is None:
        raise Http404(_("No published event has this address."))
    page = _translations([canonical])[0]
    return _calendar_response(
        request,
        validators=_page_validators([page], [canonical]),
        last_modified=_newest([page.last_published_at, canonical.last_published_at]),
        build=lambda: ical.calendar_for(
            [page],
            name=page.title,
            canonicals={canonical.translation_key: canonical},
            request=request,
        ),
        filename=f"{page.slug}.ics",
    )


@login_required
@require_GET
def registration_ics(request, token):
    """What someone holds of an event, as a calendar file: exactly what their invites put in
    their calendar (the series they follow, or their dates), under the event's UID and at the
    SEQUENCE they were last sent, so that importing it changes nothing they hold. Offered
    from the page of a confirmed seat of their own."""
    registration = (
        Registration.objects.filter(
            token=token, user=request.user, status=Registration.Status.CONFIRMED
        )
        .select_related("occurrence")
        .first()
    )
    if registration is None or registration.occurrence.status != Occurrence.Status.SCHEDULED:
        raise Http404(_("You hold no seat for this date."))
    canonical = live_canonical_events().filter(pk=registration.occurrence.event_id).first()
    if canonical is None:
        raise Http404(_("No published event has this address."))
    page = _translations([canonical])[0]
    holding = invites.holding_of(address=request.user.email, event=canonical)
    copy = CalendarCopy.objects.filter(
        recipient=request.user.email.lower(), event=canonical
    ).first()
    sequence = max(ical.event_sequence(canonical), copy.sequence if copy else 0)

    def build():
        vevents = ical.event_vevents(
            page,
            canonical=canonical,
            held=None if holding.follows else list(holding.occurrences),
            request=request,
        )
        return ical.calendar_from_vevents(
            ical.with_sequence(vevents, sequence), name=page.title, refresh=False
        )

    return _calendar_response(
        request,
        validators=(
            str(token),
            sequence,
            holding.follows,
            tuple((o.pk, o.sequence) for o in holding.occurrences),
            _page_validators([page], [canonical]),
        ),
        last_modified=_newest([page.last_published_at, canonical.last_published_at]),
        build=build,
        filename=f"{page.slug}.ics",
        private=True,
    )


# What a feed's validators read of each page, without making the pages (a feed can hold
# thousands): the same facts as ``_page_validators``.
VALIDATOR_FIELDS = (
    "pk",
    "translation_key",
    "last_published_at",
    "booking_id",
    "booking__space__name",
    "booking__space__address",
    "booking__space__latitude",
    "booking__space__longitude",
)


def _validator_rows(queryset):
    """(pk, translation key, last published, booked place) of each page, in order."""
    return [
        (pk, key, published, (name, address, str(lat), str(lon)) if booking else None)
        for pk, key, published, booking, name, address, lat, lon in queryset.values_list(
            *VALIDATOR_FIELDS
        )
    ]


@public_page("events", "spaces")
@require_GET
def feed(request):
    """The site's events, optionally filtered (?kind=, ?sector=, ?territory=, repeatable).

    The validators are read as plain rows; the pages are made, and the calendar written, only
    when the client's copy is stale and no other client's request has left the text in the
    cache (see ``_calendar_response``).
    """
    problem = feed_filter_problem(request.GET)
    if problem:
        return HttpResponseBadRequest(problem, content_type="text/plain; charset=utf-8")
    events = not_long_past(filter_feed(live_canonical_events(prefetch=False), request.GET))
    canonical_rows = _validator_rows(events)
    rows = canonical_rows
    locale = Locale.objects.filter(language_code=get_language()).first()
    if canonical_rows and locale is not None and locale != Locale.get_default():
        keys = [key for _pk, key, *_rest in canonical_rows]
        translated = EventPage.objects.live().public().filter(locale=locale)
        rows = canonical_rows + _validator_rows(translated.filter(translation_key__in=keys))
    validators = tuple(sorted({(pk, str(published), place) for pk, _key, published, place in rows}))
    site = settings.WAGTAIL_SITE_NAME
    if wording.starts_with_vowel(site):
        # "Événements d’Essaim": French elides before a vowel.
        name = pgettext("site name starting with a vowel", "Events of %(site)s") % {"site": site}
    else:
        name = _("Events of %(site)s") % {"site": site}

    def build():
        canonicals = list(live_canonical_events().filter(pk__in=[row[0] for row in canonical_rows]))
        return ical.calendar_for(
            _translations(canonicals),
            name=name,
            canonicals={c.translation_key: c for c in canonicals},
            request=request,
        )

    return _calendar_response(
        request,
        validators=(sorted(request.GET.lists()), validators),
        last_modified=_newest(published for _pk, _key, published, _place in rows),
        build=build,
        filename="events.ics",
        cached=True,
    )


@require_GET
def personal_feed(request, token):
    """The dates a person holds a seat for, and the meeting spaces they booked, at an address
    only they know.

    Each event is written with their seats only, under the event's UID: a series reduced to
    their dates (``ical.event_vevents(held=…)``); a series they follow reaches them by mail,
    not here. A place on the waiting list is not a seat: it shows on "my events", not here. A
    booking has
    the UID of its invites, and a series of bookings is one recurring VEVENT, as mailed
    (``network.booking_notifications.requester_vevents``); a request waiting for a manager is
    TENTATIVE; a declined, expired or cancelled one leaves the feed (its CANCEL went out by
    mail), and still counts in the validators, so that the feed's ETag and Last-Modified
    change when it leaves.
    """
    feed_token = CalendarFeedToken.objects.filter(token=token).select_related("user").first()
    if feed_token is None or not feed_token.user.is_active:
        raise Http404(_("This calendar address does not exist or has been replaced."))
    cutoff = timezone.now() - FEED_KEEPS_PAST
    registrations = list(
        Registration.objects.filter(
            user=feed_token.user,
            status=Registration.Status.CONFIRMED,
            occurrence__end__gte=cutoff,
        )
        .select_related("occurrence")
        .order_by("occurrence__start", "pk")
    )
    event_ids = {registration.occurrence.event_id for registration in registrations}
    canonicals = list(live_canonical_events().filter(pk__in=event_ids)) if event_ids else []
    pages = _translations(canonicals)
    by_event = {}
    for registration in registrations:
        by_event.setdefault(registration.occurrence.event_id, []).append(registration)
    # Every row of a series with a recent date: its one VEVENT's rule, EXDATE and SEQUENCE
    # are read from them all, as in the invites (one query still).
    own_bookings = Booking.objects.filter(requested_by=feed_token.user)
    recent_series = own_bookings.filter(end__gte=cutoff, series__isnull=False).values("series")
    bookings = list(
        own_bookings.filter(Q(end__gte=cutoff) | Q(series__in=recent_series))
        .select_related(*BOOKING_CALENDAR_RELATED)
        .order_by("start", "pk")
    )

    def build():
        vevents = []
        for page, canonical in zip(pages, canonicals, strict=True):
            held = [
                registration.occurrence
                for registration in by_event[canonical.pk]
                if registration.occurrence.status == Occurrence.Status.SCHEDULED
            ]
            if held:  # every date they held was cancelled: their calendar was told so
                vevents.extend(
                    ical.event_vevents(page, canonical=canonical, held=held, request=request)
                )
        vevents.extend(requester_vevents(bookings))
        name = _("My events on %(site)s") % {"site": settings.WAGTAIL_SITE_NAME}
        return ical.calendar_from_vevents(vevents, name=name)

    registration_state = tuple(
        (r.pk, r.status, str(r.updated_at), r.occurrence.sequence, r.occurrence.status)
        for r in registrations
    )
    return _calendar_response(
        request,
        validators=(
            feed_token.token,
            registration_state,
            _page_validators(pages, canonicals),
            tuple(booking_feed_state(booking) for booking in bookings),
        ),
        last_modified=_newest(
            [
                *(page.last_published_at for page in [*pages, *canonicals]),
                *(registration.updated_at for registration in registrations),
                *(booking_changed_at(booking) for booking in bookings),
            ]
        ),
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
