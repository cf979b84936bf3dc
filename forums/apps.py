from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ForumsConfig(AppConfig):
    """Exchange spaces: categories (some private), topics, posts, moderation, notifications."""

    name = "forums"
    verbose_name = _("Forums")

    def ready(self):
        from . import notifications  # noqa: F401 - registers the mail renderers
