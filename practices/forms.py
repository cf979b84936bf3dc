"""Forms of the good-practice library."""

from django import forms
from django.utils.translation import gettext_lazy as _

from network.models import Sector, Territory
from practices.models import PracticeTheme

FILTER_QUERY_MAX_LENGTH = 200


class PracticeFilterForm(forms.Form):
    """Filters of the library, read from the query string (GET).

    Fields that do not validate are left out of ``filters`` and show their error; the others
    still filter, so a mistyped address never empties the page nor breaks it.
    """

    q = forms.CharField(
        label=_("Words to look for"),
        required=False,
        max_length=FILTER_QUERY_MAX_LENGTH,
        help_text=_("In the title, summary, city or network, and results."),
        error_messages={"max_length": _("Use at most %(limit_value)d characters.")},
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    theme = forms.ChoiceField(
        label=_("Theme"),
        required=False,
        choices=[("", _("All themes")), *PracticeTheme.choices],
        error_messages={"invalid_choice": _("Choose a theme from the list.")},
    )
    sector = forms.ModelChoiceField(
        label=_("Sector"),
        required=False,
        queryset=Sector.objects.all(),
        to_field_name="slug",
        empty_label=_("All sectors"),
        error_messages={"invalid_choice": _("Choose a sector from the list.")},
    )
    territory = forms.ModelChoiceField(
        label=_("Territory"),
        required=False,
        queryset=Territory.objects.all(),
        to_field_name="slug",
        empty_label=_("All territories"),
        error_messages={"invalid_choice": _("Choose a territory from the list.")},
    )
    organisation = forms.ChoiceField(
        label=_("City or network"),
        required=False,
        choices=[],
        error_messages={"invalid_choice": _("Choose a city or network from the list.")},
    )

    def __init__(self, *args, index=None, **kwargs):
        from practices.selectors import organisation_names

        kwargs.setdefault("auto_id", "filter-%s")
        super().__init__(*args, **kwargs)
        names = organisation_names(index=index)
        self.fields["organisation"].choices = [
            ("", _("All cities and networks")),
            *((name, name) for name in names),
        ]

    @property
    def filters(self):
        """What to filter on: the fields that validated (all of them for a valid form)."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value}
