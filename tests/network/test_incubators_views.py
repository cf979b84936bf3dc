"""The listing of calls, programme and call pages, the JSON API and the deadlines feed:
filters, what each card says, query counts that do not grow with the number of calls, and
the forms through which an incubator's admins manage their calls."""

import datetime as dt
import re

import icalendar
import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from network.incubators.models import Call, Programme
from tests.factories.incubators import ProgrammeFactory

LISTING = "/fr/directory/programmes/"


@pytest.fixture
def setup(make_actor, make_user, vocab, dakar_programme):
    admin = make_user("incubatrice@pepiniere.example")
    nantes = make_actor(name="Pépinière", slug="pepiniere", is_incubator=True, admin=admin)
    compost = ProgrammeFactory(
        actor=nantes,
        name="Compost",
        slug="compost",
        offers_training=True,
        sectors=[vocab["compost"]],
    )
    housing = dakar_programme
    now = timezone.now()
    calls = {
        "open": Call.objects.create(
            programme=compost,
            title="Appel ouvert compost",
            opens_at=now - dt.timedelta(days=5),
            pre_deposit_at=now + dt.timedelta(days=3),
            closes_at=now + dt.timedelta(days=30),
            apply_url="https://pepiniere.example/candidater",
        ),
        "coming": Call.objects.create(
            programme=compost,
            title="Appel à venir compost",
            opens_at=now + dt.timedelta(days=5),
            closes_at=now + dt.timedelta(days=40),
            apply_email="candidatures@pepiniere.example",
        ),
        "closing": Call.objects.create(
            programme=housing,
            title="Appel habitat bientôt clos",
            opens_at=now - dt.timedelta(days=20),
            closes_at=now + dt.timedelta(days=2),
            apply_email="habitat@dakar.example",
        ),
        "closed": Call.objects.create(
            programme=housing,
            title="Appel habitat clos",
            opens_at=now - dt.timedelta(days=60),
            closes_at=now - dt.timedelta(days=2),
            apply_url="https://dakar.example/clos",
        ),
    }
    return {"admin": admin, "nantes": nantes, "compost": compost, "housing": housing, **calls}


def titles(response):
    return [call.title for call in response.context["calls"]]


def test_the_listing_shows_open_calls_first_with_their_state_and_deadline(client, setup):
    response = client.get(LISTING)
    assert response.status_code == 200
    assert titles(response) == [
        "Appel habitat bientôt clos",
        "Appel ouvert compost",
        "Appel à venir compost",
        "Appel habitat clos",
    ]
    html = response.content.decode()
    # The state in words, not colour alone: four different words on four cards.
    states = re.findall(r'class="call-state call-state--(\w+)">([^<]+)</span>', html)
    assert [state for state, _label in states] == ["closing_soon", "open", "coming", "closed"]
    assert len({label.strip() for _state, label in states}) == 4
    assert html.count('class="call-dates"') == 4
    # The calls' own zone in words (and the reader's, the same here: nothing added).
    assert "(heure de Paris)" in html and "(Europe/Paris)" not in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("open_now=on", ["Appel habitat bientôt clos", "Appel ouvert compost"]),
        ("open_now=on&sector=alimentation", ["Appel ouvert compost"]),  # parent sector
        ("sector=habitat", ["Appel habitat bientôt clos", "Appel habitat clos"]),
        ("territory=pays-de-la-loire", ["Appel ouvert compost", "Appel à venir compost"]),
        ("territory=dakar&open_now=on", ["Appel habitat bientôt clos"]),
        ("support=funding", ["Appel habitat bientôt clos", "Appel habitat clos"]),
        ("state=coming", ["Appel à venir compost"]),
        ("state=closing_soon", ["Appel habitat bientôt clos"]),
        ("incubator=pepiniere", ["Appel ouvert compost", "Appel à venir compost"]),
    ],
)
def test_the_listing_filters(client, setup, query, expected):
    assert titles(client.get(f"{LISTING}?{query}")) == expected


def test_a_bad_filter_says_so_and_the_others_still_apply(client, setup):
    response = client.get(f"{LISTING}?sector=nope&open_now=on")
    assert response.status_code == 200
    assert "Choose a sector" in response.content.decode() or response.context["filter_form"].errors
    assert len(titles(response)) == 2


def test_programmes_of_unpublished_or_non_incubator_actors_stay_hidden(client, setup):
    setup["nantes"].status = "pending"
    setup["nantes"].save()
    assert "Appel ouvert compost" not in titles(client.get(LISTING))
    assert client.get("/fr/directory/programmes/compost/").status_code == 404
    assert client.get(
        f"/fr/directory/programmes/compost/calls/{setup['open'].pk}/"
    ).status_code == (404)


def test_the_call_page_says_how_to_apply(client, setup):
    page = client.get(f"/fr/directory/programmes/compost/calls/{setup['open'].pk}/")
    html = page.content.decode()
    assert 'href="https://pepiniere.example/candidater"' in html
    page = client.get(f"/fr/directory/programmes/compost/calls/{setup['coming'].pk}/")
    assert "mailto:candidatures@pepiniere.example" in page.content.decode()
    # A call not open yet says so, and offers no way to apply before it opens.
    setup["coming"].apply_url = "https://pepiniere.example/bientot"
    setup["coming"].save()
    coming = client.get(f"/fr/directory/programmes/compost/calls/{setup['coming'].pk}/")
    assert "pas encore ouvert" in coming.content.decode()
    assert "https://pepiniere.example/bientot" not in coming.content.decode()
    closed = client.get(f"/fr/directory/programmes/habitat/calls/{setup['closed'].pk}/")
    assert "https://dakar.example/clos" not in closed.content.decode()
    programme = client.get("/fr/directory/programmes/compost/")
    assert "Appel ouvert compost" in programme.content.decode()


def test_incubator_profiles_and_the_directory_link_to_the_listing(client, setup):
    assert "/fr/directory/programmes/" in client.get("/fr/directory/").content.decode()
    profile = client.get("/fr/directory/pepiniere/").content.decode()
    assert "/fr/directory/programmes/?incubator=pepiniere" in profile
    assert "/fr/directory/programmes/compost/" in profile


def make_many(programme, count):
    now = timezone.now()
    Call.objects.bulk_create(
        [
            Call(
                programme=programme,
                title=f"Appel {n}",
                opens_at=now - dt.timedelta(days=1),
                pre_deposit_at=now + dt.timedelta(days=1),
                closes_at=now + dt.timedelta(days=10 + n),
                apply_email="x@y.example",
            )
            for n in range(count)
        ]
    )


def count_queries(client, url):
    cache.clear()  # the menus and the footer are kept: measure their making
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "url",
    [
        LISTING,
        f"{LISTING}?open_now=on&sector=alimentation&territory=france&support=training",
        "/api/v1/calls?state=open",
        "/api/v1/programmes",
        f"{LISTING}deadlines.ics",
        f"{LISTING}deadlines.ics?sector=alimentation",
        "/fr/directory/programmes/compost/",
    ],
)
def test_queries_do_not_grow_with_the_number_of_calls(client, setup, url):
    make_many(setup["compost"], 5)
    client.get(url)  # caches warm (site, menus)
    few = count_queries(client, url)
    make_many(setup["compost"], 45)
    assert count_queries(client, url) == few
    assert few <= 20


def test_the_api_lists_calls_with_their_state_and_filters(client, setup):
    data = client.get("/api/v1/calls?state=closing_soon").json()
    assert [item["title"] for item in data["items"]] == ["Appel habitat bientôt clos"]
    assert data["items"][0]["state"] == "closing_soon"
    data = client.get("/api/v1/calls?open_now=true&sector=alimentation").json()
    assert [item["title"] for item in data["items"]] == ["Appel ouvert compost"]
    assert client.get("/api/v1/calls?state=nope").status_code == 422
    programmes = client.get("/api/v1/programmes?support=funding").json()["items"]
    assert [p["slug"] for p in programmes] == ["habitat"]
    assert programmes[0]["free"] is True and programmes[0]["support"] == ["funding"]


def test_the_feed_has_one_event_per_deadline_with_stable_uids_and_answers_304(client, setup):
    response = client.get(f"{LISTING}deadlines.ics?sector=alimentation")
    assert response["Content-Type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(response.content)
    vevents = calendar.walk("VEVENT")
    uids = sorted(str(v["UID"]) for v in vevents)
    call_uids = {str(setup["open"].uid), str(setup["coming"].uid)}
    assert len(vevents) == 3  # open: pre-deposit + closing; coming: closing
    assert all(any(uid in u for uid in call_uids) for u in uids)
    again = client.get(
        f"{LISTING}deadlines.ics?sector=alimentation", HTTP_IF_NONE_MATCH=response["ETag"]
    )
    assert again.status_code == 304
    Call.objects.filter(pk=setup["open"].pk).update(
        closes_at=setup["open"].closes_at + dt.timedelta(days=1), sequence=1
    )
    changed = client.get(
        f"{LISTING}deadlines.ics?sector=alimentation", HTTP_IF_NONE_MATCH=response["ETag"]
    )
    assert changed.status_code == 200
    uids_after = sorted(
        str(v["UID"]) for v in icalendar.Calendar.from_ical(changed.content).walk("VEVENT")
    )
    assert uids_after == uids


def test_an_incubator_admin_opens_a_call_from_the_site(client, setup, make_user):
    url = "/fr/directory/programmes/compost/calls/new/"
    data = {
        "title": "Nouvel appel",
        "cadence": "one_off",
        "time_zone": "Africa/Dakar",
        "opens_on": "2027-03-01",
        "closes_on": "2027-03-15",
        "apply_url": "",
        "apply_email": "",
    }
    client.force_login(make_user())
    assert client.get(url).status_code == 403
    client.force_login(setup["admin"])
    response = client.post(url, data)
    assert response.status_code == 200  # no way to apply: the form says so
    assert not Call.objects.filter(title="Nouvel appel").exists()
    data["apply_email"] = "candidatures@pepiniere.example"
    response = client.post(url, data)
    call = Call.objects.get(title="Nouvel appel")
    assert response.status_code == 302
    # A day without a time: the end of that day in the call's zone (Dakar is UTC).
    assert call.closes_at == dt.datetime(2027, 3, 15, 23, 59, 59, tzinfo=dt.UTC)
    edit = client.get(f"/fr/directory/programmes/compost/calls/{call.pk}/edit/")
    assert edit.status_code == 200
    assert client.get("/fr/directory/programmes/manage/pepiniere/").status_code == 200


def test_moderators_manage_programmes_and_calls_in_the_admin(admin_client, setup):
    assert admin_client.get("/admin/snippets/incubators/programme/").status_code == 200
    assert admin_client.get("/admin/snippets/incubators/call/").status_code == 200
    edit = admin_client.get(f"/admin/snippets/incubators/call/edit/{setup['open'].pk}/")
    assert edit.status_code == 200


def test_a_bookmark_of_the_admin_from_before_the_split_still_leads_there(admin_client, setup):
    pk = setup["open"].pk
    former = admin_client.get(f"/admin/snippets/network/call/edit/{pk}/")
    assert former.status_code == 301
    assert former["Location"] == f"/admin/snippets/incubators/call/edit/{pk}/"
    assert admin_client.get("/admin/snippets/network/space/").status_code == 301
    assert admin_client.get("/admin/snippets/network/actor/").status_code == 200  # stays


def test_the_english_listing_and_feed_answer(client, setup):
    assert client.get("/en/directory/programmes/?open_now=on").status_code == 200
    feed = client.get("/en/directory/programmes/deadlines.ics")
    assert b"BEGIN:VCALENDAR" in feed.content


def test_an_incubator_admin_adds_a_programme_from_the_site(client, setup, vocab):
    client.force_login(setup["admin"])
    url = "/fr/directory/programmes/manage/pepiniere/new/"
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "name": "Fonds vert",
            "offers_funding": "on",
            "sectors": [vocab["food"].pk],
            "territory": vocab["nantes"].pk,
            "cost": "",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    programme = Programme.objects.get(name="Fonds vert")
    assert programme.actor == setup["nantes"] and programme.slug == "fonds-vert"
    assert programme.offers_funding and programme.is_free
    assert list(programme.sectors.all()) == [vocab["food"]]
    edit = client.post(
        "/fr/directory/programmes/fonds-vert/edit/",
        {"name": "Fonds vert", "cost": "50 €", "sectors": [], "is_active": "on"},
    )
    assert edit.status_code == 302
    programme.refresh_from_db()
    assert programme.cost == "50 €" and not programme.offers_funding
    # Not an incubator's admin: refused.
    client.force_login(setup["admin"].__class__.objects.create_user(email="x@y.example"))
    assert client.get(url).status_code == 403
