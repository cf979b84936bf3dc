"""No page breaks under the Content Security Policy: Chromium reports no violation.

Each page is opened with a listener for ``securitypolicyviolation`` events (installed before
any of the page's own code runs) and with the console watched for Chromium's "Refused to ..."
messages. The policy is the real one from the settings (the browser is not told to bypass it);
a first check proves the collector does see a violation when there is one.
"""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.pages import public_paths

pytestmark = pytest.mark.django_db(transaction=True)

COLLECT = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
    window.__cspViolations.push(
        `${event.effectiveDirective} blocked ${event.blockedURI || "inline"} ` +
        `(${event.sourceFile}:${event.lineNumber}) ${event.sample}`
    );
});
"""


@pytest.fixture
def violations(page):
    """The CSP violations seen so far on the current page, from both the DOM event and the
    console, with the address they happened on."""
    console = []
    page.add_init_script(COLLECT)
    page.on(
        "console",
        lambda message: (
            console.append(f"{page.url}: {message.text}")
            if "Content Security Policy" in message.text or message.text.startswith("Refused to")
            else None
        ),
    )

    def collect():
        seen = page.evaluate("window.__cspViolations || []")
        found = [f"{page.url}: {text}" for text in seen] + console[:]
        console.clear()
        return found

    return collect


def visit(page, live_server, path, violations):
    response = page.goto(f"{live_server.url}{path}")
    assert response.status < 400, f"{path} answered {response.status}"
    policy = response.headers.get("content-security-policy", "")
    page.wait_for_load_state("networkidle")
    return policy, violations()


def log_in(page, live_server, email, password):
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/fr/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", password)
    page.locator("main form button[type=submit]").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()


def assert_strict(policy, path):
    assert "script-src 'self'" in policy, f"{path}: {policy!r}"
    assert "style-src 'self'" in policy, f"{path}: {policy!r}"
    assert "unsafe-inline" not in policy, f"{path}: {policy!r}"
    assert "frame-ancestors 'none'" in policy, f"{path}: {policy!r}"


def test_the_collector_sees_a_violation_when_there_is_one(page, live_server, demo, violations):
    policy, found = visit(page, live_server, "/fr/", violations)
    assert_strict(policy, "/fr/")
    assert found == []
    page.evaluate("document.body.setAttribute('style', 'outline: 3px solid red')")
    page.evaluate(
        "() => { const s = document.createElement('script');"
        " s.textContent = 'window.__ran = 1'; document.body.append(s); }"
    )
    page.wait_for_timeout(200)
    found = violations()
    assert any("style-src" in line for line in found), found
    assert any("script-src" in line for line in found), found
    assert page.evaluate("typeof window.__ran") == "undefined"


def test_public_and_member_pages_run_under_the_strict_policy_without_violation(
    page, live_server, whole_demo, violations
):
    from network.directory.models import Membership

    found, policies = [], {}
    for path in public_paths():
        policies[path], seen = visit(page, live_server, path, violations)
        found += seen
    assert found == []
    for path, policy in policies.items():
        assert_strict(policy, path)
    page.goto(f"{live_server.url}{reverse('network:statistics')}")
    page.screenshot(path="/tmp/c-statistics.png", full_page=True)

    # JSON-LD (actor, event and good practice pages) is a data block: present, and it cost
    # no violation above although it has no nonce.
    for path in (public_paths()[10], public_paths()[13], public_paths()[22]):
        page.goto(f"{live_server.url}{path}")
        assert page.locator("script[type='application/ld+json']").count() >= 1, path

    admin_membership = (
        Membership.objects.filter(role=Membership.Role.ADMIN, status="active")
        .select_related("actor", "user")
        .first()
    )
    log_in(page, live_server, admin_membership.user.email, whole_demo.DEMO_PASSWORD)
    slug = admin_membership.actor.slug
    for path in [
        reverse("profile"),
        reverse("account_email"),
        reverse("events:mine"),
        reverse("notifications:preferences"),
        reverse("forums:notifications"),
        reverse("network:mine"),
        reverse("network:create"),
        reverse("network:edit", args=[slug]),
        reverse("network:members", args=[slug]),
        reverse("network:needs_manage", args=[slug]),
        reverse("network:actor", args=[slug]),
        reverse("spaces:my_bookings"),
    ]:
        policy, seen = visit(page, live_server, path, violations)
        assert_strict(policy, path)
        found += seen
    assert found == []


def test_wagtail_admin_works_under_its_own_relaxed_policy_and_the_userbar_under_the_strict_one(
    page, live_server, whole_demo, violations
):
    from website.models import HomePage

    log_in(page, live_server, "admin@essaim.example", whole_demo.DEMO_PASSWORD)
    # The public home page, with Wagtail's userbar for an administrator.
    policy, found = visit(page, live_server, "/fr/", violations)
    assert_strict(policy, "/fr/")
    expect(page.locator("wagtail-userbar")).to_be_attached()
    page.locator("wagtail-userbar").get_by_role("button").first.click()
    page.wait_for_timeout(300)
    found += violations()

    home = HomePage.objects.get(locale__language_code="fr")
    for path in ["/admin/", f"/admin/pages/{home.pk}/", f"/admin/pages/{home.pk}/edit/"]:
        policy, seen = visit(page, live_server, path, violations)
        assert "'unsafe-inline'" in policy and "frame-ancestors 'self'" in policy, policy
        found += seen
    expect(page.locator("form#page-edit-form")).to_be_visible()
    page.screenshot(path="/tmp/c-admin-edit.png")
    assert found == []
