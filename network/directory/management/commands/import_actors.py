from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from network.directory.importing import actors_import, text_lines


class Command(BaseCommand):
    help = (
        "Import actors from a CSV file (UTF-8, header row). Each row is validated and checked "
        "for duplicates (same identifier, then a similar name nearby); a line per row says "
        "what happened. Imported actors wait for review unless --publish. What the file may "
        "be, and what happens otherwise: see network/importing.py."
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
        parser.add_argument(
            "--language",
            choices=[code for code, _name in settings.LANGUAGES],
            default=settings.LANGUAGE_CODE,
            help="The language of the report (default: the site's).",
        )

    def handle(self, path, dry_run=False, publish=False, quiet_ok=False, **options):
        with translation.override(options.get("language") or settings.LANGUAGE_CODE):
            self._import(path, dry_run=dry_run, publish=publish, quiet_ok=quiet_ok)

    def _import(self, path, *, dry_run, publish, quiet_ok):
        file = Path(path)
        if not file.is_file():
            raise CommandError(_("No such file: %(path)s") % {"path": path})
        with file.open("rb") as binary:
            try:
                report = actors_import(lines=text_lines(binary), dry_run=dry_run, publish=publish)
            except ValidationError as error:
                raise CommandError(" ".join(error.messages)) from None
        for row in report.rows:
            values = {
                "line": row.line,
                "name": row.name,
                "messages": "; ".join(row.messages),
                "other": row.duplicate_of,
            }
            if row.outcome == "ok":
                if not quiet_ok:
                    self.stdout.write(_("line %(line)s: ok — %(name)s") % values)
            elif row.outcome == "error":
                self.stdout.write(
                    self.style.ERROR(_("line %(line)s: error — %(name)s: ") % values)
                    + values["messages"]
                )
            else:
                self.stdout.write(
                    self.style.WARNING(
                        _(
                            "line %(line)s: potential duplicate — %(name)s looks like "
                            "%(other)s (%(messages)s)"
                        )
                        % values
                    )
                )
        summary = _(
            "%(rows)s rows: %(ok)s ok, %(duplicates)s potential duplicates, %(errors)s errors."
        ) % {
            "rows": len(report.rows),
            "ok": report.count("ok"),
            "duplicates": report.count("duplicate"),
            "errors": report.count("error"),
        }
        if dry_run:
            summary += " " + _("Dry run: nothing was saved.")
        else:
            summary += " " + _("%(count)s actors saved (duplicates flagged for moderators).") % {
                "count": report.created
            }
        if report.geocoded or report.unplaced:
            summary += " " + _(
                "%(geocoded)s placed on the map from their address, %(unplaced)s without a "
                "position."
            ) % {"geocoded": report.geocoded, "unplaced": report.unplaced}
        self.stdout.write(self.style.SUCCESS(summary))
