"""The access matrix: every URL of the site, and the status each role gets.

The URL configuration is walked recursively (i18n patterns, the ninja API, each app's URLs);
Wagtail's admin counts as one entry, its root. Every route name must have a row in MATRIX,
so a new URL cannot escape: ``test_every_route_has_a_row`` fails with its name.

Each row gives the sample arguments of the route (looked up in a small world built from the
demo) and the status expected for each role, in the order of ROLES. GET unless the row says
POST: routes that only accept POST are posted to (with no data), since that is where their
permission check is. Each request runs in a transaction that is rolled back, so no row sees
what another row changed. A redirect to log in is written LOGIN (302 to the login page); any
other redirect is 302.
"""

import dataclasses
import datetime as dt
import uuid
from collections.abc import Callable

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone, translation

from tests import conftest

pytestmark = pytest.mark.django_db

ROLES = (
    "anonymous",
    "member",
    "actor_admin",
    "space_manager",
    "moderator",
    "editor",
    "administrator",
)
LOGIN = "login"  # 302 to the log-in page
REAUTH = "reauth"  # 302 to allauth's "enter your password again"
ADMIN_ROOT = "admin/ (Wagtail admin)"


def routes():
    """Every route of the URL configuration: namespaced name (or pattern when unnamed)."""
    found = []

    def walk(patterns, prefix, namespace):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                pattern = prefix + str(entry.pattern)
                if pattern == "admin/":
                    found.append(ADMIN_ROOT)  # Wagtail's own admin: one entry
                    continue
                ns = ":".join(n for n in (namespace, entry.namespace) if n)
                walk(entry.url_patterns, pattern, ns)
            elif isinstance(entry, URLPattern):
                if entry.name:
                    found.append(f"{namespace}:{entry.name}" if namespace else entry.name)
                else:
                    found.append(prefix + str(entry.pattern))

    walk(get_resolver().url_patterns, "", "")
    return found


@dataclasses.dataclass
class Row:
    expect: tuple  # one status per role, in the order of ROLES
    kwargs: Callable = lambda w: {}  # noqa: E731
    method: str = "get"
    query: str = ""
    path: Callable | None = None  # a literal path, for routes reverse() cannot build
    data: dict = dataclasses.field(default_factory=dict)  # what a POST sends


def each(status):
    return (status,) * len(ROLES)


def signed_in(status):
    """Visitors are sent to log in; everybody signed in gets ``status``."""
    return (LOGIN,) + (status,) * (len(ROLES) - 1)


def roles(anonymous, member, actor_admin, space_manager, moderator, editor, administrator):
    return (anonymous, member, actor_admin, space_manager, moderator, editor, administrator)


MATRIX = {
    # --- outside the language prefix -------------------------------------------------------
    "wagtailadmin_login": Row(each(LOGIN)),  # always to the site's own login page
    ADMIN_ROOT: Row(roles(LOGIN, LOGIN, LOGIN, LOGIN, 200, 200, 200), path=lambda w: "/admin/"),
    "wagtaildocs_serve": Row(
        each(200), path=lambda w: f"/documents/{w.document.pk}/{w.document.filename}"
    ),
    "wagtaildocs_authenticate_with_password": Row(
        each(404), kwargs=lambda w: {"restriction_id": 999999}
    ),
    "sitemap": Row(each(200)),
    "robots_txt": Row(each(200)),
    "health": Row(each(200)),
    # The address field's look-ups: JSON, so a visitor gets 403, not a redirect to log in.
    "geocode": Row(roles(403, 200, 200, 200, 200, 200, 200), query="?q=Nantes"),
    # --- the API: public, read-only ---------------------------------------------------------
    "api:api-root": Row(each(404)),  # docs are switched off
    "api:openapi-json": Row(each(200)),
    "api:list_occurrences": Row(each(200)),
    "api:get_event": Row(each(200), kwargs=lambda w: {"uid": w.event_uid}),
    "api:list_actors": Row(each(200)),
    "api:get_actor": Row(each(200), kwargs=lambda w: {"slug": w.actor.slug}),
    "api:list_spaces": Row(each(200)),
    "api:get_space": Row(each(200), kwargs=lambda w: {"slug": w.space.slug}),
    "api:space_availability": Row(
        each(200), kwargs=lambda w: {"slug": w.space.slug}, query="?date=" + "2027-03-10"
    ),
    "api:list_calls": Row(each(200)),
    "api:list_programmes": Row(each(200)),
    # --- accounts (ours, then allauth and allauth.mfa) -------------------------------------
    "profile": Row(signed_in(200)),
    "account_delete": Row(signed_in(REAUTH)),
    "account_data_export": Row(signed_in(REAUTH)),
    "account_login": Row(roles(200, 302, 302, 302, 302, 302, 302)),
    "account_logout": Row(roles(302, 200, 200, 200, 200, 200, 200)),
    "account_inactive": Row(each(200)),
    "account_signup": Row(roles(200, 302, 302, 302, 302, 302, 302)),
    "account_reauthenticate": Row(signed_in(200)),
    "account_email": Row(signed_in(200)),
    "account_email_verification_sent": Row(each(200)),
    "account_change_password": Row(signed_in(200)),
    "account_set_password": Row(signed_in(302)),  # they have a password: to "change" instead
    "account_reset_password": Row(each(200)),
    "account_confirm_login_code": Row(roles(LOGIN, 302, 302, 302, 302, 302, 302)),
    "account_confirm_email": Row(each(200), kwargs=lambda w: {"key": "not-a-real-key"}),
    "account_reset_password_from_key_done": Row(each(200)),
    "account_reset_password_from_key": Row(
        each(200), kwargs=lambda w: {"uidb36": "zz", "key": "not-a-real-key"}
    ),
    "account_reset_password_done": Row(each(200)),
    "mfa_index": Row(signed_in(200)),
    "mfa_authenticate": Row(roles(LOGIN, 302, 302, 302, 302, 302, 302)),
    "mfa_reauthenticate": Row(signed_in(REAUTH)),  # no authenticator: the password instead
    "mfa_activate_totp": Row(signed_in(REAUTH)),
    "mfa_deactivate_totp": Row(signed_in(404)),  # nobody here has TOTP on
    "mfa_view_recovery_codes": Row(signed_in(404)),
    "mfa_generate_recovery_codes": Row(signed_in(REAUTH)),
    "mfa_download_recovery_codes": Row(signed_in(404)),
    # --- site search, Wagtail pages ----------------------------------------------------------
    "search": Row(each(200), query="?q=r%C3%A9seau"),
    "wagtail_serve": Row(each(200), path=lambda w: "/fr/"),
    "wagtailcore_authenticate_with_password": Row(
        each(404), kwargs=lambda w: {"page_view_restriction_id": 999999, "page_id": w.home.pk}
    ),
    "wagtailcore_login": Row(each(200)),  # the form for pages private to signed-in people
    # --- events --------------------------------------------------------------------------------
    "events:register": Row(
        signed_in(302), method="post", kwargs=lambda w: {"occurrence_id": w.occurrence.pk}
    ),
    "events:cancel": Row(
        roles(LOGIN, 302, 404, 404, 404, 404, 404),  # only the person registered
        method="post",
        kwargs=lambda w: {"token": w.registration.token},
    ),
    "events:registration": Row(
        roles(LOGIN, 200, 404, 404, 404, 404, 404), kwargs=lambda w: {"token": w.registration.token}
    ),
    # A confirmed seat's own date as a calendar file: for its holder only.
    "events:registration_ics": Row(
        roles(LOGIN, 200, 404, 404, 404, 404, 404), kwargs=lambda w: {"token": w.registration.token}
    ),
    "events:mine": Row(signed_in(200)),
    "events:subscribe": Row(each(200)),
    "events:subscription_remove": Row(
        roles(404, 302, 404, 404, 404, 404, 404),  # only its subscriber
        method="post",
        kwargs=lambda w: {"pk": w.event_subscription.pk},
    ),
    # A followed sector: only its follower stops it (the directory keeps follows, issue 19).
    "network:follow_remove": Row(
        roles(404, 302, 404, 404, 404, 404, 404),
        method="post",
        kwargs=lambda w: {"pk": w.follow.pk},
    ),
    "events:event_ics": Row(each(200), kwargs=lambda w: {"uid": w.event_uid}),
    "events:feed": Row(each(200)),
    "calendars:feed_regenerate": Row(signed_in(302), method="post"),
    "calendars:personal_feed": Row(each(200), kwargs=lambda w: {"token": w.feed_token}),
    # --- the directory -------------------------------------------------------------------------
    "network:directory": Row(each(200)),
    "network:map": Row(each(200)),
    "network:map_data": Row(each(200)),
    "network:create": Row(signed_in(200)),
    "network:mine": Row(signed_in(200)),
    "network:needs_offers": Row(each(200)),
    "network:statistics": Row(each(200)),
    "network:open_data": Row(each(200)),
    "network:export_geojson": Row(each(200)),
    "network:export_csv": Row(each(200)),
    "network:export_json": Row(each(200)),
    "network:confirm": Row(each(200), kwargs=lambda w: {"token": w.actor_confirm_token}),
    "network:membership_decide": Row(
        roles(LOGIN, 403, 302, 403, 302, 403, 302),
        method="post",
        kwargs=lambda w: {"pk": w.pending_membership.pk},
    ),
    "network:umbrella_decide": Row(
        roles(LOGIN, 403, 403, 403, 302, 403, 302),
        method="post",
        kwargs=lambda w: {"pk": w.umbrella_request.pk},
    ),
    "network:need_delete": Row(
        roles(LOGIN, 403, 302, 403, 302, 403, 302),
        method="post",
        kwargs=lambda w: {"pk": w.need.pk},
    ),
    "network:actor": Row(each(200), kwargs=lambda w: {"slug": w.actor.slug}),
    "network:edit": Row(
        roles(LOGIN, 403, 200, 403, 200, 403, 200), kwargs=lambda w: {"slug": w.actor.slug}
    ),
    "network:join": Row(signed_in(302), method="post", kwargs=lambda w: {"slug": w.actor.slug}),
    "network:members": Row(
        roles(LOGIN, 403, 200, 403, 200, 403, 200), kwargs=lambda w: {"slug": w.actor.slug}
    ),
    "network:umbrella_join": Row(
        roles(LOGIN, 403, 302, 403, 302, 403, 302),
        method="post",
        kwargs=lambda w: {"slug": w.actor.slug},
    ),
    "network:needs_manage": Row(
        roles(LOGIN, 403, 200, 403, 200, 403, 200), kwargs=lambda w: {"slug": w.actor.slug}
    ),
    # --- spaces and bookings (issue of the spaces helper) --------------------------------------
    "spaces:spaces": Row(each(200)),
    "spaces:my_bookings": Row(signed_in(200)),
    "spaces:booking": Row(
        roles(LOGIN, 404, 404, 200, 404, 404, 200), kwargs=lambda w: {"pk": w.booking.pk}
    ),
    "spaces:booking_cancel": Row(
        roles(LOGIN, 404, 404, 302, 404, 404, 302),
        method="post",
        kwargs=lambda w: {"pk": w.booking.pk},
    ),
    "spaces:booking_decide": Row(
        roles(LOGIN, 404, 404, 302, 404, 404, 302),  # others do not learn it exists
        method="post",
        kwargs=lambda w: {"pk": w.booking.pk},
    ),
    "spaces:spaces_manage": Row(roles(LOGIN, 403, 403, 200, 403, 403, 200)),
    "spaces:spaces_usage": Row(roles(LOGIN, 403, 403, 200, 403, 403, 200)),
    "spaces:space": Row(each(200), kwargs=lambda w: {"slug": w.space.slug}),
    "spaces:space_book": Row(signed_in(200), kwargs=lambda w: {"slug": w.space.slug}),
    "spaces:space_feed": Row(
        each(200), kwargs=lambda w: {"slug": w.space.slug, "token": w.space_feed_token}
    ),
    # --- programmes and calls (issue of the incubators helper) ---------------------------------
    "incubators:programmes": Row(each(200)),
    "incubators:calls_feed": Row(each(200)),
    "incubators:call_alerts": Row(roles(404, 302, 302, 302, 302, 302, 302), method="post"),
    "incubators:programmes_manage": Row(
        roles(LOGIN, 403, 200, 403, 200, 403, 200), kwargs=lambda w: {"slug": w.actor.slug}
    ),
    "incubators:programme_create": Row(
        roles(LOGIN, 403, 200, 403, 200, 403, 200), kwargs=lambda w: {"slug": w.actor.slug}
    ),
    "incubators:programme": Row(each(200), kwargs=lambda w: {"slug": w.programme.slug}),
    "incubators:programme_edit": Row(
        roles(LOGIN, 403, 200, 403, 200, 403, 200), kwargs=lambda w: {"slug": w.programme.slug}
    ),
    "incubators:call_create": Row(
        roles(LOGIN, 403, 200, 403, 200, 403, 200), kwargs=lambda w: {"slug": w.programme.slug}
    ),
    "incubators:call": Row(each(200), kwargs=lambda w: {"slug": w.programme.slug, "pk": w.call.pk}),
    "incubators:call_edit": Row(
        roles(LOGIN, 403, 200, 403, 200, 403, 200),
        kwargs=lambda w: {"slug": w.programme.slug, "pk": w.call.pk},
    ),
    # --- forums ----------------------------------------------------------------------------------
    "forums:index": Row(each(200)),
    "forums:search": Row(each(200), query="?q=compost"),
    "forums:notifications": Row(signed_in(200)),
    # Signed in, or with the preferences link's token: without either, nothing to change.
    "forums:mail_preference": Row(roles(404, 302, 302, 302, 302, 302, 302), method="post"),
    "forums:feed": Row(each(200)),
    "forums:category": Row(each(200), kwargs=lambda w: {"slug": w.category.slug}),
    "forums:topic_new": Row(signed_in(200), kwargs=lambda w: {"slug": w.category.slug}),
    "forums:follow_category": Row(
        signed_in(302), method="post", kwargs=lambda w: {"slug": w.category.slug}
    ),
    "forums:category_feed": Row(each(200), kwargs=lambda w: {"slug": w.category.slug}),
    "forums:topic": Row(each(200), kwargs=lambda w: {"pk": w.topic.pk}),
    "forums:reply": Row(signed_in(200), kwargs=lambda w: {"pk": w.topic.pk}),
    "forums:topic_close": Row(
        roles(LOGIN, 200, 403, 403, 200, 403, 200), kwargs=lambda w: {"pk": w.topic.pk}
    ),
    "forums:topic_moderate": Row(
        roles(LOGIN, 403, 403, 403, 302, 403, 302),
        method="post",
        data={"action": "pin"},
        kwargs=lambda w: {"pk": w.topic.pk},
    ),
    "forums:follow_topic": Row(signed_in(302), method="post", kwargs=lambda w: {"pk": w.topic.pk}),
    "forums:post": Row(each(302), kwargs=lambda w: {"pk": w.post.pk}),
    "forums:post_edit": Row(
        roles(LOGIN, 200, 403, 403, 200, 403, 200), kwargs=lambda w: {"pk": w.post.pk}
    ),
    "forums:post_history": Row(each(200), kwargs=lambda w: {"pk": w.post.pk}),
    "forums:post_report": Row(signed_in(200), kwargs=lambda w: {"pk": w.post.pk}),
    "forums:attachment": Row(each(404), kwargs=lambda w: {"pk": 999999, "name": "nothing.pdf"}),
    # --- mail preferences (signed links work without an account) -------------------------------
    "notifications:unsubscribe": Row(each(200), kwargs=lambda w: {"token": w.unsubscribe_token}),
    "notifications:confirm": Row(each(400), kwargs=lambda w: {"token": "forged-token"}),
    "notifications:preferences": Row(signed_in(200)),
    "notifications:preferences_token": Row(each(200), kwargs=lambda w: {"token": w.manage_token}),
}


# --- the world ----------------------------------------------------------------------------


def _person(email, *, groups=(), superuser=False):
    User = get_user_model()
    if superuser:
        user = User.objects.create_superuser(email=email, password="pw-matrix-2026")
    else:
        user = User.objects.create_user(email=email, password="pw-matrix-2026")
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    for name in groups:
        user.groups.add(Group.objects.get_or_create(name=name)[0])
    return user


@pytest.fixture
def world(demo, settings):
    """One person per role, and one object of each kind the routes take, from the demo."""
    from django.core.files.base import ContentFile
    from wagtail.documents.models import Document

    from events.models import EventPage, Occurrence
    from events.models import Subscription as EventSubscription
    from events.services import registration_create
    from forums import demo as forums_demo
    from forums import services as forum_services
    from forums.models import Category
    from network.directory import demo as network_demo
    from network.directory.models import (
        Actor,
        Follow,
        Membership,
        NeedOffer,
        Sector,
        UmbrellaMembership,
    )
    from network.directory.tokens import confirmation_token
    from network.incubators.models import Programme
    from network.spaces.models import Booking
    from website import demo as site_demo
    from website.calendars.models import CalendarFeedToken
    from website.models import HomePage
    from website.notifications.subscribers import (
        manage_token,
        subscriber_for_user,
        unsubscribe_token,
    )

    settings.FORUMS_APPROVAL_FIRST_POSTS = 0  # the member's topic is published at once
    site_demo.load_apps(names=[*conftest.NETWORK_APPS, "events"])
    network_demo._grant_moderators()
    forums_demo.load()

    w = dataclasses.make_dataclass("World", [])()
    people = {
        "member": _person("matrix-member@example.org"),
        "actor_admin": _person("matrix-actor-admin@example.org"),
        "space_manager": _person("matrix-space-manager@example.org"),
        "moderator": _person("matrix-moderator@example.org", groups=["Moderators"]),
        "editor": _person("matrix-editor@example.org", groups=["Editors"]),
        "administrator": _person("matrix-admin@example.org", superuser=True),
    }
    w.people = people
    w.home = HomePage.objects.get(locale__language_code="fr")

    # An incubator, so that its admins also manage programmes; its admin is our actor admin.
    w.programme = Programme.objects.select_related("actor").order_by("pk").first()
    w.call = w.programme.calls.order_by("pk").first()
    w.actor = w.programme.actor
    Membership.objects.create(
        actor=w.actor, user=people["actor_admin"], role=Membership.Role.ADMIN, status="active"
    )
    w.pending_membership = Membership.objects.create(
        actor=w.actor, user=_person("matrix-applicant@example.org"), status="pending"
    )
    umbrella = Actor.objects.filter(is_umbrella=True).exclude(pk=w.actor.pk).first()
    w.umbrella_request = UmbrellaMembership.objects.filter(status="pending").first()
    if w.umbrella_request is None:
        w.umbrella_request = UmbrellaMembership.objects.create(
            umbrella=umbrella, member=w.actor, status="pending"
        )
    w.need = NeedOffer.objects.create(
        actor=w.actor,
        kind="need",
        category="premises",
        title="Un local",
        expires_on=timezone.localdate() + dt.timedelta(days=30),
    )
    w.actor_confirm_token = confirmation_token(w.actor)

    w.booking = Booking.objects.select_related("space").order_by("pk").first()
    w.space = w.booking.space
    w.space.managers.add(people["space_manager"])
    w.space_feed_token = CalendarFeedToken.objects.create(
        user=people["space_manager"], token=uuid.uuid4().hex
    ).token

    event = EventPage.objects.live().filter(locale__language_code="fr", capacity__gt=0).first()
    w.event_uid = event.translation_key
    w.occurrence = Occurrence.objects.filter(event=event).order_by("start").last()
    w.registration = registration_create(occurrence=w.occurrence, user=people["member"])
    w.feed_token = CalendarFeedToken.objects.create(
        user=people["member"], token=uuid.uuid4().hex
    ).token
    subscriber = subscriber_for_user(people["member"])
    w.event_subscription = EventSubscription.objects.create(
        subscriber=subscriber, target="kind", kind=event.kind
    )
    w.follow = Follow.objects.create(
        subscriber=subscriber, target="sector", sector=Sector.objects.order_by("pk").first()
    )
    w.unsubscribe_token = unsubscribe_token(subscriber.email, "all")
    w.manage_token = manage_token(subscriber.email)

    w.category = Category.objects.filter(visibility="public", parent=None).order_by("pk").first()
    w.topic = forum_services.topic_create(
        category=w.category,
        user=people["member"],
        title="Matrice d'accès",
        source="Un message du membre, qu'il peut modifier.",
    )
    w.post = w.topic.posts.get()
    w.document = Document.objects.order_by("pk").first() or Document.objects.create(
        title="Charte du réseau", file=ContentFile(b"Charte du reseau.\n", name="charte.txt")
    )
    return w


def url_of(name, row, w):
    if row.path is not None:
        return row.path(w) + row.query
    with translation.override("fr"):
        return reverse(name, kwargs=row.kwargs(w)) + row.query


def outcome(response):
    if response.status_code == 302:
        location = response["Location"]
        if "/accounts/login/" in location:
            return LOGIN
        if "/accounts/reauthenticate/" in location:
            return REAUTH
    return response.status_code


def test_every_route_has_a_row():
    missing = sorted(set(routes()) - set(MATRIX))
    assert missing == [], f"routes without a row in the access matrix: {missing}"
    stale = sorted(set(MATRIX) - set(routes()))
    assert stale == [], f"rows for routes that no longer exist: {stale}"


def test_each_role_gets_the_expected_status_on_every_route(world):
    # A server error is a status like another: recorded, not raised.
    clients = {"anonymous": Client(raise_request_exception=False)}
    for role, user in world.people.items():
        clients[role] = Client(raise_request_exception=False)
        clients[role].force_login(user)

    mismatches = []
    for name in sorted(set(routes()) & set(MATRIX)):
        row = MATRIX[name]
        url = url_of(name, row, world)
        cache.clear()  # rate limits count in the cache: each route starts afresh
        for role, expected in zip(ROLES, row.expect, strict=True):
            with transaction.atomic():
                if row.method == "post":
                    response = clients[role].post(url, row.data)
                else:
                    response = clients[role].get(url)
                transaction.set_rollback(True)
            got = outcome(response)
            if got != expected:
                mismatches.append(
                    f"{name} {row.method.upper()} {url} as {role}: {got} != {expected}"
                )
    assert mismatches == [], "\n".join(mismatches)
