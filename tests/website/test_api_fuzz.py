"""The JSON API fuzzed from its own OpenAPI schema (issues 10 and 18) with every check
Schemathesis has: no input gives a 5xx; every answer is one the schema documents (status
code, content type, headers, body); what the schema forbids is refused with a 4xx; what it
allows is answered, unless a documented rule no schema can carry refuses it (see
``a_refusal_of_valid_input_is_a_documented_rule``); undeclared methods get a 405 with
``Allow``.

Schemathesis reads /api/v1/openapi.json from the Django WSGI application itself and sends each
operation valid and invalid inputs (its examples, coverage and fuzzing phases) in the test's
thread, so inside the test's transaction. The whole demo is loaded once for the module, and
path parameters and the filters naming editable rows (sectors, territories...) are drawn from
its real slugs and event UIDs as well as made up, so the 200 answers are checked too, not only
the 404s and 422s. Dates are drawn from the schema's years, to their first and last days.
Derandomised and bounded: every run sends the same requests.
"""

import collections
import datetime as dt
import json
import re
import types
from unittest import mock
from urllib.parse import unquote

import hypothesis
import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from django.utils import timezone
from hypothesis import strategies as st
from schemathesis.checks import CHECKS as SCHEMATHESIS_CHECKS
from schemathesis.checks import load_all_checks
from schemathesis.config import PositiveDataAcceptanceConfig

from events.api import UID_PATTERN
from tests import conftest
from website.api_common import DATE_YEARS, SLUG_PATTERN, RowsNow

load_all_checks()
# Every check Schemathesis registers (``max_response_time`` apart: it needs a limit, and
# timing a shared CI machine would make the run flaky).
CHECKS = list(SCHEMATHESIS_CHECKS.get_all())
BUILT_IN_CHECKS = {
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
    "response_schema_conformance",
    "negative_data_rejection",
    "positive_data_acceptance",
    "missing_required_header",
    "unsupported_method",
    "allow_header_conformance",
    "use_after_free",
    "ensure_resource_availability",
    "ignored_auth",
    "object_level_authorization",
}
MAX_EXAMPLES = 40

# Hypothesis's dates rarely reach the ends of the years the schema allows.
FIRST_DAY, LAST_DAY = dt.date(DATE_YEARS[0], 1, 1), dt.date(DATE_YEARS[1], 12, 31)
schemathesis.openapi.format(
    "date",
    st.one_of(st.dates(FIRST_DAY, LAST_DAY), st.sampled_from([FIRST_DAY, LAST_DAY])).map(
        dt.date.isoformat
    ),
)


def fuzz_settings():
    """Bounded and repeatable: the same cases on every run, no example database, and no
    deadline (CI's machine is slow and shared)."""
    return hypothesis.settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(hypothesis.HealthCheck),
    )


def load_schema(app, path):
    """The schema a WSGI application serves, for valid and invalid inputs."""
    schema = schemathesis.openapi.from_wsgi(path, app)
    schema.config.generation.update(modes=["positive", "negative"])
    return schema


def check(case, seen, checks=CHECKS):
    """Send one case, run every check on the answer, and count its status code."""
    response = case.call_and_validate(checks=checks)
    seen[case.operation.label][response.status_code] += 1
    return response


# Query parameters that name rows editors change, and the published rows they may name.
def _references():
    from network.directory.models import Actor, LegalForm, Sector, Territory

    return {
        "sector": Sector.objects.all(),
        "territory": Territory.objects.all(),
        "legal_form": LegalForm.objects.all(),
        "umbrella": Actor.objects.published().filter(is_umbrella=True),
        "incubator": Actor.objects.published().filter(is_incubator=True),
    }


def _availability_breaks_its_window(case):
    from network.spaces.selectors import MAX_AVAILABILITY_DAYS, spaces_for_listing

    space = spaces_for_listing().get(slug=case.path_parameters["slug"])
    query = case.query or {}
    start = query.get("start")
    start = dt.date.fromisoformat(start) if start else timezone.localdate(timezone=space.zone)
    end = dt.date.fromisoformat(query["end"]) if query.get("end") else start
    return end < start or (end - start).days >= MAX_AVAILABILITY_DAYS


def _dates_in_the_wrong_order(case):
    query = case.query or {}
    first, last = query.get("date_from"), query.get("date_to")
    return bool(first and last) and last < first


def breaks_a_documented_rule(case, name):
    """Whether the input breaks a rule the operation documents and no schema can carry."""
    value = (case.query or {}).get(name)
    if name in _references() and isinstance(value, str):
        return not _references()[name].filter(slug=value).exists()  # a slug that names nothing
    if case.operation.path == "/api/v1/occurrences" and name == "date_to":
        return _dates_in_the_wrong_order(case)
    if case.operation.path == "/api/v1/spaces/{slug}/availability" and name == "end":
        return _availability_breaks_its_window(case)
    return False


def a_refusal_of_valid_input_is_a_documented_rule(ctx, response, case):
    """Valid input may be refused (``positive_data_acceptance`` takes a 422 here, see
    ``load_essaim_schema``) only for a rule no schema can carry, which the operation
    documents, and which this input does break: a slug that names nothing, or two dates in
    the wrong order or too far apart. Every error of the answer must be one of these."""
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive or response.status_code != 422:
        return None
    for error in response.json()["detail"]:
        where, name = error["loc"][:2]
        if where != "query" or not breaks_a_documented_rule(case, name):
            raise AssertionError(f"Valid input refused by an undocumented rule: {error}")
        DOCUMENTED_REFUSALS[f"{case.operation.label} {name}"] += 1
    return None


def load_essaim_schema():
    # Read when this module is imported, before the test database exists: the enums of the
    # rows editors change (read from the database when the schema is served, see
    # ``website.api_common.form_rows``) are left out here, and ``flatmap_query`` draws those
    # parameters from the demo's real rows as well as made-up slugs.
    with mock.patch.object(RowsNow, "enum", dict):  # dict(): no enum
        schema = load_schema(get_wsgi_application(), "/api/v1/openapi.json")
    # A 422 to valid input is judged by a_refusal_of_valid_input_is_a_documented_rule.
    schema.config.checks.positive_data_acceptance = PositiveDataAcceptanceConfig(
        expected_statuses=[*PositiveDataAcceptanceConfig().expected_statuses, "422"]
    )
    return schema


schema = load_essaim_schema()
ESSAIM_CHECKS = [*CHECKS, a_refusal_of_valid_input_is_a_documented_rule]
# Status codes answered, per operation, in this run.
SEEN = collections.defaultdict(collections.Counter)
# Valid input refused by a documented rule, per operation and parameter, in this run.
DOCUMENTED_REFUSALS = collections.Counter()
# Real values of path parameters, per operation path, while the demo is loaded.
REAL_PATH_VALUES = {}
# Real slugs of the query parameters that name editable rows, while the demo is loaded.
REAL_QUERY_VALUES = {}


def real_values_instead(values, real, patterns, *, encoded=False):
    """``values``, or the same with real values drawn instead of the made-up ones. Only a
    value that already matches its pattern is replaced, so that an invalid case (one that
    breaks the schema on purpose) stays invalid. Path parameters come ``encoded`` already."""
    names = {
        name
        for name, value in (values or {}).items()
        if name in real
        and isinstance(value, str)
        and re.fullmatch(patterns[name], unquote(value) if encoded else value)
    }
    if not names:
        return st.just(values)
    return st.one_of(
        st.just(values),
        st.fixed_dictionaries(
            {
                name: st.sampled_from(real[name]) if name in names else st.just(value)
                for name, value in values.items()
            }
        ),
    )


@schema.hook
def flatmap_path_parameters(context, path_parameters):
    """Made-up slugs and UIDs only ever get a 404: send the demo's real ones too."""
    real = REAL_PATH_VALUES.get(context.operation.path, {})
    patterns = {"slug": SLUG_PATTERN, "uid": UID_PATTERN}
    return real_values_instead(path_parameters, real, patterns, encoded=True)


@schema.hook
def flatmap_query(context, query):
    """Made-up slugs of sectors, territories... only ever get a 422: send real ones too."""
    patterns = dict.fromkeys(REAL_QUERY_VALUES, SLUG_PATTERN)
    return real_values_instead(query, REAL_QUERY_VALUES, patterns)


@pytest.fixture(scope="module")
def demo_data(django_db_setup, django_db_blocker):
    """The whole demo (as ``full_demo`` loads it), once for this module, in a transaction
    rolled back at its end; each test runs in a savepoint inside it."""
    from events.ical import event_uid
    from events.models import EventPage
    from network.directory.models import Actor
    from network.spaces.selectors import spaces_for_listing
    from tests.conftest import ensure_site_base
    from website import demo as site_demo

    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            ensure_site_base()
            site_demo.load()
            site_demo.load_apps(names=[*conftest.NETWORK_APPS, "events"])
            uids = [event_uid(event) for event in EventPage.objects.live()]
            actors = list(Actor.objects.published().values_list("slug", flat=True))
            spaces = list(spaces_for_listing().values_list("slug", flat=True))
            REAL_PATH_VALUES.update(
                {
                    "/api/v1/events/{uid}": {"uid": uids},
                    "/api/v1/actors/{slug}": {"slug": actors},
                    "/api/v1/spaces/{slug}": {"slug": spaces},
                    "/api/v1/spaces/{slug}/availability": {"slug": spaces},
                }
            )
            REAL_QUERY_VALUES.update(
                {
                    name: sorted(rows.values_list("slug", flat=True))
                    for name, rows in _references().items()
                }
            )
            assert uids and actors and spaces and all(REAL_QUERY_VALUES.values())
            yield
        finally:
            REAL_PATH_VALUES.clear()
            REAL_QUERY_VALUES.clear()
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def wsgi_in_test_transaction():
    """Django closes the database connection when a request ends inside a transaction; its
    test client keeps it open by disconnecting that handler, and so must a raw WSGI call."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.django_db
@pytest.mark.usefixtures("demo_data", "wsgi_in_test_transaction")
@schema.parametrize()
@fuzz_settings()
def test_api_operation_never_errs_and_answers_as_its_schema_says(case):
    check(case, SEEN, ESSAIM_CHECKS)


def test_the_fuzzing_runs_every_check_schemathesis_has():
    assert {check.__name__ for check in CHECKS} >= BUILT_IN_CHECKS
    assert schema.config.checks.max_response_time.enabled is False


def test_every_fuzzed_operation_answered_with_real_data():
    """Made-up input alone would only prove the 404s and 422s: each operation fuzzed above
    also answered 200 (a listing, or a real slug or UID)."""
    if not SEEN:
        pytest.skip("run together with the fuzz tests above")
    print("requests per operation and status:", json.dumps(SEEN, indent=1, sort_keys=True))
    print("requests in all:", sum(sum(codes.values()) for codes in SEEN.values()))
    print("valid input refused by a documented rule:", dict(sorted(DOCUMENTED_REFUSALS.items())))
    assert {label for label, codes in SEEN.items() if not codes[200]} == set()
    assert all(code < 500 for codes in SEEN.values() for code in codes)


@pytest.mark.django_db
@pytest.mark.usefixtures("demo_data")
@pytest.mark.parametrize(
    ("path", "query", "name", "excused"),
    [
        ("/api/v1/actors", {"sector": "atlantide"}, "sector", True),
        ("/api/v1/actors", {"sector": "{sector}"}, "sector", False),
        ("/api/v1/calls", {"incubator": "{sector}"}, "incubator", True),
        (
            "/api/v1/occurrences",
            {"date_from": "2027-03-10", "date_to": "2027-03-01"},
            "date_to",
            True,
        ),
        (
            "/api/v1/occurrences",
            {"date_from": "2027-03-01", "date_to": "2027-03-10"},
            "date_to",
            False,
        ),
        (
            "/api/v1/spaces/{slug}/availability",
            {"start": "2027-03-01", "end": "2027-04-01"},
            "end",
            True,
        ),
        (
            "/api/v1/spaces/{slug}/availability",
            {"start": "2027-03-01", "end": "2027-03-31"},
            "end",
            False,
        ),
        ("/api/v1/spaces/{slug}/availability", {"start": "2027-03-01"}, "end", False),
        ("/api/v1/actors", {"q": "compost"}, "q", False),
    ],
)
def test_only_a_documented_rule_that_the_input_breaks_excuses_a_422_to_valid_input(
    path, query, name, excused
):
    sector = REAL_QUERY_VALUES["sector"][0]
    space = REAL_PATH_VALUES["/api/v1/spaces/{slug}"]["slug"][0]
    case = types.SimpleNamespace(
        operation=types.SimpleNamespace(path=path),
        path_parameters={"slug": space},
        query={key: value.format(sector=sector) for key, value in query.items()},
    )
    assert breaks_a_documented_rule(case, name) is excused


BIG = 2**63  # one past SQLite's and PostgreSQL's largest LIMIT and OFFSET


@pytest.mark.django_db
@pytest.mark.usefixtures("demo_data")
@pytest.mark.parametrize(
    ("url", "status"),
    [
        # Each gave an error 500 before issue 10; since issue 18, a value the schema forbids
        # (not a UID, a language we do not have, a year out of range) is a 422.
        ("/api/v1/events/0", 422),
        ("/api/v1/events/not-a-uuid@example.org", 422),
        ("/api/v1/events/{event}?lang=de", 422),
        *[
            (f"/api/v1/{listing}?{name}={BIG}", 422)
            for listing in ("occurrences", "actors", "spaces", "calls", "programmes")
            for name in ("limit", "offset")
        ],
        ("/api/v1/spaces/{space}/availability?start=9999-12-31", 422),
        ("/api/v1/spaces/{space}/availability?start=9999-12-25&end=9999-12-31", 422),
        ("/api/v1/occurrences?date_from=0001-01-01&past=true", 422),
    ],
)
def test_inputs_that_once_gave_a_500_get_an_answer(client, url, status):
    space = REAL_PATH_VALUES["/api/v1/spaces/{slug}"]["slug"][0]
    event = REAL_PATH_VALUES["/api/v1/events/{uid}"]["uid"][0]
    response = client.get(url.format(space=space, event=event))
    assert response.status_code == status, response.content
    assert response.json()["title" if status == 200 else "detail"]


# --- The checks can fail: a tiny application with a bug, through the same helpers. ---------

BROKEN_SCHEMA = {
    "openapi": "3.1.0",
    "info": {"title": "Broken", "version": "1"},
    "paths": {
        "/items": {
            "get": {
                "parameters": [
                    {
                        "name": "n",
                        "in": "query",
                        "required": True,
                        "schema": {"type": "integer", "minimum": 0, "maximum": 100},
                    }
                ],
                "responses": {
                    "200": {
                        "description": "OK",
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "properties": {"count": {"type": "integer"}},
                                    "required": ["count"],
                                }
                            }
                        },
                    },
                    "422": {"description": "Invalid"},
                },
            }
        }
    },
}


def broken_app(bug):
    """A WSGI application serving BROKEN_SCHEMA. ``bug`` is "crash" (a 500 from n = 7 on, as
    Django answers an unhandled exception), "shape" (a count that is text from n = 7 on),
    "refuse" (a 422 to the valid n = 7 and on) or None (no bug)."""

    def app(environ, start_response):
        from urllib.parse import parse_qs

        def answer(status, body):
            start_response(status, [("Content-Type", "application/json")])
            return [json.dumps(body).encode()]

        if environ["PATH_INFO"] == "/openapi.json":
            return answer("200 OK", BROKEN_SCHEMA)
        try:
            n = int(parse_qs(environ["QUERY_STRING"])["n"][0])
        except (KeyError, ValueError):
            return answer("422 Unprocessable Entity", {"detail": "n"})
        if not 0 <= n <= 100:
            return answer("422 Unprocessable Entity", {"detail": "n"})
        if bug == "crash" and n >= 7:
            return answer("500 Internal Server Error", {"detail": "Server Error"})
        if bug == "shape" and n >= 7:
            return answer("200 OK", {"count": str(n)})
        if bug == "refuse" and n >= 7:
            return answer("422 Unprocessable Entity", {"detail": "n"})
        return answer("200 OK", {"count": n})

    return app


def fuzz_broken_app(bug):
    operation = load_schema(broken_app(bug), "/openapi.json")["/items"]["GET"]
    seen = collections.defaultdict(collections.Counter)

    @fuzz_settings()
    @hypothesis.given(case=operation.as_strategy())
    def run(case):
        check(case, seen)

    run()
    return seen


@pytest.mark.parametrize(
    ("bug", "failure"),
    [
        ("crash", "ServerError"),
        ("shape", "JsonSchemaError"),
        ("refuse", "RejectedPositiveData"),
    ],
)
def test_the_fuzzing_fails_on_an_api_with_a_bug(bug, failure):
    with pytest.raises(BaseExceptionGroup) as caught:
        fuzz_broken_app(bug)
    assert failure in [type(error).__name__ for error in caught.value.exceptions]


def test_the_fuzzing_passes_on_the_same_api_without_the_bug():
    seen = fuzz_broken_app(None)
    assert seen["GET /items"][200] > 0
