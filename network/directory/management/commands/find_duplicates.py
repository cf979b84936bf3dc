from django.core.management.base import BaseCommand

from network.directory.services import scan_for_duplicates


class Command(BaseCommand):
    help = (
        "Flag actors that look like an older one (same identifier, or a similar name nearby) "
        "for moderators. Pairs marked 'not a duplicate' are left alone."
    )

    def handle(self, *args, **options):
        flagged = scan_for_duplicates()
        self.stdout.write(self.style.SUCCESS(f"{flagged} potential duplicates flagged."))
