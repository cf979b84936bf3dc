"""allauth's rate limits, as written out in ACCOUNT_RATE_LIMITS (website/settings/base.py):
the attempt past each limit is refused with the translated 429 page and ``Retry-After``
(failed logins: with a form error), and what the limit does not cover (another address,
another account) goes on. The counts come from the setting, so these tests follow it when it
changes."""

import pytest
from allauth.account import app_settings as account_settings
from allauth.account.models import EmailAddress
from allauth.core.internal.ratelimit import parse_rates
from django.conf import settings
from django.core import mail
from django.utils import translation
from django.utils.translation import gettext, ngettext

pytestmark = pytest.mark.django_db

PASSWORD = "un-mot-de-passe-solide-2026"
REFUSAL = "You did this too many times in a short while. Please wait a few minutes, then try again."
OTHER_IP = "198.51.100.23"


def first_limit(action, per):
    """How many attempts the first rate of ``action`` counted ``per`` ip, key or user allows."""
    return next(r.amount for r in parse_rates(settings.ACCOUNT_RATE_LIMITS[action]) if r.per == per)


def first_window(action, per):
    """The seconds of the first rate of ``action`` counted ``per`` ip, key or user."""
    return next(
        r.duration for r in parse_rates(settings.ACCOUNT_RATE_LIMITS[action]) if r.per == per
    )


def refused(response):
    """A 429 with the page's message in French and a ``Retry-After`` in whole seconds."""
    with translation.override("fr"):
        message = gettext(REFUSAL)
    return (
        response.status_code == 429
        and message in response.content.decode()
        and response.get("Retry-After", "").isdigit()
        and int(response["Retry-After"]) > 0
    )


def person(django_user_model, email):
    user = django_user_model.objects.create_user(email=email, password=PASSWORD)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


def test_every_allauth_limit_is_written_out_in_the_settings():
    """allauth fills a missing action with its default: none is left to it."""
    assert set(account_settings.RATE_LIMITS) == set(settings.ACCOUNT_RATE_LIMITS)
    assert account_settings.RATE_LIMITS == settings.ACCOUNT_RATE_LIMITS


def test_sign_ups_from_one_address_are_limited_and_another_address_goes_on(client):
    allowed = first_limit("signup", "ip")
    # Refused forms count too (passwords that differ): a script gets no free attempts.
    data = {"email": "robot@spam.example", "password1": PASSWORD, "password2": "autre"}
    for _ in range(allowed):
        assert client.post("/fr/accounts/signup/", data).status_code == 200
    assert refused(client.post("/fr/accounts/signup/", data))
    assert client.get("/fr/accounts/signup/").status_code == 200  # the page still shows
    assert client.post("/fr/accounts/signup/", data, REMOTE_ADDR=OTHER_IP).status_code == 200


def test_password_resets_to_one_mailbox_are_limited_whatever_the_address(
    client, django_user_model, django_capture_on_commit_callbacks
):
    awa = person(django_user_model, "awa@coop.example")
    omar = person(django_user_model, "omar@asso.example")
    allowed = first_limit("reset_password", "key")
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(allowed):
            response = client.post("/fr/accounts/password/reset/", {"email": awa.email})
            assert response.status_code == 302
        assert refused(client.post("/fr/accounts/password/reset/", {"email": awa.email}))
        # The limit protects her mailbox: another client address is refused too...
        assert refused(
            client.post("/fr/accounts/password/reset/", {"email": awa.email}, REMOTE_ADDR=OTHER_IP)
        )
        # ...while another mailbox, from the same address, is served.
        assert client.post("/fr/accounts/password/reset/", {"email": omar.email}).status_code == (
            302
        )
    assert [m.to for m in mail.outbox].count([awa.email]) == allowed
    assert [m.to for m in mail.outbox].count([omar.email]) == 1


def test_password_resets_from_one_client_address_are_limited(client, django_user_model):
    allowed = first_limit("reset_password", "ip")
    for n in range(allowed):
        response = client.post("/fr/accounts/password/reset/", {"email": f"p{n}@mail.example"})
        assert response.status_code == 302
    assert refused(client.post("/fr/accounts/password/reset/", {"email": "last@mail.example"}))
    response = client.post(
        "/fr/accounts/password/reset/", {"email": "last@mail.example"}, REMOTE_ADDR=OTHER_IP
    )
    assert response.status_code == 302


def test_failed_logins_lock_the_account_even_for_its_password_but_not_other_accounts(
    client, django_user_model
):
    awa = person(django_user_model, "awa@coop.example")
    omar = person(django_user_model, "omar@asso.example")
    allowed = first_limit("login_failed", "key")
    for _ in range(allowed):
        client.post("/fr/accounts/login/", {"login": awa.email, "password": "mauvais"})
    locked = client.post("/fr/accounts/login/", {"login": awa.email, "password": PASSWORD})
    assert locked.status_code == 200
    assert "_auth_user_id" not in client.session
    with translation.override("fr"):
        assert gettext("Too many failed login attempts. Try again later.") in (
            locked.content.decode()
        )
    other = client.post("/fr/accounts/login/", {"login": omar.email, "password": PASSWORD})
    assert other.status_code == 302
    assert client.session["_auth_user_id"] == str(omar.pk)


def test_allauths_refusals_say_when_to_try_again_from_the_rate_that_refused(
    client, django_user_model
):
    """``Retry-After`` (RFC 9110, 10.2.3) is the time until the oldest attempt counted by the
    exhausted rate leaves its window: under a minute for sign-ups from one address, about an
    hour for resets to one mailbox. The 429 page says it in minutes."""
    data = {"email": "robot@spam.example", "password1": PASSWORD, "password2": "autre"}
    for _ in range(first_limit("signup", "ip")):
        client.post("/fr/accounts/signup/", data)
    response = client.post("/fr/accounts/signup/", data)
    assert refused(response)
    assert (
        first_window("signup", "ip") - 5
        <= int(response["Retry-After"])
        <= (first_window("signup", "ip"))
    )
    with translation.override("fr"):
        in_a_minute = ngettext(
            "You can try again in about %(minutes)s minute.",
            "You can try again in about %(minutes)s minutes.",
            1,
        ) % {"minutes": 1}
    assert in_a_minute in response.content.decode()

    awa = person(django_user_model, "awa@coop.example")
    for _ in range(first_limit("reset_password", "key")):
        client.post("/fr/accounts/password/reset/", {"email": awa.email}, REMOTE_ADDR=OTHER_IP)
    response = client.post(
        "/fr/accounts/password/reset/", {"email": awa.email.upper()}, REMOTE_ADDR=OTHER_IP
    )
    assert refused(response)
    hour = first_window("reset_password", "key")
    assert hour - 5 <= int(response["Retry-After"]) <= hour


def test_every_429_of_the_site_carries_retry_after(rf):
    """The site's own refusal says when, even when no wait was computed."""
    from django.contrib.auth.models import AnonymousUser

    from website import ratelimit

    request = rf.post("/fr/directory/new/")
    request.user = AnonymousUser()
    response = ratelimit.too_many_requests(request)
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
