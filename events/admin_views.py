"""Attendee lists for organisers and editors, in the Wagtail admin, with a CSV export."""

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _

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
