"""Forms of the meeting spaces: the search, a booking request, a manager's decision.

They only shape input: every rule is checked again by ``network.booking``.
"""

import datetime as dt

from django import forms
from django.utils.functional import lazy
from django.utils.html import escape
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from network.directory.forms import territory_filter_field
from network.directory.selectors import actors_waiting_of
from website.wording import duration_in_words

from .models import Space
from .services import Repeat, actors_for_booking

DURATION_STEPS = (30, 60, 90, 120, 180, 240)
A_DAY = 8 * 60  # minutes: a working day


def _a_day():
    return gettext("A day (%(duration)s)") % {
        "duration": duration_in_words(dt.timedelta(minutes=A_DAY))
    }


# The lengths a search offers, said as every duration of the site is ("1 h 30", "Une journée
# (8 h)").
_duration_in_words = lazy(duration_in_words, str)
DURATIONS = [
    *((minutes, _duration_in_words(dt.timedelta(minutes=minutes))) for minutes in DURATION_STEPS),
    (A_DAY, lazy(_a_day, str)()),
]


def _choices(names):
    return [(name, Space._meta.get_field(name).verbose_name) for name in names]


class SpaceSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Name or address"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    date = forms.DateField(
        label=_("Date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    time = forms.TimeField(
        label=_("Start time"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    duration = forms.TypedChoiceField(
        label=_("Duration"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("Any duration"))] + DURATIONS,
    )
    capacity = forms.IntegerField(label=_("Number of people"), required=False, min_value=1)
    territory = territory_filter_field()
    equipment = forms.MultipleChoiceField(
        label=_("Equipment"),
        required=False,
        choices=_choices(Space.EQUIPMENT),
        widget=forms.CheckboxSelectMultiple,
    )
    accessibility = forms.MultipleChoiceField(
        label=_("Accessibility"),
        required=False,
        choices=_choices(Space.ACCESSIBILITY),
        widget=forms.CheckboxSelectMultiple,
    )

    def clean(self):
        data = super().clean()
        has_date, has_time = bool(data.get("date")), bool(data.get("time"))
        if has_date != has_time:
            raise forms.ValidationError(_("Give both a date and a start time, or neither."))
        return data

    def filters(self):
        """Cleaned filters for ``spaces_search``; an invalid form filters on nothing."""
        if not self.is_valid():
            return {}
        data = dict(self.cleaned_data)
        if data.get("date") and data.get("time"):
            data["duration"] = dt.timedelta(minutes=data.get("duration") or 60)
        else:
            data["duration"] = None
        return data


class BookingForm(forms.Form):
    actor = forms.ModelChoiceField(
        label=_("On behalf of"), queryset=None, empty_label=None, to_field_name="slug"
    )
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    start_time = forms.TimeField(
        label=_("Start time"), widget=forms.TimeInput(attrs={"type": "time", "step": 900})
    )
    end_time = forms.TimeField(
        label=_("End time"), widget=forms.TimeInput(attrs={"type": "time", "step": 900})
    )
    purpose = forms.CharField(label=_("Purpose"), max_length=200)
    attendees = forms.IntegerField(label=_("Number of people"), min_value=1)
    repeat = forms.ChoiceField(label=_("Repeat"), required=False, choices=Repeat.choices)
    until = forms.DateField(
        label=_("Until (included)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    skip_conflicts = forms.BooleanField(
        label=_("If some dates cannot be booked, book the others"),
        required=False,
        help_text=_("Otherwise the series is booked only if every date is free."),
    )

    def __init__(self, *args, user, space, **kwargs):
        super().__init__(*args, **kwargs)
        self.space = space
        self.fields["actor"].queryset = actors_for_booking(user)
        # Say why an actor of theirs is missing from the list, rather than leave them guessing.
        waiting = [actor.name for actor in actors_waiting_of(user=user)]
        if waiting:
            # Escaped here: Django renders a help text as it is (|safe), and names are typed
            # by anybody.
            self.fields["actor"].help_text = escape(
                ngettext(
                    "%(names)s is not offered: it is waiting for a moderator’s approval.",
                    "%(names)s are not offered: they are waiting for a moderator’s approval.",
                    len(waiting),
                )
                % {"names": ", ".join(waiting)}
            )

    def clean(self):
        data = super().clean()
        if data.get("repeat") and not data.get("until"):
            self.add_error("until", _("Choose the date the series ends."))
        if data.get("date") and data.get("start_time") and data.get("end_time"):
            zone = self.space.zone
            data["start"] = dt.datetime.combine(data["date"], data["start_time"], tzinfo=zone)
            end_day = data["date"]
            if data["end_time"] == dt.time(0):
                end_day += dt.timedelta(days=1)  # "to 00:00" means the end of the day
            data["end"] = dt.datetime.combine(end_day, data["end_time"], tzinfo=zone)
        return data


class DecisionForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (sent to the requester)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class UsageForm(forms.Form):
    """Filters of the usage statistics; the choices are what the person may see."""

    start = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=_("To (included)"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    territory = forms.ChoiceField(label=_("Territory"), required=False)
    space = forms.ChoiceField(label=_("Space"), required=False)

    def __init__(self, *args, spaces, territories, **kwargs):
        super().__init__(*args, **kwargs)
        self.spaces = {space.slug: space for space in spaces}
        self.territories = {territory.slug: territory for territory in territories}
        self.fields["territory"].choices = [("", _("All territories"))] + [
            (territory.slug, territory.name) for territory in territories
        ]
        self.fields["space"].choices = [("", _("All spaces"))] + [
            (space.slug, space.name) for space in spaces
        ]

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", _("The end must come after the start."))
        data["territory"] = self.territories.get(data.get("territory"))
        data["space"] = self.spaces.get(data.get("space"))
        return data
