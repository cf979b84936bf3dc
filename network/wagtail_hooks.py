from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .models import Sector, Territory


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


class NetworkViewSetGroup(SnippetViewSetGroup):
    items = (SectorViewSet, TerritoryViewSet)
    menu_icon = "group"
    menu_label = _("Network")
    menu_name = "network"


register_snippet(NetworkViewSetGroup)
