"""Production settings: `check --deploy` is clean with production values, the hardening is
on unless DEBUG, and every response carries the headers that keep a browser safe."""

import json
import os
import secrets
import subprocess
import sys

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.factories import PASSWORD

PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": secrets.token_urlsafe(64),
    "ALLOWED_HOSTS": "prm.example.com",
    "CSRF_TRUSTED_ORIGINS": "https://prm.example.com",
    "SECURE_PROXY_SSL": "true",
    "SECURE_SSL_REDIRECT": "true",
    "LOG_LEVEL": "WARNING",
}
SHOWN = (
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_SSL_REDIRECT",
    "SECURE_PROXY_SSL_HEADER",
)


def manage(*args, **environment):
    # As a production host has it: not the test run's own switches (conftest.py's async one).
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in PRODUCTION and key != "DJANGO_ALLOW_ASYNC_UNSAFE"
    }
    env.update(environment)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def settings_under(**environment):
    code = f"from django.conf import settings; print(__import__('json').dumps({{n: getattr(settings, n, None) for n in {SHOWN!r}}}))"  # noqa: E501
    result = manage("shell", "-c", code, **environment)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_check_deploy_reports_nothing_with_production_values():
    result = manage("check", "--deploy", "--fail-level", "DEBUG", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_still_catches_a_weak_secret_key():
    result = manage("check", "--deploy", **{**PRODUCTION, "SECRET_KEY": "short"})
    assert "security.W009" in result.stderr


def test_hardening_is_on_unless_debug_and_off_for_make_run():
    production = settings_under(**PRODUCTION)
    assert production["SESSION_COOKIE_SECURE"] and production["CSRF_COOKIE_SECURE"]
    assert production["SECURE_HSTS_SECONDS"] == 365 * 24 * 3600
    assert production["SECURE_HSTS_PRELOAD"] is False
    assert production["SECURE_SSL_REDIRECT"] is True
    assert production["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]

    development = settings_under(DEBUG="true")
    assert not development["SESSION_COOKIE_SECURE"] and not development["CSRF_COOKIE_SECURE"]
    assert development["SECURE_HSTS_SECONDS"] == 0
    assert development["SECURE_SSL_REDIRECT"] is False
    assert development["SECURE_PROXY_SSL_HEADER"] is None


@pytest.mark.django_db
def test_every_page_carries_the_browser_safety_headers(client):
    response = client.get(reverse("login"))
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    policy = dict(
        directive.strip().split(" ", 1)
        for directive in response["Content-Security-Policy"].split(";")
    )
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert policy["default-src"] == "'self'"
    assert policy["img-src"] == "'self' data:"
    assert policy["frame-ancestors"] == "'none'"
    assert policy["form-action"] == "'self'"
    assert "unsafe" not in response["Content-Security-Policy"]


@pytest.mark.django_db
def test_over_https_the_browser_is_told_to_stay_on_https(client):
    response = client.get(reverse("login"), secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


@pytest.mark.django_db
def test_the_session_cookie_is_secure_httponly_and_expires_after_two_weeks(client, executive):
    response = client.post(reverse("login"), {"username": executive.username, "password": PASSWORD})
    assert response.status_code == 302
    session = response.cookies[settings.SESSION_COOKIE_NAME]
    assert session["httponly"] and session["secure"]
    assert session["max-age"] == 14 * 24 * 3600
    page = client.get(reverse("portfolio"))
    csrf = page.cookies.get(settings.CSRF_COOKIE_NAME) or client.cookies[settings.CSRF_COOKIE_NAME]
    assert csrf["httponly"] and csrf["secure"]


@pytest.mark.django_db
@pytest.mark.parametrize("password", ["short1", "password123", "12345678901234", "prm-user"])
def test_weak_passwords_are_refused(password, account_manager):
    account_manager.username = "prm-user"
    with pytest.raises(ValidationError):
        validate_password(password, account_manager)
