"""The JSON API fuzzed from its own OpenAPI schema (issue 10): no input gives a 5xx, every
answer is one the schema documents (status code, content type, body), and invalid input is
refused with a 4xx.

Schemathesis reads /api/v1/openapi.json from the Django WSGI application itself and sends each
operation valid and invalid inputs (its examples, coverage and fuzzing phases) in the test's
thread, so inside the test's transaction. The whole demo is loaded once for the module, and
path parameters are drawn from its real slugs and event UIDs as well as made up, so the 200
answers are checked too, not only the 404s. Dates are drawn up to the first and last days
Python knows. Derandomised: every run sends the same requests.
"""

import collections
import datetime as dt
import json

import hypothesis
import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from hypothesis import strategies as st
from schemathesis.checks import (
    content_type_conformance,
    negative_data_rejection,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
]
MAX_EXAMPLES = 40

# Hypothesis's dates rarely reach the ends of the calendar, where date arithmetic overflows.
schemathesis.openapi.format(
    "date",
    st.one_of(st.dates(), st.sampled_from([dt.date.min, dt.date.max])).map(dt.date.isoformat),
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


def check(case, seen):
    """Send one case, run every check on the answer, and count its status code."""
    response = case.call_and_validate(checks=CHECKS)
    seen[case.operation.label][response.status_code] += 1
    return response


schema = load_schema(get_wsgi_application(), "/api/v1/openapi.json")
# Status codes answered, per operation, in this run.
SEEN = collections.defaultdict(collections.Counter)
# Real values of path parameters, per operation path, while the demo is loaded.
REAL_PATH_VALUES = {}


@schema.hook
def flatmap_path_parameters(context, path_parameters):
    """Made-up slugs and UIDs only ever get a 404: send the demo's real ones too."""
    real = REAL_PATH_VALUES.get(context.operation.path, {})
    if not real:
        return st.just(path_parameters)
    return st.one_of(
        st.just(path_parameters),
        st.fixed_dictionaries(
            {
                name: st.sampled_from(real[name]) if name in real else st.just(value)
                for name, value in path_parameters.items()
            }
        ),
    )


@pytest.fixture(scope="module")
def demo_data(django_db_setup, django_db_blocker):
    """The whole demo (as ``full_demo`` loads it), once for this module, in a transaction
    rolled back at its end; each test runs in a savepoint inside it."""
    from events import demo as events_demo
    from events.ical import event_uid
    from events.models import EventPage
    from network import demo as network_demo
    from network.booking_selectors import spaces_for_listing
    from network.models import Actor
    from tests.conftest import ensure_site_base
    from website import demo as site_demo

    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            ensure_site_base()
            site_demo.load()
            network_demo.load()
            events_demo.load()
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
            assert uids and actors and spaces
            yield
        finally:
            REAL_PATH_VALUES.clear()
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
    check(case, SEEN)


def test_every_fuzzed_operation_answered_with_real_data():
    """Made-up input alone would only prove the 404s and 422s: each operation fuzzed above
    also answered 200 (a listing, or a real slug or UID)."""
    if not SEEN:
        pytest.skip("run together with the fuzz tests above")
    print("requests per operation and status:", json.dumps(SEEN, indent=1, sort_keys=True))
    print("requests in all:", sum(sum(codes.values()) for codes in SEEN.values()))
    assert {label for label, codes in SEEN.items() if not codes[200]} == set()
    assert all(code < 500 for codes in SEEN.values() for code in codes)


BIG = 2**63  # one past SQLite's and PostgreSQL's largest LIMIT and OFFSET


@pytest.mark.django_db
@pytest.mark.usefixtures("demo_data")
@pytest.mark.parametrize(
    ("url", "status"),
    [
        # Each gave an error 500 before issue 10.
        ("/api/v1/events/0", 404),
        ("/api/v1/events/not-a-uuid@example.org", 404),
        ("/api/v1/events/{event}?lang=de", 200),
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
    Django answers an unhandled exception), "shape" (a count that is text from n = 7 on) or
    None (no bug)."""

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
    [("crash", "ServerError"), ("shape", "JsonSchemaError")],
)
def test_the_fuzzing_fails_on_an_api_with_a_bug(bug, failure):
    with pytest.raises(BaseExceptionGroup) as caught:
        fuzz_broken_app(bug)
    assert failure in [type(error).__name__ for error in caught.value.exceptions]


def test_the_fuzzing_passes_on_the_same_api_without_the_bug():
    seen = fuzz_broken_app(None)
    assert seen["GET /items"][200] > 0
