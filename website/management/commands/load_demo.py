from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from website import demo


class Command(BaseCommand):
    help = "Load the demo content (idempotent: what exists is left as it is)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="Load even with DEBUG off (never in production)."
        )

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "Demo content has known passwords: it loads only with DEBUG on, or --force."
            )
        people = demo.load(self.stdout)
        demo.load_apps(self.stdout)  # each app's content after the site's, vocabularies first
        self.stdout.write(self.style.SUCCESS("Demo content loaded."))
        self.stdout.write(f"Demo accounts (password for all: {demo.DEMO_PASSWORD}):")
        for role, email in people:
            self.stdout.write(f"  {role:<18} {email}")
