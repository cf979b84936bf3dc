"""Sign-up tells nobody which addresses have an account, by its answer or by its time.

With a known address allauth creates nothing and mails the owner; with an unknown one it
creates the account, hashing the password, which took 20 times longer (the outside run
measured a median of 54 ms against 1,021 ms). Both paths now hash the password once and
queue one mail (website/accounts/forms.py::SignupForm). These tests count that work rather
than time it; ``manage.py bench_sign_up`` prints the times.
"""

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher
from django.core import mail

from tests.factories.accounts import UserFactory
from website import mail as site_mail

pytestmark = pytest.mark.django_db

PASSWORD = "un-mot-de-passe-solide-2026"


class CountingHasher(MD5PasswordHasher):
    """The test suite's fast hasher, counting the hashes it computes."""

    computed = 0

    def encode(self, password, salt):
        CountingHasher.computed += 1
        return super().encode(password, salt)


@pytest.fixture
def counting(settings, monkeypatch):
    """Hashes computed and mails queued (handed to Celery after commit) from now on."""
    settings.PASSWORD_HASHERS = ["tests.accounts.test_sign_up_enumeration.CountingHasher"]
    queued = []
    real_queue = site_mail._queue

    def queue(task, data):
        queued.append(data["to"])
        real_queue(task, data)

    monkeypatch.setattr(site_mail, "_queue", queue)

    def work():
        done = {"hashes": CountingHasher.computed, "mails": len(queued)}
        CountingHasher.computed = 0
        queued.clear()
        return done

    return work


@pytest.fixture
def owner(db):
    return UserFactory(email="awa@coop.example", password=PASSWORD, verified=True)


def sign_up(client, email, capture):
    with capture(execute=True):
        response = client.post(
            "/fr/accounts/signup/",
            {"email": email, "password1": PASSWORD, "password2": PASSWORD},
        )
    client.logout()
    return response


def test_a_known_and_an_unknown_address_cost_the_same_work(
    client, owner, counting, django_capture_on_commit_callbacks
):
    counting()  # the owner's own password, hashed when the fixture made the account
    known = sign_up(client, owner.email, django_capture_on_commit_callbacks)
    known_work = counting()
    unknown = sign_up(client, "inconnue@asso.example", django_capture_on_commit_callbacks)
    unknown_work = counting()

    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    assert known_work == unknown_work == {"hashes": 1, "mails": 1}
    assert [m.to for m in mail.outbox] == [[owner.email], ["inconnue@asso.example"]]


def test_the_known_address_gets_no_account_and_keeps_its_password(
    client, owner, counting, django_user_model, django_capture_on_commit_callbacks
):
    sign_up(client, owner.email.upper(), django_capture_on_commit_callbacks)
    assert django_user_model.objects.count() == 1
    owner.refresh_from_db()
    assert owner.check_password(PASSWORD)


def test_a_refused_form_costs_the_same_for_both_addresses(
    client, owner, counting, django_capture_on_commit_callbacks
):
    """Passwords that differ: neither path hashes nor mails anything."""
    counting()
    works = []
    for email in (owner.email, "inconnue@asso.example"):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                "/fr/accounts/signup/",
                {"email": email, "password1": PASSWORD, "password2": "autre-chose-2026"},
            )
        assert response.status_code == 200
        works.append(counting())
    assert works[0] == works[1] == {"hashes": 0, "mails": 0}
