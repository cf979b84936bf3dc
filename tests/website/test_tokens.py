"""Secrets in addresses: calendar feed tokens are revocable (regenerating one kills the old
address, the personal feed's and the space feeds' alike) and nobody else's token opens a
feed; unsubscribe, preferences and confirmation links are sealed (encrypted and
authenticated: they do not show the address, and an altered or re-purposed link fails) and
revocable (subscribers.subscriber_links_revoke), while the signed links mailed before them
keep working until they expire, for everyone who never revoked."""

import base64
import binascii
import contextlib
import datetime as dt
import re
import zlib
from urllib.parse import urlsplit

import pytest
from django.core import mail, signing
from django.urls import reverse

from events.models import EventKind
from network.directory.models import Territory
from tests.factories.accounts import UserFactory
from tests.network.booking_helpers import make_space
from website.calendars.models import CalendarFeedToken
from website.calendars.services import calendar_feed_token_regenerate
from website.notifications import subscribers
from website.notifications.models import Subscriber

pytestmark = pytest.mark.django_db

PASSWORD = "un-mot-de-passe-solide-2026"


@pytest.fixture
def awa(db):
    return UserFactory(email="awa@coop.example", password=PASSWORD, verified=True)


@pytest.fixture
def omar(db):
    return UserFactory(email="omar@asso.example", password=PASSWORD)


def altered(token):
    """The same token with its last character changed."""
    return token[:-1] + ("A" if token[-1] != "A" else "B")


# Calendar feeds.


def test_regenerating_the_feed_token_revokes_the_old_address_and_the_new_one_works(client, awa):
    old = calendar_feed_token_regenerate(user=awa).token
    assert client.get(f"/fr/events/feed/{old}.ics").status_code == 200
    client.force_login(awa)
    assert client.post("/fr/events/feed/regenerate/", {"next": "/fr/events/mine/"}).status_code == (
        302
    )
    client.logout()
    new = CalendarFeedToken.objects.get(user=awa).token
    assert new != old
    assert client.get(f"/fr/events/feed/{old}.ics").status_code == 404
    response = client.get(f"/fr/events/feed/{new}.ics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")


def test_an_altered_or_unknown_feed_token_opens_nothing(client, awa):
    token = calendar_feed_token_regenerate(user=awa).token
    for wrong in (altered(token), token[:-1], token + "x", "x" * 43, ""):
        assert client.get(f"/fr/events/feed/{wrong}.ics").status_code == 404, wrong


def test_a_space_feed_opens_only_with_a_managers_current_token(client, awa, omar):
    nantes = Territory.objects.create(name="Nantes", slug="nantes", kind="commune", country="FR")
    space = make_space(nantes, manager=awa)
    managers = calendar_feed_token_regenerate(user=awa).token
    foreign = calendar_feed_token_regenerate(user=omar).token  # a real token, not a manager's
    url = f"/fr/directory/spaces/{space.slug}/feed/{{}}.ics"
    assert client.get(url.format(managers)).status_code == 200
    assert client.get(url.format(foreign)).status_code == 404
    assert client.get(url.format(altered(managers))).status_code == 404
    renewed = calendar_feed_token_regenerate(user=awa).token
    assert client.get(url.format(managers)).status_code == 404  # revoked with the personal feed
    assert client.get(url.format(renewed)).status_code == 200


def test_an_inactive_accounts_feed_stops(client, awa):
    token = calendar_feed_token_regenerate(user=awa).token
    awa.is_active = False
    awa.save()
    assert client.get(f"/fr/events/feed/{token}.ics").status_code == 404


# Unsubscribe and preferences links.


@pytest.fixture
def subscriber():
    return Subscriber.objects.create(email="lea@mail.example", reminder_hours=24)


def one_click(client, token):
    return client.post(f"/fr/notifications/unsubscribe/{token}/", {"List-Unsubscribe": "One-Click"})


def test_an_unsubscribe_link_works_without_logging_in(client, subscriber):
    token = subscribers.unsubscribe_token(subscriber.email, subscribers.REMINDERS)
    assert client.get(f"/fr/notifications/unsubscribe/{token}/").status_code == 200
    assert one_click(client, token).status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.reminder_hours == Subscriber.Reminder.NONE


def sealed(token):
    """The bytes of a sealed token ("<nonce>:<sealed>"): nonce (12), ciphertext, tag (16)."""
    return b"".join(base64.urlsafe_b64decode(p + "=" * (-len(p) % 4)) for p in token.split(":"))


def unsealed(raw):
    return ":".join(
        base64.urlsafe_b64encode(part).rstrip(b"=").decode() for part in (raw[:12], raw[12:])
    )


def test_altered_re_purposed_or_home_made_links_fail(client, subscriber, settings):
    other = Subscriber.objects.create(email="other@mail.example", reminder_hours=24)
    token = subscribers.unsubscribe_token(subscriber.email, subscribers.ALL)
    raw, raw_of_other = sealed(token), sealed(subscribers.unsubscribe_token(other.email, "all"))
    settings.SECRET_KEY = "another-key-" + "y" * 50
    sealed_with_another_key = subscribers.unsubscribe_token(subscriber.email, subscribers.ALL)
    settings.SECRET_KEY = "tests-only-" + "x" * 50
    forged = [
        altered(token),
        token[:-1],
        unsealed(raw[:12] + bytes([raw[12] ^ 1]) + raw[13:]),  # one bit of the ciphertext
        # Another address's ciphertext under this link's nonce and tag, and the reverse.
        unsealed(raw[:12] + raw_of_other[12:-16] + raw[-16:]),
        unsealed(raw_of_other[:12] + raw[12:]),
        # A preferences link used to unsubscribe (another purpose).
        subscribers.manage_token(subscriber.email),
        # Sealed with another key.
        sealed_with_another_key,
        # Old-style data signed with another key.
        signing.dumps(
            {"e": subscriber.email, "s": "all"},
            key="x" * 50,
            salt="essaim.notifications.unsubscribe",
            compress=True,
        ),
        "x" * 40,
        "x" * 16 + ":" + "y" * 40,
        token.replace(":", ""),
    ]
    for wrong in forged:
        assert client.get(f"/fr/notifications/unsubscribe/{wrong}/").status_code == 404, wrong
        assert one_click(client, wrong).status_code == 404
    manage = subscribers.manage_token(subscriber.email)
    assert client.get(f"/fr/notifications/preferences/{altered(manage)}/").status_code == 404
    assert client.get(f"/fr/notifications/preferences/{token}/").status_code == 404
    for row in (subscriber, other):
        row.refresh_from_db()
        assert row.reminder_hours == 24  # nothing was applied


def signed_link(purpose, data, *, issued=None):
    """A link as the site signed them before they were sealed (django.core.signing, readable
    base64 JSON), issued now or at ``issued``."""

    class Signer(signing.TimestampSigner):
        def timestamp(self):
            return signing.b62_encode(int((issued or dt.datetime.now(dt.UTC)).timestamp()))

    return Signer(salt=f"essaim.notifications.{purpose}").sign_object(data, compress=True)


def test_links_already_mailed_keep_working_until_the_subscriber_revokes_them(client, subscriber):
    # What the site mailed before links were sealed, and before they could be revoked: signed
    # data without a version.
    mailed_unsubscribe = signed_link("unsubscribe", {"e": subscriber.email, "s": "reminders"})
    mailed_manage = signed_link("manage", {"e": subscriber.email})
    assert ":" in mailed_manage  # the old format, still read
    assert client.get(f"/fr/notifications/preferences/{mailed_manage}/").status_code == 200
    assert client.get(f"/fr/notifications/unsubscribe/{mailed_unsubscribe}/").status_code == 200
    # Sealed links of a subscriber who never revoked work the same way.
    sealed_manage = subscribers.manage_token(subscriber.email)
    sealed_unsubscribe = subscribers.unsubscribe_token(subscriber.email, "reminders")
    assert client.get(f"/fr/notifications/preferences/{sealed_manage}/").status_code == 200

    # From the preferences link: stop the links of past mails; the holder goes on with a new one.
    response = client.post(f"/fr/notifications/preferences/{mailed_manage}/", {"revoke_links": "1"})
    assert response.status_code == 302
    subscriber.refresh_from_db()
    assert subscriber.links_version == 1
    fresh_manage = response["Location"].removeprefix("/fr/notifications/preferences/")[:-1]
    assert subscribers.read_link("manage", fresh_manage) == {"e": subscriber.email, "v": 1}

    assert client.get(f"/fr/notifications/preferences/{mailed_manage}/").status_code == 404
    assert client.get(f"/fr/notifications/unsubscribe/{mailed_unsubscribe}/").status_code == 404
    assert one_click(client, mailed_unsubscribe).status_code == 404
    assert client.get(f"/fr/notifications/preferences/{sealed_manage}/").status_code == 404
    assert one_click(client, sealed_unsubscribe).status_code == 404
    subscriber.refresh_from_db()
    assert subscriber.reminder_hours == 24  # the revoked link changed nothing

    # New mails carry links of the new version, and those work.
    links = subscribers.mail_links(subscriber.email, "reminders", "fr")
    assert client.get(urlsplit(links["preferences_url"]).path).status_code == 200
    new_unsubscribe = urlsplit(links["unsubscribe_url"]).path.rstrip("/").rsplit("/", 1)[1]
    assert subscribers.read_link("unsubscribe", new_unsubscribe)["v"] == 1
    assert one_click(client, new_unsubscribe).status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.reminder_hours == Subscriber.Reminder.NONE


def test_a_signed_in_person_revokes_the_links_of_their_mails(client, awa):
    subscriber = subscribers.subscriber_for_user(awa)
    mailed = subscribers.manage_token(awa.email)
    assert client.get(f"/fr/notifications/preferences/{mailed}/").status_code == 200
    client.force_login(awa)
    response = client.post("/fr/notifications/preferences/", {"revoke_links": "1"})
    assert response.status_code == 302
    assert response["Location"] == "/fr/notifications/preferences/"
    client.logout()
    assert client.get(f"/fr/notifications/preferences/{mailed}/").status_code == 404
    subscriber.refresh_from_db()
    assert subscriber.links_version == 1


# Sealed links: the address cannot be read from a link.

ADDRESS = "lea.dupont@mail-perso.example"


def readable_forms(token):
    """Everything one can read from a token without the key: the token itself, and each of
    its parts decoded from base64, and inflated when it is zlib data."""
    texts = [token]
    for part in {token, *re.split(r"[:.]", token)}:
        try:
            raw = base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
        except (binascii.Error, ValueError):
            continue
        texts.append(raw.decode("latin-1"))
        with contextlib.suppress(zlib.error):
            texts.append(zlib.decompress(raw).decode("latin-1"))
    return "\n".join(texts).lower()


def shows_the_address(token):
    text = readable_forms(token)
    return any(piece in text for piece in (ADDRESS, "lea.dupont", "mail-perso"))


def test_the_checker_reads_the_address_in_a_signed_link():
    """What these tests look for is there in a link signed the old way."""
    assert shows_the_address(signed_link("unsubscribe", {"e": ADDRESS, "s": "all"}))
    assert shows_the_address(signing.dumps({"e": ADDRESS}, salt="x"))


def test_no_mail_link_shows_the_address(client, django_capture_on_commit_callbacks):
    """Unsubscribe, preferences and confirmation links, as mailed (in the body and in the
    List-Unsubscribe header), do not carry the address in a readable form, and they work."""
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("events:subscribe"),
            {"email": ADDRESS, "kinds": [EventKind.WORKSHOP], "frequency": "immediate"},
        )
    assert response.status_code == 200
    (confirmation,) = mail.outbox
    confirm_url = re.search(r"https?://\S*/confirm/(\S+)/", confirmation.body)
    tokens = {"confirm": confirm_url.group(1)}
    subscriber = Subscriber.objects.create(email="autre@mail.example")
    links = subscribers.mail_links(ADDRESS, subscribers.ALL, "fr")
    message = subscribers.add_unsubscribe_headers(mail.EmailMessage(to=[ADDRESS]), links)
    header = message.extra_headers["List-Unsubscribe"].strip("<>")
    tokens["unsubscribe"] = urlsplit(header).path.rstrip("/").rsplit("/", 1)[1]
    tokens["preferences"] = urlsplit(links["preferences_url"]).path.rstrip("/").rsplit("/", 1)[1]
    tokens["manage"] = subscribers.manage_token(ADDRESS)
    for name, token in tokens.items():
        assert not shows_the_address(token), name
        assert re.fullmatch(r"[A-Za-z0-9_-]+:[A-Za-z0-9_-]+", token), name  # nothing to escape

    # They work: confirmed, then unsubscribed in one click (RFC 8058), then managed.
    assert client.post(f"/fr/notifications/confirm/{tokens['confirm']}/").status_code == 302
    subscriber = Subscriber.objects.get(email=ADDRESS)
    assert subscriber.event_subscriptions.count() == 1
    one_click = client.post(urlsplit(header).path, {"List-Unsubscribe": "One-Click"})
    assert one_click.status_code == 200
    assert subscriber.event_subscriptions.count() == 0
    preferences = client.get(urlsplit(links["preferences_url"]).path)
    assert preferences.status_code == 200
    assert ADDRESS in preferences.content.decode()  # shown to the holder of the link


def test_a_sealed_link_does_not_give_away_whether_two_links_are_for_one_address():
    """A fresh nonce each time: two links to one address look unrelated."""
    first = subscribers.unsubscribe_token(ADDRESS, subscribers.ALL)
    second = subscribers.unsubscribe_token(ADDRESS, subscribers.ALL)
    assert first != second
    assert subscribers.read_link("unsubscribe", first) == subscribers.read_link(
        "unsubscribe", second
    )


def test_old_confirmation_links_work_until_they_expire(client):
    """A confirmation link signed the old way, mailed just before the change, confirms; one
    older than CONFIRM_MAX_AGE does not, sealed or signed."""
    data = {"e": ADDRESS, "l": "fr", "a": "events", "t": [["kind", EventKind.WORKSHOP]], "f": None}
    now = dt.datetime.now(dt.UTC)
    fresh = signed_link("confirm", data, issued=now - dt.timedelta(days=6))
    expired = signed_link(
        "confirm", data, issued=now - subscribers.CONFIRM_MAX_AGE - dt.timedelta(minutes=1)
    )
    assert client.get(f"/fr/notifications/confirm/{expired}/").status_code == 400
    assert client.post(f"/fr/notifications/confirm/{expired}/").status_code == 400
    assert not Subscriber.objects.exists()
    assert client.get(f"/fr/notifications/confirm/{fresh}/").status_code == 200
    assert client.post(f"/fr/notifications/confirm/{fresh}/").status_code == 302
    assert Subscriber.objects.get(email=ADDRESS).event_subscriptions.count() == 1


def test_a_sealed_confirmation_link_expires_too():
    token = subscribers.make_token(
        "confirm", {"e": ADDRESS, "l": "fr", "a": "events", "t": [], "f": None}
    )
    max_age = subscribers.CONFIRM_MAX_AGE
    soon = dt.datetime.now(dt.UTC) + max_age - dt.timedelta(minutes=1)
    later = dt.datetime.now(dt.UTC) + max_age + dt.timedelta(minutes=1)
    assert subscribers.read_token("confirm", token, max_age=max_age, now=soon)["e"] == ADDRESS
    assert subscribers.read_token("confirm", token, max_age=max_age, now=later) is None
    assert subscribers.read_token("confirm", token, now=later)["e"] == ADDRESS  # no max_age


def test_links_sealed_before_a_key_rotation_keep_working(client, settings):
    """SECRET_KEY_FALLBACKS, as for every signed value of Django."""
    subscriber = Subscriber.objects.create(email=ADDRESS, reminder_hours=24)
    old_key = settings.SECRET_KEY
    token = subscribers.unsubscribe_token(ADDRESS, subscribers.REMINDERS)
    settings.SECRET_KEY = "the-new-key-" + "z" * 50
    settings.SECRET_KEY_FALLBACKS = [old_key]
    assert client.post(
        f"/fr/notifications/unsubscribe/{token}/", {"List-Unsubscribe": "One-Click"}
    ).status_code == (200)
    subscriber.refresh_from_db()
    assert subscriber.reminder_hours == Subscriber.Reminder.NONE
    settings.SECRET_KEY_FALLBACKS = []
    assert client.get(f"/fr/notifications/unsubscribe/{token}/").status_code == 404
