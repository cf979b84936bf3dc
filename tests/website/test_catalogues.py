"""French and English catalogues are complete: every string of the code is translated."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
SOURCES = [
    "manage.py",
    "website",
    "events",
    "network",
    "benchmarks",
    "forums",
    "practices",
    "templates",
    "locale",
]


def untranslated(po_path):
    with po_path.open("rb") as po_file:
        catalogue = read_po(po_file)
    problems = []
    for message in catalogue:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(strings):
            problems.append(message.id)
    return problems


@pytest.mark.parametrize("language", ["fr", "en"])
def test_catalogue_has_no_empty_or_fuzzy_entry(language):
    assert untranslated(ROOT / "locale" / language / "LC_MESSAGES" / "django.po") == []


@pytest.mark.gettext
def test_every_string_in_the_code_is_in_both_catalogues(tmp_path):
    """Extract the strings again, in a copy of the tree, and look for new untranslated ones."""
    for name in SOURCES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
        elif source.exists():
            shutil.copy(source, tmp_path / name)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "website.settings.test"}
    result = subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "fr", "-l", "en", "--no-obsolete"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    for language in ("fr", "en"):
        missing = untranslated(tmp_path / "locale" / language / "LC_MESSAGES" / "django.po")
        assert missing == [], f"{language}: run `make messages` and translate {missing}"


def test_french_follows_french_typography():
    """A no-break space before ":" and inside « », a narrow one before ; ? ! (never a plain
    space, which lets the sign start a line)."""
    with (ROOT / "locale" / "fr" / "LC_MESSAGES" / "django.po").open("rb") as po_file:
        catalogue = read_po(po_file)
    wrong = []
    for message in catalogue:
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for string in strings:
            if re.search(r" [:;?!»]|« ", string or ""):
                wrong.append(string)
    assert wrong == []


# Nouns of the site's labels that are feminine: "(facultatif)" agrees with them.
FEMININE = ("Heure", "Date", "Note", "Répétition", "Adresse", "Description", "Image", "Langue")
FEMININE_PLURAL = ("Pièces", "Précisions", "Informations", "Remarques")


def test_optional_agrees_with_the_label_it_follows():
    """ "Heure de clôture (facultative)", "Pièces jointes (facultatives)", never a masculine
    "(facultatif)" after a feminine noun."""
    with (ROOT / "locale" / "fr" / "LC_MESSAGES" / "django.po").open("rb") as po_file:
        catalogue = read_po(po_file)
    wrong = []
    for message in catalogue:
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for string in strings:
            match = re.match(r"(\w+).*\((facultati\w*)\)$", string or "")
            if not match:
                continue
            noun, word = match.groups()
            expected = (
                "facultatives"
                if noun in FEMININE_PLURAL
                else "facultative"
                if noun in FEMININE
                else word
            )
            if word != expected:
                wrong.append(string)
    assert wrong == []
