from django.core.management.base import BaseCommand

from meetings import reminders
from prm import japan_calendar


class Command(BaseCommand):
    help = (
        "Run the reminder scans now (cadences, quarter planning, seasonal peaks, executive "
        "digest), as beat does each morning; each reminder is still created only once."
    )

    def handle(self, *args, **options):
        today = japan_calendar.today()
        scans = {
            "cadences": reminders.do_scan_cadences,
            "quarter planning": reminders.do_plan_quarter,
            "seasonal peaks": reminders.do_warn_seasonal_peaks,
            "executive digest": reminders.do_send_executive_digest,
        }
        for name, scan in scans.items():
            created = scan(today)
            self.stdout.write(f"{name}: {len(created)} new reminder(s)")
