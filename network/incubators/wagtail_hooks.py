"""Incubators' programmes and calls in Wagtail's admin."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from website.admin_urls import moved_snippets

from .models import Call, Programme


# Incubators. Saved here, a call already open is announced by the periodic task within
# minutes (the site's forms announce it at once, through network.incubators.services).
class ProgrammeViewSet(SnippetViewSet):
    model = Programme
    icon = "pick"
    list_display = ["name", "actor", "territory", "is_active"]
    list_filter = ["is_active", "offers_funding", "offers_hosting"]
    search_fields = ["name"]


class CallViewSet(SnippetViewSet):
    model = Call
    icon = "date"
    list_display = ["title", "programme", "cadence", "opens_at", "closes_at"]
    list_filter = ["cadence"]
    search_fields = ["title"]


class IncubatorsViewSetGroup(SnippetViewSetGroup):
    items = (ProgrammeViewSet, CallViewSet)
    menu_icon = "pick"
    menu_label = _("Incubators")
    menu_name = "incubators"


register_snippet(IncubatorsViewSetGroup)


@hooks.register("register_admin_urls")
def redirect_former_addresses():
    """The snippets lived under ``network`` before the app had its own (bookmarks keep working)."""
    return [moved_snippets("network", "incubators", ["programme", "call"])]
