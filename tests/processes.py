"""Start the project's real processes (Celery worker, `make run`) from tests."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


def database_url_of_test_db():
    """The URL of the database this test runs on, for a process started beside it."""
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def project_env(**overrides):
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    env.update({"SECRET_KEY": "test-only-not-secret", "PYTHONUNBUFFERED": "1"})
    env.update(overrides)
    return {k: v for k, v in env.items() if v is not None}


class Process:
    """A child process in its own process group, stopped with everything it started."""

    def __init__(self, args, env, log_path):
        self.log_path = log_path
        self._log = open(log_path, "wb")
        self.popen = subprocess.Popen(
            args,
            cwd=ROOT,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def output(self):
        return Path(self.log_path).read_text(errors="replace")

    def wait_for_output(self, text, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if text in self.output():
                return True
            if self.popen.poll() is not None:
                break
            time.sleep(0.2)
        return text in self.output()

    def stop(self, timeout=30):
        """SIGTERM the whole group, wait until every process in it is gone, then SIGKILL."""
        group = self.popen.pid
        _signal_group(group, signal.SIGTERM)
        if not wait_until(lambda: not _group_alive(group, self.popen), timeout):
            _signal_group(group, signal.SIGKILL)
            wait_until(lambda: not _group_alive(group, self.popen), 10)
        self._log.close()


def _signal_group(group, sig):
    try:
        os.killpg(group, sig)
    except ProcessLookupError:
        pass


def _group_alive(group, popen):
    popen.poll()  # reap the leader, or the group looks alive through its zombie
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return False
    return True


def celery_worker(env, log_path, queue):
    return Process(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "prm",
            "worker",
            "--pool",
            "solo",
            "--loglevel",
            "INFO",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--queues",
            queue,
        ],
        env,
        log_path,
    )


def wait_until(predicate, timeout, interval=0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()
