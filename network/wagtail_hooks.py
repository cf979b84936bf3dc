from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from . import admin_views, services
from .models import (
    Actor,
    Call,
    Closure,
    LegalForm,
    OpeningHours,
    Programme,
    Sector,
    Space,
    Territory,
)


class SectorViewSet(SnippetViewSet):
    model = Sector
    icon = "tag"
    list_display = ["name_fr", "name_en", "parent"]
    search_fields = ["name_fr", "name_en"]


class TerritoryViewSet(SnippetViewSet):
    model = Territory
    icon = "site"
    list_display = ["name", "kind", "code", "country"]
    list_filter = ["kind", "country"]
    search_fields = ["name", "code"]


class LegalFormViewSet(SnippetViewSet):
    model = LegalForm
    icon = "doc-full"
    list_display = ["name_fr", "name_en", "country", "sort_order"]
    search_fields = ["name_fr", "name_en"]


class ActorViewSet(SnippetViewSet):
    """Every actor for moderators, whatever its status; approvals go through the review."""

    model = Actor
    icon = "group"
    list_display = ["name", "status", "legal_form", "territory", "is_umbrella", "is_stale"]
    list_filter = ["status", "is_umbrella", "is_incubator", "is_stale", "legal_form"]
    search_fields = ["name", "identifier"]
    list_per_page = 50


# Meeting spaces. Bookings are not editable here: they go through network.booking only.
class SpaceViewSet(SnippetViewSet):
    model = Space
    icon = "home"
    list_display = ["name", "territory", "capacity", "requires_approval", "is_active"]
    list_filter = ["requires_approval", "is_active"]
    search_fields = ["name", "address"]


class OpeningHoursViewSet(SnippetViewSet):
    model = OpeningHours
    icon = "time"
    list_display = ["space", "weekday", "opens", "closes"]
    list_filter = ["space", "weekday"]


class ClosureViewSet(SnippetViewSet):
    model = Closure
    icon = "warning"
    list_display = ["space", "starts_on", "ends_on", "reason"]
    list_filter = ["space"]


# Incubators. Saved here, a call already open is announced by the periodic task within
# minutes (the site's forms announce it at once, through network.incubators).
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


class NetworkViewSetGroup(SnippetViewSetGroup):
    items = (
        ActorViewSet,
        SectorViewSet,
        TerritoryViewSet,
        LegalFormViewSet,
        SpaceViewSet,
        OpeningHoursViewSet,
        ClosureViewSet,
        ProgrammeViewSet,
        CallViewSet,
    )
    menu_icon = "group"
    menu_label = _("Network")
    menu_name = "network"


register_snippet(NetworkViewSetGroup)


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [
        path("directory/review/", admin_views.review, name="network_review"),
        path(
            "directory/actors/<int:pk>/decide/",
            admin_views.actor_decide,
            name="network_actor_decide",
        ),
        path(
            "directory/changes/<int:pk>/decide/",
            admin_views.change_decide,
            name="network_change_decide",
        ),
    ]


class ModeratorMenuItem(MenuItem):
    def is_shown(self, request):
        return services.can_moderate(request.user)


@hooks.register("register_admin_menu_item")
def register_review_menu_item():
    return ModeratorMenuItem(
        _("Directory review"), reverse("network_review"), icon_name="tick-inverse", order=250
    )
