"""Celery tasks of the dashboard, run by beat (see migrations/0002_snapshot_schedule.py)."""

from celery import shared_task

from prm import japan_calendar

from . import services


@shared_task(name="dashboard.snapshot_signals")
def snapshot_signals():
    """Today's snapshot of every relationship's signals; safe to run twice. Returns how many
    snapshots were created, for the worker's log."""
    return services.do_snapshot_signals(japan_calendar.today())
