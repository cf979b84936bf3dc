"""Word search that forgives accents, case and plurals, the same on PostgreSQL and SQLite.

Every listing's search box and the site-wide search match words through this module:

- ``search_terms(query)`` folds the words typed (``"Coopératives Québec"`` becomes
  ``["cooperati", "quebec"]``: lower case, no accents or ligatures, a light French and English
  plural stem) and caps their number;
- ``Fold(expression)`` is the same folding done by the database, as the SQL function
  ``essaim_fold``: on PostgreSQL an immutable function over ``unaccent`` (migration
  ``website`` 0005, which also makes the ``essaim_french`` text search configuration: French
  stemming without accents, used by Wagtail's page search and the forums); on SQLite this
  module's ``fold`` registered on each new connection;
- ``matching(terms, fields)`` is the condition "every term is in one of the fields" and
  ``relevance(terms, weights)`` the score that orders the results (a term that is the whole
  name scores above one that starts it, above one inside it, above one in a description).
  On PostgreSQL, the fields given as ``fuzzy`` also match words spelt nearly alike (trigram
  word similarity, answered by the trigram indexes on ``essaim_fold(column)``).

Stemming by cutting plural endings only: a term matches inside words (``"cooperati"`` is in
"coopérative", "coopératives" and "coopératif"), so no dictionary is needed for the plurals
that matter in a directory; PostgreSQL's French snowball stemmer does more for full texts.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import connection
from django.db.backends.signals import connection_created
from django.db.models import BooleanField, Case, IntegerField, Q, TextField, Value, When
from django.db.models.expressions import Combinable, Func
from django.db.models.functions import Cast
from django.db.models.lookups import Contains, Exact, StartsWith

SEARCH_MAX_TERMS = 8
# The text search configuration that migration website 0005 makes on PostgreSQL.
FRENCH_CONFIG = "essaim_french"

# Letters that NFKD does not decompose.
_LIGATURES = str.maketrans(
    {
        "œ": "oe",
        "Œ": "oe",
        "æ": "ae",
        "Æ": "ae",
        "ß": "ss",
        "ø": "o",
        "Ø": "o",
        "ł": "l",
        "Ł": "l",
        "đ": "d",
        "Đ": "d",
        "’": "'",
    }
)
_WORD = re.compile(r"[\w'-]+")
_ELISION = re.compile(r"^(?:[cdjlmnst]|qu)'")
_STOP_WORDS = frozenset(
    [
        "a",
        "au",
        "aux",
        "d",
        "de",
        "des",
        "du",
        "en",
        "et",
        "l",
        "la",
        "le",
        "les",
        "of",
        "on",
        "the",
        "to",
        "un",
        "une",
    ]
)


def fold(text: str | None) -> str | None:
    """Lower case without accents or ligatures: ``"Cœur de Réseau"`` is ``"coeur de reseau"``.

    The database's ``essaim_fold`` gives the same answer (``unaccent`` then ``lower``).
    """
    if text is None:
        return None
    decomposed = unicodedata.normalize("NFKD", text.translate(_LIGATURES))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


# Longest first; each pair of a masculine and a feminine or a singular and a plural ends the
# same way once cut ("coopératif", "coopératives": "cooperati").
_ENDINGS = (
    ("euses", "eu"),
    ("ives", "i"),
    ("euse", "eu"),
    ("aux", "a"),
    ("eux", "eu"),
    ("ies", ""),
    ("ifs", "i"),
    ("ive", "i"),
    ("al", "a"),
    ("if", "i"),
)


def stem(word: str) -> str:
    """A light stem: the plural endings of French and English cut off, so that the stem is
    found inside the singular and the plural alike (``réseaux`` and ``réseau``: ``reseau``;
    ``sociaux`` and ``social``: ``socia``; ``coopératives`` and ``coopératif``:
    ``cooperati``)."""
    if len(word) <= 3:
        return word
    for ending, replacement in _ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            return word[: -len(ending)] + replacement
    if word.endswith(("s", "x")) and not word.endswith("ss"):
        word = word[:-1]
    if word.endswith("e") and len(word) > 4:
        word = word[:-1]
    return word


def search_terms(query: str | None, *, limit: int = SEARCH_MAX_TERMS) -> list[str]:
    """The folded, stemmed words of ``query``, at most ``limit``, each once, in order; the
    little words that every text holds ("de", "la", "the") left out unless nothing else
    is typed, and an elided article cut ("l'atelier" looks for "atelier")."""
    terms: list[str] = []
    for word in _WORD.findall(fold(query or "") or ""):
        word = _ELISION.sub("", word).strip("'-")
        if word and (term := stem(word)) not in terms:
            terms.append(term)
    meaningful = [term for term in terms if term not in _STOP_WORDS]
    return (meaningful or terms)[:limit]


class Fold(Func):
    """``essaim_fold(expression)``: the text folded as ``fold`` does, in SQL."""

    function = "essaim_fold"
    output_field = TextField()

    def __init__(self, expression: str | Combinable, **extra: Any) -> None:
        super().__init__(Cast(expression, TextField()), **extra)


def matching(terms: Sequence[str], fields: Sequence[str], *, fuzzy: Sequence[str] = ()) -> Q:
    """Every term in one of ``fields`` (folded); on PostgreSQL, a term may also be nearly one
    word of a ``fuzzy`` field (``"cooperatve"`` finds "Coopérative")."""
    condition = Q()
    for term in terms:
        one = Q()
        for field in fields:
            one |= Q(Contains(Fold(field), term))
        if connection.vendor == "postgresql" and len(term) >= 4:
            for field in fuzzy:
                one |= Q(TrigramWordSimilar(term, Fold(field)))
        condition &= one
    return condition


def relevance(terms: Sequence[str], weights: Mapping[str, int]) -> Combinable:
    """A score for ordering: for each term, the best of the fields that holds it, the first
    field (the name) counting more when it is the whole term or starts with it."""
    if not terms or not weights:
        return Value(0, output_field=IntegerField())
    fields = list(weights)
    name = fields[0]
    score: Combinable | None = None
    for term in terms:
        whens = [
            When(Exact(Fold(name), term), then=Value(weights[name] * 4)),
            When(StartsWith(Fold(name), term), then=Value(weights[name] * 2)),
        ]
        whens += [When(Contains(Fold(field), term), then=Value(weights[field])) for field in fields]
        part = Case(*whens, default=Value(0), output_field=IntegerField())
        score = part if score is None else score + part
    assert score is not None
    return score


class TrigramWordSimilar(Func):
    """``term <% folded_column``: the term is nearly a word of the column (pg_trgm, with the
    ``word_similarity_threshold``, 0.6 by default). PostgreSQL only."""

    template = "%(expressions)s"
    arg_joiner = " <%% "
    output_field = BooleanField()
    conditional = True

    def __init__(self, term: str, expression: Combinable) -> None:
        super().__init__(Value(term, output_field=TextField()), expression)


def _register_sqlite_fold(sender: object, connection: Any, **kwargs: Any) -> None:
    if connection.vendor == "sqlite":
        connection.connection.create_function("essaim_fold", 1, fold, deterministic=True)


def connect() -> None:
    """Give every new SQLite connection ``essaim_fold`` (PostgreSQL has it from a migration)."""
    connection_created.connect(_register_sqlite_fold, dispatch_uid="essaim_fold_sqlite")
    if connection.vendor == "sqlite" and connection.connection is not None:
        _register_sqlite_fold(None, connection)


__all__ = [
    "FRENCH_CONFIG",
    "Fold",
    "fold",
    "matching",
    "relevance",
    "search_terms",
    "stem",
]
