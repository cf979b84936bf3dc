from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworkConfig(AppConfig):
    """The SSE network: sectors (filières), territories, legal forms, and the directory of
    actors with their members, umbrella networks, needs and offers, map and open data."""

    name = "network"
    verbose_name = _("Network")
