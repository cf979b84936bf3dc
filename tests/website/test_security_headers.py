"""Security headers: a strict Content Security Policy on the public site, a relaxed one of its
own for Wagtail's admin, framing refused, features switched off; and no template that the
strict policy would break."""

import re
from pathlib import Path

import pytest
from django.test import override_settings

from tests.website.test_settings import PRODUCTION_ENV, run_django
from website.security import tile_server_origin

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


def directives(header):
    """A CSP header as {directive: [sources]}."""
    parsed = {}
    for part in header.split(";"):
        name, *sources = part.split()
        parsed[name] = sources
    return parsed


def test_public_pages_get_the_strict_policy_and_the_other_headers(client, demo):
    response = client.get("/fr/")
    assert response.status_code == 200
    policy = directives(response["Content-Security-Policy"])
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]  # no nonce asked for on this page
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    permissions = response["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()"):
        assert feature in permissions


def test_an_inline_script_runs_only_with_the_fresh_nonce_of_its_response(rf, settings):
    """A template that asks for ``request.csp_nonce`` gets a new nonce in each response's
    header; a page that does not ask gets none (nothing inline may run there)."""
    from django.http import HttpResponse

    from website.security import ContentSecurityPolicyMiddleware

    def with_script(request):
        return HttpResponse(f'<script nonce="{request.csp_nonce}">go()</script>')

    nonces = []
    for _ in range(2):
        request = rf.get("/fr/")
        response = ContentSecurityPolicyMiddleware(with_script)(request)
        nonce = re.search(r'nonce="([^"]+)"', response.content.decode()).group(1)
        policy = directives(response["Content-Security-Policy"])
        assert policy["script-src"] == ["'self'", f"'nonce-{nonce}'"]
        assert policy["style-src"] == ["'self'"]
        nonces.append(nonce)
    assert nonces[0] != nonces[1]
    assert len(nonces[0]) >= 22  # 128 random bits, base64

    plain = ContentSecurityPolicyMiddleware(lambda request: HttpResponse("<p>hi</p>"))
    assert directives(plain(rf.get("/fr/"))["Content-Security-Policy"])["script-src"] == ["'self'"]


def test_the_policy_built_once_is_django_csps_own_and_follows_the_settings(rf, settings):
    """Answers without a nonce or a per-view policy get the settings' policy built once
    (website.security.settings_policy); it is what django-csp builds, and a change of the
    settings is seen at once."""
    from csp.decorators import csp_update
    from csp.utils import build_policy
    from django.http import HttpResponse

    from website.security import ContentSecurityPolicyMiddleware

    middleware = ContentSecurityPolicyMiddleware(lambda request: HttpResponse("<p>hi</p>"))
    assert middleware(rf.get("/fr/"))["Content-Security-Policy"] == build_policy()

    changed = {**settings.CONTENT_SECURITY_POLICY}
    changed["DIRECTIVES"] = {**changed["DIRECTIVES"], "img-src": ["'self'", "https://t.example"]}
    settings.CONTENT_SECURITY_POLICY = changed
    header = middleware(rf.get("/fr/"))["Content-Security-Policy"]
    assert header == build_policy()
    assert "https://t.example" in directives(header)["img-src"]

    # A view's own policy still goes through django-csp.
    updated = ContentSecurityPolicyMiddleware(
        csp_update({"connect-src": ["https://api.example"]})(lambda request: HttpResponse("x"))
    )
    assert "https://api.example" in updated(rf.get("/fr/"))["Content-Security-Policy"]


def test_json_ld_is_a_data_block_without_nonce_so_cached_pages_stay_consistent(client, demo):
    """JSON-LD is not a script (the browser never runs it, and the policy does not apply to
    it: tests/browser/test_csp.py sees no violation). It carries no nonce, since the public
    page cache serves the same HTML to many visitors and a nonce there would be stale."""
    from network.directory import demo as network_demo
    from network.directory.models import Actor

    network_demo.load_vocabularies()
    network_demo.load_directory()
    actor = Actor.objects.filter(status="published").first()
    response = client.get(f"/fr/directory/{actor.slug}/")
    html = response.content.decode()
    assert '<script type="application/ld+json">' in html
    assert "nonce=" not in html
    assert directives(response["Content-Security-Policy"])["script-src"] == ["'self'"]


def test_the_wagtail_admin_gets_its_own_relaxed_policy_without_nonce(client, demo):
    from django.contrib.auth import get_user_model

    admin = get_user_model().objects.get(email="admin@essaim.example")
    client.force_login(admin)
    response = client.get("/admin/")
    assert response.status_code == 200
    header = response["Content-Security-Policy"]
    policy = directives(header)
    assert policy["script-src"] == ["'self'", "'unsafe-inline'"]
    assert policy["style-src"] == ["'self'", "'unsafe-inline'"]
    assert policy["frame-ancestors"] == ["'self'"]  # the editor's preview panel
    assert policy["object-src"] == ["'none'"]
    assert "nonce-" not in header
    # Outside /admin/, the same person gets the strict policy.
    assert "'unsafe-inline'" not in client.get("/fr/")["Content-Security-Policy"]


def test_a_tile_server_is_allowed_for_images_only():
    assert tile_server_origin("") is None
    assert tile_server_origin("/tiles/{z}/{x}/{y}.png") is None
    assert tile_server_origin("https://{s}.tile.example.org/{z}/{x}/{y}.png") == (
        "https://*.tile.example.org"
    )
    assert tile_server_origin("https://tiles.example.org:8443/x/{z}/{x}/{y}.png") == (
        "https://tiles.example.org:8443"
    )


def test_a_configured_tile_server_reaches_the_img_src_of_both_policies():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.CONTENT_SECURITY_POLICY['DIRECTIVES']['img-src'][-1], "
        "s.ESSAIM_ADMIN_CONTENT_SECURITY_POLICY['img-src'][-1], "
        "s.CONTENT_SECURITY_POLICY['DIRECTIVES']['connect-src'])"
    )
    result = run_django(
        "website.settings.dev",
        {"MAP_TILE_URL": "https://{s}.tiles.example.org/{z}/{x}/{y}.png"},
        code,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "https://*.tiles.example.org",
        "https://*.tiles.example.org",
        "[\"'self'\"]",
    ]


def test_production_keeps_the_strict_policy_and_secure_cookies_and_hsts():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "d = s.CONTENT_SECURITY_POLICY['DIRECTIVES']; "
        "print(d['script-src'], d['style-src'], d['frame-ancestors'], s.SESSION_COOKIE_SECURE, "
        "s.CSRF_COOKIE_SECURE, s.LANGUAGE_COOKIE_SECURE, s.SECURE_HSTS_SECONDS, "
        "s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_SSL_REDIRECT, s.X_FRAME_OPTIONS, "
        "s.SECURE_REFERRER_POLICY, 'website.security.ContentSecurityPolicyMiddleware' in "
        "s.MIDDLEWARE, sep='|')"
    )
    result = run_django("website.settings.production", PRODUCTION_ENV, code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().split("|") == [
        "[\"'self'\", csp.constants.NONCE]",
        "[\"'self'\"]",
        "[\"'none'\"]",
        "True",
        "True",
        "True",
        str(365 * 24 * 60 * 60),
        "True",
        "True",
        "DENY",
        "same-origin",
        "True",
    ]


# Templates the strict policy applies to: everything but mail (no CSP in a mailbox) and the
# admin's own templates (the admin has its relaxed policy).
STYLE_ATTRIBUTE = re.compile(r"<[a-zA-Z][^>]*\sstyle\s*=", re.S)
EVENT_HANDLER = re.compile(r"<[a-zA-Z][^>]*\son[a-z]+\s*=", re.S)
SCRIPT_TAG = re.compile(r"<script\b([^>]*)>", re.S)
JAVASCRIPT_URL = re.compile(r"""(href|src|action)\s*=\s*["']\s*javascript:""", re.I)


def public_templates():
    for path in sorted((ROOT / "templates").rglob("*.html")):
        parts = path.relative_to(ROOT / "templates").parts
        if "mail" in parts or "admin" in parts:
            continue
        yield path


def test_no_public_template_has_inline_styles_handlers_or_scripts_without_nonce():
    offences = []
    for path in public_templates():
        text = path.read_text()
        name = path.relative_to(ROOT)
        if STYLE_ATTRIBUTE.search(text):
            offences.append(f'{name}: style="..." attribute')
        if EVENT_HANDLER.search(text):
            offences.append(f"{name}: on...= event handler")
        if JAVASCRIPT_URL.search(text):
            offences.append(f"{name}: javascript: URL")
        if "<style" in text:
            offences.append(f"{name}: <style> element")
        for attributes in SCRIPT_TAG.findall(text):
            data_block = re.search(r'type="application/(ld\+)?json"', attributes)
            if "src=" not in attributes and "csp_nonce" not in attributes and not data_block:
                offences.append(f"{name}: inline <script> without the nonce")
    assert offences == []


@override_settings(DEBUG=False)
def test_error_pages_are_under_the_strict_policy_too(client, demo):
    response = client.get("/fr/nothing-here-at-all/")
    assert response.status_code == 404
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert directives(response["Content-Security-Policy"])["frame-ancestors"] == ["'none'"]
