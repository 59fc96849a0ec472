"""/healthz: what a load balancer and an operator see when the database, the broker or
beat is up or down; never any data, never a login."""

import datetime as dt

import pytest
import time_machine
from django.db import OperationalError, connection
from django.urls import reverse
from django.utils import timezone
from django_celery_beat.models import IntervalSchedule, PeriodicTask

pytestmark = pytest.mark.django_db

KEYS = {"status", "database", "broker", "beat_last_run_seconds_ago"}


def health(client):
    response = client.get(reverse("healthz"))
    assert response["Content-Type"] == "application/json"
    assert set(response.json()) == KEYS  # nothing else: no host, no error text, no data
    assert "no-cache" in response["Cache-Control"]
    return response


@pytest.fixture
def broker_up(settings, tmp_path):
    # This machine's Redis when the run has one, else the filesystem broker in a fresh folder.
    if not settings.CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
        folder = tmp_path / "queue"
        folder.mkdir()
        settings.CELERY_BROKER_URL = "filesystem://"
        settings.CELERY_BROKER_TRANSPORT_OPTIONS = {"data_folder_in": str(folder)}


def test_all_up_is_200_without_logging_in(client, broker_up):
    response = health(client)
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert response.json()["database"] == "ok"
    assert response.json()["broker"] == "ok"
    assert "sessionid" not in response.cookies


def test_a_redis_broker_that_does_not_answer_is_503(client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = health(client)
    assert response.status_code == 503
    assert response.json() == {
        "status": "error",
        "database": "ok",
        "broker": "error",
        "beat_last_run_seconds_ago": None,
    }


def test_a_missing_filesystem_broker_folder_is_503(client, settings, tmp_path):
    settings.CELERY_BROKER_URL = "filesystem://"
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {"data_folder_in": str(tmp_path / "gone")}
    response = health(client)
    assert response.status_code == 503
    assert response.json()["broker"] == "error"


def test_a_database_that_does_not_answer_is_503(client, broker_up, monkeypatch):
    def refuse():
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", refuse)
    response = health(client)
    assert response.status_code == 503
    assert response.json()["status"] == "error"
    assert response.json()["database"] == "error"
    assert response.json()["broker"] == "ok"


def test_beat_age_is_the_seconds_since_its_latest_run(client, broker_up):
    now = timezone.now()
    every_ten_minutes = IntervalSchedule.objects.create(every=10, period=IntervalSchedule.MINUTES)
    for name, seconds_ago in (("older", 900), ("latest", 90)):
        PeriodicTask.objects.create(
            name=name,
            task="meetings.sweep_pending_reminders",
            interval=every_ten_minutes,
            last_run_at=now - dt.timedelta(seconds=seconds_ago),
        )
    with time_machine.travel(now, tick=False):
        response = health(client)
    assert response.status_code == 200
    assert response.json()["beat_last_run_seconds_ago"] == 90


def test_beat_that_never_ran_is_reported_but_not_failed(client, broker_up):
    PeriodicTask.objects.update(last_run_at=None)
    response = health(client)
    assert response.status_code == 200
    assert response.json()["beat_last_run_seconds_ago"] is None


def test_only_get(client):
    assert client.post(reverse("healthz")).status_code == 405
