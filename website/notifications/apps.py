import importlib
import importlib.util

from django.apps import AppConfig, apps
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    """The platform's one way to tell people things: a durable outbox and its deliveries."""

    name = "website.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self):
        from . import mails  # noqa: F401

        # Each app declares how its notifications read in its own ``notifications.py``.
        for app in apps.get_app_configs():
            module = f"{app.name}.notifications"
            if app.name != self.name and importlib.util.find_spec(module) is not None:
                importlib.import_module(module)
