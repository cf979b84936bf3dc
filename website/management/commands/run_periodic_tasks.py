from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from website.celery_app import app as celery_app


class Command(BaseCommand):
    help = (
        "Run periodic tasks once, in this process. For the embedded setup (no Redis, no beat): "
        "call it from cron, every minute for dispatch-due-notifications, daily for the rest."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "names",
            nargs="*",
            help="Entries of CELERY_BEAT_SCHEDULE to run (all of them when none is given).",
        )

    def handle(self, *args, names=(), **options):
        schedule = settings.CELERY_BEAT_SCHEDULE
        unknown = set(names) - set(schedule)
        if unknown:
            raise CommandError(
                f"Unknown periodic task(s): {', '.join(sorted(unknown))}. "
                f"Known: {', '.join(sorted(schedule))}."
            )
        celery_app.loader.import_default_modules()
        for name in names or schedule:
            celery_app.tasks[schedule[name]["task"]].apply(throw=True)
            self.stdout.write(f"{name}: done")
