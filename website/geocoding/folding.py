"""Folding addresses and place names to one comparable form.

``fold("Saint-Étienne-du-Rouvray")`` and ``fold("st etienne du rouvray")`` give the same
text: no accents, lower case, hyphens, apostrophes and punctuation as single spaces, and the
abbreviations people type for saints ("St", "Ste") spelt out. The gazetteer keys its names
by this form and scans the folded query for them.
"""

import re

from website import textsearch

_NOT_WORD = re.compile(r"[^0-9a-z]+")
_ABBREVIATIONS = {"st": "saint", "ste": "sainte", "sts": "saints", "stes": "saintes"}


def fold_words(text: str) -> list[str]:
    """The words of ``text``, folded as the site's search folds them (``textsearch.fold``)."""
    words = _NOT_WORD.sub(" ", textsearch.fold(text) or "").split()
    return [_ABBREVIATIONS.get(word, word) for word in words]


def fold(text: str) -> str:
    return " ".join(fold_words(text))
