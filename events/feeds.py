"""Calendar addresses of events: one event's .ics, the site's feed, and the events' part of
each person's own feed (``website.calendars``).

All GET, all written by ``events.ical``, all answering conditional requests (ETag,
Last-Modified, 304) so that calendar clients polling every hour cost one cheap query or two.
Texts are in the language of the address (/fr/ or /en/); dates come from the canonical page.
"""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db.models import Exists, OuterRef, Q
from django.http import Http404, HttpResponseBadRequest
from django.utils import timezone
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from wagtail.models import Locale

from network.directory.models import Sector, Territory
from website import wording
from website.cache import public_page
from website.calendars.feeds import FeedPart
from website.calendars.ical import calendar_from_vevents, with_sequence
from website.calendars.responses import FEED_KEEPS_PAST, calendar_response

from . import ical, invites
from .models import CalendarCopy, EventKind, EventPage, Occurrence, Registration
from .selectors import with_descendants

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
    return calendar_response(
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
        return calendar_from_vevents(
            with_sequence(vevents, sequence), name=page.title, refresh=False
        )

    return calendar_response(
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

    return calendar_response(
        request,
        validators=(sorted(request.GET.lists()), validators),
        last_modified=_newest(published for _pk, _key, published, _place in rows),
        build=build,
        filename="events.ics",
        cached=True,
    )


def registrations_feed_part(user, since, request):
    """The dates ``user`` holds a seat for, for their own feed (``website.calendars.feeds``).

    Each event is written with their seats only, under the event's UID: a series reduced to
    their dates (``ical.event_vevents(held=…)``); a series they follow reaches them by mail,
    not here. A place on the waiting list is not a seat: it shows on "my events", not here.
    """
    registrations = list(
        Registration.objects.filter(
            user=user,
            status=Registration.Status.CONFIRMED,
            occurrence__end__gte=since,
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
        return vevents

    registration_state = tuple(
        (r.pk, r.status, str(r.updated_at), r.occurrence.sequence, r.occurrence.status)
        for r in registrations
    )
    return FeedPart(
        validators=(registration_state, _page_validators(pages, canonicals)),
        changed=[
            *(page.last_published_at for page in [*pages, *canonicals]),
            *(registration.updated_at for registration in registrations),
        ],
        build=build,
    )
