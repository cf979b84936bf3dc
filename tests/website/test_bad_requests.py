"""A request the site cannot answer as asked gets the 400 page, never a 500: a Host outside
ALLOWED_HOSTS makes every later ``request.get_host()`` raise again, so the 400 page must not
call it (website/views.py::bad_request renders a standalone page without the request). Such
a request is the client's doing, not a fault of ours: one warning line, no error and no
traceback in the log (website/security.py::DisallowedHostFilter)."""

import logging

import pytest
from django.conf import settings as django_settings
from django.utils import translation
from django.utils.translation import gettext

from tests.website.test_security_headers import directives

pytestmark = pytest.mark.django_db


def bad_request_text(language):
    with translation.override(language):
        return gettext("The site could not understand this request. Go back and try again.")


def log_records_of(caplog):
    return [(r.name, r.levelno, r.exc_info is not None) for r in caplog.records]


@pytest.mark.parametrize("page_cache", [True, False], ids=["page-cache", "no-page-cache"])
@pytest.mark.parametrize(
    ("method", "path", "language"),
    [("get", "/fr/", "fr"), ("get", "/en/", "en"), ("post", "/fr/search/", "fr")],
)
def test_a_host_outside_allowed_hosts_gets_the_400_page_and_no_error_in_the_log(
    client, demo, settings, caplog, page_cache, method, path, language
):
    # The page cache asks for the host first when it is on, CommonMiddleware otherwise.
    settings.ESSAIM_PAGE_CACHE = page_cache
    settings.ALLOWED_HOSTS = ["essaim.example.org"]
    with caplog.at_level(logging.DEBUG):
        response = getattr(client, method)(path, HTTP_HOST="attacker.example")
    assert response.status_code == 400
    assert bad_request_text(language) in response.content.decode()
    records = log_records_of(caplog)
    assert not [r for r in records if r[1] >= logging.ERROR], records
    assert not [r for r in records if r[2]], records  # no traceback
    # Still said, once, for whoever reads the log: a warning naming the host.
    said = [r for r in caplog.records if r.name == "django.security.DisallowedHost"]
    assert len(said) == 1 and said[0].levelno == logging.WARNING
    assert "attacker.example" in said[0].getMessage()
    # Under the strict policy like every other page, even when the refusal came before the
    # middleware that sets it.
    policy = directives(response["Content-Security-Policy"])
    assert policy["default-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert response["X-Frame-Options"] == "DENY"


def test_an_allowed_host_is_served_as_before(client, demo, settings):
    settings.ALLOWED_HOSTS = ["essaim.example.org"]
    assert client.get("/fr/", HTTP_HOST="essaim.example.org").status_code == 200


def test_other_bad_requests_get_the_same_standalone_page(client, demo, settings, caplog):
    """Too many form fields (a SuspiciousOperation raised while a view reads the form)."""
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 5
    with caplog.at_level(logging.DEBUG):
        response = client.post("/fr/accounts/login/", {f"f{n}": "x" for n in range(10)})
    assert response.status_code == 400
    assert bad_request_text("fr") in response.content.decode()
    assert "Content-Security-Policy" in response


def test_the_production_log_configuration_downgrades_only_the_disallowed_host_record():
    logger = django_settings.LOGGING["loggers"]["django.security.DisallowedHost"]
    assert "disallowed_host" in logger["filters"]
    assert "redact" in logger["filters"]
