"""Start the project's real processes (Celery worker, `make run`) from tests."""

import os
import sys

from django.db import connection

from scripts.production_stack import ROOT, Process, wait_until

__all__ = [
    "ROOT",
    "Process",
    "celery_worker",
    "database_url_of_test_db",
    "project_env",
    "wait_until",
]


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
