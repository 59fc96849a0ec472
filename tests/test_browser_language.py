"""The language switcher in real Chromium: on the login page, on a staff page, and the
choice following the user into a fresh browser."""

import pytest
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from tests import factories
from tests.factories import PASSWORD

pytestmark = [
    pytest.mark.browser,
    pytest.mark.usefixtures("committed_db"),
]


def japanese(label):
    with translation.override("ja"):
        return gettext(label)


def switch_language(page, language_name, button_label):
    page.locator("#language-select").select_option(label=language_name)
    page.get_by_role("button", name=button_label, exact=True).click()


def log_in(page, manager, button_label):
    # By the fields' names: their labels are in whichever language the page speaks.
    page.locator("input[name=username]").fill(manager.username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.get_by_role("button", name=button_label, exact=True).click()


def test_the_language_chosen_in_the_switcher_stays_with_the_user(browser, live_server):
    manager = factories.AccountManagerFactory()
    english_browser = browser.new_context(locale="en-US")
    page = english_browser.new_page()
    page.goto(f"{live_server.url}/login/")
    expect(page.get_by_role("heading", name="Log in to PRM")).to_be_visible()

    switch_language(page, "日本語", "Change")
    expect(page.locator("html")).to_have_attribute("lang", "ja")
    expect(page.get_by_role("heading", name=japanese("Log in to PRM"))).to_be_visible()

    log_in(page, manager, japanese("Log in"))
    expect(page.get_by_role("heading", name=japanese("My week"))).to_be_visible()

    switch_language(page, "English", japanese("Change"))
    expect(page.get_by_role("heading", name="My week")).to_be_visible()
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("heading", name="Log in to PRM")).to_be_visible()
    english_browser.close()

    # Another browser, without the language cookie, that asks for Japanese.
    japanese_browser = browser.new_context(locale="ja-JP")
    page = japanese_browser.new_page()
    page.goto(f"{live_server.url}/login/")
    expect(page.get_by_role("heading", name=japanese("Log in to PRM"))).to_be_visible()
    log_in(page, manager, japanese("Log in"))
    expect(page.get_by_role("heading", name="My week")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    japanese_browser.close()

    manager.refresh_from_db()
    assert manager.language == "en"
