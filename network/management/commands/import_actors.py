from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from network.importing import actors_import


class Command(BaseCommand):
    help = (
        "Import actors from a CSV file (UTF-8, header row). Each row is validated and checked "
        "for duplicates (same identifier, then a similar name nearby); a line per row says "
        "what happened. Imported actors wait for review unless --publish."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="The CSV file.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Validate and report; save nothing."
        )
        parser.add_argument(
            "--publish",
            action="store_true",
            help="Publish valid rows at once (a trusted source); duplicates still wait.",
        )
        parser.add_argument(
            "--quiet-ok", action="store_true", help="Report only rows with errors or duplicates."
        )

    def handle(self, path, dry_run=False, publish=False, quiet_ok=False, **options):
        file = Path(path)
        if not file.exists():
            raise CommandError(f"No such file: {path}")
        with file.open(encoding="utf-8-sig", newline="") as lines:
            try:
                report = actors_import(lines=lines, dry_run=dry_run, publish=publish)
            except ValidationError as error:
                raise CommandError(" ".join(error.messages)) from None
        for row in report.rows:
            if row.outcome == "ok":
                if not quiet_ok:
                    self.stdout.write(f"line {row.line}: ok — {row.name}")
            elif row.outcome == "error":
                self.stdout.write(
                    self.style.ERROR(f"line {row.line}: error — {row.name}: ")
                    + "; ".join(row.messages)
                )
            else:
                self.stdout.write(
                    self.style.WARNING(
                        f"line {row.line}: potential duplicate — {row.name} "
                        f"looks like {row.duplicate_of} ({'; '.join(row.messages)})"
                    )
                )
        summary = (
            f"{len(report.rows)} rows: {report.count('ok')} ok, "
            f"{report.count('duplicate')} potential duplicates, {report.count('error')} errors."
        )
        if dry_run:
            summary += " Dry run: nothing was saved."
        else:
            summary += f" {report.created} actors saved (duplicates flagged for moderators)."
        self.stdout.write(self.style.SUCCESS(summary))
