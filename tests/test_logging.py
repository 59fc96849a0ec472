"""Structured logs: one JSON object a line, each line of a request with the request's id
(the proxy's X-Request-ID, or a new one), which the response also carries; a Celery task
that fails for good is logged with its arguments, e.g. the reminder's id."""

import copy
import io
import json
import logging
import logging.config
import re
import uuid

import pytest
from django.conf import settings

from meetings import tasks
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def log_lines(monkeypatch):
    """The lines the configured console handler writes, through its own filter and
    formatter (JSON, as in production)."""
    handler = next(h for h in logging.getLogger().handlers if h.get_name() == "console")
    # dictConfig consumes the dict it is given: a copy keeps the settings intact.
    formatter = logging.config.DictConfigurator({}).configure_formatter(
        copy.deepcopy(settings.LOGGING["formatters"]["json"])
    )
    monkeypatch.setattr(handler, "formatter", formatter)
    stream = io.StringIO()
    previous = handler.setStream(stream)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    handler.setStream(previous)


def test_the_proxys_request_id_is_on_the_response_and_on_the_log_line(client, log_lines):
    response = client.get("/no-such-page/", HTTP_X_REQUEST_ID="edge-7f3a9c")
    assert response.status_code == 404
    assert response["X-Request-ID"] == "edge-7f3a9c"
    [line] = [line for line in log_lines() if line["logger"] == "django.request"]
    assert line["request_id"] == "edge-7f3a9c"
    assert line["level"] == "WARNING"
    assert "/no-such-page/" in line["message"]


def test_without_one_each_request_gets_a_new_id(client, log_lines):
    first = client.get("/no-such-page/")
    second = client.get("/no-such-page/")
    ids = [first["X-Request-ID"], second["X-Request-ID"]]
    assert all(uuid.UUID(hex=request_id) for request_id in ids)
    assert ids[0] != ids[1]
    logged = [line["request_id"] for line in log_lines() if line["logger"] == "django.request"]
    assert logged == ids


def test_an_id_that_is_not_a_plain_token_is_replaced(client):
    response = client.get("/no-such-page/", HTTP_X_REQUEST_ID="x\r\nlevel: CRITICAL")
    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])


def test_a_log_line_outside_a_request_has_no_id(log_lines, caplog):
    caplog.set_level(logging.INFO, logger="prm.test")  # whatever LOG_LEVEL the run has
    logging.getLogger("prm.test").info("outside")
    [line] = log_lines()
    assert line["message"] == "outside"
    assert line["request_id"] == "-"


def test_a_reminder_delivery_that_fails_for_good_is_logged_with_the_reminder_id(
    log_lines, monkeypatch
):
    reminder = factories.ReminderFactory()

    def mail_server_down(reminder_id):
        raise RuntimeError("mail server said no")

    monkeypatch.setattr(tasks.services, "do_deliver_reminder", mail_server_down)
    result = tasks.deliver_reminder.apply(args=[reminder.pk])
    assert result.failed()
    [line] = [line for line in log_lines() if line["logger"] == "prm.tasks"]
    assert line["level"] == "ERROR"
    assert line["task_name"] == "meetings.deliver_reminder"
    assert line["task_arguments"] == {"reminder_id": reminder.pk}
    assert f"'reminder_id': {reminder.pk}" in line["message"]
    assert "RuntimeError: mail server said no" in line["exc_info"]
