import inspect
import logging
import os
from pathlib import Path

from celery import Celery
from celery.signals import task_failure

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "prm.settings")

app = Celery("prm")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

logger = logging.getLogger("prm.tasks")


@app.on_after_configure.connect
def _create_filesystem_broker_folders(sender, **kwargs):
    # kombu's filesystem transport fails on the first send if its folders are missing.
    for folder in (sender.conf.broker_transport_options or {}).values():
        if isinstance(folder, str) and folder.startswith(("/", ".")):
            Path(folder).mkdir(parents=True, exist_ok=True)


@task_failure.connect
def log_task_failure(sender=None, task_id=None, exception=None, args=None, kwargs=None, **extra):
    """Log a task that failed for good (retries used up) with its arguments by name, e.g.
    reminder_id, so that the log says which reminder was not delivered."""
    args, kwargs = list(args or ()), dict(kwargs or {})
    try:
        arguments = dict(inspect.signature(sender.run).bind(*args, **kwargs).arguments)
    except TypeError:
        arguments = {"args": args, "kwargs": kwargs}
    logger.error(
        "Task %s failed with %s; arguments: %s",
        sender.name,
        type(exception).__name__,
        arguments,
        extra={"task_name": sender.name, "task_id": task_id, "task_arguments": arguments},
        exc_info=(type(exception), exception, exception.__traceback__),
    )
