"""`make run` as a person runs it: set-up, demo data, then web, worker and beat together."""

import socket
import urllib.request

import pytest

from tests.processes import Process, project_env, wait_until

pytestmark = pytest.mark.services


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def answers(url):
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200 and b'name="password"' in response.read()
    except OSError:
        return False


def test_make_run_serves_the_login_page_with_worker_and_beat(tmp_path):
    port = free_port()
    env = project_env(
        # The embedded defaults, as on a fresh machine: no DATABASE_URL, no Redis.
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        CELERY_BROKER_URL=None,
        REDIS_URL=None,
        CELERY_BROKER_FOLDER=str(tmp_path / "broker"),
        SECRET_KEY=None,
        PORT=str(port),
    )
    stack = Process(["make", "run"], env, tmp_path / "make-run.log")
    try:
        assert wait_until(lambda: answers(f"http://127.0.0.1:{port}/login/"), timeout=240), (
            stack.output()[-4000:]
        )
        assert stack.wait_for_output("ready.", timeout=60), stack.output()[-4000:]
        assert stack.wait_for_output("beat: Starting", timeout=60), stack.output()[-4000:]
        # The reminders of the demo data are delivered through the filesystem broker and
        # printed by the console e-mail backend.
        assert stack.wait_for_output("Subject: ", timeout=90), stack.output()[-4000:]
    finally:
        stack.stop()
    output = stack.output()
    assert "manager" in output and "prm-demo" in output
    assert "new reminder(s)" in output
