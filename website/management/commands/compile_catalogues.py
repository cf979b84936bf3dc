from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Compile the project's .po catalogues into .mo files with Babel (pure Python), "
        "so that no system gettext is needed. Django's compilemessages needs GNU msgfmt."
    )

    def handle(self, *args, **options):
        count = 0
        for locale_dir in settings.LOCALE_PATHS:
            for po_path in sorted(Path(locale_dir).glob("*/LC_MESSAGES/*.po")):
                mo_path = po_path.with_suffix(".mo")
                if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
                    continue
                with po_path.open("rb") as po_file:
                    catalogue = read_po(po_file)
                with mo_path.open("wb") as mo_file:
                    write_mo(mo_file, catalogue, use_fuzzy=False)
                count += 1
        self.stdout.write(f"{count} catalogue(s) compiled.")
