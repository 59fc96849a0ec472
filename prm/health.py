"""/healthz: whether this web process can reach what it needs, for the load balancer.

Unauthenticated, so it names no host, no error text and no data: only "ok" or "error" per
check, and how long ago beat last sent a scheduled task. 503 when the database or the
broker is unreachable (reminders would be lost); an old beat run is reported, not failed,
because the web process still serves pages without it.
"""

import logging
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Max
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)

BROKER_TIMEOUT_SECONDS = 2


def database_ok():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except Exception:
        logger.exception("Health check: the database is unreachable")
        return False


def broker_ok():
    if settings.CELERY_BROKER_URL.startswith("filesystem://"):
        return Path(settings.CELERY_BROKER_TRANSPORT_OPTIONS["data_folder_in"]).is_dir()
    from prm.celery import app

    try:
        with app.connection_for_write(settings.CELERY_BROKER_URL) as broker:
            broker.ensure_connection(
                max_retries=1, interval_start=0, timeout=BROKER_TIMEOUT_SECONDS
            )
        return True
    except Exception:
        logger.exception("Health check: the broker is unreachable")
        return False


def seconds_since_beat_ran():
    """Seconds since beat last sent one of its scheduled tasks (the sweeper runs every 10
    minutes), or None when it never has or the database cannot tell."""
    from django_celery_beat.models import PeriodicTask

    try:
        last_run = PeriodicTask.objects.aggregate(last=Max("last_run_at"))["last"]
    except Exception:
        return None
    if last_run is None:
        return None
    return max(0, round((timezone.now() - last_run).total_seconds()))


@never_cache
@require_GET
@transaction.non_atomic_requests  # the request's transaction would fail before the check
def healthz(request):
    database = database_ok()
    broker = broker_ok()
    healthy = database and broker
    return JsonResponse(
        {
            "status": "ok" if healthy else "error",
            "database": "ok" if database else "error",
            "broker": "ok" if broker else "error",
            "beat_last_run_seconds_ago": seconds_since_beat_ran() if database else None,
        },
        status=200 if healthy else 503,
    )
