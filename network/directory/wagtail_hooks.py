"""The directory in Wagtail's admin: snippets for moderators, the review, and the chooser of
published actors that event pages use for their organiser.

``events.models`` imports this module while models load (for the chooser's widget): whatever
imports ``events`` in turn (``admin_views`` and ``services`` do, through notifications and
calendars) is imported where it is used, not at the top.
"""

from django import forms
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.forms.choosers import BaseFilterForm
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic.chooser import ChooseResultsView, ChooseView, ChosenView
from wagtail.admin.viewsets.chooser import ChooserViewSet
from wagtail.admin.widgets.chooser import BaseChooser
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from website.widgets import place_snippets_on_save

from . import permissions, selectors
from .models import Actor, LegalForm, Sector, Territory


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


# Positions from addresses (issue 20): the snippet views save the form, then the actor is
# placed from its address unless its coordinates were given (services.actor_locate).
def _locate_actor(actor, before):
    from .services import actor_locate  # services import events: loaded when first needed

    return actor_locate(actor=actor, before=before)


place_snippets_on_save(
    Actor,
    locate=_locate_actor,
    unplaced_message=_(
        "No position was found for this address: the actor is not on the maps until it has one."
    ),
)


class NetworkViewSetGroup(SnippetViewSetGroup):
    items = (
        ActorViewSet,
        SectorViewSet,
        TerritoryViewSet,
        LegalFormViewSet,
    )
    menu_icon = "group"
    menu_label = _("Network")
    menu_name = "network"


register_snippet(NetworkViewSetGroup)


@hooks.register("register_admin_urls")
def register_admin_urls():
    from . import admin_views

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

        return permissions.can_moderate(request.user)


@hooks.register("register_admin_menu_item")
def register_review_menu_item():
    return ModeratorMenuItem(
        _("Directory review"), reverse("network_review"), icon_name="tick-inverse", order=250
    )


# The organising actor of an event ------------------------------------------------------
# Editors choose among the published actors only, by searching them: the snippet chooser
# would list every actor, whatever its status, to people who may not see most of them.


class PublishedActorSearchForm(BaseFilterForm):
    """The directory's own word search (``selectors.apply_filters``): names, descriptions,
    towns and languages, each word matching one of them."""

    q = forms.CharField(
        label=_("Search term"),
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("Name, town or keyword")}),
    )

    def filter(self, objects):
        query = self.cleaned_data.get("q", "").strip()
        if query:
            objects = selectors.apply_filters(objects, {"q": query})
            self.is_searching = True
            self.search_query = query
        return objects


class PublishedActorListing:
    """The chooser's list: each actor's name and town, to tell namesakes apart."""

    filter_form_class = PublishedActorSearchForm
    ordering = ("name", "pk")

    @property
    def title_column(self):
        column = super().title_column
        column.label = _("Name")
        return column

    @property
    def columns(self):
        town = Column("territory", label=_("Territory"), accessor=lambda a: a.territory or "")
        return [*super().columns, town]


class PublishedActorChooseView(PublishedActorListing, ChooseView):
    pass


class PublishedActorChooseResultsView(PublishedActorListing, ChooseResultsView):
    pass


class PublishedActorChosenView(ChosenView):
    def get_object(self, pk):
        return Actor.objects.published().get(pk=pk)


class ChooserWithoutEditLink(BaseChooser):
    # Editors may not edit actors: no link to the actor's edit form beside the choice.
    show_edit_link = False


class PublishedActorChooserViewSet(ChooserViewSet):
    """A chooser of published actors, for any admin user (editors have no right on actors).

    Its widget is set on the fields that want it (``EventPage.organiser_actor``), not on
    every foreign key to actors: moderators still choose among all actors elsewhere (a
    potential duplicate, an incubator's programme, a space's owner).
    """

    model = Actor
    icon = "group"
    choose_one_text = _("Choose an actor")
    choose_another_text = _("Choose another actor")
    register_widget = False
    choose_view_class = PublishedActorChooseView
    choose_results_view_class = PublishedActorChooseResultsView
    chosen_view_class = PublishedActorChosenView
    per_page = 20
    base_widget_class = ChooserWithoutEditLink

    def get_object_list(self):
        return Actor.objects.published().select_related("territory")


published_actor_chooser_viewset = PublishedActorChooserViewSet(
    "network_actor_chooser", url_prefix="network/actor-chooser"
)
PublishedActorChooserWidget = published_actor_chooser_viewset.widget_class


@hooks.register("register_admin_viewset")
def register_published_actor_chooser():
    return published_actor_chooser_viewset


# The dashboard: what waits for each role ------------------------------------------------


class ReviewPanel(Component):
    """For moderators: the new actors, potential duplicates and proposed changes that wait
    for them, counted, each linked to its section of the review."""

    name = "network_review"
    template_name = "network/admin/review_panel.html"
    order = 60

    def __init__(self, counts):
        self.counts = counts

    def get_context_data(self, parent_context=None):
        return {
            **self.counts,
            "total": sum(self.counts.values()),
            "review_url": reverse("network_review"),
        }


@hooks.register("construct_homepage_panels")
def add_review_panel(request, panels):

    user = request.user
    if permissions.can_moderate(user):
        panels.append(ReviewPanel(selectors.review_counts()))
