from django.core.management.base import BaseCommand

from dashboard import services
from prm import japan_calendar


class Command(BaseCommand):
    help = (
        "Store today's snapshot of every relationship's signals, as the nightly Celery task "
        "does (dashboard.snapshot_signals). Running it again the same day adds nothing."
    )

    def handle(self, *args, verbosity, **options):
        created = services.do_snapshot_signals(japan_calendar.today())
        if verbosity:
            self.stdout.write(f"{created} snapshot(s) created.")
