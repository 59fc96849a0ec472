"""The two-way dialogue in real Chromium, on the demo data: `partner` in the portal and
`manager` in the workspace, each in a browser of their own.

`partner` reads the portal in English here (the demo contact prefers Japanese; the
Japanese pages are checked in tests/test_translations.py), so that the locators read the
same as the other browser tests.
"""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from milestones.models import Goal
from prm.models import User
from tests.test_browser_workspace import LAPTOP, screenshot

pytestmark = [
    pytest.mark.browser,
    pytest.mark.usefixtures("committed_db"),
]


@pytest.fixture
def demo(committed_db):
    call_command("seed_demo", verbosity=0)
    User.objects.filter(username="partner").update(language="en")


def log_in(browser, live_server, username):
    page = browser.new_context(viewport=LAPTOP).new_page()
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("prm-demo")
    page.get_by_role("button", name="Log in").click()
    return page


def test_a_concern_from_the_portal_is_answered_by_the_manager(browser, live_server, demo):
    partner = log_in(browser, live_server, "partner")
    expect(partner.get_by_role("heading", name="Our next meeting")).to_be_visible()
    screenshot(partner, "portal.png")
    partner.get_by_role("navigation").get_by_role("link", name="Feedback", exact=True).click()
    partner.get_by_role("link", name="Send feedback").first.click()
    partner.get_by_label("Concern").check()
    partner.get_by_label("Subject").fill("Late trucks before Obon")
    partner.get_by_label("Message").fill("Two deliveries to Fukuoka came a day late last week.")
    partner.get_by_role("button", name="Send the feedback").click()
    expect(partner.get_by_text("your feedback was sent to our team")).to_be_visible()

    manager = log_in(browser, live_server, "manager")
    manager.get_by_role("navigation").get_by_role("link", name="Feedback", exact=True).click()
    manager.get_by_role("link", name="Late trucks before Obon").click()
    manager.get_by_label("Your reply").fill("We are adding a truck slot from Osaka for August.")
    manager.get_by_label("Then set the status to").select_option(label="In progress")
    manager.get_by_role("button", name="Send the reply").click()
    expect(manager.get_by_text("Your reply was added.")).to_be_visible()

    partner.get_by_role("navigation").get_by_role("link", name="Feedback", exact=True).click()
    row = partner.get_by_role("row").filter(has_text="Late trucks before Obon")
    expect(row).to_contain_text("In progress")
    row.get_by_role("link", name="Late trucks before Obon").click()
    expect(partner.get_by_text("We are adding a truck slot from Osaka for August.")).to_be_visible()


def test_a_goal_accepted_in_the_portal_is_agreed_for_the_manager(browser, live_server, demo):
    goal = Goal.objects.get(
        distributor__name_en="Sakura Trading", title__startswith="Open the Kansai"
    )
    partner = log_in(browser, live_server, "partner")
    partner.get_by_role("link", name=goal.title).first.click()
    partner.get_by_role("button", name=f"Accept version {goal.version}").click()
    expect(partner.get_by_text(f"You accepted version {goal.version}.")).to_be_visible()

    manager = log_in(browser, live_server, "manager")
    manager.goto(f"{live_server.url}{goal.get_absolute_url()}")
    expect(manager.get_by_text("Agreed by both sides").first).to_be_visible()
