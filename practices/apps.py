from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PracticesConfig(AppConfig):
    """Good practices that member cities and networks share, as Wagtail pages."""

    name = "practices"
    label = "practices"
    verbose_name = _("Good practices")

    def ready(self):
        from . import views  # noqa: F401 - registers what the pages show
