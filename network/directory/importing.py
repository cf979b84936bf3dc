"""Importing actors from a CSV file: each row validated like a form, duplicates detected
against the directory and the rows before it, and a report line per row.

Columns (header names, any order; only ``name`` is required): name, legal_form (slug or
name), siret, rna, other_identifier, sectors (slugs separated by "|"), territory (slug,
official code or name), address, latitude, longitude, description, website, public_email,
public_phone, private_contact_name, private_email, private_phone, year_founded, size_band,
languages, umbrella (yes/no).

What the file may be, and what happens otherwise (nothing is saved when the file as a whole
is refused; a row with an error is reported and left out, the other rows are imported):

- UTF-8, with or without a byte order mark, or UTF-16 with its byte order mark. Any other
  encoding (Latin-1, Windows-1252…) is refused with the first line that is not UTF-8;
  nothing guesses an encoding. A spreadsheet file (.xlsx, .ods) is refused as such.
- Separated by commas, semicolons or tabs: the one found most in the header row.
- A header row: column names in any order and case, each at most once, ``name`` among them.
  An unknown column is refused rather than ignored (a misspelt "secteurs" would lose the
  sectors of every row). Columns without a name may stay empty.
- At most ``ESSAIM_IMPORT_MAX_BYTES`` (20 MB) and ``ESSAIM_IMPORT_MAX_ROWS`` (20,000 rows),
  so memory stays bounded: a bigger file is refused before anything is saved.
- Quoting read strictly: a quote never closed, text right after a closing quote, or a value
  longer than 131,072 characters (the ``csv`` module's limit) refuses the file, naming the
  line where that row starts. Quotes and line breaks inside quoted values are kept.
- Each row has as many values as the header has columns; otherwise the row is an error
  (a separator or a quote gone wrong). Rows with nothing in them are skipped.
- No control characters in values (NUL, escape and the like; tabs and line breaks are
  fine): the row is an error. Report lines show such characters as code points.
- Everything else is kept as typed: text that looks like a formula (``=HYPERLINK(…)``) or
  HTML is stored as text, escaped by the templates and neutralised by the CSV exports.

A row without coordinates is placed from its address, or else from its territory when that
is a commune (``website.geocoding``, the backend of the settings); the report counts the rows
so placed and those left without a position. With an HTTP geocoder each distinct address is
one request (cached for a day), and a service that fails leaves the gazetteer to answer.

Line numbers are those of the file as a text editor counts them (the header is line 1);
a row that spans several lines is named by its first line.
"""

import codecs
import collections
import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.text import slugify
from django.utils.translation import gettext as _

from website.geocoding import locate

from .dedupe import DuplicateIndex, Entry
from .models import Actor, ActorStatus, IdentifierKind, LegalForm, Sector, Territory
from .services import RESERVED_SLUGS

TRUE_WORDS = {"1", "yes", "oui", "true", "vrai", "x"}
FALSE_WORDS = {"", "0", "no", "non", "false", "faux"}
COLUMNS = (
    "name",
    "legal_form",
    "siret",
    "rna",
    "other_identifier",
    "sectors",
    "territory",
    "address",
    "latitude",
    "longitude",
    "description",
    "website",
    "public_email",
    "public_phone",
    "private_contact_name",
    "private_email",
    "private_phone",
    "year_founded",
    "size_band",
    "languages",
    "umbrella",
)
DELIMITERS = (",", ";", "\t")


def max_rows():
    return getattr(settings, "ESSAIM_IMPORT_MAX_ROWS", 20_000)


def max_bytes():
    return getattr(settings, "ESSAIM_IMPORT_MAX_BYTES", 20 * 1024 * 1024)


def shown(value, length=60):
    """A value as a report line may quote it: control and invisible characters written as
    code points (nothing reaches the terminal that could move its cursor), cut if long."""
    text = "".join(f"<U+{ord(c):04X}>" if unicodedata.category(c)[0] == "C" else c for c in value)
    return text if len(text) <= length else text[: length - 1] + "…"


def text_lines(binary):
    """The text of a CSV file opened in binary mode, as lines for ``actors_import``.

    Reads at most ``max_bytes()``; UTF-8 (a byte order mark is dropped) or UTF-16 with its
    byte order mark. Raises ValidationError, saying which line, for anything else."""
    limit = max_bytes()
    data = binary.read(limit + 1)
    if len(data) > limit:
        raise ValidationError(
            _("The file is larger than %(size)s: split it into smaller files.")
            % {"size": filesizeformat(limit)}
        )
    if data.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        raise ValidationError(
            _("This is a spreadsheet file, not CSV: save it as “CSV UTF-8” and try again.")
        )
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            raise ValidationError(_("The file starts like UTF-16 but is not.")) from None
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise ValidationError(
                _(
                    "Line %(line)s is not UTF-8 text (byte %(byte)s): the file is probably "
                    "in another encoding. Save it as “CSV UTF-8” and try again."
                )
                % {
                    "line": data.count(b"\n", 0, error.start) + 1,
                    "byte": f"0x{data[error.start]:02X}",
                }
            ) from None
    return io.StringIO(text, newline="")


@dataclass
class RowResult:
    line: int
    name: str
    outcome: str  # "ok", "error", "duplicate"
    messages: list = field(default_factory=list)
    duplicate_of: str = ""


@dataclass
class ImportReport:
    rows: list = field(default_factory=list)
    created: int = 0
    dry_run: bool = False
    # Rows without coordinates (errors aside): placed by geocoding, or left without a position.
    geocoded: int = 0
    unplaced: int = 0

    def count(self, outcome):
        return sum(1 for row in self.rows if row.outcome == outcome)


class _Lookups:
    """Vocabularies loaded once, in three queries, matched without accents or case."""

    def __init__(self):
        self.legal_forms = {}
        for form in LegalForm.objects.all():
            for key in (form.slug, form.name_fr, form.name_en):
                self.legal_forms[slugify(key)] = form
        self.territories = {}
        for territory in Territory.objects.all():
            for key in (territory.slug, territory.name, territory.code):
                if key:
                    self.territories.setdefault(slugify(key), territory)
        self.sectors = {sector.slug: sector for sector in Sector.objects.all()}


def _decimal(value, label, errors):
    if not value:
        return None
    try:
        number = Decimal(value.replace(",", "."))
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite():
        errors.append(f"{label}: " + _("not a number: “%(value)s”") % {"value": shown(value)})
        return None
    return number


CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")  # Cc but tab and line breaks


def _build(row, lookups):
    """An unsaved Actor and its sector ids from a CSV row, or the errors found."""
    get = lambda name: (row.get(name) or "").strip()  # noqa: E731
    unknown = lambda value: _("unknown: “%(value)s”") % {"value": shown(value)}  # noqa: E731
    errors = []
    for name, value in row.items():
        controls = sorted(set(CONTROLS.findall(value)))
        if controls:
            errors.append(
                f"{name}: "
                + _("contains a control character (%(chars)s)")
                % {"chars": ", ".join(f"U+{ord(c):04X}" for c in controls[:3])}
            )
    if errors:
        return Actor(name=get("name")), [], errors
    actor = Actor(name=get("name"))
    if get("legal_form"):
        actor.legal_form = lookups.legal_forms.get(slugify(get("legal_form")))
        if actor.legal_form is None:
            errors.append("legal_form: " + unknown(get("legal_form")))
    if get("territory"):
        actor.territory = lookups.territories.get(slugify(get("territory")))
        if actor.territory is None:
            errors.append("territory: " + unknown(get("territory")))
    for column, kind in (
        ("siret", IdentifierKind.SIRET),
        ("rna", IdentifierKind.RNA),
        ("other_identifier", IdentifierKind.OTHER),
    ):
        if get(column):
            actor.identifier_kind, actor.identifier = kind, get(column)
            break
    sector_ids = []
    for slug in filter(None, (s.strip() for s in get("sectors").split("|"))):
        sector = lookups.sectors.get(slug)
        if sector is None:
            errors.append("sectors: " + unknown(slug))
        else:
            sector_ids.append(sector.pk)
    actor.latitude = _decimal(get("latitude"), "latitude", errors)
    actor.longitude = _decimal(get("longitude"), "longitude", errors)
    for name in (
        "address",
        "description",
        "website",
        "public_email",
        "public_phone",
        "private_contact_name",
        "private_email",
        "private_phone",
        "size_band",
        "languages",
    ):
        setattr(actor, name, get(name))
    year = get("year_founded")
    if year:
        if year.isascii() and year.isdigit() and len(year) <= 4:
            actor.year_founded = int(year)
        else:
            errors.append("year_founded: " + _("not a year: “%(value)s”") % {"value": shown(year)})
    actor.is_umbrella = get("umbrella").lower() in TRUE_WORDS
    if get("umbrella").lower() not in TRUE_WORDS | FALSE_WORDS:
        errors.append(
            "umbrella: " + _("yes or no, not “%(value)s”") % {"value": shown(get("umbrella"))}
        )
    actor.slug = "import"  # replaced by a unique one when saved
    try:  # full_clean does not check the max_length of a TextField
        MaxLengthValidator(Actor._meta.get_field("description").max_length)(get("description"))
    except ValidationError as error:
        errors.extend(f"description: {message}" for message in error.messages)
    try:
        actor.full_clean(validate_unique=False)
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            errors.extend(f"{name}: {message}" for message in messages)
    return actor, sector_ids, errors


def _locate(actor, *, offline=False):
    """Place a row's actor from its address, or its commune (``website.geocoding.locate``);
    whether a position was found. After the duplicate check, which compares the coordinates
    the file gave."""
    territory = actor.territory  # from the lookups: no query
    hint = territory.place_hint if territory else {}
    if not (actor.address or hint.get("commune")):
        return False
    position = locate(
        address=actor.address or hint["commune"],
        latitude=actor.latitude,
        longitude=actor.longitude,
        offline=offline,
        **hint,
    )
    if position is None or position[0] is None:
        return False
    actor.latitude, actor.longitude = position
    return True


def actors_import(*, lines, dry_run=False, publish=False):
    """Read CSV ``lines`` (text), validate and de-duplicate each row; unless ``dry_run``,
    save the valid rows (pending review, or published with ``publish``), potential
    duplicates flagged for moderators. One transaction: all or nothing.

    A file that cannot be read as a whole (see the module's docstring) raises
    ValidationError, before anything is saved."""
    report = ImportReport(dry_run=dry_run)
    reader, columns = _open(lines)
    lookups = _Lookups()
    index = DuplicateIndex.from_database()
    labels = {}
    to_create = []  # (actor, sector ids, key of the duplicated entry or None)
    for number, cells in _records(reader):
        if len(report.rows) >= max_rows():
            raise ValidationError(
                _("The file has more than %(count)s rows: split it into smaller files.")
                % {"count": max_rows()}
            )
        if len(cells) != len(columns):
            name = cells[columns.index("name")] if len(cells) > columns.index("name") else ""
            message = _(
                "%(found)s values where the header has %(expected)s columns: check the "
                "separators and the quotes of this line."
            ) % {"found": len(cells), "expected": len(columns)}
            report.rows.append(RowResult(number, shown(name, 200), "error", [message]))
            continue
        row = {column: cell for column, cell in zip(columns, cells, strict=True) if column}
        actor, sector_ids, errors = _build(row, lookups)
        if any(cell.strip() for column, cell in zip(columns, cells, strict=True) if not column):
            errors.append(_("a value in a column without a name"))
        result = RowResult(line=number, name=shown(actor.name, 200), outcome="ok")
        if errors:
            result.outcome, result.messages = "error", errors
            report.rows.append(result)
            continue
        key = f"line {number}"
        entry = Entry(
            key,
            actor.name,
            actor.identifier,
            actor.territory_id,
            actor.latitude,
            actor.longitude,
        )
        found = index.find(entry)
        duplicate_key = None
        if found is not None:
            other, reason = found
            duplicate_key = other.key
            result.outcome = "duplicate"
            result.duplicate_of = (
                f"#{other.key} {other.label}"
                if isinstance(other.key, int)
                else f"{other.key} {other.label}"
            )
            result.messages.append(
                _("same identifier") if reason == "identifier" else _("similar name nearby")
            )
        index.add(entry)
        if actor.latitude is None and actor.longitude is None:
            # A dry run places rows with the bundled gazetteer only: the figures it reports
            # without spending a geocoding service's quota (one request a row).
            if _locate(actor, offline=dry_run):
                report.geocoded += 1
            else:
                report.unplaced += 1
        labels[key] = actor
        to_create.append((actor, sector_ids, duplicate_key))
        report.rows.append(result)
    if dry_run:
        return report
    with transaction.atomic():
        taken = set(Actor.objects.values_list("slug", flat=True))
        for actor, _sectors, duplicate_key in to_create:
            actor.slug = _free_slug(actor.name, taken)
            if duplicate_key is not None:
                actor.status = ActorStatus.DUPLICATE
            else:
                actor.status = ActorStatus.PUBLISHED if publish else ActorStatus.PENDING
        actors = Actor.objects.bulk_create([actor for actor, _s, _d in to_create])
        if publish:
            from django.utils import timezone

            now = timezone.now()
            for actor in actors:
                if actor.status == ActorStatus.PUBLISHED:
                    actor.published_at = actor.confirmed_at = now
        through = Actor.sectors.through
        through.objects.bulk_create(
            [
                through(actor_id=actor.pk, sector_id=sector_id)
                for actor, sector_ids, _d in to_create
                for sector_id in sector_ids
            ]
        )
        flagged = []
        for actor, _s, duplicate_key in to_create:
            if duplicate_key is not None:
                target = labels[duplicate_key] if isinstance(duplicate_key, str) else None
                actor.duplicate_of_id = target.pk if target is not None else duplicate_key
                flagged.append(actor)
        Actor.objects.bulk_update(flagged, ["duplicate_of"])
        if publish:
            Actor.objects.bulk_update(
                [a for a in actors if a.status == ActorStatus.PUBLISHED],
                ["published_at", "confirmed_at"],
            )
        report.created = len(actors)
    return report


def _open(lines):
    """A csv reader past the header row, and the column of each position ("" unnamed)."""
    lines = iter(lines)
    first = next(lines, "")
    delimiter = max(DELIMITERS, key=first.count) if first.strip() else ","
    reader = csv.reader(_chain(first, lines), delimiter=delimiter, strict=True)
    try:
        header = next(reader, [])
    except csv.Error as error:
        raise ValidationError(
            _("The header row cannot be read as CSV: %(error)s") % {"error": error}
        ) from None
    columns = [cell.replace("\ufeff", "").strip().lower() for cell in header]
    if not any(columns):
        raise ValidationError(
            _("The file is empty: it needs a header row naming its columns, “name” among them.")
        )
    if any(CONTROLS.search(column) for column in columns):
        raise ValidationError(
            _(
                "The header row contains control characters: is the file UTF-16 without "
                "its byte order mark, or not a CSV file at all?"
            )
        )
    unknown = [column for column in columns if column and column not in COLUMNS]
    if unknown:
        names = ", ".join(shown(column, 40) for column in unknown[:5])
        if len(unknown) > 5:
            names += " " + _("and %(count)s more") % {"count": len(unknown) - 5}
        raise ValidationError(
            _("Unknown columns: %(names)s. The columns are: %(known)s.")
            % {"names": names, "known": ", ".join(COLUMNS)}
        )
    counts = collections.Counter(columns)
    repeated = sorted(column for column, count in counts.items() if column and count > 1)
    if repeated:
        raise ValidationError(_("Columns named twice: %(names)s.") % {"names": ", ".join(repeated)})
    if "name" not in columns:
        raise ValidationError(_("The header row needs a “name” column."))
    return reader, columns


def _chain(first, lines):
    yield first
    yield from lines


def _records(reader):
    """(number of its first line, values) for each row that is not blank."""
    while True:
        number = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise ValidationError(
                _(
                    "Line %(line)s cannot be read as CSV (%(error)s). A quote that is never "
                    "closed, text right after a closing quote, or a value longer than "
                    "%(limit)s characters gives this."
                )
                % {"line": number, "error": error, "limit": csv.field_size_limit()}
            ) from None
        if any(cell.strip() for cell in cells):
            yield number, cells


def _free_slug(name, taken):
    base = slugify(name)[:200] or "acteur"
    if base in RESERVED_SLUGS:
        base = f"{base}-ess"
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    taken.add(slug)
    return slug
