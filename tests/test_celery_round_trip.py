"""A real Celery worker process runs a real task against the test database.

Once through the machine's Redis, once through the embedded filesystem broker that
`make run` uses, so reminders really fire in both set-ups.
"""

import uuid

import pytest
from django.conf import settings
from kombu import Connection

from meetings.models import Reminder
from meetings.tasks import deliver_reminder
from tests import factories
from tests.processes import celery_worker, database_url_of_test_db, project_env, wait_until

pytestmark = [
    pytest.mark.services,
    pytest.mark.usefixtures("committed_db"),
]

REDIS_URL = settings.REDIS_URL or "redis://127.0.0.1:6379/0"


def round_trip(tmp_path, broker_url, transport_options, worker_env):
    queue = f"test-{uuid.uuid4().hex[:8]}"
    reminder = factories.ReminderFactory(recipient__email="am@example.com")
    worker = celery_worker(
        project_env(DATABASE_URL=database_url_of_test_db(), **worker_env),
        tmp_path / "worker.log",
        queue,
    )
    try:
        assert worker.wait_for_output("ready.", timeout=60), worker.output()
        with Connection(broker_url, transport_options=transport_options) as conn:
            # Sent twice on purpose: the task must deliver the reminder only once.
            for _ in range(2):
                deliver_reminder.apply_async(args=[reminder.pk], connection=conn, queue=queue)

        def sent():
            reminder.refresh_from_db()
            return reminder.state == Reminder.State.SENT

        assert wait_until(sent, timeout=60), worker.output()
        assert wait_until(lambda: worker.output().count("succeeded") >= 2, timeout=30)
    finally:
        worker.stop()
    output = worker.output()
    assert "succeeded" in output and "True" in output and "False" in output, output
    # The console e-mail backend printed the one e-mail the worker sent.
    assert output.count("To: am@example.com") == 1, output
    assert reminder.sent_at is not None


def test_round_trip_through_redis(tmp_path):
    round_trip(
        tmp_path,
        REDIS_URL,
        {},
        {"CELERY_BROKER_URL": REDIS_URL, "REDIS_URL": REDIS_URL, "EMAIL_URL": "consolemail://"},
    )


def test_round_trip_through_the_embedded_filesystem_broker(tmp_path):
    folder = tmp_path / "broker"
    options = {
        "data_folder_in": str(folder / "queue"),
        "data_folder_out": str(folder / "queue"),
        "processed_folder": str(folder / "processed"),
        "control_folder": str(folder / "control"),
    }
    for path in options.values():
        (tmp_path / path).mkdir(parents=True, exist_ok=True)
    round_trip(
        tmp_path,
        "filesystem://",
        options,
        {
            "CELERY_BROKER_URL": "filesystem://",
            "REDIS_URL": None,
            "CELERY_BROKER_FOLDER": str(folder),
            "EMAIL_URL": "consolemail://",
        },
    )
