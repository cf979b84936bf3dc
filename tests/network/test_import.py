"""Importing actors from CSV: a dry run, a validation report per row, duplicates found by
identifier then by a similar name nearby, and pairs marked "not a duplicate" remembered."""

import csv
import io
import itertools
import random

import pytest
from django.core.management import call_command

from network.directory import services
from network.directory.dedupe import bounded_levenshtein, normalize_name
from network.directory.importing import actors_import
from network.directory.models import Actor, ActorStatus, NotDuplicate
from network.directory.services import scan_for_duplicates

pytestmark = pytest.mark.django_db

HEADER = [
    "name",
    "legal_form",
    "siret",
    "rna",
    "sectors",
    "territory",
    "latitude",
    "longitude",
    "description",
    "website",
    "private_email",
]
KINDS = [
    "Atelier",
    "Coopérative",
    "Maison",
    "Jardin",
    "Réseau",
    "Collectif",
    "Comptoir",
    "Fabrique",
    "Ressourcerie",
    "Épicerie",
]
QUALITIES = [
    "solidaire",
    "citoyen",
    "paysan",
    "numérique",
    "partagé",
    "durable",
    "populaire",
    "créatif",
    "mobile",
    "urbain",
]
PLACES = [
    "Bellevue",
    "Malakoff",
    "Chantenay",
    "Doulon",
    "Dervallières",
    "Zola",
    "Erdre",
    "Procé",
    "Madeleine",
    "Bottière",
]


def siret(n):
    """A valid SIRET (Luhn) built from a number."""
    base = f"{n:013d}"
    for check in range(10):
        candidate = base + str(check)
        total = 0
        for position, char in enumerate(reversed(candidate)):
            value = int(char) * (2 if position % 2 else 1)
            total += value - 9 if value > 9 else value
        if total % 10 == 0:
            return candidate
    raise AssertionError


def typo(name, rng):
    """A duplicate as people type it again: case, accents or one letter changed."""
    choice = rng.randrange(3)
    if choice == 0:
        return name.upper()
    if choice == 1:
        return normalize_name(name).title()
    position = rng.randrange(1, len(name) - 1)
    return name[:position] + name[position + 1 :]  # one letter dropped


def build_csv(vocab, rows=1000, duplicates=50, seed=7):
    rng = random.Random(seed)
    names = [f"{k} {q} {p}" for k, q, p in itertools.product(KINDS, QUALITIES, PLACES)]
    rng.shuffle(names)
    territories = ["nantes", "dakar", "pays-de-la-loire", "france"]
    originals = []
    for n, name in enumerate(names[: rows - duplicates]):
        originals.append(
            {
                "name": name,
                "legal_form": rng.choice(["association", "SCOP", "Association"]),
                "siret": siret(n + 1) if n % 3 == 0 else "",
                "rna": f"W{n:09d}" if n % 3 == 1 else "",
                "sectors": rng.choice(["alimentation", "habitat|compostage", ""]),
                "territory": territories[n % 4],
                "latitude": "",
                "longitude": "",
                "description": "Importée",
                "website": "",
                "private_email": f"p{n}@private.example",
            }
        )
    planted = []
    all_rows = list(originals)
    for n, original in enumerate(rng.sample(originals, duplicates)):
        copy = dict(original)
        if n % 2 and original["siret"]:
            copy["name"] = f"Autre nom {n}"  # only the identifier betrays it
        else:
            copy["name"] = typo(original["name"], rng)
        planted.append(copy)
        # Somewhere after its original: the second one is the duplicate.
        after = all_rows.index(original) + 1
        all_rows.insert(rng.randrange(after, len(all_rows) + 1), copy)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=HEADER)
    writer.writeheader()
    writer.writerows(all_rows)
    return buffer.getvalue(), planted


def test_distinct_generated_names_are_not_close_to_each_other():
    names = {
        normalize_name(f"{k} {q} {p}") for k, q, p in itertools.product(KINDS, QUALITIES, PLACES)
    }
    assert len(names) == 1000
    sample = sorted(names)[:60]
    for a, b in itertools.combinations(sample, 2):
        assert bounded_levenshtein(a, b, 2) > 2


def test_importing_1000_rows_flags_the_50_planted_duplicates(vocab, tmp_path, capsys):
    text, planted = build_csv(vocab)
    path = tmp_path / "acteurs.csv"
    path.write_text(text, encoding="utf-8")

    call_command("import_actors", str(path), "--dry-run", "--quiet-ok", "--language", "en")
    output = capsys.readouterr().out
    assert "1000 rows: 950 ok, 50 potential duplicates, 0 errors. Dry run" in output, output[-3000:]
    assert not Actor.objects.exists()

    call_command("import_actors", str(path), "--quiet-ok", "--language", "en")
    assert Actor.objects.count() == 1000
    flagged = Actor.objects.filter(status=ActorStatus.DUPLICATE)
    assert flagged.count() == 50
    assert all(actor.duplicate_of_id for actor in flagged)
    assert Actor.objects.filter(status=ActorStatus.PENDING).count() == 950
    # Nothing imported is public before a moderator approves it.
    assert not Actor.objects.published().exists()

    # Importing the same file again: every row is now already in the directory.
    report = actors_import(lines=io.StringIO(text), dry_run=True)
    assert report.count("duplicate") == 1000


def test_each_row_is_validated_and_reported(vocab, capsys, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(
        "name,siret,rna,territory,sectors,latitude,longitude,website\n"
        "Bonne Coop,73282932000074,,nantes,alimentation,47.2,-1.5,https://ok.example\n"
        "Mauvais SIRET,73282932000075,,nantes,,,,\n"
        "Mauvais RNA,,W12,nantes,,,,\n"
        ",,,nantes,,,,\n"
        "Lieu inconnu,,,atlantide,,,,\n"
        "Filière inconnue,,,nantes,spatial,,,\n"
        "Latitude seule,,,nantes,,47.2,,\n",
        encoding="utf-8",
    )
    call_command("import_actors", str(path), "--publish", "--language", "en")
    output = capsys.readouterr().out
    assert "line 2: ok — Bonne Coop" in output
    assert "line 3: error — Mauvais SIRET" in output and "identifier" in output
    assert "line 4: error — Mauvais RNA" in output
    assert "line 5: error" in output and "name" in output
    assert "line 6: error — Lieu inconnu: territory" in output
    assert "line 7: error — Filière inconnue: sectors" in output
    assert "line 8: error — Latitude seule: longitude" in output
    assert "7 rows: 1 ok, 0 potential duplicates, 6 errors." in output
    (actor,) = Actor.objects.all()
    assert actor.status == ActorStatus.PUBLISHED
    assert actor.identifier == "73282932000074"
    assert [s.slug for s in actor.sectors.all()] == ["alimentation"]


def test_a_pair_marked_not_a_duplicate_is_never_flagged_again(vocab, make_actor, moderator):
    first = make_actor(name="Atelier Vélo Nantes", slug="atelier-velo-nantes")
    second = make_actor(name="Atelier Velo Nante", slug="atelier-velo-nante", status="pending")
    assert scan_for_duplicates() == 1
    second.refresh_from_db()
    assert second.status == ActorStatus.DUPLICATE
    assert second.duplicate_of == first

    services.actor_mark_not_duplicate(actor=second, user=moderator)
    second.refresh_from_db()
    assert second.status == ActorStatus.PENDING and second.duplicate_of is None
    assert NotDuplicate.objects.count() == 1
    assert scan_for_duplicates() == 0
    second.refresh_from_db()
    assert second.duplicate_of is None


def test_names_far_apart_are_not_duplicates(vocab, make_actor):
    make_actor(name="Recyclerie du Breil", territory=vocab["nantes"])
    make_actor(name="Recyclerie du Breil", territory=vocab["dakar"], latitude=14.7, longitude=-17.4)
    assert scan_for_duplicates() == 0
