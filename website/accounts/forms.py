import zoneinfo

from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.utils.translation import gettext_lazy as _

from .models import User


def grouped_time_zones():
    """Time zones grouped by region (Africa, America, Europe...), for a select with optgroups."""
    groups = {}
    for name in sorted(zoneinfo.available_timezones()):
        region, _sep, place = name.partition("/")
        if not place or region in {"Etc", "SystemV", "US"}:
            continue
        groups.setdefault(region, []).append((name, place.replace("_", " ").replace("/", " / ")))
    return sorted(groups.items())


class ProfileForm(forms.ModelForm):
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=grouped_time_zones)
    preferred_language = forms.ChoiceField(
        label=_("Preferred language"),
        choices=settings.LANGUAGES,
        help_text=_("The language of the site and of the mails we send you."),
    )

    class Meta:
        model = User
        fields = ["display_name", "first_name", "last_name", "preferred_language", "time_zone"]
        widgets = {
            "display_name": forms.TextInput(attrs={"autocomplete": "nickname"}),
            "first_name": forms.TextInput(attrs={"autocomplete": "given-name"}),
            "last_name": forms.TextInput(attrs={"autocomplete": "family-name"}),
        }


class AccountDeletionForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I understand that my account and my personal data will be deleted for good."),
        required=True,
    )


class SignupForm(AllauthSignupForm):
    """allauth's sign-up form (ACCOUNT_FORMS), doing the same work whatever the address.

    With an address that has an account already, allauth creates nothing and mails its owner;
    with a new one it creates the account, and hashing the password (PBKDF2, a million
    rounds) is nearly all the time that takes: the answer came 20 times sooner for a known
    address, which told who has an account here. The password is hashed on both paths, and
    both queue one mail (the owner's warning, or the confirmation).
    """

    def try_save(self, request):
        if self.account_already_exists and (password := self.cleaned_data.get("password1")):
            # What creating the account costs; the hash itself is thrown away.
            make_password(password)
        return super().try_save(request)
