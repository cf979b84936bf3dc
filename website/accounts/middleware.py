import zoneinfo

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _


class TimezoneMiddleware:
    """Show dates in the signed-in person's time zone; visitors see the site's."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.time_zone:
            try:
                timezone.activate(zoneinfo.ZoneInfo(user.time_zone))
            except zoneinfo.ZoneInfoNotFoundError:
                timezone.deactivate()
        else:
            timezone.deactivate()
        return self.get_response(request)


class StaffTwoFactorMiddleware:
    """With ESSAIM_MFA_REQUIRED_FOR_STAFF, the Wagtail admin asks for TOTP to be set up first."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.ESSAIM_MFA_REQUIRED_FOR_STAFF and self._must_set_up(request):
            messages.warning(
                request,
                _("Set up two-factor authentication to use the administration."),
            )
            return redirect("mfa_activate_totp")
        return self.get_response(request)

    @staticmethod
    def _must_set_up(request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return False
        if not request.path.startswith(reverse("wagtailadmin_home")):
            return False
        if not (user.is_superuser or user.has_perm("wagtailadmin.access_admin")):
            return False
        return not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
