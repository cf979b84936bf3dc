"""What the API's routers share: the language rule, parameter types that put in the schema
what the server checks, the error answers, and bounded pagination.

Languages, one rule: ``lang`` (``fr`` or ``en``; French when it is absent or anything else)
chooses the language of every text of an answer, error messages included, for every
operation; the call's Accept-Language and cookies are not read. ``website.api`` runs each
operation in that language, so the pages' forms (``website.forms.api_filters``), the views
and the types below all write their messages in it.

Parameters: the schema says what the server accepts, and the server refuses what the schema
forbids. A list fixed in the code (a page form's choices, a model's ``TextChoices``) is an
``enum``. Rows that editors add and rename at any time (sectors, territories, legal forms,
networks, incubators) are slugs whose ``enum`` is read from the database when the schema is
served (``form_rows``): the list as it is now, the values also in the API's own answers; a
slug that names none of them is refused with a 422, as an unknown slug in a path is a 404.
A rule between two parameters, which a schema cannot carry, is in the operation's
description and answers a 422 too.

Errors: ``{"detail": "..."}`` with a 404, ``{"detail": [{"loc": [...], "msg": "..."}]}`` with a
422, whoever found the mistake (these types, the pages' forms or the views).
"""

import datetime as dt
import re
from typing import Annotated

from django.conf import settings
from django.core import validators
from django.forms import IntegerField
from django.utils.translation import gettext_lazy as _
from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination
from pydantic import AfterValidator, PlainValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

# Far beyond any listing, and small enough that offset + limit fits the 64-bit LIMIT and
# OFFSET of SQLite and PostgreSQL: a bigger number was an error 500 instead of a 422.
MAX_LIMIT = MAX_OFFSET = 2**31 - 1
# The biggest number a count of people is compared with (a 32-bit integer column).
MAX_NUMBER = 2**31 - 1

LANGUAGES = tuple(code for code, _name in settings.LANGUAGES)
DEFAULT_LANGUAGE = settings.LANGUAGE_CODE


def requested_language(request):
    """The language of an answer: ``lang`` when it is one of ours, French otherwise."""
    lang = request.GET.get("lang")
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE


# --- Parameter types: each declares its schema and checks exactly that -----------------------

# The error type of these checks: their message is written, in the answer's language.
OWN_ERROR = "essaim"


def refused(message, **values):
    """An input error saying ``message`` (formatted with ``values``) in the active language."""
    return PydanticCustomError(OWN_ERROR, "{message}", {"message": str(message) % values})


def _checked(check, json_schema):
    """Text checked by ``check`` (which returns the value to use), described by ``json_schema``."""
    return Annotated[str, AfterValidator(check), WithJsonSchema(json_schema)]


def one_of(values, message):
    """A value of a list fixed in the code: an ``enum`` in the schema; anything else is
    refused with ``message``, which may name the value (``%(value)s``) and the list
    (``%(choices)s``)."""
    values = [str(value) for value in values]

    def check(value):
        if value not in values:
            raise refused(message, value=value, choices=", ".join(values))
        return value

    return _checked(check, {"type": "string", "enum": values})


def form_choice(form_class, name):
    """The choices of a page's filter form (a list fixed in the code) as ``one_of``, refused
    with that form field's own message: the API and the page cannot drift apart."""
    field = form_class.base_fields[name]
    return one_of(
        [value for value, _label in field.choices if value != ""],
        field.error_messages["invalid_choice"],
    )


def matching(pattern, message):
    """Text matching ``pattern`` (anchored; JSON Schema's and Python's regular expressions
    read it alike), or refused with ``message``."""

    def check(value):
        if not re.fullmatch(pattern, value):
            raise refused(message)
        return value

    return _checked(check, {"type": "string", "pattern": pattern})


LANG_DESCRIPTION = (
    "Language of the answer's texts and error messages: French unless en (one rule for "
    "every operation; Accept-Language is not read)."
)
# ``lang: Lang = "fr"`` on every operation.
Lang = Annotated[
    one_of(LANGUAGES, _("Choose one of these languages: %(choices)s.")),
    WithJsonSchema({"type": "string", "enum": list(LANGUAGES), "description": LANG_DESCRIPTION}),
]

# A Django slug (``SlugField``): what sectors, territories, legal forms and actors are known by.
SLUG_PATTERN = "^[-a-zA-Z0-9_]+$"
Slug = matching(SLUG_PATTERN, validators.validate_slug.message)


class RowsNow:
    """The schema of a slug naming one of ``field.queryset``'s rows: its ``enum`` lists them
    as they are when the schema is read (editors add and rename these rows at any time)."""

    def __init__(self, field):
        self.field = field

    def enum(self):
        rows = self.field.queryset.order_by()
        return {"enum": sorted(set(rows.values_list(self.field.to_field_name, flat=True)))}

    def __get_pydantic_json_schema__(self, core_schema, handler):
        return {"type": "string", "pattern": SLUG_PATTERN, **self.enum()}


def form_rows(form_class, name):
    """The rows a page's filter form takes by slug (a ``ModelChoiceField``): an ``enum`` of
    their slugs as they are when the schema is read. A slug that names none of them is
    refused with a 422 by the form itself: the API and the page cannot drift apart."""
    return Annotated[Slug, RowsNow(form_class.base_fields[name])]


SECTOR_DESCRIPTION = (
    "A sector's slug, as in the sectors of actors, events and programmes; its sub-sectors "
    "count too. A slug that names no sector is refused (422)."
)
TERRITORY_DESCRIPTION = (
    "A territory's slug, as in the territory of actors, events, spaces and programmes; the "
    "places within it count too. A slug that names no territory is refused (422)."
)


def words(max_length):
    """Words to look for: at most ``max_length`` characters, and no NUL character (the forms
    refuse it: PostgreSQL takes none in a query)."""
    pattern = "^[^\\u0000]*$"

    def check(value):
        if len(value) > max_length:
            raise refused(_("Use at most %(limit_value)d characters."), limit_value=max_length)
        if not re.fullmatch(pattern, value):
            raise refused(validators.ProhibitNullCharactersValidator.message)
        return value

    return _checked(check, {"type": "string", "maxLength": max_length, "pattern": pattern})


def _flag(value):
    if isinstance(value, bool):
        return value
    if value in ("true", "false"):
        return value == "true"
    raise refused(_("Enter true or false."))


# A boolean as a query string spells it: true or false (not "on", "yes" or "1").
Flag = Annotated[bool, PlainValidator(_flag), WithJsonSchema({"type": "boolean"})]


def whole_number(minimum, maximum):
    """A whole number in decimal digits (not "+5", "5_000" or "1.0") from ``minimum`` to
    ``maximum``."""

    def check(value):
        if isinstance(value, str) and re.fullmatch("-?[0-9]+", value):
            sign, digits = (-1 if value[0] == "-" else 1), value.lstrip("-").lstrip("0")
            # Past 18 digits it is out of bounds anyway (and int() stops at 4,300 digits).
            number = sign * (int(digits or "0") if len(digits) <= 18 else 10**19)
        elif isinstance(value, int) and not isinstance(value, bool):
            number = value
        else:
            raise refused(IntegerField.default_error_messages["invalid"])
        if number < minimum:
            raise refused(validators.MinValueValidator.message, limit_value=minimum)
        if number > maximum:
            raise refused(validators.MaxValueValidator.message, limit_value=maximum)
        return number

    return Annotated[
        int,
        PlainValidator(check),
        WithJsonSchema({"type": "integer", "minimum": minimum, "maximum": maximum}),
    ]


# Days become local midnights and a day or a week is added to them: 9999-12-31 overflowed.
# The years the agenda's form takes too (``events.forms.FILTER_YEARS``); the pattern says them.
DATE_YEARS = (1900, 2999)
DATE_PATTERN = "^(19[0-9]{2}|2[0-9]{3})-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"


def _date(value):
    if not isinstance(value, str):
        raise refused(_("Enter a date such as 2027-03-10."))
    if re.fullmatch("[0-9]{4}-[0-9]{2}-[0-9]{2}", value) and not (
        DATE_YEARS[0] <= int(value[:4]) <= DATE_YEARS[1]
    ):
        raise refused(
            _("Enter a date between the years %(first)d and %(last)d."),
            first=DATE_YEARS[0],
            last=DATE_YEARS[1],
        )
    try:
        if re.fullmatch(DATE_PATTERN, value):
            return dt.date.fromisoformat(value)
    except ValueError:
        pass  # a day the calendar does not have, such as 2027-02-30
    raise refused(_("Enter a date such as 2027-03-10."))


DATE_SCHEMA = {"type": "string", "format": "date", "pattern": DATE_PATTERN}
# A day (YYYY-MM-DD, a real one) of the years DATE_YEARS, read as a ``datetime.date``.
Day = Annotated[dt.date, PlainValidator(_date), WithJsonSchema(DATE_SCHEMA)]
# The same, or empty as a form's blank field sends it (then it filters nothing: None).
DayOrBlank = Annotated[
    dt.date | None,
    PlainValidator(lambda value: None if value == "" else _date(value)),
    WithJsonSchema({"anyOf": [DATE_SCHEMA, {"type": "string", "enum": [""]}]}),
]


# --- Errors ------------------------------------------------------------------------------------


def error_message(error):
    """The message of one input error of a 422, in the active language. The types above write
    theirs; an error of pydantic's own (a parameter given twice where one is read, say) gets
    Django's generic words."""
    if error.get("type") in (None, OWN_ERROR):
        return str(error["msg"])  # written by the types above, a form or a view
    return str(validators.RegexValidator.message)


class NotFoundOut(Schema):
    detail: str = Field(examples=["Aucun événement publié n’a cet UID."])


class InputErrorOut(Schema):
    loc: list[str | int] = Field(
        description="Where: query or path, then the parameter's name (and an item's index).",
        examples=[["query", "date_from"]],
    )
    msg: str = Field(
        description="What is wrong, in the language of lang.",
        examples=["Saisissez une date comme 2027-03-10."],
    )


class InvalidInputOut(Schema):
    detail: list[InputErrorOut]


NOT_FOUND = {404: NotFoundOut}
INVALID = {422: InvalidInputOut}


class Pagination(LimitOffsetPagination):
    """Ninja's limit and offset, with an upper bound."""

    class Input(Schema):
        limit: whole_number(1, MAX_LIMIT) = 100
        offset: whole_number(0, MAX_OFFSET) = 0


class LazyPage:
    """What a paginated list endpoint returns: the queryset is cut to the page first, then only
    the page's rows are serialised (by ``serialise(row)``)."""

    def __init__(self, queryset, serialise):
        self.queryset, self.serialise = queryset, serialise

    def __len__(self):
        return self.queryset.count()

    def count(self):
        return self.queryset.count()

    def __getitem__(self, index):
        rows = self.queryset[index]
        rows = list(rows) if isinstance(index, slice) else [rows]
        out = [self.serialise(row) for row in rows]
        return out if isinstance(index, slice) else out[0]
