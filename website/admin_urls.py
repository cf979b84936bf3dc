"""Admin addresses that must keep answering after a model moved to another app."""

from django.urls import re_path
from django.views.generic import RedirectView


def moved_snippets(old_label: str, new_label: str, models: list[str]):
    """A URL pattern sending ``/admin/snippets/<old_label>/<model>/…`` (a moderator's bookmark)
    to the same page under ``new_label``, for each of ``models`` (lowercase names)."""
    return re_path(
        rf"^snippets/{old_label}/(?P<model>{'|'.join(models)})/(?P<rest>.*)$",
        RedirectView.as_view(url=f"/admin/snippets/{new_label}/%(model)s/%(rest)s", permanent=True),
    )
