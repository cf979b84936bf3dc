"""Attendee lists for organisers and editors, in the Wagtail admin, with a CSV export."""

import dataclasses
import zoneinfo

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from website import csvsafe
from website.csvsafe import safe_cell as csv_cell  # noqa: F401 (its former name)

from .models import EventPage
from .selectors import registrations_for_event


def event_registrations(request, page_id):
    event = get_object_or_404(EventPage, pk=page_id)
    if not event.permissions_for_user(request.user).can_edit():
        raise PermissionDenied
    canonical = event.canonical
    occurrences = list(canonical.occurrences.order_by("start"))
    registrations = list(registrations_for_event(event=canonical))
    zone = canonical.zone

    if request.GET.get("format") == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="inscriptions-{canonical.slug}.csv"'
        )
        response.write("\ufeff")  # so that spreadsheets open UTF-8 as UTF-8
        writer = csvsafe.writer(response)
        writer.writerow(
            [_("Date"), _("Status"), _("Name"), _("E-mail address"), _("Registered at")]
        )
        for registration in registrations:
            writer.writerow(
                [
                    timezone.localtime(registration.occurrence.start, zone).strftime(
                        "%Y-%m-%d %H:%M"
                    ),
                    registration.get_status_display(),
                    registration.user.get_display_name(),
                    registration.user.email,
                    timezone.localtime(registration.created_at, zone).strftime("%Y-%m-%d %H:%M"),
                ]
            )
        return response

    by_occurrence = {occurrence.pk: [] for occurrence in occurrences}
    for registration in registrations:
        by_occurrence[registration.occurrence_id].append(registration)
    rows = [(occurrence, by_occurrence[occurrence.pk]) for occurrence in occurrences]
    return TemplateResponse(
        request,
        "events/admin/registrations.html",
        {
            "event": canonical,
            "rows": rows,
            "page_title": _("Registrations"),
            "header_title": canonical.title,
        },
    )


def recurrence_preview(request):
    """The recurrence builder's preview, as JSON: the rule in words, the next dates in the
    event's zone, every date of the series for the changes' date pickers, or why the rule
    is refused. Reads the page form's start, end, time_zone, all_day and recurrence from the
    query string; only people who can edit pages may ask."""
    from django.http import JsonResponse
    from wagtail.permission_policies.pages import PagePermissionPolicy

    from website.wording import format_local_start

    from .forms import RecurrencePreviewForm, series_date_choices
    from .recurrence import RecurrenceError, describe_rule, parse_rule, recurrence_problem
    from .services import next_dates, series_starts

    if not PagePermissionPolicy().user_has_any_permission(
        request.user, {"add", "change", "publish"}
    ):
        return JsonResponse({"error": _("You cannot edit pages.")}, status=403)
    form = RecurrencePreviewForm(request.GET)
    form.is_valid()
    data = form.cleaned_data
    rule = data.get("recurrence") or ""
    parts = parse_rule(rule)
    answer = {
        "rule": rule,
        "parts": _parts_json(parts),
        "custom": bool(rule) and parts is None,
        "words": "",
        "problem": None,
        "message": None,
        "total": "",
        "dates": [],
        "choices": [],
        "start": None,
    }
    start = data.get("start")
    if start is None:
        answer["message"] = _("Give the start of the first date to see the dates.")
        return JsonResponse(answer)
    time_zone, all_day = data["time_zone"], data.get("all_day", False)
    local_start = timezone.localtime(start, zoneinfo.ZoneInfo(time_zone))
    answer["start"] = {
        "weekday": local_start.weekday(),
        "day": local_start.day,
        "nth": -1 if local_start.day > 28 else (local_start.day + 6) // 7,
    }
    if rule:
        problem = recurrence_problem(text=rule, local_start=local_start)
        if problem:
            answer["problem"] = problem
            return JsonResponse(answer)
    answer["words"] = describe_rule(text=rule, local_start=local_start, all_day=all_day)
    schedule = {"text": rule, "start": start, "end": data.get("end"), "time_zone": time_zone}
    try:
        starts = series_starts(**schedule, all_day=all_day)
        upcoming = next_dates(**schedule, all_day=all_day, count=PREVIEW_DATES)
    except RecurrenceError as error:  # checked above; kept for rules dateutil refuses late
        answer["problem"] = str(error)
        return JsonResponse(answer)
    answer["choices"] = [
        {"value": value, "label": label}
        for value, label in series_date_choices(starts=starts, time_zone=time_zone, all_day=all_day)
    ]
    answer["dates"] = [
        {"value": value, "label": label}
        for value, label in series_date_choices(
            starts=upcoming, time_zone=time_zone, all_day=all_day
        )
    ]
    if not upcoming:
        answer["message"] = _("Every date of this series is past.")
    if rule and starts and starts[0] != start:
        # The schedule leaves out a start the rule does not give (RFC 5545 leaves such a
        # series undefined, and calendar programs show the start anyway): say so.
        answer["message"] = _(
            "The start, %(start)s, is not a date of this rule: the first date is %(first)s."
        ) % {
            "start": format_local_start(local_start, all_day=all_day),
            "first": format_local_start(starts[0].astimezone(local_start.tzinfo), all_day=all_day),
        }
    if rule and (parts is None or parts.end != "never"):
        answer["total"] = ngettext(
            "%(count)s date in all", "%(count)s dates in all", len(starts)
        ) % {"count": len(starts)}
    return JsonResponse(answer)


# The builder's preview lists this many dates; the changes' pickers get them all.
PREVIEW_DATES = 10


def _parts_json(parts):
    if parts is None:
        return None
    values = dataclasses.asdict(parts)
    values["weekdays"] = list(parts.weekdays)
    values["until"] = parts.until.isoformat() if parts.until else None
    values["end"] = parts.end
    return values
