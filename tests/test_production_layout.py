"""The production layout of docker-compose.yml, run without Docker (scripts/production_stack.py).

gunicorn, a Celery worker and Celery beat with production settings, on the test database
(PostgreSQL in CI) and Redis database 3 as the broker. An account manager logs in over
HTTP and records through the web forms an alignment meeting held 100 days ago: the next
alignment meeting is now overdue. Beat sends the cadence scan, the worker runs it and
e-mails the reminder (the e-mails are files here); then every process is stopped by PID.
"""

import datetime as dt
import email
import email.policy
import http.cookiejar
import importlib
import os
import re
import urllib.parse
import urllib.request

import pytest
import redis
from django.apps import apps
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from meetings.models import AlignmentMeeting, Reminder
from prm import japan_calendar
from scripts.production_stack import ProductionStack, free_port, group_members
from tests import factories
from tests.processes import database_url_of_test_db, project_env, wait_until

pytestmark = [pytest.mark.services, pytest.mark.usefixtures("committed_db")]

REDIS_URL = "redis://127.0.0.1:6379/15"  # no test worker takes it: see conftest.py
CADENCE_SCAN = "Reminders: daily cadence scan"
CSRF_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class Browser:
    """Forms over plain HTTP with a cookie jar, as a browser submits them (CSRF included)."""

    def __init__(self, base_url):
        self.base_url = base_url
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def get(self, path):
        with self.opener.open(self.base_url + path, timeout=30) as response:
            return response.geturl(), response.read().decode()

    def submit(self, form_path, data, action=None):
        """Open the page at `form_path`, post `data` with its CSRF token to `action` (the
        same page by default); the address and page reached after the redirect."""
        _url, page = self.get(form_path)
        token = CSRF_TOKEN.search(page)
        assert token, f"no CSRF token on {form_path}"
        body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": token[1]}, doseq=True)
        with self.opener.open(self.base_url + (action or form_path), body.encode(), 30) as r:
            return r.geturl(), r.read().decode()


@pytest.fixture
def fast_password_hasher():
    """Production's password hashers, not the suite's fast one: the stack checks the login."""


def stack_log(stack, name):
    return (stack.log_dir / f"{name}.log").read_text(errors="replace")


def sent_emails(folder):
    """The messages Django's file-based backend wrote: each file holds those of one
    connection, each message followed by a line of 79 dashes."""
    messages = []
    for path in sorted(folder.glob("*")):
        for text in path.read_text(errors="replace").split("-" * 79 + "\n"):
            if text.strip():
                messages.append(email.message_from_string(text, policy=email.policy.default))
    return messages


@pytest.fixture
def cadence_scan_every_two_seconds():
    """The schedule rows of migration 0006 (the flush of an earlier test removed them), with
    the daily cadence scan due every 2 seconds, as an administrator would set it in the
    admin: beat's DatabaseScheduler notices the change while it runs."""
    importlib.import_module("meetings.migrations.0006_reminder_schedules").create_schedules(
        apps, None
    )
    task = PeriodicTask.objects.get(name=CADENCE_SCAN)
    task.crontab = None
    task.interval, _created = IntervalSchedule.objects.get_or_create(
        every=2, period=IntervalSchedule.SECONDS
    )
    task.save()


def test_web_worker_and_beat_deliver_the_reminder_a_meeting_calls_for(
    tmp_path, cadence_scan_every_two_seconds
):
    redis.Redis.from_url(REDIS_URL).flushdb()  # no task left over from an earlier run
    manager = factories.AccountManagerFactory(email="haruka.mori@example.com")
    distributor = factories.DistributorFactory(account_manager=manager)
    mail = tmp_path / "mail"
    env = project_env(
        DATABASE_URL=database_url_of_test_db(),
        REDIS_URL=REDIS_URL,
        # The stack generates its own.
        SECRET_KEY=None,
        # Three slashes and an absolute path: django-environ drops the first.
        EMAIL_URL=f"filemail:///{mail}",
    )
    stack = ProductionStack(env=env, port=free_port(), log_dir=tmp_path / "logs")
    stack.start(timeout=60)
    try:
        assert set(stack.pids) == {"web", "worker", "beat"}
        status, health = stack.health()
        assert status == 200 and health["database"] == health["broker"] == "ok"

        browser = Browser(stack.base_url)
        url, page = browser.submit(
            "/login/", {"username": manager.username, "password": factories.PASSWORD}
        )
        assert url == f"{stack.base_url}/my-week/", page[-2000:]  # an account manager's Home

        held_on = japan_calendar.today() - dt.timedelta(days=100)
        url, page = browser.submit(
            f"/meetings/new/?distributor={distributor.pk}",
            {
                "kind": AlignmentMeeting.Kind.ALIGNMENT,
                "title": "Quarterly alignment",
                "distributors": distributor.pk,
                "starts_at": f"{held_on.isoformat()}T10:00",
                "ends_at_time": "11:30",
                "format": AlignmentMeeting.Format.IN_PERSON,
                "language": AlignmentMeeting.Language.ENGLISH,
                "location": "Osaka office",
                "staff_attendees": manager.pk,
            },
        )
        meeting_url = re.fullmatch(rf"{re.escape(stack.base_url)}(/meetings/\d+/)", url)
        assert meeting_url, page[-3000:]
        browser.submit(
            meeting_url[1],
            {"status": AlignmentMeeting.Status.HELD},
            action=f"{meeting_url[1]}status/",
        )
        assert AlignmentMeeting.objects.get(distributors=distributor).status == "held"

        def reminder_mailed():
            return any(
                message["To"] == manager.email
                # Folded: the encoded Japanese name starts on a line of its own.
                and message["Subject"].strip() == f"[PRM] Alignment meeting due: {distributor}"
                for message in sent_emails(mail)
            )

        assert wait_until(reminder_mailed, timeout=45), (
            stack_log(stack, "beat")[-3000:],
            stack_log(stack, "worker")[-5000:],
        )
        reminder = Reminder.objects.get(kind=Reminder.Kind.ALIGNMENT_DUE, recipient=manager)
        assert reminder.distributor == distributor
        assert wait_until(lambda: Reminder.objects.get(pk=reminder.pk).state == "sent", 10)
        # Beat sent the scan, the worker ran it and the delivery it queued.
        assert "Sending due task Reminders: daily cadence scan" in stack_log(stack, "beat")
        worker_log = stack_log(stack, "worker")
        assert "meetings.scan_cadences" in worker_log and "meetings.deliver_reminder" in worker_log
        # Beat's run is what /healthz reports to the load balancer.
        assert stack.health()[1]["beat_last_run_seconds_ago"] is not None
    finally:
        members = {name: group_members(pid) for name, pid in stack.pids.items()}
        stack.stop()
    # gunicorn's workers and Celery's pool processes too, not only the three leaders.
    assert len(members["web"]) == 1 + stack.web_workers
    assert len(members["worker"]) > 1  # the prefork pool
    for pid in set().union(*members.values()):
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)
