from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworkConfig(AppConfig):
    """The SSE network: sectors (filières) and territories now; actors, spaces, incubators later."""

    name = "network"
    verbose_name = _("Network")
