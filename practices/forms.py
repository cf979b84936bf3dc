"""Forms of the good-practice library."""

from django import forms
from django.utils.translation import gettext_lazy as _

from network.directory.forms import sector_filter_field, territory_filter_field
from practices.models import PracticeTheme
from website.forms import FilterForm

FILTER_QUERY_MAX_LENGTH = 200


class PracticeFilterForm(FilterForm):
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
    sector = sector_filter_field()
    territory = territory_filter_field()
    organisation = forms.ChoiceField(
        label=_("City or network"),
        required=False,
        choices=[],
        error_messages={"invalid_choice": _("Choose a city or network from the list.")},
    )

    def __init__(self, *args, index=None, **kwargs):
        from practices.selectors import organisation_names

        super().__init__(*args, **kwargs)
        names = organisation_names(index=index)
        self.fields["organisation"].choices = [
            ("", _("All cities and networks")),
            *((name, name) for name in names),
        ]
