"""Secrets in addresses: calendar feed tokens are revocable (regenerating one kills the old
address, the personal feed's and the space feeds' alike) and nobody else's token opens a
feed; unsubscribe and preferences links are signed (an altered or re-purposed link fails)
and revocable (subscribers.subscriber_links_revoke) while links already mailed keep working
for everyone who never revoked."""

from urllib.parse import urlsplit

import pytest
from allauth.account.models import EmailAddress
from django.core import signing

from events.feed_services import calendar_feed_token_regenerate
from events.models import CalendarFeedToken
from network.models import Territory
from tests.network.booking_helpers import make_space
from website.notifications import subscribers
from website.notifications.models import Subscriber

pytestmark = pytest.mark.django_db

PASSWORD = "un-mot-de-passe-solide-2026"


@pytest.fixture
def awa(django_user_model):
    user = django_user_model.objects.create_user(email="awa@coop.example", password=PASSWORD)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


@pytest.fixture
def omar(django_user_model):
    return django_user_model.objects.create_user(email="omar@asso.example", password=PASSWORD)


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


def test_altered_re_purposed_or_home_made_links_fail(client, subscriber):
    other = Subscriber.objects.create(email="other@mail.example", reminder_hours=24)
    token = subscribers.unsubscribe_token(subscriber.email, subscribers.ALL)
    payload_of_other = subscribers.unsubscribe_token(other.email, subscribers.ALL).rsplit(":", 1)[0]
    forged = [
        altered(token),
        # Another address's data under this link's signature.
        payload_of_other + ":" + token.rsplit(":", 1)[1],
        # A preferences link used to unsubscribe (another purpose, another salt).
        subscribers.manage_token(subscriber.email),
        # Data signed with another key.
        signing.dumps(
            {"e": subscriber.email, "s": "all"},
            key="x" * 50,
            salt="essaim.notifications.unsubscribe",
            compress=True,
        ),
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


def test_links_already_mailed_keep_working_until_the_subscriber_revokes_them(client, subscriber):
    # What the site mailed before links could be revoked: no version in the signed data.
    mailed_unsubscribe = signing.dumps(
        {"e": subscriber.email, "s": "reminders"},
        salt="essaim.notifications.unsubscribe",
        compress=True,
    )
    mailed_manage = subscribers.make_token("manage", {"e": subscriber.email})
    # Links of a subscriber who never revoked are the very same strings.
    assert subscribers.unsubscribe_token(subscriber.email, "reminders") == mailed_unsubscribe
    assert subscribers.manage_token(subscriber.email) == mailed_manage
    assert client.get(f"/fr/notifications/preferences/{mailed_manage}/").status_code == 200

    # From the preferences link: stop the links of past mails; the holder goes on with a new one.
    response = client.post(f"/fr/notifications/preferences/{mailed_manage}/", {"revoke_links": "1"})
    assert response.status_code == 302
    subscriber.refresh_from_db()
    assert subscriber.links_version == 1
    fresh_manage = subscribers.manage_token(subscriber.email)
    assert response["Location"] == f"/fr/notifications/preferences/{fresh_manage}/"

    assert client.get(f"/fr/notifications/preferences/{mailed_manage}/").status_code == 404
    assert client.get(f"/fr/notifications/unsubscribe/{mailed_unsubscribe}/").status_code == 404
    assert one_click(client, mailed_unsubscribe).status_code == 404
    subscriber.refresh_from_db()
    assert subscriber.reminder_hours == 24  # the revoked link changed nothing

    # New mails carry links of the new version, and those work.
    links = subscribers.mail_links(subscriber.email, "reminders", "fr")
    assert client.get(urlsplit(links["preferences_url"]).path).status_code == 200
    new_unsubscribe = subscribers.unsubscribe_token(subscriber.email, "reminders")
    assert new_unsubscribe in links["unsubscribe_url"]
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
