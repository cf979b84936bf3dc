"""Accounts: sign-up by e-mail with verification, no enumeration, rate limits, profile, deletion."""

import re

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.core import mail
from django.test import override_settings
from django.utils import timezone

pytestmark = pytest.mark.django_db

PASSWORD = "un-mot-de-passe-solide-2026"


def sign_up(client, email, capture):
    with capture(execute=True):
        return client.post(
            "/fr/accounts/signup/", {"email": email, "password1": PASSWORD, "password2": PASSWORD}
        )


def log_in(client, email, password=PASSWORD):
    return client.post("/fr/accounts/login/", {"login": email, "password": password})


def reauthenticate(client, password=PASSWORD):
    """allauth asks for the password again before sensitive actions, even right after login."""
    return client.post("/fr/accounts/reauthenticate/", {"password": password})


def link_in(message):
    return re.search(r"https?://testserver(/\S+)", message.body).group(1)


@pytest.fixture
def member(django_user_model):
    user = django_user_model.objects.create_user(
        email="awa@coop.example", password=PASSWORD, display_name="Awa"
    )
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def test_sign_up_sends_a_verification_link_in_french_and_login_waits_for_it(
    client, site_base, django_capture_on_commit_callbacks, django_user_model
):
    response = sign_up(client, "nouvelle@asso.example", django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert response["Location"] == "/fr/accounts/confirm-email/"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["nouvelle@asso.example"]
    assert "Confirmez votre adresse e-mail" in message.subject

    assert log_in(client, "nouvelle@asso.example")["Location"] == "/fr/accounts/confirm-email/"
    user = django_user_model.objects.get(email="nouvelle@asso.example")
    assert not EmailAddress.objects.get(user=user).verified

    confirm_url = link_in(message)
    assert client.get(confirm_url).status_code == 200
    client.post(confirm_url)
    assert EmailAddress.objects.get(user=user).verified


def test_sign_up_with_a_known_address_looks_the_same_and_warns_the_owner(
    client, member, django_capture_on_commit_callbacks
):
    known = sign_up(client, member.email, django_capture_on_commit_callbacks)
    client.logout()
    unknown = sign_up(client, "inconnue@asso.example", django_capture_on_commit_callbacks)
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    assert [m.to for m in mail.outbox] == [[member.email], ["inconnue@asso.example"]]
    assert "existe déjà" in mail.outbox[0].body or "already" in mail.outbox[0].body


def test_password_reset_answers_the_same_for_unknown_addresses(
    client, member, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        known = client.post("/fr/accounts/password/reset/", {"email": member.email})
        unknown = client.post("/fr/accounts/password/reset/", {"email": "personne@nulle.part"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    reset = next(m for m in mail.outbox if m.to == [member.email])
    new_password = "encore-plus-solide-2027"
    form_url = client.get(link_in(reset))["Location"]
    response = client.post(form_url, {"password1": new_password, "password2": new_password})
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.check_password(new_password)


def test_repeated_failed_logins_are_rate_limited(client, member):
    for _ in range(5):
        assert log_in(client, member.email, "mauvais").status_code == 200
    response = log_in(client, member.email, "mauvais")
    assert response.status_code in (200, 429)
    assert "Trop de tentatives" in response.content.decode()


def test_wagtail_admin_sends_people_to_the_site_login_page(client):
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/fr/accounts/login/?next=/admin/")


def test_the_admin_login_form_is_not_a_second_way_in(client, member):
    assert client.get("/admin/login/?next=/admin/pages/")["Location"] == (
        "/fr/accounts/login/?next=/admin/pages/"
    )
    response = client.post("/admin/login/", {"username": member.email, "password": PASSWORD})
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_profile_saves_language_and_time_zone_and_shows_dates_in_that_zone(client, member):
    log_in(client, member.email)
    response = client.post(
        "/fr/accounts/profile/",
        {
            "display_name": "Awa D.",
            "first_name": "Awa",
            "last_name": "Diop",
            "preferred_language": "en",
            "time_zone": "Africa/Dakar",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/en/accounts/profile/"
    member.refresh_from_db()
    assert (member.display_name, member.preferred_language, member.time_zone) == (
        "Awa D.",
        "en",
        "Africa/Dakar",
    )
    page = client.get("/en/accounts/profile/")
    assert str(timezone.get_current_timezone()) == "Africa/Dakar"
    assert "Your profile has been saved." in page.content.decode()


def test_profile_refuses_an_unknown_time_zone_and_keeps_what_was_saved(client, member):
    log_in(client, member.email)
    response = client.post(
        "/fr/accounts/profile/",
        {"display_name": "Changé", "preferred_language": "fr", "time_zone": "Mars/Olympus_Mons"},
    )
    assert response.status_code == 200
    assert "Sélectionnez un choix valide" in response.content.decode()
    member.refresh_from_db()
    assert member.display_name == "Awa"


def test_login_leads_to_the_preferred_language(client, member):
    member.preferred_language = "en"
    member.save()
    response = log_in(client, member.email)
    assert response["Location"] == "/en/accounts/profile/"
    # The page is in English, and so is the message that greets them on it.
    html = client.get(response["Location"]).content.decode()
    assert "Successfully signed in as Awa." in html


def test_deleting_ones_account_removes_personal_data(client, member, django_user_model):
    log_in(client, member.email)
    asked = client.get("/fr/accounts/profile/delete/")
    assert asked["Location"].startswith("/fr/accounts/reauthenticate/")
    reauthenticate(client)
    assert client.get("/fr/accounts/profile/delete/").status_code == 200
    refused = client.post("/fr/accounts/profile/delete/", {})
    assert refused.status_code == 200
    assert django_user_model.objects.filter(pk=member.pk).exists()

    response = client.post("/fr/accounts/profile/delete/", {"confirm": "on"})
    assert response.status_code == 302
    assert not django_user_model.objects.filter(pk=member.pk).exists()
    assert not EmailAddress.objects.filter(email=member.email).exists()
    assert "_auth_user_id" not in client.session


def test_the_last_administrator_cannot_delete_their_account(client, django_user_model):
    admin = django_user_model.objects.create_superuser(
        email="seule@ville.example", password=PASSWORD
    )
    EmailAddress.objects.create(user=admin, email=admin.email, verified=True, primary=True)
    log_in(client, admin.email)
    reauthenticate(client)
    response = client.post("/fr/accounts/profile/delete/", {"confirm": "on"})
    assert response.status_code == 200
    assert "dernier administrateur" in response.content.decode()
    assert django_user_model.objects.filter(pk=admin.pk).exists()


@override_settings(ESSAIM_MFA_REQUIRED_FOR_STAFF=True)
def test_staff_must_set_up_two_factor_before_using_the_admin(client, django_user_model):
    admin = django_user_model.objects.create_superuser(
        email="agent@ville.example", password=PASSWORD
    )
    EmailAddress.objects.create(user=admin, email=admin.email, verified=True, primary=True)
    log_in(client, admin.email)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"] == "/fr/accounts/2fa/totp/activate/"

    Authenticator.objects.create(user=admin, type=Authenticator.Type.TOTP, data={"secret": "x"})
    assert client.get("/admin/").status_code == 200


def test_without_the_setting_staff_reach_the_admin_directly(client, django_user_model):
    admin = django_user_model.objects.create_superuser(
        email="agent@ville.example", password=PASSWORD
    )
    EmailAddress.objects.create(user=admin, email=admin.email, verified=True, primary=True)
    log_in(client, admin.email)
    assert client.get("/admin/").status_code == 200


def test_members_outside_staff_are_not_asked_for_two_factor(client, member):
    with override_settings(ESSAIM_MFA_REQUIRED_FOR_STAFF=True):
        log_in(client, member.email)
        assert client.get("/fr/accounts/profile/").status_code == 200


def test_email_addresses_are_unique_whatever_their_case(django_user_model):
    from django.db import IntegrityError

    django_user_model.objects.create_user(email="Lea@Coop.example", password=PASSWORD)
    with pytest.raises(IntegrityError):
        django_user_model.objects.create_user(email="lea@coop.example", password=PASSWORD)


def test_a_person_turns_on_totp_and_then_needs_a_code_to_log_in(client, member):
    from allauth.mfa.totp.internal import auth as totp

    def current_code(secret):
        counter = next(totp.yield_hotp_counters_from_time())
        return totp.format_hotp_value(totp.hotp_value(secret, counter))

    log_in(client, member.email)
    reauthenticate(client)
    assert client.get("/fr/accounts/2fa/totp/activate/").status_code == 200
    secret = client.session[totp.SECRET_SESSION_KEY]
    wrong = client.post("/fr/accounts/2fa/totp/activate/", {"code": "000000"})
    assert wrong.status_code == 200
    assert not Authenticator.objects.filter(user=member).exists()
    client.post("/fr/accounts/2fa/totp/activate/", {"code": current_code(secret)})
    assert Authenticator.objects.filter(user=member, type=Authenticator.Type.TOTP).exists()

    client.post("/fr/accounts/logout/")
    response = log_in(client, member.email)
    assert response["Location"] == "/fr/accounts/2fa/authenticate/"
    assert "_auth_user_id" not in client.session
    client.post("/fr/accounts/2fa/authenticate/", {"code": current_code(secret)})
    assert client.session["_auth_user_id"] == str(member.pk)
