"""Importing actors from a CSV file: each row validated like a form, duplicates detected
against the directory and the rows before it, and a report line per row.

Columns (header names, any order; only ``name`` is required): name, legal_form (slug or
name), siret, rna, other_identifier, sectors (slugs separated by "|"), territory (slug,
official code or name), address, latitude, longitude, description, website, public_email,
public_phone, private_contact_name, private_email, private_phone, year_founded, size_band,
languages, umbrella (yes/no).
"""

import csv
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify

from .dedupe import DuplicateIndex, Entry
from .models import Actor, ActorStatus, IdentifierKind, LegalForm, Sector, Territory
from .services import RESERVED_SLUGS

TRUE_WORDS = {"1", "yes", "oui", "true", "vrai", "x"}


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
        return Decimal(value.replace(",", "."))
    except InvalidOperation:
        errors.append(f"{label}: « {value} »")
        return None


def _build(row, lookups):
    """An unsaved Actor and its sector ids from a CSV row, or the errors found."""
    get = lambda name: (row.get(name) or "").strip()  # noqa: E731
    errors = []
    actor = Actor(name=get("name"))
    if get("legal_form"):
        actor.legal_form = lookups.legal_forms.get(slugify(get("legal_form")))
        if actor.legal_form is None:
            errors.append(f"legal_form: « {get('legal_form')} » ?")
    if get("territory"):
        actor.territory = lookups.territories.get(slugify(get("territory")))
        if actor.territory is None:
            errors.append(f"territory: « {get('territory')} » ?")
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
            errors.append(f"sectors: « {slug} » ?")
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
    if get("year_founded"):
        if get("year_founded").isdigit():
            actor.year_founded = int(get("year_founded"))
        else:
            errors.append(f"year_founded: « {get('year_founded')} »")
    actor.is_umbrella = get("umbrella").lower() in TRUE_WORDS
    actor.slug = "import"  # replaced by a unique one when saved
    try:
        actor.full_clean(validate_unique=False)
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            errors.extend(f"{name}: {message}" for message in messages)
    return actor, sector_ids, errors


def actors_import(*, lines, dry_run=False, publish=False):
    """Read CSV ``lines`` (text), validate and de-duplicate each row; unless ``dry_run``,
    save the valid rows (pending review, or published with ``publish``), potential
    duplicates flagged for moderators. One transaction: all or nothing."""
    report = ImportReport(dry_run=dry_run)
    reader = csv.DictReader(lines)
    if not reader.fieldnames or "name" not in [f.strip() for f in reader.fieldnames]:
        raise ValidationError("The CSV file needs a header row with at least a 'name' column.")
    lookups = _Lookups()
    index = DuplicateIndex.from_database()
    labels = {}
    to_create = []  # (actor, sector ids, key of the duplicated entry or None)
    for number, raw in enumerate(reader, start=2):
        row = {(k or "").strip(): v for k, v in raw.items()}
        actor, sector_ids, errors = _build(row, lookups)
        result = RowResult(line=number, name=actor.name, outcome="ok")
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
                "same identifier" if reason == "identifier" else "similar name nearby"
            )
        index.add(entry)
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
