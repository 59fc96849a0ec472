"""Celery tasks: thin wrappers over meetings/reminders.py and services.py, run by beat.

Each is safe to run twice: a scan creates each reminder once (the model's unique keys),
and a delivery claims its reminder before it sends. With acks_late (settings), a task
whose worker dies is delivered again.
"""

from smtplib import SMTPException

from celery import shared_task

from prm import japan_calendar

from . import reminders, services
from .models import Reminder


# A mail server that refuses or times out is tried again 1, 2, 4, 8 minutes later (with
# jitter); the reminder records each attempt and fails after the last.
@shared_task(
    name="meetings.deliver_reminder",
    autoretry_for=(SMTPException, OSError),
    retry_backoff=60,
    max_retries=Reminder.MAX_ATTEMPTS - 1,
    # Well under Reminder.CLAIM_TIMEOUT, for the same reason as EMAIL_TIMEOUT.
    soft_time_limit=120,
    time_limit=180,
)
def deliver_reminder(reminder_id):
    return services.do_deliver_reminder(reminder_id)


# The scans return how many reminders they created, for the worker's log.


@shared_task(name="meetings.scan_cadences")
def scan_cadences():
    return len(reminders.do_scan_cadences(japan_calendar.today()))


@shared_task(name="meetings.plan_quarter")
def plan_quarter():
    return len(reminders.do_plan_quarter(japan_calendar.today()))


@shared_task(name="meetings.warn_seasonal_peaks")
def warn_seasonal_peaks():
    return len(reminders.do_warn_seasonal_peaks(japan_calendar.today()))


@shared_task(name="meetings.send_executive_digest")
def send_executive_digest():
    return len(reminders.do_send_executive_digest(japan_calendar.today()))


@shared_task(name="meetings.sweep_pending_reminders")
def sweep_pending_reminders():
    return len(reminders.do_sweep_pending_reminders())
