import importlib
from pathlib import Path

import pytest

AXE = Path(__file__).parent / "vendor" / "axe.min.js"


def pytest_collection_modifyitems(items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.browser)
    # The CSP sweep runs last (it visits the most pages; what the migrations made is made
    # again before each live-server test, see _what_the_migrations_made).
    csp = [item for item in items if Path(item.fspath).name == "test_csp.py"]
    items[:] = [item for item in items if item not in csp] + csp


@pytest.fixture
def audit(page):
    """Run axe-core (WCAG 2.0/2.1/2.2 A and AA rules) on the open page; return the violations."""

    def run():
        # Evaluated through the DevTools protocol: an added <script> would be an inline
        # script, which the site's Content Security Policy refuses.
        page.evaluate(AXE.read_text())
        result = page.evaluate(
            "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})",
            ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"],
        )
        return [
            f"{v['id']} ({v['impact']}): {v['help']} -> "
            + ", ".join(str(node["target"]) for node in v["nodes"][:5])
            for v in result["violations"]
        ]

    return run


@pytest.fixture(autouse=True)
def _served_on_the_live_server(request, settings):
    """The site's address is the live server's: the links it writes (feeds, mails) lead back
    to it, as BASE_URL does in production."""
    if "live_server" in request.fixturenames:
        settings.BASE_URL = request.getfixturevalue("live_server").url


@pytest.fixture(autouse=True)
def _what_the_migrations_made(request):
    """Each live-server test ends by emptying the database, which takes away what the
    migrations created (legal forms, the moderators' permissions): make it again, as the
    migration does, so a journey never depends on the tests run before it."""
    if "live_server" not in request.fixturenames:
        return
    from django.apps import apps

    migration = importlib.import_module(
        "network.directory.migrations.0003_legal_forms_and_moderators"
    )
    migration.forwards(apps, None)
