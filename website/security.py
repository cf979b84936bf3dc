"""Response headers that protect visitors: the Content Security Policy and the Permissions-Policy.

The public site gets a strict policy (``CONTENT_SECURITY_POLICY`` in the settings): scripts and
styles only from our own origin, no inline code, no ``style="..."`` attribute; the rare inline
``<script>`` must carry the per-request nonce (``request.csp_nonce``). Wagtail's admin still
writes inline scripts and styles, so paths under ``ESSAIM_ADMIN_CSP_PREFIXES`` get the relaxed
``ESSAIM_ADMIN_CONTENT_SECURITY_POLICY`` instead of none at all.
"""

from urllib.parse import urlsplit

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings


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

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if not report_only and request.path_info.startswith(
            tuple(settings.ESSAIM_ADMIN_CSP_PREFIXES)
        ):
            return PolicyParts(config=dict(settings.ESSAIM_ADMIN_CONTENT_SECURITY_POLICY))
        return parts


class PermissionsPolicyMiddleware:
    """Adds ``Permissions-Policy`` (``ESSAIM_PERMISSIONS_POLICY``): browser features we never use
    are switched off for our pages and for anything that would embed them."""

    def __init__(self, get_response):
        self.get_response = get_response
        features = settings.ESSAIM_PERMISSIONS_POLICY
        self.header = ", ".join(f"{name}=({' '.join(allow)})" for name, allow in features.items())

    def __call__(self, request):
        response = self.get_response(request)
        if self.header:
            response.headers.setdefault("Permissions-Policy", self.header)
        return response
