"""The beat schedules of the reminder scans, as rows an administrator can change in the admin.

Crontabs run in the business time zone (settings.TIME_ZONE, Asia/Tokyo by default). The
quarterly and seasonal checks run daily and act only on the days that call for it
(meetings/reminders.py), so a day the beat missed is caught up the next day. Created or
updated by name, so running this again leaves one row per schedule.
"""

from django.conf import settings
from django.db import migrations
from django.utils import timezone

DAILY_AT = {"day_of_week": "*", "day_of_month": "*", "month_of_year": "*"}

CRONTAB_TASKS = [
    (
        "Reminders: daily cadence scan",
        "meetings.scan_cadences",
        {**DAILY_AT, "minute": "0", "hour": "6"},
        "A reminder for each cadence due soon or overdue, to the account manager, and to "
        "the executive sponsor once overdue for longer than PRM_ESCALATE_AFTER_DAYS.",
    ),
    (
        "Reminders: quarterly touchpoint planning",
        "meetings.plan_quarter",
        {**DAILY_AT, "minute": "5", "hour": "6"},
        "From the first business day of each fiscal quarter, one planning reminder per "
        "account manager. Checked daily.",
    ),
    (
        "Reminders: seasonal peaks",
        "meetings.warn_seasonal_peaks",
        {**DAILY_AT, "minute": "10", "hour": "6"},
        "PRM_SEASONAL_PEAK_LEAD_DAYS before each peak window, one reminder per account "
        "manager about their wholesale and logistics partners. Checked daily.",
    ),
    (
        "Reminders: weekly executive digest",
        "meetings.send_executive_digest",
        {**DAILY_AT, "minute": "0", "hour": "7", "day_of_week": "1"},
        "Every Monday, one digest per executive about the week before.",
    ),
]

SWEEPER = (
    "Reminders: sweeper",
    "meetings.sweep_pending_reminders",
    {"every": 10, "period": "minutes"},
    "Queues any reminder left pending (the broker was down, or an attempt failed) or "
    "claimed by a worker that died.",
)

NAMES = [name for name, *_rest in [*CRONTAB_TASKS, SWEEPER]]


def _beat_changed(apps):
    # The running beat reloads its schedule when this changes (signals do not fire here).
    apps.get_model("django_celery_beat", "PeriodicTasks").objects.update_or_create(
        ident=1, defaults={"last_update": timezone.now()}
    )


def create_schedules(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, task, fields, description in CRONTAB_TASKS:
        crontab, _created = CrontabSchedule.objects.get_or_create(
            **fields, timezone=settings.TIME_ZONE
        )
        PeriodicTask.objects.update_or_create(
            name=name,
            defaults={
                "task": task,
                "crontab": crontab,
                "interval": None,
                "description": description,
            },
        )
    name, task, fields, description = SWEEPER
    interval, _created = IntervalSchedule.objects.get_or_create(**fields)
    PeriodicTask.objects.update_or_create(
        name=name,
        defaults={"task": task, "interval": interval, "crontab": None, "description": description},
    )
    _beat_changed(apps)


def delete_schedules(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name__in=NAMES).delete()
    # Only the schedules no other task uses.
    for _name, _task, fields, _description in CRONTAB_TASKS:
        CrontabSchedule.objects.filter(
            **fields, timezone=settings.TIME_ZONE, periodictask__isnull=True
        ).delete()
    IntervalSchedule.objects.filter(**SWEEPER[2], periodictask__isnull=True).delete()
    _beat_changed(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0005_reminder_delivery_and_preferences"),
        # The oldest one with every field used here, in the versions pyproject.toml allows.
        ("django_celery_beat", "0018_improve_crontab_helptext"),
    ]

    operations = [migrations.RunPython(create_schedules, delete_schedules)]
