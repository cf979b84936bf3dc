from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.admin.ui.components import Component
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from . import admin_views
from .models import Category, is_moderator


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [
        path("forums/moderation/", admin_views.queue, name="forums_moderation"),
        path("forums/moderation/<int:pk>/decide/", admin_views.decide, name="forums_decide"),
    ]


class ModeratorMenuItem(MenuItem):
    def is_shown(self, request):
        return is_moderator(request.user)


@hooks.register("register_admin_menu_item")
def register_moderation_menu_item():
    return ModeratorMenuItem(
        _("Forum moderation"), reverse("forums_moderation"), icon_name="warning", order=450
    )


class CategoryViewSet(SnippetViewSet):
    model = Category
    icon = "folder-open-inverse"
    menu_label = _("Forum categories")
    add_to_admin_menu = True
    menu_order = 460
    list_display = ["name_fr", "parent", "visibility", "sector", "territory"]
    list_filter = ["visibility"]
    panels = [
        FieldPanel("name_fr"),
        FieldPanel("name_en"),
        FieldPanel("slug"),
        FieldPanel("description_fr"),
        FieldPanel("description_en"),
        FieldPanel("parent"),
        FieldPanel("sector"),
        FieldPanel("territory"),
        MultiFieldPanel(
            [FieldPanel("visibility"), FieldPanel("groups"), FieldPanel("members")],
            heading=_("Who may read and post"),
        ),
        FieldPanel("position"),
    ]


register_snippet(CategoryViewSet)


class ModerationPanel(Component):
    """The dashboard's panel for forum moderators: messages waiting for a decision (held for
    approval or hidden by reports) and published messages that were reported."""

    name = "forums_moderation"
    template_name = "forums/admin/moderation_panel.html"
    order = 80

    def __init__(self, *, waiting, reported):
        self.waiting, self.reported = waiting, reported

    def get_context_data(self, parent_context=None):
        return {
            "waiting": self.waiting,
            "reported": self.reported,
            "queue_url": reverse("forums_moderation"),
        }


@hooks.register("construct_homepage_panels")
def add_moderation_panel(request, panels):
    from . import selectors

    if is_moderator(request.user):
        panels.append(
            ModerationPanel(
                waiting=selectors.moderation_queue().count(),
                reported=selectors.reported_posts().count(),
            )
        )
