"""Forms of the events app."""

import zoneinfo

from django import forms
from django.conf import settings
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminPageForm

from events.models import ACCESSIBILITY_FEATURES, EventKind, EventPage
from events.recurrence import RecurrenceError
from events.selectors import capacity_problem
from events.services import event_position, series_starts
from events.widgets import ORPHAN_LABEL, instant_value
from network.directory.forms import sector_filter_field, territory_filter_field
from network.directory.models import Sector, Territory
from website.accounts.models import time_zone_choices
from website.forms import FilterForm
from website.notifications.models import Subscriber
from website.wording import format_local_start

FILTER_QUERY_MAX_LENGTH = 200
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]
FILTER_YEARS = (1900, 2999)


class EventFilterForm(FilterForm):
    """Filters of the agenda, read from the query string (GET).

    Fields that do not validate are left out of ``cleaned_data`` and show their error; the
    others still filter, so a mistyped date never empties the page nor breaks it.
    """

    q = forms.CharField(
        label=_("Words to look for"),
        required=False,
        max_length=FILTER_QUERY_MAX_LENGTH,
        help_text=_("In the title, summary, venue or organiser."),
        error_messages={
            "max_length": _("Use at most %(limit_value)d characters."),
        },
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    kind = forms.MultipleChoiceField(
        label=_("Kind of event"),
        required=False,
        choices=EventKind.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Choose kinds of event from the list.")},
    )
    sector = sector_filter_field()
    territory = territory_filter_field()
    date_from = forms.DateField(
        label=_("Dates from"),
        required=False,
        input_formats=DATE_INPUT_FORMATS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Enter a date such as 2027-03-10.")},
    )
    date_to = forms.DateField(
        label=_("Dates until"),
        required=False,
        input_formats=DATE_INPUT_FORMATS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Enter a date such as 2027-03-10.")},
    )
    online = forms.BooleanField(label=_("Online or hybrid"), required=False)
    free = forms.BooleanField(label=_("Free"), required=False)
    accessibility = forms.MultipleChoiceField(
        label=_("Accessibility"),
        required=False,
        choices=ACCESSIBILITY_FEATURES,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Choose accessibility features from the list.")},
    )

    def clean(self):
        cleaned_data = super().clean()
        for name in ("date_from", "date_to"):
            # The filters turn a day into local midnights: 9999-12-31 + 1 day overflows.
            value = cleaned_data.get(name)
            if value and not FILTER_YEARS[0] <= value.year <= FILTER_YEARS[1]:
                self.add_error(
                    name,
                    _("Enter a date between the years %(first)d and %(last)d.")
                    % {"first": FILTER_YEARS[0], "last": FILTER_YEARS[1]},
                )
        date_from, date_to = cleaned_data.get("date_from"), cleaned_data.get("date_to")
        if date_from and date_to and date_to < date_from:
            self.add_error("date_to", _("The end date cannot come before the start date."))
        return cleaned_data


class SubscribeForm(forms.Form):
    """What to follow, and how. People without an account give their address (double
    opt-in); the form fills itself from the agenda's filters or an event page."""

    email = forms.EmailField(
        label=_("Your e-mail address"),
        max_length=254,
        error_messages={
            "required": _("Enter your e-mail address."),
            "invalid": _("Enter an e-mail address such as nom@example.org."),
        },
    )
    series = forms.ModelMultipleChoiceField(
        label=_("Series"),
        required=False,
        queryset=EventPage.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Every date in your calendar, kept up to date when it changes."),
    )
    kinds = forms.MultipleChoiceField(
        label=_("Kinds of event"),
        required=False,
        choices=EventKind.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    sectors = forms.ModelMultipleChoiceField(
        label=_("Sectors"),
        required=False,
        queryset=Sector.objects.all(),
        to_field_name="slug",
        widget=forms.CheckboxSelectMultiple,
        help_text=_("A sector includes the sectors within it."),
    )
    territories = forms.ModelMultipleChoiceField(
        label=_("Territories"),
        required=False,
        queryset=Territory.objects.all(),
        to_field_name="slug",
        widget=forms.CheckboxSelectMultiple,
        help_text=_("A territory includes the places within it."),
    )
    frequency = forms.ChoiceField(
        label=_("How to receive news of new events"),
        choices=Subscriber.Frequency.choices,
        initial=Subscriber.Frequency.IMMEDIATE,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, user=None, series=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None and user.is_authenticated:
            del self.fields["email"]
        self.fields["series"].queryset = EventPage.objects.live().filter(pk__in=series or [])
        if not series:
            del self.fields["series"]

    def clean(self):
        cleaned = super().clean()
        if not any(cleaned.get(name) for name in ("series", "kinds", "sectors", "territories")):
            raise forms.ValidationError(
                _("Choose at least one series, kind of event, sector or territory.")
            )
        return cleaned

    def targets(self):
        data = self.cleaned_data
        return (
            [["series", page.pk] for page in data.get("series") or []]
            + [["kind", kind] for kind in data["kinds"]]
            + [["sector", sector.pk] for sector in data["sectors"]]
            + [["territory", territory.pk] for territory in data["territories"]]
        )


class RecurrencePreviewForm(forms.Form):
    """What the recurrence builder's preview reads from the query string: the page form's
    own values, the start in the admin's time zone as the page form reads it."""

    start = forms.DateTimeField()
    end = forms.DateTimeField(required=False)
    time_zone = forms.ChoiceField(choices=time_zone_choices, required=False)
    all_day = forms.BooleanField(required=False)
    recurrence = forms.CharField(required=False, max_length=300, strip=True)

    def clean_time_zone(self):
        return self.cleaned_data.get("time_zone") or settings.TIME_ZONE


def series_date_choices(*, starts, time_zone, all_day):
    """(value, label) options of a series' dates: the stored instant, the local date and time."""
    zone = zoneinfo.ZoneInfo(time_zone)
    return [
        (instant_value(start), format_local_start(start.astimezone(zone), all_day=all_day))
        for start in starts
    ]


class EventPageForm(WagtailAdminPageForm):
    """The admin form of events: a change to one date names a date its series gives.

    Each change's "date in the series" is a select of the dates of the saved schedule (the
    builder's script refreshes them when the rule changes). A change whose date is not in the
    series, as the form's start, time zone and rule give it, is refused, except a saved change
    whose date left the rule since: it stays, marked, so that nothing saved is lost.
    """

    changes_formset = "occurrence_changes"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        formset = self.formsets.get(self.changes_formset)
        if formset is None:
            return
        event = self.instance
        starts = []
        if event.start:
            try:
                starts = series_starts(
                    text=event.recurrence,
                    start=event.start,
                    end=event.end,
                    time_zone=event.time_zone,
                    all_day=event.all_day,
                )
            except RecurrenceError:
                starts = []
        zone = zoneinfo.ZoneInfo(event.time_zone or settings.TIME_ZONE)
        choices = series_date_choices(
            starts=starts, time_zone=zone.key, all_day=bool(event.all_day)
        )
        for form in formset.forms:
            self._offer_dates(form, choices, zone, bool(event.all_day))

    @staticmethod
    def _offer_dates(form, choices, zone, all_day):
        """The series' dates, and the change's own date when it is not one of them."""
        widget = form.fields["original_start"].widget
        current = None
        if form.is_bound:
            text = form.data.get(form.add_prefix("original_start")) or ""
            try:
                current = forms.DateTimeField().clean(text) if text else None
            except forms.ValidationError:
                current = None
        elif form.instance.original_start:
            current = form.instance.original_start
        options = list(choices)
        if current is not None and instant_value(current) not in {v for v, _label in options}:
            label = str(ORPHAN_LABEL) % {
                "date": format_local_start(current.astimezone(zone), all_day=all_day)
            }
            options.append((instant_value(current), label))
            widget.orphans = {instant_value(current)}
            options.sort(key=lambda option: option[0])
        widget.choices = [("", gettext("Choose a date of the series")), *options]

    def clean(self):
        cleaned_data = super().clean()
        # Here, not in the model's clean(): publishing a revision cleans the page again, and
        # seats taken since the editor saved must not make the moderator's approval fail
        # (event_sync_occurrences then keeps each date's capacity at its seats).
        capacity_error = capacity_problem(
            event=self.instance, capacity=cleaned_data.get("capacity")
        )
        if capacity_error:
            self.add_error("capacity", capacity_error)
        # An address without coordinates is placed from it; a booked space's place is its own.
        if not cleaned_data.get("booking") and not {"latitude", "longitude"} & set(self.errors):
            position = event_position(
                event=self.instance,
                address=cleaned_data.get("address") or "",
                latitude=cleaned_data.get("latitude"),
                longitude=cleaned_data.get("longitude"),
                territory=cleaned_data.get("territory"),
            )
            if position is not None:
                cleaned_data["latitude"], cleaned_data["longitude"] = position
        formset = self.formsets.get(self.changes_formset)
        start = cleaned_data.get("start")
        if formset is None or start is None:
            return cleaned_data
        try:
            allowed = set(
                series_starts(
                    text=cleaned_data.get("recurrence") or "",
                    start=start,
                    end=cleaned_data.get("end"),
                    time_zone=cleaned_data.get("time_zone") or self.instance.time_zone,
                    all_day=bool(cleaned_data.get("all_day")),
                )
            )
        except RecurrenceError:
            return cleaned_data  # the model's clean says what is wrong with the rule
        for form in formset.forms:
            if not form.is_valid() or (formset.can_delete and formset._should_delete_form(form)):
                continue
            value = form.cleaned_data.get("original_start")
            if value is None or value in allowed:
                continue
            if form.initial.get("original_start") == value:
                continue  # saved before its date left the rule: kept, shown as such
            form.add_error(
                "original_start",
                _("This date is not in the series: choose one of the dates its rule gives."),
            )
        return cleaned_data
