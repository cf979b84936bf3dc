"""Forms of incubators: the listing's filters, a programme, a call (dates as days and times
in the call's own time zone)."""

import datetime as dt
import zoneinfo

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from network.directory.forms import sector_filter_field, territory_filter_field
from network.directory.models import Actor
from website.forms import FilterForm

from .models import Call, CallState, Programme, SupportKind
from .services import local_moment

START_OF_DAY = dt.time(0, 0)


class CallFilterForm(FilterForm):
    """Filters of the listing, its feed and the API, read from the query string."""

    q = forms.CharField(
        label=_("Words to look for"),
        required=False,
        max_length=200,
        help_text=_("In the call's title or description, or the programme's name."),
        error_messages={"max_length": _("Use at most %(limit_value)d characters.")},
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    open_now = forms.BooleanField(label=_("Open now"), required=False)
    state = forms.ChoiceField(
        label=_("State"),
        required=False,
        choices=[("", _("Any state"))] + CallState.choices,
        error_messages={"invalid_choice": _("Choose a state from the list.")},
    )
    sector = sector_filter_field()
    territory = territory_filter_field()
    support = forms.ChoiceField(
        label=_("Kind of support"),
        required=False,
        choices=[("", _("Any support"))] + SupportKind.choices,
        error_messages={"invalid_choice": _("Choose a kind of support from the list.")},
    )
    incubator = forms.ModelChoiceField(
        label=_("Incubator"),
        required=False,
        queryset=Actor.objects.published().filter(is_incubator=True),
        to_field_name="slug",
        empty_label=_("All incubators"),
        error_messages={"invalid_choice": _("Choose an incubator from the list.")},
    )


class ProgrammeForm(forms.ModelForm):
    class Meta:
        model = Programme
        fields = [
            "name",
            "description",
            "offers_hosting",
            "offers_training",
            "offers_funding",
            "offers_mentoring",
            "offers_advice",
            "sectors",
            "territory",
            "duration",
            "cost",
            "eligibility",
            "audience",
            "is_active",
        ]
        widgets = {"sectors": forms.CheckboxSelectMultiple}

    def values(self):
        return {k: v for k, v in self.cleaned_data.items() if k != "sectors"}


def _zone_choices():
    return [(name, name) for name in sorted(zoneinfo.available_timezones()) if "/" in name]


class CallForm(forms.ModelForm):
    """Dates are typed as a day and an optional time in the call's zone; a closing day without
    a time closes at the end of that day there."""

    time_zone = forms.ChoiceField(label=_("Time zone of these dates"), choices=_zone_choices)
    opens_on = forms.DateField(label=_("Opens on"), widget=forms.DateInput(attrs={"type": "date"}))
    opens_time = forms.TimeField(
        label=_("Opening time (optional)"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}),
        help_text=_("Midnight when empty."),
    )
    pre_deposit_on = forms.DateField(
        label=_("Pre-application due on (optional)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    pre_deposit_time = forms.TimeField(
        label=_("Pre-application time (optional)"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}),
        help_text=_("The end of the day when empty."),
    )
    closes_on = forms.DateField(
        label=_("Closes on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Leave empty for a permanent call."),
    )
    closes_time = forms.TimeField(
        label=_("Closing time (optional)"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}),
        help_text=_("The end of the day when empty."),
    )

    class Meta:
        model = Call
        fields = ["title", "cadence", "recurrence", "description", "apply_url", "apply_email"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        call = self.instance
        if call.pk:
            zone = call.zone
            self.initial["time_zone"] = call.time_zone
            for prefix in ("opens", "pre_deposit", "closes"):
                moment = getattr(call, f"{prefix}_at")
                if moment:
                    local = moment.astimezone(zone)
                    self.initial[f"{prefix}_on"] = local.date()
                    self.initial[f"{prefix}_time"] = local.time().replace(second=0)
        else:
            self.initial.setdefault("time_zone", settings.TIME_ZONE)

    def values(self):
        """What the service writes: aware datetimes built in the chosen zone."""
        data = self.cleaned_data
        zone = data["time_zone"]
        values = {k: data[k] for k in self.Meta.fields}
        values["time_zone"] = zone
        values["opens_at"] = local_moment(
            data["opens_on"], data.get("opens_time") or START_OF_DAY, zone
        )
        values["pre_deposit_at"] = (
            local_moment(data["pre_deposit_on"], data.get("pre_deposit_time"), zone)
            if data.get("pre_deposit_on")
            else None
        )
        values["closes_at"] = (
            local_moment(data["closes_on"], data.get("closes_time"), zone)
            if data.get("closes_on")
            else None
        )
        return values

    def _post_clean(self):
        # The model's own clean() runs in the service, on the datetimes built by values().
        pass
