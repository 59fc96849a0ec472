"""The beat schedule of the nightly signal snapshot, as a row an administrator can change.

Runs at 02:30 in the business time zone (settings.TIME_ZONE), after the day's touchpoints
are logged and before the morning's reminder scans. Created or updated by name, so running
this again leaves one row.
"""

from django.conf import settings
from django.db import migrations
from django.utils import timezone

NAME = "Dashboard: nightly signal snapshot"
TASK = "dashboard.snapshot_signals"
CRONTAB = {
    "minute": "30",
    "hour": "2",
    "day_of_week": "*",
    "day_of_month": "*",
    "month_of_year": "*",
}
DESCRIPTION = (
    "Stores each active distributor's signals for the day (once per distributor and day), "
    "so that the dashboard's trend of relationships on track is real history."
)


def _beat_changed(apps):
    # The running beat reloads its schedule when this changes (signals do not fire here).
    apps.get_model("django_celery_beat", "PeriodicTasks").objects.update_or_create(
        ident=1, defaults={"last_update": timezone.now()}
    )


def create_schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    crontab, _created = CrontabSchedule.objects.get_or_create(
        **CRONTAB, timezone=settings.TIME_ZONE
    )
    PeriodicTask.objects.update_or_create(
        name=NAME,
        defaults={"task": TASK, "crontab": crontab, "interval": None, "description": DESCRIPTION},
    )
    _beat_changed(apps)


def delete_schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NAME).delete()
    # Only the schedule no other task uses.
    CrontabSchedule.objects.filter(
        **CRONTAB, timezone=settings.TIME_ZONE, periodictask__isnull=True
    ).delete()
    _beat_changed(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("dashboard", "0001_initial"),
        # The oldest one with every field used here, in the versions pyproject.toml allows.
        ("django_celery_beat", "0018_improve_crontab_helptext"),
    ]

    operations = [migrations.RunPython(create_schedule, delete_schedule)]
