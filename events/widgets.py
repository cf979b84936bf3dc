"""Admin widgets of the events app: the recurrence builder and the picker of a series' dates.

Both are plain Django widgets whose script is a Stimulus controller registered on Wagtail's
admin application (``static/events/admin/recurrence.js``): Wagtail 8 renders panels' widgets
through telepath and inserts inline forms from a template, and Stimulus connects a controller
to its element whenever it appears in the page, however it got there.
"""

import datetime as dt
import json

from django import forms
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import WEEKDAYS
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from events.recurrence import FREQUENCIES, NTH_WEEKS, WEEKDAY_CODES, nth_label, parse_rule

FREQUENCY_LABELS = {
    "": _("Does not repeat"),
    "DAILY": _("Daily"),
    "WEEKLY": _("Weekly"),
    "MONTHLY": _("Monthly"),
    "YEARLY": _("Yearly"),
}
# The unit after the interval ("every [2] weeks"), singular and plural.
INTERVAL_UNITS = {
    "DAILY": (pgettext_lazy("interval", "day"), pgettext_lazy("interval", "days")),
    "WEEKLY": (pgettext_lazy("interval", "week"), pgettext_lazy("interval", "weeks")),
    "MONTHLY": (pgettext_lazy("interval", "month"), pgettext_lazy("interval", "months")),
    "YEARLY": (pgettext_lazy("interval", "year"), pgettext_lazy("interval", "years")),
}
CUSTOM = "CUSTOM"
# A change's date that its series no longer gives: still shown, so that nothing is lost.
ORPHAN_LABEL = _("%(date)s (not in the series)")


def instant_value(moment):
    """A start as a select's value: the stored instant in UTC, ISO 8601 (unambiguous when
    clocks go back, and read back as the same instant by Django's DateTimeField)."""
    return moment.astimezone(dt.UTC).isoformat()


class RecurrenceWidget(forms.Widget):
    """The RRULE text field, with a builder above it and a preview of the dates below.

    The builder writes the rule into the text field, which is what the form sends: the page
    stores exactly the RRULE text it always did, and the model's ``clean`` checks it. The text
    field stays, under "Advanced", for experts and for rules the builder cannot show.
    The preview asks ``events_recurrence_preview`` with the form's start, end, time zone and
    all-day fields (named by ``fields``). ``rule_help`` is the help of the text field, the
    model field's own (given by the model: this module is below it and never imports it).
    """

    template_name = "events/admin/recurrence_widget.html"

    class Media:
        css = {"all": ["events/admin/recurrence.css"]}
        js = ["events/admin/recurrence.js"]

    def __init__(self, attrs=None, fields=None, rule_help=""):
        super().__init__(attrs)
        self.rule_help = rule_help
        self.fields = {
            "start": "start",
            "end": "end",
            "time_zone": "time_zone",
            "all_day": "all_day",
            **(fields or {}),
        }

    def id_for_label(self, id_):
        # The field's label names the builder's first control, not the text under "Advanced".
        return f"{id_}-frequency" if id_ else id_

    def format_value(self, value):
        return "" if value is None else str(value)

    def render(self, name, value, attrs=None, renderer=None):
        # The project's template engine: the form renderer only sees the apps' templates.
        return mark_safe(render_to_string(self.template_name, self.get_context(name, value, attrs)))

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        # Wagtail describes the field by its help text and errors: the builder's first control
        # and the text field both carry it.
        described_by = context["widget"]["attrs"].pop("aria-describedby", "")
        text = context["widget"]["value"]
        parts = parse_rule(text)
        custom = bool(text.strip()) and parts is None
        frequency = CUSTOM if custom else (parts.frequency if parts else "")
        weekdays = set(parts.weekdays) if parts else set()
        context.update(
            frequency=frequency,
            custom=custom,
            parts=parts,
            interval=parts.interval if parts else 1,
            frequencies=[(code, FREQUENCY_LABELS[code]) for code in ("", *FREQUENCIES)],
            units=json.dumps(
                {code: [str(one), str(other)] for code, (one, other) in INTERVAL_UNITS.items()},
                ensure_ascii=False,
            ),
            weekdays=[
                (index, code, WEEKDAYS[index], index in weekdays)
                for index, code in enumerate(WEEKDAY_CODES)
            ],
            nths=[(nth, nth_label(nth)) for nth in NTH_WEEKS],
            month_mode="nth" if parts and parts.nth is not None else "day",
            end=parts.end if parts else "never",
            until=parts.until.isoformat() if parts and parts.until else "",
            preview_url=reverse("events_recurrence_preview"),
            fields_json=json.dumps(self.fields),
            described_by=described_by,
            rule_help=self.rule_help,
        )
        return context


class SeriesDateSelect(forms.Select):
    """The date of a series a change applies to, picked from the dates its rule gives.

    Options are filled by ``EventPageForm`` from the saved schedule, and by the builder's
    script (``essaim-series-date`` controller) when the rule changes or a change is added.
    Values are stored instants (``instant_value``); the label is the local date and time in
    the event's zone.
    """

    class Media:
        js = ["events/admin/recurrence.js"]

    def __init__(self, attrs=None, choices=None):
        attrs = {
            "data-controller": "essaim-series-date",
            # How the script marks a change's date that the rule no longer gives.
            "data-essaim-series-date-orphan-value": ORPHAN_LABEL,
            **(attrs or {}),
        }
        if choices is None:
            choices = [("", _("Choose a date of the series"))]
        super().__init__(attrs, choices)
        # Values of dates no longer in the series (set by the form), marked for the script.
        self.orphans = set()

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        if value in self.orphans:
            option["attrs"]["data-orphan"] = "true"
        return option

    def format_value(self, value):
        if isinstance(value, dt.datetime):
            # DateTimeField.prepare_value gives the admin's local wall-clock time.
            if timezone.is_naive(value):
                value = timezone.make_aware(value)
            return [instant_value(value)]
        if isinstance(value, str) and value:
            from django.utils.dateparse import parse_datetime

            try:
                moment = parse_datetime(value)
            except ValueError:
                moment = None
            if moment is not None and timezone.is_aware(moment):
                return [instant_value(moment)]
        return super().format_value(value)
