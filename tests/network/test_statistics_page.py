"""The directory's statistics as an elected official reads them: countries by name in the
reader's language, months in words, the monthly series across the page (years down, months
across), each table folded under its chart, a page that stays short, and the CSV unchanged
for machines. The figures are the same in the charts and in the tables."""

import csv
import datetime as dt
import io
import re
from html.parser import HTMLParser

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from network.directory.models import Territory

PAGE = "/fr/directory/statistics/"
FRENCH_MONTHS = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
]


def plain(text):
    return re.sub(r"[\u00a0\u202f]", " ", re.sub(r"<[^>]+>", "", text))


@pytest.fixture
def actors(make_actor, vocab):
    """Actors in France and Senegal, first published in two months of the last year."""
    now = timezone.now()
    this_month = now.replace(day=1, hour=12)
    made = [
        make_actor(sectors=[vocab["food"]], published_at=this_month),
        make_actor(sectors=[vocab["food"]], published_at=this_month),
        make_actor(territory=vocab["dakar"], published_at=this_month - dt.timedelta(days=92)),
    ]
    return {"actors": made, "this_month": this_month}


def test_countries_are_named_in_the_readers_language(client, actors):
    french = client.get(PAGE).content.decode()
    assert '<th scope="row">Sénégal</th><td>1</td>' in french
    assert '<th scope="row">France</th><td>2</td>' in french
    assert '<th scope="row">SN</th>' not in french
    english = client.get("/en/directory/statistics/").content.decode()
    assert '<th scope="row">Senegal</th><td>1</td>' in english


def test_an_actor_without_a_country_is_counted_as_such_in_words(client, make_actor):
    make_actor(territory=None)
    html = client.get(PAGE).content.decode()
    assert '<th scope="row">—</th>' not in html
    assert re.search(r'<th scope="row">[^<]*(?:given|renseign)[^<]*</th><td>1</td>', html)


def test_months_are_said_in_words_never_as_numbers(client, actors):
    html = client.get(PAGE).content.decode()
    month = actors["this_month"]
    assert f"{month:%Y-%m}" not in html
    # The busiest month, said in words in the summary: "décembre 2026".
    assert f"{FRENCH_MONTHS[month.month - 1]} {month.year}" in plain(html)
    english = client.get("/en/directory/statistics/").content.decode()
    assert f"{month:%B} {month.year}" in plain(english)


class Tables(HTMLParser):
    """The page's tables: their header rows, body rows, and whether each lies in a <details>
    that comes after a chart."""

    def __init__(self):
        super().__init__()
        self.tables, self.open_details, self.charts_seen = [], 0, 0
        self.cell = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "details":
            self.open_details += 1
        elif "stat-chart" in (attrs.get("class") or "").split():
            self.charts_seen += 1
        elif tag == "table":
            self.tables.append(
                {"in_details": self.open_details > 0, "charts": self.charts_seen, "rows": []}
            )
        elif tag == "tr" and self.tables:
            self.tables[-1]["rows"].append([])
        elif tag in ("th", "td") and self.tables:
            self.cell = []

    def handle_endtag(self, tag):
        if tag == "details":
            self.open_details -= 1
        elif tag in ("th", "td") and self.cell is not None:
            self.tables[-1]["rows"][-1].append("".join(self.cell).strip())
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def tables_of(html):
    parser = Tables()
    parser.feed(html)
    return parser.tables


def test_every_table_is_folded_under_its_chart(client, actors):
    tables = tables_of(client.get(PAGE).content.decode())
    assert len(tables) == 5
    for number, table in enumerate(tables, start=1):
        assert table["in_details"]
        assert table["charts"] == number  # the chart first, then its table


def test_the_monthly_series_runs_across_with_a_row_per_year(client, actors):
    html = client.get(PAGE).content.decode()
    monthly = tables_of(html)[-1]
    header, *years = monthly["rows"]
    assert header[1:] == FRENCH_MONTHS
    now = actors["this_month"]
    assert [row[0] for row in years] == [str(now.year - 2), str(now.year - 1), str(now.year)][
        -len(years) :
    ]
    this_year = years[-1]
    assert this_year[now.month] == "2"
    # A month of the last 24 without a new actor counts zero; one outside them is left blank.
    counted = [cell for row in years for cell in row[1:] if cell != ""]
    assert len(counted) == 24
    assert sum(int(cell) for cell in counted) == 3
    # The chart draws one column per month of the 24, with the same figures.
    assert html.count('class="stat-columns__month') == 24


def test_long_breakdowns_draw_their_largest_and_keep_every_row_in_the_table(
    client, make_actor, vocab
):
    for n in range(15):
        territory = Territory.objects.create(
            name=f"Commune {n:02}", slug=f"commune-{n:02}", kind="commune", country="FR"
        )
        for _ in range(n % 3 + 1):
            make_actor(territory=territory)
    html = client.get(PAGE).content.decode()
    section = html.split('id="stat-by_territory"')[1].split("</section>")[0]
    assert section.count("<li>") == 12  # bars
    assert section.count('<th scope="row">Commune') == 15  # table rows
    assert "15" in plain(section.split("<details")[0])  # the note says how many there are


def count_queries(client, url):
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_page_reads_the_same_number_of_queries_whatever_the_numbers(client, make_actor):
    client.get(PAGE)
    few = count_queries(client, PAGE)
    for n in range(12):
        territory = Territory.objects.create(
            name=f"Ville {n}", slug=f"ville-{n}", kind="commune", country=["FR", "SN", "BE"][n % 3]
        )
        make_actor(territory=territory, published_at=timezone.now() - dt.timedelta(days=31 * n))
    assert count_queries(client, PAGE) == few
    assert few <= 20


def test_the_csv_keeps_codes_and_iso_months_for_machines(client, actors):
    response = client.get(f"{PAGE}?format=csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    month = actors["this_month"]
    assert rows[0] == ["Répartition", "Valeur", "Acteurs publiés"]
    assert ["Par pays", "SN", "1"] in rows
    assert ["Nouveaux acteurs par mois", f"{month:%Y-%m}", "2"] in rows
    assert rows[-1] == ["Total", "", "3"]


def test_each_table_heads_its_first_column_with_what_its_rows_are(client, actors):
    french = client.get(PAGE).content.decode()
    headings = re.findall(r'<thead><tr><th scope="col">([^<]+)</th>', french)
    assert headings[:4] == ["Secteur", "Forme juridique", "Territoire", "Pays"]
    assert "Valeur" not in headings
