"""Shared fixtures. Tests that need Chromium or a real Redis skip where those are missing,
except in CI (CI=true), where a missing service fails the run instead: nothing is skipped there."""

import os
import shutil
import socket
from urllib.parse import urlsplit

import pytest
from django.core.cache import cache

# Playwright's sync API runs an event loop in the main thread beside the live server.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}

# The networking domain's apps, whose demos load in this order (spaces and incubators use
# the directory's actors).
NETWORK_APPS = ["network.directory", "network.spaces", "network.incubators"]


def redis_url_for_tests():
    """The Redis that queue tests use: REDIS_URL, else the local default if it answers."""
    return os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/15"


def _redis_answers(url):
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname, parts.port or 6379), timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def pytest_collection_modifyitems(config, items):
    missing = {}
    if not os.path.exists(CHROMIUM):
        missing["browser"] = "Chromium is not installed (apt-get install chromium)"
    if not _redis_answers(redis_url_for_tests()):
        missing["celery_worker"] = f"Redis does not answer at {redis_url_for_tests()}"
    if not shutil.which("xgettext"):
        missing["gettext"] = "GNU gettext is not installed (apt-get install gettext)"
    if not shutil.which("java"):
        missing["html_checker"] = (
            "Java runs the W3C Nu checker (apt-get install default-jre-headless)"
        )
    needed = {marker for marker in missing for item in items if marker in item.keywords}
    if IN_CI and needed:
        raise pytest.UsageError("CI runs every test: " + "; ".join(missing[m] for m in needed))
    for item in items:
        for marker, reason in missing.items():
            if marker in item.keywords:
                item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(autouse=True)
def _clear_cache():
    """Wagtail keeps site data in the cache; allauth counts rate limits there."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _factories_count_from_one():
    """Each test's first actor is "acteur-1", whatever the tests before it made."""
    from tests.factories import reset_sequences

    reset_sequences()


@pytest.fixture
def in_english():
    """Messages asserted in the source language, whatever the catalogues say: a module that
    needs it everywhere says ``pytestmark = pytest.mark.usefixtures("in_english")``."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _language_of_the_site():
    """Each test starts in the site's language: a view run by the test client activates the
    language of its request and leaves it active in this thread."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _mail_through_celery(settings):
    """Django's test set-up swaps EMAIL_BACKEND for locmem; put ours back so every test sends
    mail the way production does: queued after commit, delivered by the task (to locmem here)."""
    settings.EMAIL_BACKEND = "website.mail.CeleryEmailBackend"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture
def site_base(db):
    """What the data migrations create, recreated when a transactional test flushed it."""
    ensure_site_base()


def ensure_site_base():
    """Locales, root page and collection, and groups, as the data migrations make them."""
    from django.contrib.auth.models import Group
    from django.contrib.contenttypes.models import ContentType
    from wagtail.models import Collection, Locale, Page

    for code in ("fr", "en"):
        Locale.objects.get_or_create(language_code=code)
    if not Page.objects.filter(depth=1).exists():
        Page.add_root(
            title="Root",
            slug="root",
            content_type=ContentType.objects.get_for_model(Page),
            locale=Locale.objects.get(language_code="fr"),
        )
    if not Collection.objects.filter(depth=1).exists():
        Collection.add_root(name="Root")
    created = [Group.objects.get_or_create(name=name)[1] for name in ("Editors", "Moderators")]
    if any(created):
        _restore_what_migrations_give_groups()


def _restore_what_migrations_give_groups():
    """After a live-server or transactional test flushed the database: the admin, page, image
    and document permissions and the moderation workflow that Wagtail's and our data
    migrations give editors and moderators (editors submit, moderators publish)."""
    from django.contrib.auth.models import Group, Permission
    from wagtail.models import (
        GroupApprovalTask,
        GroupPagePermission,
        Page,
        Workflow,
        WorkflowPage,
        WorkflowTask,
    )

    # The permissions themselves survive a flush (post_migrate makes them again): give them.
    admin_access = Permission.objects.get(codename="access_admin")
    media = Permission.objects.filter(
        content_type__app_label__in=["wagtailimages", "wagtaildocs"],
        codename__regex=r"^(add|change|delete|choose)_(image|document)$",
    )
    navigation = Permission.objects.filter(
        content_type__app_label="website",
        codename__regex=r"^(add|change|delete|view)_(mainmenu|footertext)$",
    )
    site_settings = Permission.objects.filter(
        content_type__app_label="website", codename__in=["change_sitesettings", "view_sitesettings"]
    )
    root = Page.get_first_root_node()
    editors, moderators = Group.objects.get(name="Editors"), Group.objects.get(name="Moderators")
    editors.permissions.add(admin_access, *media, *navigation)
    moderators.permissions.add(admin_access, *media, *navigation, *site_settings)
    for group, actions in (
        (editors, ("add", "change")),
        (moderators, ("add", "change", "publish")),
    ):
        for action in actions:
            GroupPagePermission.objects.get_or_create(
                group=group,
                page=root,
                permission=Permission.objects.get(
                    codename=f"{action}_page", content_type__app_label="wagtailcore"
                ),
            )
    task = GroupApprovalTask.objects.create(name="Moderators approval")
    task.groups.set([moderators])
    workflow = Workflow.objects.create(name="Moderators approval")
    WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    WorkflowPage.objects.create(workflow=workflow, page=root)


@pytest.fixture
def demo(site_base):
    """The demo content: a network of cities, its pages in French and English, its people."""
    from website import demo as demo_content

    demo_content.load()
    return demo_content


@pytest.fixture
def full_demo(demo):
    """The whole demo, as ``make run`` loads it: the site, then each app's content."""
    demo.load_apps(names=[*NETWORK_APPS, "events"])
    return demo


@pytest.fixture
def whole_demo(full_demo):
    """The demo as `make run` loads it: site, directory, agenda, forums, good practices."""
    from forums import demo as forums_demo
    from practices import demo as practices_demo

    forums_demo.load()
    practices_demo.load()
    return full_demo


# The demo's people, by role (the forums and the directory have moderators of their own).
@pytest.fixture
def editor(demo):
    """The demo's editor, in the Editors group: submits pages for moderation."""
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(email="editrice@essaim.example")


@pytest.fixture
def moderator(demo):
    """The demo's moderator, in the Moderators group: publishes what editors submit."""
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(email="moderateur@essaim.example")


# Events: an agenda under the French home page, and events published in it.
@pytest.fixture
def agenda(demo):
    from tests.factories.events import agenda

    return agenda()


@pytest.fixture
def make_event(agenda):
    """Publish an event in the agenda (``EventPageFactory``); keyword arguments override the
    defaults. ``changes`` takes (original_start, action, new_start, new_end[, note]) tuples."""
    from tests.factories.events import EventPageFactory

    def make(changes=(), publish=True, **fields):
        return EventPageFactory(parent=agenda, changes=changes, publish=publish, **fields)

    return make
