"""Forms of the events app."""

from django import forms
from django.utils.translation import gettext_lazy as _

from events.models import ACCESSIBILITY_FEATURES, EventKind, EventPage
from network.forms import sector_filter_field, territory_filter_field
from network.models import Sector, Territory
from website.forms import FilterForm
from website.notifications.models import Subscriber

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
