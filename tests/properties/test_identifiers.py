"""Public addresses with random identifiers and query strings: a page, a refusal (400, 404,
422 for the API) or a redirect, never a server error.

The demo is loaded, so that the real pages answer around the random parts. Django's test client
re-raises a view's exception, so a 500 fails the test with its traceback.

Negative control: a view that parses an identifier without guarding it (``int(request.GET
["page"])``, ``uuid.UUID(token)``) fails these properties with ValueError at the first
example such as ``page=1x`` or a token ``"0"``.
"""

import datetime as dt
from urllib.parse import quote

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from tests.properties.conftest import examples

pytestmark = pytest.mark.django_db

FINE = {200, 301, 302, 400, 403, 404, 405, 410, 422}

HOSTILE = [
    "",
    "0",
    "-1",
    "9" * 30,
    "%00",
    "..",
    "../..",
    "a/b",
    "%2F",
    "\u202eevil",
    "é" * 300,
    "x" * 3000,
    "<script>",
    "' OR 1=1 --",
    "None",
    "00000000-0000-0000-0000-000000000000",
    "\ud7ff",
    "1e308",
    "NaN",
]

segments = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=60), st.integers().map(str))

# {} takes one quoted random segment.
PATHS = [
    "/fr/directory/{}/",
    "/en/directory/{}/members/",
    "/fr/directory/spaces/{}/",
    "/fr/directory/spaces/salle-de-la-manufacture/feed/{}.ics",
    "/fr/directory/spaces/bookings/{}/",
    "/fr/directory/programmes/{}/",
    "/fr/directory/programmes/{}/calls/1/",
    "/fr/directory/confirm/{}/",
    "/fr/events/registrations/{}/",
    "/fr/events/feed/{}.ics",
    "/fr/events/{}.ics",
    "/fr/forums/c/{}/",
    "/fr/forums/t/{}/",
    "/fr/forums/files/1/{}",
    "/fr/notifications/unsubscribe/{}/",
    "/fr/notifications/confirm/{}/",
    "/fr/notifications/preferences/{}/",
    "/fr/agenda/{}/",
    "/fr/{}/",
    "/api/v1/actors/{}",
    "/api/v1/events/{}",
    "/api/v1/spaces/{}",
    "/api/v1/spaces/{}/availability",
]

# (address, query parameter names) of listings read from the query string.
LISTINGS = [
    ("/fr/agenda/", ["page", "sector", "territory", "kind", "date_from", "date_to", "q"]),
    ("/fr/agenda/archive/", ["page", "date_from", "accessibility"]),
    ("/fr/agenda/map/json/", ["sector", "date_to"]),
    ("/fr/directory/", ["page", "sector", "territory", "legal_form", "q", "umbrella"]),
    ("/fr/directory/needs-and-offers/", ["page", "sector", "kind"]),
    ("/fr/directory/map/data.geojson", ["sector", "territory"]),
    ("/fr/directory/spaces/", ["page", "territory", "capacity", "start", "date"]),
    ("/fr/directory/programmes/", ["page", "state", "sector", "support"]),
    ("/fr/forums/", ["page"]),
    ("/fr/forums/search/", ["q", "page"]),
    ("/fr/search/", ["query", "q", "page"]),
    ("/api/v1/occurrences", ["lang", "sector", "date_from", "date_to", "kind", "page", "limit"]),
    ("/api/v1/actors", ["lang", "sector", "territory", "q", "offset", "limit"]),
    ("/api/v1/spaces", ["territory", "capacity", "equipment"]),
    ("/api/v1/spaces/salle-de-la-manufacture/availability", ["start", "end"]),
    ("/api/v1/calls", ["state", "sector", "open_now", "lang"]),
]

values = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(max_size=40),
    st.integers(-(10**12), 10**12).map(str),
    st.dates().map(str),
    st.just(str(dt.date.max)),
)


@pytest.fixture
def site(full_demo, client):
    return client


requests = st.one_of(
    st.builds(
        lambda template, segment: (template.format(quote(segment, safe="")), {}),
        st.sampled_from(PATHS),
        segments,
    ),
    st.sampled_from(LISTINGS).flatmap(
        lambda listing: st.tuples(
            st.just(listing[0]),
            st.dictionaries(st.sampled_from(listing[1]), values, max_size=4),
        )
    ),
)


# One test, so that the demo is loaded once: random identifiers in paths, random query
# strings on listings, and edge numbers; the last example checks that the fixed parts of the
# addresses exist, so that the random parts hit real views.
@examples(120)
@given(request=requests)
@example(request=("/fr/forums/t/{}/".format("9" * 30), {}))
@example(request=("/fr/events/registrations/00000000-0000-0000-0000-00000000000g/", {}))
@example(request=("/api/v1/events/0", {}))
@example(request=("/fr/agenda/month/99999/1/", {}))
@example(request=("/fr/agenda/month/9999/12/", {}))
@example(request=("/fr/agenda/month/1/1/", {}))
@example(request=("/fr/agenda/month/2027/13/", {}))
@example(request=("/fr/agenda/", {"page": "9" * 20, "date_to": "9999-12-31"}))
@example(request=("/fr/agenda/", {"date_from": "0001-01-01"}))
@example(request=("/fr/forums/t/1/", {"page": "-1"}))
@example(request=("/fr/directory/", {"page": "\x00"}))
@example(request=("/api/v1/spaces/salle-de-la-manufacture/availability", {"start": "9999-12-31"}))
@example(request=("/api/v1/occurrences", {"date_to": "9999-12-31"}))
@example(request=("demo", {}))
def test_random_identifiers_and_query_strings_never_break_a_page(site, request):
    path, params = request
    if path == "demo":
        assert site.get("/fr/agenda/").status_code == 200
        assert site.get("/fr/directory/spaces/salle-de-la-manufacture/").status_code == 200
        availability = "/api/v1/spaces/salle-de-la-manufacture/availability"
        assert site.get(availability).status_code == 200
        return
    response = site.get(path, params)
    assert response.status_code in FINE, (path, params, response.status_code)
