"""Forms of the directory: its filters, an actor's profile, needs and offers."""

import datetime as dt

from django import forms
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from website.forms import FilterForm
from website.widgets import AddressPickerWidget

from .models import (
    Actor,
    IdentifierKind,
    LegalForm,
    NeedOffer,
    NeedOfferCategory,
    Sector,
    SizeBand,
    Territory,
)

QUERY_MAX_LENGTH = 200


def sector_filter_field():
    """A filter on sectors by slug; the selectors include the sectors within the chosen one."""
    return forms.ModelChoiceField(
        label=_("Sector"),
        required=False,
        queryset=Sector.objects.all(),
        to_field_name="slug",
        empty_label=_("All sectors"),
        error_messages={"invalid_choice": _("Choose a sector from the list.")},
    )


def territory_filter_field():
    """A filter on territories by slug; the selectors include the places within it."""
    return forms.ModelChoiceField(
        label=_("Territory"),
        required=False,
        queryset=Territory.objects.all(),
        to_field_name="slug",
        empty_label=_("All territories"),
        error_messages={"invalid_choice": _("Choose a territory from the list.")},
    )


class DirectoryFilterForm(FilterForm):
    """Filters of the directory, its map and its exports, read from the query string.

    Fields that do not validate are left out and show their error; the others still filter.
    """

    q = forms.CharField(
        label=_("Words to look for"),
        required=False,
        max_length=QUERY_MAX_LENGTH,
        help_text=_("In the name, description, place or languages."),
        error_messages={"max_length": _("Use at most %(limit_value)d characters.")},
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    sector = sector_filter_field()
    legal_form = forms.ModelChoiceField(
        label=_("Legal form"),
        required=False,
        queryset=LegalForm.objects.all(),
        to_field_name="slug",
        empty_label=_("All legal forms"),
        error_messages={"invalid_choice": _("Choose a legal form from the list.")},
    )
    territory = territory_filter_field()
    need = forms.ChoiceField(
        label=_("Has a need for"),
        required=False,
        choices=[("", _("Any need or none"))] + NeedOfferCategory.choices,
        error_messages={"invalid_choice": _("Choose a kind of need from the list.")},
    )
    offer = forms.ChoiceField(
        label=_("Offers"),
        required=False,
        choices=[("", _("Any offer or none"))] + NeedOfferCategory.choices,
        error_messages={"invalid_choice": _("Choose a kind of offer from the list.")},
    )
    umbrella = forms.ModelChoiceField(
        label=_("Member of the network"),
        required=False,
        queryset=Actor.objects.published().filter(is_umbrella=True),
        to_field_name="slug",
        empty_label=_("Any network"),
        error_messages={"invalid_choice": _("Choose a network from the list.")},
    )
    umbrellas_only = forms.BooleanField(label=_("Umbrella networks only"), required=False)
    incubators_only = forms.BooleanField(label=_("Incubators only"), required=False)


def _https_urls(field, **kwargs):
    # Addresses typed without a scheme are taken as https (Django 6's default already).
    if isinstance(field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return field.formfield(**kwargs)


class ActorForm(forms.ModelForm):
    """An actor's profile as its admins fill it in. The form never saves: the services do
    (a new actor waits for review, a change to a published one is a proposal)."""

    class Meta:
        model = Actor
        fields = [*Actor.PUBLIC_FIELDS, *Actor.PRIVATE_FIELDS]
        formfield_callback = _https_urls
        widgets = {
            "sectors": forms.CheckboxSelectMultiple,
            "address": AddressPickerWidget(),
            "description": forms.Textarea(attrs={"rows": 6}),
        }
        help_texts = {
            "private_email": _("For moderators and the network only; never shown in public."),
            "private_phone": _("For moderators and the network only; never shown in public."),
            "private_contact_name": _("Never shown in public."),
            "latitude": _("Decimal degrees, e.g. 47.2184. Leave empty if unsure."),
            "longitude": _("Decimal degrees, e.g. -1.5536."),
        }

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "actor-%s")
        super().__init__(*args, **kwargs)
        self.fields["sectors"].queryset = Sector.objects.all()
        self.fields["legal_form"].empty_label = _("Choose a legal form")
        self.fields["territory"].empty_label = _("Choose a territory")
        # Optional choices: their empty choice says so, in words, not "---------".
        self.fields["identifier_kind"].choices = [
            ("", _("No identifier")),
            *IdentifierKind.choices,
        ]
        self.fields["size_band"].choices = [("", _("Not given")), *SizeBand.choices]

    def public_values(self):
        return {name: self.cleaned_data.get(name) for name in Actor.PUBLIC_FIELDS}

    def private_values(self):
        return {name: self.cleaned_data.get(name) or "" for name in Actor.PRIVATE_FIELDS}


class NeedOfferForm(forms.ModelForm):
    class Meta:
        model = NeedOffer
        fields = ["kind", "category", "title", "description", "expires_on"]
        widgets = {
            "expires_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "need-%s")
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("Need or offer?")), *NeedOffer.Kind.choices]
        self.fields["category"].choices = [
            ("", _("Choose a category")),
            *NeedOfferCategory.choices,
        ]
        if not self.is_bound:
            self.initial.setdefault("expires_on", timezone.localdate() + dt.timedelta(days=180))


class UmbrellaJoinForm(forms.Form):
    umbrella = forms.ModelChoiceField(
        label=_("Umbrella network to join"),
        queryset=Actor.objects.published().filter(is_umbrella=True),
        to_field_name="slug",
        empty_label=_("Choose a network"),
    )
