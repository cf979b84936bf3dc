import datetime as dt
import functools
import re
import unicodedata
from urllib.parse import urlsplit

from django import template
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, json_script
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from events.models import AttendanceMode, Occurrence
from events.recurrence import WEEKDAY_CODES, parse_rule
from events.services import registration_open_error
from network.directory.models import ActorStatus, Territory
from website import wording
from website.addresses import absolute_url, page_url
from website.currencies import price_in_words

register = template.Library()


def _when(start, end, zone, all_day):
    """A date as ``events.wording`` says it everywhere ("mardi 5 janvier 2027, 18 h – 20 h
    (heure de Paris)"), in the event's own zone, with <time> elements for machines (whole
    seconds: HTML allows no more than three decimals)."""
    local_start, local_end = start.astimezone(zone), end.astimezone(zone)
    if all_day:
        last_day = (
            (local_end - dt.timedelta(seconds=1)).date()
            if local_end > local_start
            else local_start.date()
        )
        first = format_html(
            '<time datetime="{}">{}</time>',
            local_start.date().isoformat(),
            wording.day_in_words(local_start.date()),
        )
        if last_day == local_start.date():
            return first
        last = format_html(
            '<time datetime="{}">{}</time>',
            last_day.isoformat(),
            wording.day_in_words(last_day),
        )
        return format_html("{} – {}", first, last)
    start_html = format_html(
        '<time datetime="{}">{}, {}</time>',
        _machine_time(local_start),
        wording.day_in_words(local_start.date()),
        wording.time_in_words(local_start),
    )
    if local_end.date() == local_start.date():
        end_text = wording.time_in_words(local_end)
    else:
        end_text = f"{wording.day_in_words(local_end.date())}, {wording.time_in_words(local_end)}"
    return format_html(
        '{} – <time datetime="{}">{}</time> <span class="when__zone">({})</span>',
        start_html,
        _machine_time(local_end),
        end_text,
        wording.zone_in_words(zone),
    )


def _machine_time(moment):
    return moment.replace(microsecond=0).isoformat()


@register.simple_tag
def event_when(event):
    return _when(event.start, event.end, event.zone, event.all_day)


@register.simple_tag
def occurrence_when(occurrence):
    event = occurrence.event
    return _when(occurrence.start, occurrence.end, event.zone, event.all_day)


@register.filter
def short_day(day, weekday=True):
    """ "lun. 7 déc."; ``|short_day:False``: "7 déc." (``wording.short_day``)."""
    return wording.short_day(day, weekday=weekday)


@register.filter
def duration(value):
    """A timedelta as "1 h 30", "45 min" (``wording.duration_in_words``)."""
    return wording.duration_in_words(value) if value is not None else ""


@register.filter
def time_in_words(value):
    """A time of day, or an aware datetime in the current zone: "8 h", "10 h 30"; "8 am"
    (``wording.time_in_words``). Not for ``<input type="time">`` nor ``datetime``
    attributes, which keep "08:00"."""
    if value in (None, ""):
        return ""
    return wording.time_in_words(timezone.template_localtime(value))


@register.filter
def moment_in_words(value, short=False):
    """An aware datetime in the current zone: "mardi 9 mars 2027, 18 h";
    ``|moment_in_words:"short"``: "09/03/2027, 18 h" (``wording.moment_in_words``)."""
    if value in (None, ""):
        return ""
    return wording.moment_in_words(timezone.template_localtime(value), short=bool(short))


@register.simple_tag
def span_in_words(start, end, zone):
    """A start and an end in ``zone``: "mardi 9 mars 2027, 18 h – 20 h"
    (``wording.span_in_words``)."""
    return wording.span_in_words(start, end, zone)


@register.filter
def price(event):
    """An event's price in the reader's language ("45 €", "€45")."""
    return price_in_words(event.price, event.price_currency)


@register.simple_tag
def original_date_in_words(occurrence):
    """The date the rule gave a moved occurrence, said in its event's zone ("lundi 22 mars
    2027, 19 h")."""
    local = timezone.localtime(occurrence.original_start, occurrence.event.zone)
    if occurrence.event.all_day:
        return wording.day_in_words(local.date())
    return wording.moment_in_words(local)


@register.simple_tag
def registration_closed_reason(occurrence):
    return registration_open_error(occurrence=occurrence)


# schema.org/Event JSON-LD ---------------------------------------------------------------
# What Google's Event rich results read (developers.google.com/search/docs/appearance/
# structured-data/event). Every value comes from the page; what cannot be said truthfully
# (a town we cannot tell apart from a street, an organiser's website we do not have) is left
# out rather than guessed.

_SCHEMA_ORG = "https://schema.org/"
_ATTENDANCE_MODES = {
    AttendanceMode.IN_PERSON: _SCHEMA_ORG + "OfflineEventAttendanceMode",
    AttendanceMode.ONLINE: _SCHEMA_ORG + "OnlineEventAttendanceMode",
    AttendanceMode.HYBRID: _SCHEMA_ORG + "MixedEventAttendanceMode",
}
# Google wants images in 16:9, 4:3 and 1:1; "fill" crops to each shape around the focal point
# and never enlarges a small original.
_JSON_LD_IMAGE_SPECS = ("fill-1200x675", "fill-1200x900", "fill-1200x1200")
# "Limited availability": a tenth of the seats or fewer left, and always the last one.
_FEW_SEATS_DIVISOR = 10
_REPEAT_UNITS = {"DAILY": "D", "WEEKLY": "W", "MONTHLY": "M", "YEARLY": "Y"}
_DAYS_OF_WEEK = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
# A postal code is the number before the town on the last line: five digits (France, Senegal,
# Morocco...), four in the countries below. Anything else, such as the metric street numbers
# of the French countryside ("1250 route de Vannes"), stays in the street address.
_POSTAL_LINE = re.compile(r"(?P<code>\d{4,5})\s+(?P<town>[^\d\s].*)")
_FOUR_DIGIT_POSTAL_CODES = {"AT", "BE", "CH", "DK", "HU", "LU", "NO", "TN"}
_ISO_COUNTRY = re.compile(r"[A-Z]{2}")
# Babel's territories that are not countries of ISO 3166-1.
_NOT_COUNTRIES = {"EU", "EZ", "QO", "UN", "ZZ"}


def _plain(text):
    """Text compared without case, accents or the kind of apostrophe: "Sénégal" is "senegal"."""
    text = unicodedata.normalize("NFKD", text.replace("’", "'"))
    return " ".join("".join(c for c in text if not unicodedata.combining(c)).casefold().split())


@functools.cache
def _country_codes():
    """ISO 3166-1 codes by country name, in French and English ("Belgique", "Belgium": BE)."""
    from babel import Locale

    codes = {}
    for language in ("en", "fr"):
        for code, name in Locale.parse(language).territories.items():
            if _ISO_COUNTRY.fullmatch(code) and code not in _NOT_COUNTRIES:
                codes[_plain(name)] = code
    return codes


def _json_ld_address(text, territory, *, in_territory):
    """A schema.org PostalAddress from a free-text address, or None when nothing is known.

    Only what the text says is split out: a country named on the last line, then a postal code
    and town ("44200 Nantes"), else a last part that is the territory's own name. The rest is
    kept, in order, as the street address. The country is otherwise the territory's. The
    territory is the town itself only when ``in_territory`` (a meeting space's commune).
    """
    parts = [part.strip() for line in text.splitlines() for part in line.split(",")]
    parts = [part for part in parts if part]
    country = _country_codes().get(_plain(parts[-1])) if parts else None
    if country:
        parts.pop()
    elif territory is not None and _ISO_COUNTRY.fullmatch(territory.country.upper()):
        country = territory.country.upper()
    address = {"@type": "PostalAddress"}
    town = postal_code = None
    match = _POSTAL_LINE.fullmatch(parts[-1]) if parts else None
    if match and len(match["code"]) == (4 if country in _FOUR_DIGIT_POSTAL_CODES else 5):
        parts.pop()
        postal_code, town = match["code"], match["town"]
    elif territory is not None and territory.kind == Territory.Kind.COMMUNE:
        if len(parts) > 1 and _plain(parts[-1]) == _plain(territory.name):
            town = parts.pop()
        elif in_territory:
            town = territory.name
    if parts:
        address["streetAddress"] = ", ".join(parts)
    if postal_code:
        address["postalCode"] = postal_code
    if town:
        address["addressLocality"] = town
    if country:
        address["addressCountry"] = country
    return address if len(address) > 1 else None


def _json_ld_place(page, schedule):
    """A schema.org Place: ``EventPage.place`` (a booked space's, or the page's own), in the
    page's language where it has its own text, with the series' coordinates (as calendars)."""
    place, schedule_place = page.place, schedule.place
    space = schedule_place.space
    # A space's territory is the commune where it is; an event's is whom it is for.
    address = _json_ld_address(
        place.address or schedule_place.address,
        space.territory if space is not None else schedule.territory,
        in_territory=space is not None,
    )
    data = {"@type": "Place"}
    # Named after the venue only: the organiser's name would be a wrong place.
    if name := (place.name or schedule_place.name).strip():
        data["name"] = name
    if address:
        data["address"] = address
    if schedule_place.latitude is not None and schedule_place.longitude is not None:
        data["geo"] = {
            "@type": "GeoCoordinates",
            "latitude": float(schedule_place.latitude),
            "longitude": float(schedule_place.longitude),
        }
    return data


def _json_ld_moment(moment, zone, *, all_day):
    """A start in the event's zone with its offset; the day alone for all-day events."""
    local = timezone.localtime(moment, zone)
    return local.date().isoformat() if all_day else local.isoformat(timespec="seconds")


def _json_ld_end(start, end, zone, *, all_day):
    """An end as ``_json_ld_moment``; for all-day events the last day, which the page shows
    (``_when``): the stored end is exclusive at midnight."""
    if not all_day:
        return _json_ld_moment(end, zone, all_day=False)
    local_start, local_end = timezone.localtime(start, zone), timezone.localtime(end, zone)
    if local_end <= local_start:
        return local_start.date().isoformat()
    return (local_end - dt.timedelta(seconds=1)).date().isoformat()


def _absolute(url):
    """A media URL made absolute with the site's address, unless storage gave a full one."""
    return url if urlsplit(url).scheme else absolute_url(url)


def _json_ld_images(image):
    """Absolute addresses of the image in Google's three shapes."""
    from wagtail.images.models import SourceImageIOError

    try:
        renditions = image.get_renditions(*_JSON_LD_IMAGE_SPECS)
    except SourceImageIOError:  # the file is missing: no image rather than a broken page
        return []
    return [_absolute(rendition.url) for rendition in renditions.values()]


def _json_ld_organizer(page):
    """The organiser by the page's name for it. Its ``url`` is the profile of the directory's
    actor that organises it, when published; without one, ``url`` is left out: the site's own
    address would say the platform is the organiser, and the organiser's e-mail is not public.
    """
    actor = page.organiser_actor
    if actor is not None and actor.status == ActorStatus.PUBLISHED:
        profile = absolute_url(actor.get_absolute_url())
        # The same @id as the Organization on the profile page (network.views).
        return {
            "@type": "Organization",
            "@id": profile,
            "name": page.organiser_name,
            "url": profile,
        }
    return {"@type": "Organization", "name": page.organiser_name}


def _json_ld_offer(page, schedule, occurrence, url, *, upcoming):
    """The registration as a schema.org Offer: price, when it opens, seats left.

    schema.org has no availability for a waiting list (BackOrder promises the item later; a
    place on the list is no seat): a full date is SoldOut, and the offer's description repeats
    the page's words.
    """
    offer = {
        "@type": "Offer",
        "url": url,
        "price": "0" if page.is_free else format(page.price, "f"),
        "priceCurrency": page.price_currency,
    }
    if not schedule.registration_enabled:
        return offer
    if schedule.registration_opens_at:
        offer["validFrom"] = _json_ld_moment(
            schedule.registration_opens_at, schedule.zone, all_day=False
        )
    if not upcoming:
        return offer
    # Seats are on offer when registration is (or, before it opens, will be) open.
    now = timezone.now()
    if registration_open_error(
        occurrence=occurrence, now=max(now, schedule.registration_opens_at or now)
    ):
        return offer
    if occurrence.capacity is None:
        offer["availability"] = _SCHEMA_ORG + "InStock"
    elif occurrence.is_full:
        offer["availability"] = _SCHEMA_ORG + "SoldOut"
        if schedule.waiting_list_enabled:
            offer["description"] = f"{gettext('Full')} · {gettext('waiting list open')}"
    elif occurrence.seats_left <= max(1, occurrence.capacity // _FEW_SEATS_DIVISOR):
        offer["availability"] = _SCHEMA_ORG + "LimitedAvailability"
    else:
        offer["availability"] = _SCHEMA_ORG + "InStock"
    return offer


def _json_ld_schedule(schedule):
    """The series' rule as a schema.org Schedule, or None when the rule says more than a
    Schedule can (BYSETPOS, several months...): ``recurrence.parse_rule`` reads the rules
    that the admin's builder shows, and only those are described."""
    parts = parse_rule(schedule.recurrence)
    if parts is None:
        return None
    zone, all_day = schedule.zone, schedule.all_day
    local_start = schedule.local_start
    data = {
        "@type": "Schedule",
        "repeatFrequency": f"P{parts.interval}{_REPEAT_UNITS[parts.frequency]}",
    }
    if parts.frequency == "WEEKLY":
        # Without BYDAY, a weekly rule repeats on its first date's weekday (RFC 5545).
        days = parts.weekdays or (local_start.weekday(),)
        data["byDay"] = [_SCHEMA_ORG + _DAYS_OF_WEEK[day] for day in days]
    elif parts.frequency == "MONTHLY":
        if parts.nth is not None:
            # schema.org takes iCal's own text for "the first Tuesday": 1TU.
            data["byDay"] = [f"{parts.nth}{WEEKDAY_CODES[parts.nth_weekday]}"]
        else:
            data["byMonthDay"] = [parts.month_day or local_start.day]
    elif parts.frequency == "YEARLY":
        data["byMonth"] = [local_start.month]
        data["byMonthDay"] = [local_start.day]
    data["startDate"] = local_start.date().isoformat()
    if parts.until is not None:
        data["endDate"] = parts.until.isoformat()
    if parts.count is not None:
        data["repeatCount"] = parts.count
    if not all_day:
        # Each date lasts as long as the first, measured in UTC (services.event_schedule).
        duration = schedule.end - schedule.start
        local_end = timezone.localtime(schedule.start + duration, zone)
        data["startTime"] = local_start.time().isoformat(timespec="seconds")
        if local_end.date() == local_start.date():
            data["endTime"] = local_end.time().isoformat(timespec="seconds")
        else:
            hours, seconds = divmod(int(duration.total_seconds()), 3600)
            data["duration"] = f"PT{hours}H{seconds // 60}M" if seconds else f"PT{hours}H"
    data["scheduleTimezone"] = schedule.time_zone
    now = timezone.now()
    excepted = sorted(
        change.original_start
        for change in schedule.occurrence_changes.all()
        if change.original_start >= now
    )
    if excepted:
        data["exceptDate"] = [_json_ld_moment(start, zone, all_day=all_day) for start in excepted]
    return data


@register.simple_tag(takes_context=True)
def event_json_ld(context, page, schedule, occurrences):
    """schema.org/Event for search engines, as Google's Event rich results read it.

    ``page`` is the page shown (its language, texts and price); ``schedule`` its page in the
    default language, which holds the dates, registration and place (``EventPage.canonical``);
    ``occurrences`` the upcoming dates. A series is described by its next date that takes
    place (moved, it says so; the cancelled ones are its schedule's exceptions), and by its
    rule (``eventSchedule``); a single event, or a series whose every coming date is
    cancelled, says it is cancelled.
    """
    request = context.get("request")
    url = page_url(page, request)
    zone, all_day = schedule.zone, schedule.all_day
    taking_place = [o for o in occurrences if o.status == Occurrence.Status.SCHEDULED]
    occurrence = (taking_place or occurrences or [None])[0]
    upcoming = occurrence is not None
    if occurrence is None:
        # Every date has passed: the last one.
        occurrence = schedule.occurrences.order_by("-start").first()
    start, end = (
        (occurrence.start, occurrence.end) if occurrence else (schedule.start, schedule.end)
    )
    data = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": page.title,
        "description": page.summary,
        "url": url,
        "inLanguage": page.locale.language_code,
    }
    if page.image is not None and (images := _json_ld_images(page.image)):
        data["image"] = images
    data["startDate"] = _json_ld_moment(start, zone, all_day=all_day)
    data["endDate"] = _json_ld_end(start, end, zone, all_day=all_day)
    cancelled = occurrence is not None and occurrence.status == Occurrence.Status.CANCELLED
    if cancelled:
        # Google: keep the original date of a cancelled event.
        data["eventStatus"] = _SCHEMA_ORG + "EventCancelled"
    elif occurrence is not None and occurrence.start != occurrence.original_start:
        data["eventStatus"] = _SCHEMA_ORG + "EventRescheduled"
        data["previousStartDate"] = _json_ld_moment(
            occurrence.original_start, zone, all_day=all_day
        )
    else:
        data["eventStatus"] = _SCHEMA_ORG + "EventScheduled"
    data["eventAttendanceMode"] = _ATTENDANCE_MODES[schedule.attendance_mode]
    locations = []
    if schedule.attendance_mode != AttendanceMode.ONLINE:
        locations.append(_json_ld_place(page, schedule))
    if schedule.attendance_mode != AttendanceMode.IN_PERSON and schedule.online_url:
        locations.append({"@type": "VirtualLocation", "url": schedule.online_url})
    data["location"] = locations[0] if len(locations) == 1 else locations
    data["organizer"] = _json_ld_organizer(page)
    if occurrence is not None and not cancelled and occurrence.capacity is not None:
        data["maximumAttendeeCapacity"] = occurrence.capacity
        if schedule.registration_enabled:
            data["remainingAttendeeCapacity"] = occurrence.seats_left
    if page.is_free:
        data["isAccessibleForFree"] = True
    data["offers"] = _json_ld_offer(page, schedule, occurrence, url, upcoming=upcoming)
    if schedule.recurrence and (event_schedule := _json_ld_schedule(schedule)):
        data["eventSchedule"] = event_schedule
    # json_script escapes <, > and & for a safe <script>; only the type differs.
    script = json_script(data, "event-json-ld")
    return mark_safe(script.replace('type="application/json"', 'type="application/ld+json"'))


@register.inclusion_tag("events/includes/subscribe.html", takes_context=True)
def subscribe_links(context, filters=None):
    """The agenda as a calendar feed, with the kind, sector and territory filters it can keep."""
    request = context["request"]
    query = QueryDict(mutable=True)
    for name in ("kind", "sector", "territory"):
        values = request.GET.getlist(name)
        if values and (filters or {}).get(name):
            query.setlist(name, values)
    url = reverse("events:feed") + (f"?{query.urlencode()}" if query else "")
    https_url = absolute_url(url)
    return {
        "https_url": https_url,
        "webcal_url": "webcal://" + https_url.split("://", 1)[1],
        "subscribe_query": query.urlencode(),
    }


@register.inclusion_tag("events/includes/upcoming_on_home.html", takes_context=True)
def upcoming_events(context, count=3):
    """The next dates of the agenda, for the home page."""
    from events.selectors import occurrences_for_listing

    return {
        "occurrences": list(occurrences_for_listing(filters={})[:count]),
        "request": context.get("request"),
    }
