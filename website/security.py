"""Response headers that protect visitors: the Content Security Policy and the Permissions-Policy;
and the storage of files that only views checking access may serve.

The public site gets a strict policy (``CONTENT_SECURITY_POLICY`` in the settings): scripts and
styles only from our own origin, no inline code, no ``style="..."`` attribute; the rare inline
``<script>`` must carry the per-request nonce (``request.csp_nonce``). Wagtail's admin still
writes inline scripts and styles, so paths under ``ESSAIM_ADMIN_CSP_PREFIXES`` get the relaxed
``ESSAIM_ADMIN_CONTENT_SECURITY_POLICY`` instead of none at all.
"""

import http.client
import logging
from urllib.parse import urlsplit

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject, CSPMiddleware, PolicyParts
from csp.utils import build_policy
from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.deconstruct import deconstructible
from django.utils.functional import cached_property

# The policies of the settings alone, built once: most answers (every page-cache hit) use
# nothing else, and building one takes a fifth of what such an answer costs.
_settings_policies = {}
# What a view or decorator can set on a response to change its policy (django-csp).
_RESPONSE_POLICY_ATTRIBUTES = (
    "_csp_config",
    "_csp_update",
    "_csp_replace",
    "_csp_config_ro",
    "_csp_update_ro",
    "_csp_replace_ro",
)


@receiver(setting_changed)
def _forget_settings_policies(setting, **kwargs):
    if setting.startswith("CONTENT_SECURITY_POLICY"):
        _settings_policies.clear()


def settings_policy(report_only=False):
    """The header ``build_policy`` gives for the settings alone (no nonce, no override)."""
    if report_only not in _settings_policies:
        _settings_policies[report_only] = build_policy(report_only=report_only)
    return _settings_policies[report_only]


def tile_server_origin(url_template):
    """The origin of a Leaflet tile URL template, as a CSP source (``{s}`` becomes ``*``).

    ``https://{s}.tile.example.org/{z}/{x}/{y}.png`` gives ``https://*.tile.example.org``;
    an empty template gives ``None``.
    """
    if not url_template:
        return None
    parts = urlsplit(url_template.replace("{s}", "subdomain-placeholder"))
    if not parts.scheme or not parts.hostname:
        return None
    host = parts.netloc.replace("subdomain-placeholder", "*")
    return f"{parts.scheme}://{host}"


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, with its own policy for the Wagtail admin.

    A nonce is only added to the header when a template asked for one. The admin's policy has
    no nonce on purpose: a nonce would make browsers ignore the admin's ``'unsafe-inline'``,
    and Wagtail's previews render public templates (which ask for one) under ``/admin/``.
    """

    def process_response(self, request, response):
        admin = request.path_info.startswith(tuple(settings.ESSAIM_ADMIN_CSP_PREFIXES))
        debug_page = settings.DEBUG and response.status_code in (
            http.client.INTERNAL_SERVER_ERROR,
            http.client.NOT_FOUND,
        )
        if (
            admin
            or debug_page
            or getattr(request, "_csp_nonce", None) is not None
            or any(getattr(response, name, None) for name in _RESPONSE_POLICY_ATTRIBUTES)
        ):
            return super().process_response(request, response)
        # What django-csp does for such an answer, with the policies built once.
        for header, report_only, exempt, setting in (
            (HEADER, False, "_csp_exempt", "CONTENT_SECURITY_POLICY"),
            (HEADER_REPORT_ONLY, True, "_csp_exempt_ro", "CONTENT_SECURITY_POLICY_REPORT_ONLY"),
        ):
            policy = settings_policy(report_only)
            excluded = (getattr(settings, setting, None) or {}).get("EXCLUDE_URL_PREFIXES") or ()
            if (
                policy
                and header not in response
                and not getattr(response, exempt, False)
                and not request.path_info.startswith(tuple(excluded))
            ):
                response[header] = policy
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if not report_only and request.path_info.startswith(
            tuple(settings.ESSAIM_ADMIN_CSP_PREFIXES)
        ):
            return PolicyParts(config=dict(settings.ESSAIM_ADMIN_CONTENT_SECURITY_POLICY))
        return parts


def permissions_policy():
    """The ``Permissions-Policy`` header of ``ESSAIM_PERMISSIONS_POLICY``."""
    features = settings.ESSAIM_PERMISSIONS_POLICY
    return ", ".join(f"{name}=({' '.join(allow)})" for name, allow in features.items())


def protect_standalone_page(response):
    """The headers the middlewares give every page, for a page made before they ran: a
    request refused by an outer middleware (a Host outside ALLOWED_HOSTS refused by the page
    cache) never reaches them. What is already set is kept."""
    if policy := settings_policy():
        response.headers.setdefault(HEADER, policy)
    response.headers.setdefault("X-Frame-Options", settings.X_FRAME_OPTIONS)
    if header := permissions_policy():
        response.headers.setdefault("Permissions-Policy", header)
    return response


class DisallowedHostFilter(logging.Filter):
    """On ``django.security.DisallowedHost``: a Host header outside ALLOWED_HOSTS is the
    client's doing (scanners send them all day), not a fault of the site. Django logs it as an
    error with a traceback; this makes it one warning line, which still names the host for
    whoever has to add it to ALLOWED_HOSTS."""

    def filter(self, record):
        if record.levelno > logging.WARNING:
            record.levelno = logging.WARNING
            record.levelname = logging.getLevelName(logging.WARNING)
        record.exc_info = None
        record.exc_text = None
        record.stack_info = None
        return True


class PermissionsPolicyMiddleware:
    """Adds ``Permissions-Policy`` (``ESSAIM_PERMISSIONS_POLICY``): browser features we never use
    are switched off for our pages and for anything that would embed them."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.header = permissions_policy()

    def __call__(self, request):
        response = self.get_response(request)
        if self.header:
            response.headers.setdefault("Permissions-Policy", self.header)
        return response


@deconstructible(path="website.security.PrivateFileStorage")
class PrivateFileStorage(FileSystemStorage):
    """Files that only a view checking access may serve (forum attachments): STORAGES'
    ``private``, under PRIVATE_MEDIA_ROOT, which is outside MEDIA_ROOT, so that whatever
    serves ``/media/`` (the web server, or Django with SERVE_MEDIA) cannot hand them out.

    They have no address of their own: ``url()`` raises rather than give a ``/media/`` one
    that would only work if someone put the files back there.
    """

    @cached_property
    def base_location(self):
        return self._value_or_setting(self._location, settings.PRIVATE_MEDIA_ROOT)

    def url(self, name):
        raise ValueError(
            f"{name} is private: it has no public address; serve it through a view that "
            "checks who may read it."
        )

    def _clear_cached_properties(self, setting, **kwargs):
        super()._clear_cached_properties(setting, **kwargs)
        if setting == "PRIVATE_MEDIA_ROOT":
            self.__dict__.pop("base_location", None)
            self.__dict__.pop("location", None)
