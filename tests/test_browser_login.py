"""Each role logs in through real Chromium and sees the navigation meant for it."""

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.factories import PASSWORD

pytestmark = [
    pytest.mark.browser,
    pytest.mark.usefixtures("committed_db"),
]


def log_in(page, live_server, user):
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(f"{live_server.url}/login/?next=/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def nav_links(page):
    return page.get_by_role("navigation", name="Main navigation").get_by_role("link")


def test_account_manager_sees_my_week(page, live_server):
    manager = factories.AccountManagerFactory()
    factories.DistributorFactory(
        account_manager=manager, name_en="Sakura Trading", name_ja="桜商事"
    )
    log_in(page, live_server, manager)
    expect(page.get_by_role("heading", name="My week")).to_be_visible()
    expect(page.get_by_role("link", name="Sakura Trading / 桜商事")).to_be_visible()
    expect(nav_links(page)).to_have_text(
        [
            "PRM",
            "My week",
            "Distributors",
            "Feedback",
            "Portfolio",
            "Notifications none unread",
            manager.get_full_name(),
        ]
    )


def test_executive_sees_the_portfolio(page, live_server):
    executive = factories.ExecutiveFactory()
    log_in(page, live_server, executive)
    expect(page.get_by_role("heading", name="Partner portfolio")).to_be_visible()
    expect(nav_links(page)).to_have_text(
        [
            "PRM",
            "Distributors",
            "Feedback",
            "Portfolio",
            "Notifications none unread",
            executive.get_full_name(),
        ]
    )


def test_partner_sees_only_the_portal(page, live_server):
    partner = factories.PortalUserFactory(
        portal_contact__distributor__name_en="Sakura Trading",
        portal_contact__distributor__name_ja="桜商事",
        portal_contact__language="en",
    )
    log_in(page, live_server, partner)
    expect(page.get_by_role("heading", name="桜商事")).to_be_visible()
    expect(page.get_by_role("navigation", name="Main navigation")).to_have_count(0)
    portal_links = page.get_by_role("navigation", name="Partner portal navigation")
    expect(portal_links.get_by_role("link")).to_have_text(
        [
            "Partner portal · Sakura Trading (桜商事)",
            "Home",
            "Goals",
            "Meetings",
            "Feedback",
            "Figures",
            "Shared plans",
            partner.get_full_name(),
        ]
    )


def test_a_japanese_partner_reads_the_portal_in_japanese(page, live_server):
    partner = factories.PortalUserFactory(portal_contact__distributor__name_ja="桜商事")
    page.set_extra_http_headers({"Accept-Language": "en"})
    log_in(page, live_server, partner)
    expect(page.get_by_role("heading", name="桜商事")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "ja")
    expect(page.get_by_role("heading", name="次回の会議")).to_be_visible()


def test_login_is_usable_by_keyboard_alone(page, live_server):
    manager = factories.AccountManagerFactory()
    page.goto(f"{live_server.url}/login/")
    expect(page.get_by_label("Username")).to_be_focused()
    page.keyboard.type(manager.username)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="My week")).to_be_visible()
    # The first Tab on a page offers to skip the navigation.
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_server.url}/my-week/#main")
