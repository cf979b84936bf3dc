"""Editors never type RFC 5545 (issue 17, items 5 and 6): the builder's parts of a rule, the
rule said in words, the preview the builder asks for, and the picker of a series' dates for
changes to single dates, which refuses a date the rule does not give."""

import datetime as dt
import zoneinfo

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.utils import translation
from wagtail.users.models import UserProfile

from events.models import EventPage, OccurrenceChange
from events.recurrence import RuleParts, compose_rule, describe_rule, parse_rule, recurrence_problem
from events.services import event_schedule, next_dates, series_starts
from tests.admin_forms import as_post_data, form_fields

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
DAKAR = zoneinfo.ZoneInfo("Africa/Dakar")
PREVIEW_URL = "/admin/events/recurrence-preview/"


# The builder's parts ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "FREQ=DAILY",
        "FREQ=DAILY;INTERVAL=3;COUNT=5",
        "FREQ=WEEKLY",
        "FREQ=WEEKLY;BYDAY=MO;COUNT=8",
        "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH;UNTIL=20270630",
        "FREQ=MONTHLY",
        "FREQ=MONTHLY;BYMONTHDAY=15",
        "FREQ=MONTHLY;BYDAY=1TU;COUNT=10",
        "FREQ=MONTHLY;INTERVAL=2;BYDAY=-1FR",
        "FREQ=YEARLY;UNTIL=20300714",
    ],
)
def test_a_canonical_rule_comes_back_the_same_through_the_builder(text):
    assert compose_rule(parse_rule(text)) == text


@pytest.mark.parametrize(
    "parts",
    [
        RuleParts("DAILY"),
        RuleParts("WEEKLY", interval=2, weekdays=(0, 2, 4), count=12),
        RuleParts("MONTHLY", nth=3, nth_weekday=5, until=dt.date(2028, 1, 31)),
        RuleParts("MONTHLY", interval=6, month_day=31),
        RuleParts("YEARLY", interval=2, count=3),
    ],
)
def test_parts_come_back_the_same_through_their_text(parts):
    assert parse_rule(compose_rule(parts)) == parts


def test_a_rule_typed_another_way_is_read_and_written_canonically():
    parts = parse_rule("rrule:freq=weekly;byday=WE,MO;wkst=MO;count=8")

    assert parts == RuleParts("WEEKLY", weekdays=(0, 2), count=8)
    assert parts.end == "count"
    assert compose_rule(parts) == "FREQ=WEEKLY;BYDAY=MO,WE;COUNT=8"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "FREQ=MONTHLY;BYDAY=1TU,3TU",  # two weekdays of the month
        "FREQ=MONTHLY;BYDAY=TU;BYSETPOS=1",
        "FREQ=YEARLY;BYMONTH=7;BYMONTHDAY=14",
        "FREQ=WEEKLY;BYDAY=1MO",
        "FREQ=WEEKLY;WKST=SU;BYDAY=MO,SA",
        "FREQ=WEEKLY;UNTIL=20270630T000000Z",  # a time, not a date: the builder ends on days
        "FREQ=MONTHLY;BYMONTHDAY=-1",
        "FREQ=HOURLY",
        "FREQ=WEEKLY;COUNT=3;UNTIL=20270630",
        "not a rule",
    ],
)
def test_a_rule_the_builder_cannot_show_is_left_raw(text):
    assert parse_rule(text) is None


# The rule in words -------------------------------------------------------------------------


def at(year, month, day, hour=0, minute=0, zone=PARIS):
    return dt.datetime(year, month, day, hour, minute, tzinfo=zone)


# (rule, local start, all day, French, English)
SENTENCES = [
    (
        "FREQ=WEEKLY;BYDAY=MO;COUNT=8",
        at(2027, 3, 1, 18),
        False,
        "tous les lundis à 18\u00a0h, 8 fois",
        "every Monday at 6 pm, 8 times",
    ),
    (
        "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH;UNTIL=20270630",
        at(2027, 3, 2, 9, 30),
        False,
        "toutes les deux semaines le mardi et le jeudi à 9\u00a0h\u00a030, jusqu’au 30 juin 2027",
        "every other week on Tuesday and Thursday at 9:30 am, until 30 June 2027",
    ),
    (
        "FREQ=MONTHLY;BYDAY=1TU",
        at(2027, 3, 2, 18),
        False,
        "le premier mardi de chaque mois à 18\u00a0h",
        "on the first Tuesday of every month at 6 pm",
    ),
    ("FREQ=DAILY", at(2027, 3, 2, 8), False, "tous les jours à 8\u00a0h", "every day at 8 am"),
    ("FREQ=YEARLY", at(2027, 7, 14), True, "chaque année le 14 juillet", "every year on 14 July"),
    (
        "FREQ=WEEKLY;BYDAY=MO,WE,FR",
        at(2027, 3, 1, 12, 15),
        False,
        "tous les lundis, mercredis et vendredis à 12\u00a0h\u00a015",
        "every Monday, Wednesday and Friday at 12:15 pm",
    ),
    (
        "FREQ=MONTHLY;INTERVAL=2;BYDAY=-1FR;COUNT=1",
        at(2027, 3, 26, 19),
        False,
        "le dernier vendredi du mois, tous les deux mois à 19\u00a0h, une fois",
        "on the last Friday of every other month at 7 pm, once",
    ),
    (
        "FREQ=MONTHLY;BYMONTHDAY=1;INTERVAL=3",
        at(2027, 4, 1),
        True,
        "le 1er tous les 3 mois",
        "on day 1 every 3 months",
    ),
    (
        "FREQ=DAILY;INTERVAL=2;COUNT=5",
        at(2027, 3, 2, 0, 30),
        False,
        "tous les deux jours à 0\u00a0h\u00a030, 5 fois",
        "every other day at 12:30 am, 5 times",
    ),
    (
        "FREQ=WEEKLY;INTERVAL=3",  # no BYDAY: the start's weekday
        at(2027, 3, 3, 14),
        False,
        "toutes les 3 semaines le mercredi à 14\u00a0h",
        "every 3 weeks on Wednesday at 2 pm",
    ),
    (
        # UNTIL in UTC, as calendars write it: 30 June 00:00 UTC is before 18:00 local.
        "FREQ=WEEKLY;UNTIL=20270630T000000Z",
        at(2027, 3, 1, 18),
        False,
        "tous les lundis à 18\u00a0h, jusqu’au 29 juin 2027",
        "every Monday at 6 pm, until 29 June 2027",
    ),
    (
        "FREQ=YEARLY;INTERVAL=2;UNTIL=20350101",
        at(2027, 7, 1, 10),
        False,
        "tous les deux ans le 1er juillet à 10\u00a0h, jusqu’au 1er janvier 2035",
        "every other year on 1 July at 10 am, until 1 January 2035",
    ),
    (
        "FREQ=MONTHLY;BYDAY=1TU,3TU",
        at(2027, 3, 2, 18),
        False,
        "se répète selon une règle personnalisée",
        "repeats according to a custom rule",
    ),
]


@pytest.mark.parametrize(
    ("text", "start", "all_day", "french", "english"), SENTENCES, ids=[s[0] for s in SENTENCES]
)
def test_the_rule_is_said_in_french(text, start, all_day, french, english):
    with translation.override("fr"):
        assert describe_rule(text=text, local_start=start, all_day=all_day) == french


@pytest.mark.parametrize(
    ("text", "start", "all_day", "french", "english"), SENTENCES, ids=[s[0] for s in SENTENCES]
)
def test_the_rule_is_said_in_english(text, start, all_day, french, english):
    with translation.override("en"):
        assert describe_rule(text=text, local_start=start, all_day=all_day) == english


def test_french_words_use_french_typography():
    with translation.override("fr"):
        words = describe_rule(
            text="FREQ=WEEKLY;BYDAY=SU;UNTIL=20270801", local_start=at(2027, 3, 7, 9), all_day=False
        )
    assert words == "tous les dimanches à 9\u00a0h, jusqu’au 1er août 2027"
    assert "'" not in words  # the apostrophe is U+2019


# The dates ---------------------------------------------------------------------------------


def test_the_next_dates_are_the_schedules_in_the_events_zone(make_event):
    event = make_event(
        start=at(2027, 3, 1, 18, zone=DAKAR),
        time_zone="Africa/Dakar",
        recurrence="FREQ=WEEKLY;BYDAY=MO,WE;COUNT=8",
    )
    now = dt.datetime(2027, 3, 4, tzinfo=dt.UTC)

    dates = next_dates(
        text=event.recurrence,
        start=event.start,
        end=event.end,
        time_zone=event.time_zone,
        count=3,
        now=now,
    )

    schedule = [start for start, *_rest in event_schedule(event=event, now=now)]
    assert [date.astimezone(dt.UTC) for date in dates] == [s for s in schedule if s >= now][:3]
    assert [(date.day, date.hour, str(date.tzinfo)) for date in dates] == [
        (8, 18, "Africa/Dakar"),
        (10, 18, "Africa/Dakar"),
        (15, 18, "Africa/Dakar"),
    ]


def test_series_starts_keep_the_local_time_across_daylight_saving(db):
    starts = series_starts(
        text="FREQ=WEEKLY;COUNT=3", start=at(2027, 3, 22, 18), time_zone="Europe/Paris"
    )

    assert [start.astimezone(PARIS).hour for start in starts] == [18, 18, 18]
    assert [start.hour for start in starts] == [17, 16, 16]  # UTC, after 28 March


# The preview endpoint ----------------------------------------------------------------------


@pytest.fixture
def member(demo):
    return get_user_model().objects.get(email="membre@essaim.example")


def preview(client, **params):
    query = {
        "start": "2027-03-01 18:00",
        "end": "2027-03-01 20:00",
        "time_zone": "Europe/Paris",
        "recurrence": "FREQ=WEEKLY;BYDAY=MO,WE;COUNT=8",
        **params,
    }
    return client.get(PREVIEW_URL, query)


def test_the_preview_gives_editors_the_words_and_the_next_dates(client, editor):
    client.force_login(editor)

    response = preview(client, recurrence="FREQ=WEEKLY;BYDAY=MO,WE;COUNT=8")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    data = response.json()
    assert data["problem"] is None
    assert data["words"] == "tous les lundis et mercredis à 18\u00a0h, 8 fois"
    assert data["total"] == "8 dates en tout"
    assert len(data["dates"]) == 8
    assert len(data["choices"]) == 8
    assert data["choices"][0] == {
        "value": "2027-03-01T17:00:00+00:00",
        "label": "lundi 1er mars 2027 à 18\u00a0h",
    }
    assert data["choices"][1]["value"] == "2027-03-03T17:00:00+00:00"
    assert data["parts"] == {
        "frequency": "WEEKLY",
        "interval": 1,
        "weekdays": [0, 2],
        "month_day": None,
        "nth": None,
        "nth_weekday": None,
        "count": 8,
        "until": None,
        "end": "count",
    }
    assert data["start"] == {"weekday": 0, "day": 1, "nth": 1}


def test_the_preview_speaks_the_editors_admin_language(client, editor):
    profile = UserProfile.get_for_user(editor)
    profile.preferred_language = "en"
    profile.save()
    client.force_login(editor)

    data = preview(client, recurrence="FREQ=WEEKLY;BYDAY=MO,WE;COUNT=8").json()

    assert data["words"] == "every Monday and Wednesday at 6 pm, 8 times"
    assert data["total"] == "8 dates in all"
    assert data["dates"][0]["label"] == "Monday 1 March 2027 at 6 pm"


def test_the_preview_lists_ten_dates_in_the_events_zone_in_the_editors_language(client, editor):
    client.force_login(editor)

    data = preview(
        client,
        start="2027-03-01 18:00",  # the editor's zone: Paris
        time_zone="Africa/Dakar",
        recurrence="FREQ=DAILY",
    ).json()

    assert len(data["dates"]) == 10
    # 18:00 in Paris is 17:00 in Dakar; the editor reads French.
    assert data["dates"][0]["label"] == "lundi 1er mars 2027 à 17\u00a0h"
    assert data["words"] == "tous les jours à 17\u00a0h"
    assert data["total"] == ""  # no end


def test_the_preview_warns_when_the_start_is_not_a_date_of_the_rule(client, editor):
    client.force_login(editor)

    data = preview(client, start="2027-03-02 18:00", recurrence="FREQ=WEEKLY;BYDAY=MO").json()

    assert data["message"] == (
        "Le début, mardi 2 mars 2027 à 18\u00a0h, n’est pas une date de cette règle\u00a0: "
        "la première date est lundi 8 mars 2027 à 18\u00a0h."
    )
    assert data["dates"][0]["label"] == "lundi 8 mars 2027 à 18\u00a0h"


def test_the_preview_says_why_a_rule_is_refused(client, editor):
    client.force_login(editor)
    local_start = at(2027, 3, 1, 18)

    for rule in ("FREQ=WEEKLY;BYDAY=XX", "FREQ=HOURLY", "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30"):
        data = preview(client, recurrence=rule).json()

        assert data["problem"] == recurrence_problem(text=rule, local_start=local_start)
        assert data["problem"]
        assert data["dates"] == []


def test_the_preview_of_a_rule_the_builder_cannot_show_marks_it_custom(client, editor):
    client.force_login(editor)

    data = preview(client, recurrence="FREQ=MONTHLY;BYDAY=1TU,3TU;COUNT=4").json()

    assert data["custom"] is True
    assert data["parts"] is None
    assert len(data["dates"]) == 4


def test_the_preview_asks_for_the_start_first(client, editor):
    client.force_login(editor)

    data = preview(client, start="").json()

    assert data["message"]
    assert data["dates"] == []


def test_the_preview_is_only_for_people_who_can_edit_pages(client, member):
    assert preview(client).status_code == 302  # to the login page

    client.force_login(member)
    assert preview(client).status_code in (302, 403)

    member.user_permissions.add(Permission.objects.get(codename="access_admin"))
    response = preview(client)
    assert response.status_code == 403
    assert "words" not in response.json()


# The picker of a series' dates -------------------------------------------------------------


def edit_url(page):
    return f"/admin/pages/{page.pk}/edit/"


def options(html, name):
    soup = BeautifulSoup(html, "html.parser")
    select = soup.find("select", attrs={"name": name})
    assert select is not None, f"no select {name}"
    return [
        (option.get("value"), option.get_text(strip=True), option)
        for option in select.find_all("option")
    ]


@pytest.fixture
def series(make_event, editor):
    """A weekly series on Mondays at 18:00 in Paris, with one cancelled date."""
    return make_event(
        start=at(2027, 3, 1, 18),
        recurrence="FREQ=WEEKLY;BYDAY=MO;COUNT=4",
        changes=[(at(2027, 3, 8, 18), OccurrenceChange.Action.CANCEL, None, None)],
        owner=editor,
    )


def post_data(client, page, **extra):
    response = client.get(edit_url(page))
    assert response.status_code == 200
    return as_post_data(
        form_fields(response.content.decode(), "page-edit-form"), **{"body-count": "0", **extra}
    )


def add_change(data, original_start, action="cancel"):
    index = int(data["occurrence_changes-TOTAL_FORMS"])
    data["occurrence_changes-TOTAL_FORMS"] = str(index + 1)
    prefix = f"occurrence_changes-{index}-"
    data.update(
        {
            f"{prefix}original_start": original_start,
            f"{prefix}action": action,
            f"{prefix}new_start": "",
            f"{prefix}new_end": "",
            f"{prefix}note": "",
            f"{prefix}ORDER": str(index + 1),
            f"{prefix}DELETE": "",
            f"{prefix}id": "",
        }
    )
    return data


def test_the_date_of_a_change_is_picked_from_the_series(client, editor, series):
    client.force_login(editor)

    html = client.get(edit_url(series)).content.decode()

    choices = options(html, "occurrence_changes-0-original_start")
    assert [value for value, _label, _option in choices] == [
        "",
        "2027-03-01T17:00:00+00:00",
        "2027-03-08T17:00:00+00:00",
        "2027-03-15T17:00:00+00:00",
        "2027-03-22T17:00:00+00:00",
    ]
    # The saved change's date is selected, and labelled in the event's zone, in French.
    selected = [value for value, _label, option in choices if option.has_attr("selected")]
    assert selected == ["2027-03-08T17:00:00+00:00"]
    assert choices[2][1] == "lundi 8 mars 2027 à 18\u00a0h"
    # The builder is there, with the stored rule in the field the form sends.
    soup = BeautifulSoup(html, "html.parser")
    assert soup.find("input", attrs={"name": "recurrence"})["value"] == series.recurrence
    assert soup.find(attrs={"data-controller": "essaim-recurrence"}) is not None


def test_a_date_from_the_series_is_saved(client, editor, series):
    client.force_login(editor)
    data = add_change(post_data(client, series), "2027-03-22T17:00:00+00:00")

    response = client.post(edit_url(series), data)

    assert response.status_code == 302
    draft = EventPage.objects.get(pk=series.pk).get_latest_revision_as_object()
    assert sorted(change.original_start for change in draft.occurrence_changes.all()) == [
        at(2027, 3, 8, 18),
        at(2027, 3, 22, 18),
    ]


def test_a_date_that_is_not_in_the_series_is_refused(client, editor, series):
    client.force_login(editor)
    revisions = series.revisions.count()
    # A Tuesday: the rule gives Mondays.
    data = add_change(post_data(client, series), "2027-03-23T17:00:00+00:00")

    response = client.post(edit_url(series), data)

    assert response.status_code == 200
    assert series.revisions.count() == revisions
    html = response.content.decode()
    assert (
        "Cette date n’est pas dans la série" in html
        or "This date is not in the series: choose one of the dates its rule gives." in html
    )
    # What the editor chose is still there, to be corrected.
    choices = options(html, "occurrence_changes-1-original_start")
    assert ("2027-03-23T17:00:00+00:00") in [value for value, _label, _option in choices]


def test_a_date_is_checked_against_the_rule_being_saved(client, editor, series):
    """Changing the rule to Tuesdays and picking a Tuesday in the same save is fine."""
    client.force_login(editor)
    data = post_data(client, series, recurrence="FREQ=WEEKLY;BYDAY=TU;COUNT=4")
    data = add_change(data, "2027-03-09T17:00:00+00:00")

    response = client.post(edit_url(series), data)

    assert response.status_code == 302


def test_a_saved_change_whose_date_left_the_rule_is_still_shown(client, editor, series):
    client.force_login(editor)
    series.recurrence = "FREQ=WEEKLY;BYDAY=TU;COUNT=4"
    series.save_revision()

    html = client.get(edit_url(series)).content.decode()

    choices = options(html, "occurrence_changes-0-original_start")
    kept = [option for value, _l, option in choices if value == "2027-03-08T17:00:00+00:00"]
    assert len(kept) == 1
    assert kept[0].has_attr("selected")
    assert kept[0].has_attr("data-orphan")
    # And saving the page again keeps it: nothing saved is lost.
    response = client.post(edit_url(series), post_data(client, series))
    assert response.status_code == 302
    draft = EventPage.objects.get(pk=series.pk).get_latest_revision_as_object()
    assert [change.original_start for change in draft.occurrence_changes.all()] == [
        at(2027, 3, 8, 18)
    ]


def test_a_new_event_gets_the_builder_and_an_empty_date_picker(client, editor, agenda):
    client.force_login(editor)

    response = client.get(f"/admin/pages/add/events/eventpage/{agenda.pk}/")

    assert response.status_code == 200
    soup = BeautifulSoup(response.content.decode(), "html.parser")
    assert soup.find(attrs={"data-controller": "essaim-recurrence"}) is not None
    # The template of a new change: its picker is filled by the builder's script.
    template = soup.find("template", id="id_occurrence_changes-EMPTY_FORM_TEMPLATE")
    picker = BeautifulSoup(template.decode_contents(), "html.parser").find(
        "select", attrs={"data-controller": "essaim-series-date"}
    )
    assert [option.get("value") for option in picker.find_all("option")] == [""]


def test_the_currency_is_a_select_with_names(client, editor, series):
    client.force_login(editor)

    html = client.get(edit_url(series)).content.decode()

    choices = {value: label for value, label, _option in options(html, "price_currency")}
    assert choices["EUR"] == "EUR – euro"
    assert choices["XOF"].startswith("XOF – franc CFA")
    assert {"CAD", "CHF"} <= set(choices)
