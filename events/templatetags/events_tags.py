import datetime as dt

from django import template
from django.http import QueryDict
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import format_html, json_script
from django.utils.safestring import mark_safe

from events.models import AttendanceMode
from events.services import registration_open_error
from website.addresses import absolute_url, page_url

register = template.Library()


def _when(start, end, zone, all_day):
    """Dates in the event's own time zone, with its abbreviation, in <time> elements."""
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
            date_format(local_start, "DATE_FORMAT"),
        )
        if last_day == local_start.date():
            return first
        last = format_html(
            '<time datetime="{}">{}</time>',
            last_day.isoformat(),
            date_format(last_day, "DATE_FORMAT"),
        )
        return format_html("{} – {}", first, last)
    start_html = format_html(
        '<time datetime="{}">{} {}</time>',
        local_start.isoformat(),
        date_format(local_start, "DATE_FORMAT"),
        date_format(local_start, "TIME_FORMAT"),
    )
    if local_end.date() == local_start.date():
        end_text = date_format(local_end, "TIME_FORMAT")
    else:
        end_text = (
            f"{date_format(local_end, 'DATE_FORMAT')} {date_format(local_end, 'TIME_FORMAT')}"
        )
    return format_html(
        '{} – <time datetime="{}">{}</time> <abbr title="{}">{}</abbr>',
        start_html,
        local_end.isoformat(),
        end_text,
        str(zone),
        local_start.tzname(),
    )


@register.simple_tag
def event_when(event):
    return _when(event.start, event.end, event.zone, event.all_day)


@register.simple_tag
def occurrence_when(occurrence):
    event = occurrence.event
    return _when(occurrence.start, occurrence.end, event.zone, event.all_day)


@register.simple_tag
def registration_closed_reason(occurrence):
    return registration_open_error(occurrence=occurrence)


@register.simple_tag(takes_context=True)
def event_json_ld(context, page, schedule, occurrences):
    """schema.org/Event for search engines: dates with offsets, attendance mode, place, offers."""
    request = context.get("request")
    modes = {
        AttendanceMode.IN_PERSON: "https://schema.org/OfflineEventAttendanceMode",
        AttendanceMode.ONLINE: "https://schema.org/OnlineEventAttendanceMode",
        AttendanceMode.HYBRID: "https://schema.org/MixedEventAttendanceMode",
    }
    first = next((o for o in occurrences if o.status == "scheduled"), None)
    start, end = (first.start, first.end) if first else (schedule.start, schedule.end)
    zone = schedule.zone
    data = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": page.title,
        "description": page.summary,
        "startDate": start.astimezone(zone).isoformat(),
        "endDate": end.astimezone(zone).isoformat(),
        "eventStatus": "https://schema.org/EventScheduled"
        if first
        else "https://schema.org/EventCancelled",
        "eventAttendanceMode": modes[schedule.attendance_mode],
        "organizer": {"@type": "Organization", "name": page.organiser_name},
        "url": page_url(page, request),
        "inLanguage": page.locale.language_code,
    }
    locations = []
    if schedule.attendance_mode != AttendanceMode.ONLINE:
        place = {
            "@type": "Place",
            "name": page.venue_name or page.organiser_name,
            "address": page.address,
        }
        if schedule.latitude is not None and schedule.longitude is not None:
            place["geo"] = {
                "@type": "GeoCoordinates",
                "latitude": float(schedule.latitude),
                "longitude": float(schedule.longitude),
            }
        locations.append(place)
    if schedule.attendance_mode != AttendanceMode.IN_PERSON and schedule.online_url:
        locations.append({"@type": "VirtualLocation", "url": schedule.online_url})
    data["location"] = locations[0] if len(locations) == 1 else locations
    if not schedule.is_free:
        data["offers"] = {
            "@type": "Offer",
            "price": str(schedule.price),
            "priceCurrency": schedule.price_currency,
            "url": page_url(page, request),
        }
    else:
        data["isAccessibleForFree"] = True
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
