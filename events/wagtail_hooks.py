from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.widgets import Button, ListingButton

from . import admin_views
from .models import EventPage


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [
        path(
            "events/<int:page_id>/registrations/",
            admin_views.event_registrations,
            name="events_registrations",
        )
    ]


def _is_event(page):
    return page.specific_class is EventPage


@hooks.register("register_page_listing_buttons")
def registrations_listing_button(page, user, next_url=None):
    if _is_event(page) and page.permissions_for_user(user).can_edit():
        yield ListingButton(
            _("Registrations"),
            reverse("events_registrations", args=[page.pk]),
            priority=40,
        )


@hooks.register("register_page_header_buttons")
def registrations_header_button(page, user, view_name=None, next_url=None):
    if _is_event(page) and page.permissions_for_user(user).can_edit():
        yield Button(
            _("Registrations"),
            reverse("events_registrations", args=[page.pk]),
            icon_name="group",
            priority=40,
        )


@hooks.register("before_delete_page")
def keep_events_until_people_are_told(request, page):
    """Deleting an event would delete its registrations before their CANCEL has gone out:
    it must be unpublished first (everyone is told at once), then it can go."""
    if not _is_event(page):
        return None
    from django.contrib import messages
    from django.shortcuts import redirect

    from .services import event_deletion_blocker

    reason = event_deletion_blocker(event=page.specific)
    if reason is None:
        return None
    messages.error(request, reason)
    return redirect("wagtailadmin_explore", page.get_parent().pk)


@hooks.register("register_admin_urls")
def register_recurrence_preview_url():
    return [
        path(
            "events/recurrence-preview/",
            admin_views.recurrence_preview,
            name="events_recurrence_preview",
        )
    ]
