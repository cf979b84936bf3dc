from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    """People: the custom user model, profiles, allauth glue, account deletion."""

    name = "website.accounts"
    label = "accounts"
    verbose_name = _("Accounts")
