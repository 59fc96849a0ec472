"""Login protection: 5 wrong passwords for one username from one address lock that pair
out for 15 minutes with a page that says what to do; the lockout ends by itself or when
an administrator resets it, and never reaches another user at the same address."""

import datetime as dt

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests import factories
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

OFFICE = "203.0.113.7"


def attempt(client, user, password, address=OFFICE, **headers):
    return client.post(
        reverse("login"),
        {"username": user.username, "password": password},
        REMOTE_ADDR=address,
        **headers,
    )


def fail_five_times(client, user, address=OFFICE):
    for _ in range(5):
        response = attempt(client, user, "wrong-password", address)
    return response


def assert_logged_in(response):
    assert response.status_code == 302
    assert response.url == reverse("home")


def test_four_failures_still_let_the_right_password_in(client, account_manager):
    for _ in range(4):
        response = attempt(client, account_manager, "wrong-password")
        assert response.status_code == 200
        assert "Please enter a correct username and password" in response.content.decode()
    assert_logged_in(attempt(client, account_manager, PASSWORD))


def test_the_fifth_failure_locks_the_login_with_a_message_that_says_what_to_do(
    client, account_manager
):
    response = fail_five_times(client, account_manager)
    assert response.status_code == 429
    page = response.content.decode()
    assert "Login paused after too many failed attempts" in page
    assert f"logging in as “{account_manager.username}” from this device" in page
    assert "paused for 15 minutes" in page
    assert "ask your PRM administrator to unlock your login" in page

    locked = attempt(client, account_manager, PASSWORD)
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("my_week")).status_code == 302  # still sent to the login


def test_after_the_cool_off_the_right_password_works_again(client, account_manager):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        fail_five_times(client, account_manager)
        clock.shift(dt.timedelta(minutes=14))
        assert attempt(client, account_manager, PASSWORD).status_code == 429
        clock.shift(dt.timedelta(minutes=2))
        assert_logged_in(attempt(client, account_manager, PASSWORD))


def test_an_administrator_unlocks_the_login_at_once(client, account_manager):
    fail_five_times(client, account_manager)
    call_command("axes_reset_username", account_manager.username)
    assert_logged_in(attempt(client, account_manager, PASSWORD))


def test_another_user_at_the_same_address_is_not_locked(client, account_manager, executive):
    fail_five_times(client, account_manager)
    assert_logged_in(attempt(Client(), executive, PASSWORD))


def test_the_same_user_from_another_address_is_not_locked(client, account_manager):
    fail_five_times(client, account_manager)
    assert_logged_in(attempt(Client(), account_manager, PASSWORD, address="198.51.100.20"))


def test_behind_the_proxy_the_forwarded_client_address_counts(client, settings):
    settings.PRM_TRUSTED_PROXY_COUNT = 1
    user = factories.AccountManagerFactory()
    proxy = "10.0.0.2"
    for _ in range(5):
        attempt(client, user, "wrong-password", proxy, HTTP_X_FORWARDED_FOR=OFFICE)
    # The same person through the same proxy is locked out...
    assert attempt(client, user, PASSWORD, proxy, HTTP_X_FORWARDED_FOR=OFFICE).status_code == 429
    # ...a colleague at another office behind the same proxy is not, and writing the locked
    # address into the header first does not make anyone else look like them.
    other_office = attempt(
        Client(), user, PASSWORD, proxy, HTTP_X_FORWARDED_FOR=f"{OFFICE}, 198.51.100.20"
    )
    assert_logged_in(other_office)
