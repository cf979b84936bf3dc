"""Meeting spaces in Wagtail's admin: snippets for their hours and closures, and the
dashboard panel of the requests waiting for each manager."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.components import Component
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from website.admin_urls import moved_snippets
from website.widgets import place_snippets_on_save

from . import selectors
from .models import Closure, OpeningHours, Space


# Meeting spaces. Bookings are not editable here: they go through network.spaces.services only.
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


class SpacesViewSetGroup(SnippetViewSetGroup):
    items = (SpaceViewSet, OpeningHoursViewSet, ClosureViewSet)
    menu_icon = "home"
    menu_label = _("Meeting spaces")
    menu_name = "spaces"


register_snippet(SpacesViewSetGroup)


class BookingRequestsPanel(Component):
    """For the managers of meeting spaces: the requests waiting for their decision, by space."""

    name = "network_booking_requests"
    template_name = "network/admin/booking_requests_panel.html"
    order = 70

    def __init__(self, spaces):
        self.spaces = spaces

    def get_context_data(self, parent_context=None):
        return {
            "spaces": self.spaces,
            "total": sum(space["count"] for space in self.spaces),
            "manage_url": reverse("spaces:spaces_manage"),
        }


@hooks.register("construct_homepage_panels")
def add_booking_requests_panel(request, panels):
    user = request.user
    if user.is_superuser or user.managed_spaces.exists():
        panels.append(BookingRequestsPanel(selectors.bookings_to_decide(user=user)))


# Positions from addresses (issue 20): the snippet views save the form, then the space is
# placed from its address unless its coordinates were given (network.spaces.services).
def _locate_space(space, before):
    from .services import space_locate

    return space_locate(space=space, before=before)


place_snippets_on_save(
    Space,
    locate=_locate_space,
    unplaced_message=_(
        "No position was found for this address: the space is not on the maps until it has one."
    ),
)


@hooks.register("register_admin_urls")
def redirect_former_addresses():
    """The snippets lived under ``network`` before the app had its own (bookmarks keep working)."""
    return [moved_snippets("network", "spaces", ["space", "openinghours", "closure"])]
