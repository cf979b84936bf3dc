from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import admin_views


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [
        path("deliveries/", admin_views.deliveries, name="notifications_deliveries"),
        path("deliveries/<int:pk>/retry/", admin_views.retry, name="notifications_retry"),
    ]


class SuperuserMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.is_superuser


@hooks.register("register_reports_menu_item")
def register_deliveries_menu_item():
    return SuperuserMenuItem(
        _("Mail deliveries"), reverse("notifications_deliveries"), icon_name="mail", order=900
    )
