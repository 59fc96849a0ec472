"""Reminders reach their recipient exactly once, through real faults.

Real Celery workers (started and killed here) against the machine's Redis and the test
database; the scan runs in the test process and queues its deliveries on commit, as in
production. This run's keys on Redis carry a prefix of their own, so another run's
workers neither take these tasks nor restore them. E-mails are files, counted here.
"""

import datetime as dt
import json
import os
import signal
import socket
import uuid
from types import SimpleNamespace

import pytest
import redis
from django.conf import settings
from django.db.models import F

from distributors.models import Distributor
from meetings import reminders, tasks
from meetings.models import Reminder
from prm import japan_calendar
from prm.celery import app
from tests import factories
from tests.processes import celery_worker, database_url_of_test_db, project_env, wait_until

pytestmark = [pytest.mark.services, pytest.mark.usefixtures("committed_db")]

REDIS_URL = settings.REDIS_URL or "redis://127.0.0.1:6379/0"
State = Reminder.State


@pytest.fixture
def broker(monkeypatch):
    """Redis under a key prefix of this test's own, for the test process and its workers.

    Workers hand a task they did not acknowledge back to the queue after 2 seconds, and
    look for such tasks every second (production: an hour, see settings).
    """
    prefix = f"prm-test-{uuid.uuid4().hex[:8]}:"
    options = {
        "global_keyprefix": prefix,
        "visibility_timeout": 2,
        "unacked_restore_interval": 1,
        "unacked_restore_throttle": 1,
    }

    def point_app_at(url):
        # Celery reads CELERY_BROKER_URL from the environment before its own setting.
        monkeypatch.setenv("CELERY_BROKER_URL", url)
        monkeypatch.setitem(app.conf, "broker_url", url)
        monkeypatch.setitem(app.conf, "broker_transport_options", options)
        # The app keeps the connection pools it made first: new ones take the new URL.
        monkeypatch.setattr(app, "_pool", None)
        monkeypatch.setattr(app.amqp, "_producer_pool", None)

    point_app_at(REDIS_URL)
    yield SimpleNamespace(options=options, point_app_at=point_app_at)
    client = redis.Redis.from_url(REDIS_URL)
    for key in client.scan_iter(match=f"{prefix}*"):
        client.delete(key)


@pytest.fixture
def start_worker(tmp_path, broker):
    """Start a worker on this test's queue; every e-mail it sends is a file in `mail`."""
    workers = []

    def start(**env):
        worker = celery_worker(
            project_env(
                DATABASE_URL=database_url_of_test_db(),
                CELERY_BROKER_URL=REDIS_URL,
                REDIS_URL=REDIS_URL,
                CELERY_BROKER_TRANSPORT_OPTIONS=json.dumps(broker.options),
                # Three slashes and an absolute path: django-environ drops the first.
                EMAIL_URL=f"filemail:///{tmp_path / 'mail'}",
                **env,
            ),
            tmp_path / f"worker-{len(workers)}.log",
            "celery",
        )
        workers.append(worker)
        assert worker.wait_for_output("ready.", timeout=60), worker.output()
        return worker

    yield start
    for worker in workers:
        worker.stop()


def emails(tmp_path):
    """The e-mails the workers wrote, one "To:" line each (the file backend's format)."""
    folder = tmp_path / "mail"
    files = sorted(folder.iterdir()) if folder.exists() else []
    text = "".join(path.read_text() for path in files)
    return [line for line in text.splitlines() if line.startswith("To: ")]


@pytest.fixture
def overdue():
    """One overdue touchpoint, for an account manager with an address: one reminder."""
    distributor = factories.DistributorFactory(
        account_manager=factories.AccountManagerFactory(email="am@example.com")
    )
    factories.CadenceFactory(
        distributor=distributor, alignment_interval_months=12, senior_contact_interval_months=24
    )
    # Added long ago, whatever the date: the touchpoint, due every 6 weeks, is overdue.
    Distributor.objects.filter(pk=distributor.pk).update(
        created_at=F("created_at") - dt.timedelta(days=100)
    )
    return distributor


def scan():
    (reminder_id,) = reminders.do_scan_cadences(japan_calendar.today())
    return Reminder.objects.filter(pk=reminder_id)


def state_of(reminder):
    return reminder.values_list("state", flat=True).get()


def test_a_reminder_from_the_scan_is_e_mailed_once(tmp_path, start_worker, overdue):
    worker = start_worker()

    reminder = scan()  # queues its delivery on commit
    assert wait_until(lambda: state_of(reminder) == State.SENT, timeout=30), worker.output()
    reminders.queue_delivery([reminder.get().pk])  # a duplicate task changes nothing
    assert wait_until(lambda: worker.output().count("succeeded") == 2, timeout=30)

    assert emails(tmp_path) == ["To: am@example.com"]
    assert reminder.values_list("attempts", "emailed").get() == (1, True)


def test_a_worker_killed_while_sending_still_ends_with_one_e_mail(tmp_path, start_worker, overdue):
    slow = start_worker(EMAIL_BACKEND="tests.slow_email.EmailBackend", PRM_TEST_SEND_DELAY="60")

    reminder = scan()
    assert wait_until(lambda: state_of(reminder) == State.SENDING, timeout=30), slow.output()
    assert slow.wait_for_output("Task meetings.deliver_reminder", timeout=10)
    os.killpg(slow.popen.pid, signal.SIGKILL)  # in the middle of the slow send
    slow.stop()
    assert emails(tmp_path) == []
    assert reminder.values_list("state", "attempts").get() == (State.SENDING, 1)

    # As if Reminder.CLAIM_TIMEOUT had passed: the dead worker's claim is stale.
    reminder.update(claimed_at=F("claimed_at") - Reminder.CLAIM_TIMEOUT)
    worker = start_worker()  # Redis gives it the task the killed worker never acknowledged
    assert wait_until(lambda: state_of(reminder) == State.SENT, timeout=30), worker.output()
    assert reminders.do_sweep_pending_reminders() == []

    assert "True" in worker.output()
    assert emails(tmp_path) == ["To: am@example.com"]
    assert reminder.values_list("attempts", flat=True).get() == 2


def test_with_the_broker_down_the_reminder_waits_for_the_sweeper(
    tmp_path, broker, start_worker, overdue, caplog
):
    with socket.socket() as closed:  # a port nothing listens on once this is closed
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    broker.point_app_at(f"redis://127.0.0.1:{port}/0")

    reminder = scan()  # the save succeeds; queuing fails after it
    assert "Broker unreachable: 1 reminder(s) left pending for the sweeper." in caplog.text
    assert state_of(reminder) == State.PENDING

    broker.point_app_at(REDIS_URL)  # the broker is back
    worker = start_worker()
    tasks.sweep_pending_reminders.delay()
    assert wait_until(lambda: state_of(reminder) == State.SENT, timeout=30), worker.output()
    tasks.sweep_pending_reminders.delay()  # nothing left to sweep
    assert wait_until(lambda: worker.output().count("succeeded") == 3, timeout=30)

    assert emails(tmp_path) == ["To: am@example.com"]
    assert reminder.values_list("attempts", flat=True).get() == 1
