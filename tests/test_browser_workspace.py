"""An account manager's day in real Chromium, on the demo data, as `manager`.

Each flow is driven through role and label locators only, so that the tests also check that
every control a user needs has an accessible name. The htmx forms are checked not to reload
the page: a marker set on `window` before submitting must still be there afterwards.

The screenshots under docs/screenshots/ (shown in the README) are taken along the way.
"""

import datetime as dt
import os
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from distributors.models import Distributor

pytestmark = [
    pytest.mark.browser,
    pytest.mark.usefixtures("committed_db"),
]

# `make screenshots` writes them to docs/screenshots/ for the README; other runs keep them
# out of the work tree.
SCREENSHOTS = Path(
    os.environ.get(
        "PRM_SCREENSHOT_DIR",
        Path(__file__).resolve().parent.parent / "test-results" / "screenshots",
    )
)
LAPTOP = {"width": 1280, "height": 900}


@pytest.fixture
def sakura(committed_db):
    call_command("seed_demo", verbosity=0)
    return Distributor.objects.get(name_en="Sakura Trading")


@pytest.fixture
def manager_page(page, live_server, sakura):
    """The browser, logged in as the demo account manager through the login form."""
    page.set_viewport_size(LAPTOP)
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Username").fill("manager")
    page.get_by_label("Password").fill("prm-demo")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="My week")).to_be_visible()
    return page


def mark_window(page):
    """Set a marker that a full page load would wipe out."""
    page.evaluate("window.__noReload = true")


def expect_no_reload(page):
    assert page.evaluate("window.__noReload === true"), "the page was reloaded"


def screenshot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / name, full_page=True)


def test_log_a_touchpoint_from_home_in_the_quick_form(manager_page, live_server, sakura):
    page = manager_page
    screenshot(page, "home.png")
    contact = sakura.contacts.active().order_by("name_latin").first()
    notes = "New buyer Ms. Aoki wants a spring campaign in the Kanto stores."  # not in the demo

    page.get_by_text("Log a touchpoint", exact=True).click()  # the disclosure's summary
    mark_window(page)
    page.get_by_role("searchbox", name="Find the distributor").fill("桜")
    # The search narrows the list to the one match and chooses it; its contacts appear.
    expect(page.get_by_role("combobox", name="Distributor")).to_have_value(str(sakura.pk))
    contacts = page.get_by_role("group", name="Contacts met")
    contacts.get_by_role("checkbox", name=re.compile(re.escape(contact.name_latin))).check()
    page.get_by_role("combobox", name="Kind").select_option(label="Site visit")
    page.get_by_role("radio", name="Concern").check()
    page.get_by_label("Notes").fill(notes)
    page.get_by_role("button", name="Log touchpoint").click()

    expect(page.get_by_role("status")).to_contain_text(f"Touchpoint with {sakura} logged.")
    expect_no_reload(page)
    # The form is back, empty, for the next one.
    expect(page.get_by_label("Notes")).to_have_value("")

    page.goto(f"{live_server.url}{sakura.get_absolute_url()}")
    timeline = page.get_by_role("region", name="Timeline")
    expect(timeline).to_contain_text(notes)
    screenshot(page, "distributor.png")
    # Planned meetings come first (they are the newest dates): among the touchpoints, the
    # one just logged is the newest.
    mark_window(page)
    timeline.get_by_role("checkbox", name="Touchpoints").check()
    expect(timeline.get_by_role("listitem").first).to_contain_text(notes)
    expect(timeline.get_by_role("listitem").first).to_contain_text("Site visit")
    expect(timeline.get_by_role("listitem").first).to_contain_text("Mood: Concern")
    expect_no_reload(page)


def test_schedule_a_meeting_with_agenda_and_action_items(manager_page, live_server, sakura):
    page = manager_page
    contact = sakura.contacts.active().order_by("name_latin").first()
    title = "Spring campaign alignment"
    page.goto(f"{live_server.url}{sakura.get_absolute_url()}")

    page.get_by_role("link", name="Schedule a meeting").click()
    expect(page.get_by_role("heading", name="Schedule a meeting")).to_be_visible()
    page.get_by_label("Title").fill(title)
    # Keep the suggested business day, but start later in the morning.
    starts = page.get_by_label("Starts at")
    suggested = starts.input_value()
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}T10:00", suggested)
    starts.fill(suggested.replace("T10:00", "T10:30"))
    # The distributor is already chosen, so its contacts are offered as attendees.
    page.get_by_role("group", name="Distributor attendees").get_by_role(
        "checkbox", name=re.compile(re.escape(contact.name_latin))
    ).check()
    page.get_by_role("button", name="Schedule").click()

    expect(page.get_by_role("heading", name=title)).to_be_visible()
    expect(page.get_by_text("Planned", exact=True)).to_be_visible()
    expect(page.get_by_role("region", name="Attendees")).to_contain_text(contact.name_latin)
    mark_window(page)

    agenda_form = page.get_by_role("group", name="Add an agenda item")
    agenda_form.get_by_label("Item").fill("Spring display space in Kanto stores")
    agenda_form.get_by_role("button", name="Add to the agenda").click()
    agenda = page.get_by_role("region", name="Agenda")
    expect(agenda.get_by_role("listitem")).to_have_text(["Spring display space in Kanto stores"])
    # The empty form comes back with the focus in it, for the next item; htmx moves the
    # focus a moment after the swap, so wait for it before typing elsewhere.
    expect(agenda_form.get_by_label("Item")).to_be_focused()
    expect(agenda_form.get_by_label("Item")).to_have_value("")

    due = timezone.localdate() + dt.timedelta(days=10)
    action_form = page.get_by_role("group", name="Add an action item")
    action_form.get_by_label("Action").fill("Send the store list for the display test")
    action_form.get_by_label("Owner").select_option(label=str(contact))
    action_form.get_by_label("Due date").fill(due.isoformat())
    expect(action_form.get_by_label("Action")).to_have_value(
        "Send the store list for the display test"
    )
    with page.expect_response(lambda r: r.request.method == "POST") as added:
        action_form.get_by_role("button", name="Add the action item").click()
    assert added.value.ok
    actions = page.get_by_role("region", name="Action items")
    expect(actions.get_by_role("listitem")).to_contain_text(
        "Send the store list for the display test"
    )
    expect(actions.get_by_role("listitem")).to_have_count(1)
    expect(actions.get_by_role("listitem")).to_contain_text(contact.name_latin)
    expect(action_form.get_by_label("Action")).to_be_focused()
    expect_no_reload(page)

    page.get_by_role("button", name="Mark held").click()
    expect(page.get_by_text("Held", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Mark held")).to_have_count(0)
    screenshot(page, "meeting.png")


def test_create_a_goal_with_a_milestone_and_an_evaluation(manager_page, live_server, sakura):
    page = manager_page
    owner = sakura.contacts.active().order_by("name_latin").first()
    today = timezone.localdate()
    page.goto(f"{live_server.url}{sakura.get_absolute_url()}")

    page.get_by_role("link", name="New goal").click()
    page.get_by_label(re.compile(r"^\s*Goal\W*$")).fill("Frozen desserts in 30 more Kanto stores")
    page.get_by_label("Horizon from").fill(today.isoformat())
    page.get_by_label("Horizon until").fill((today + dt.timedelta(days=365)).isoformat())
    expect(page.get_by_label("Owner on our side")).to_have_value(str(sakura.account_manager.pk))
    page.get_by_label("Owner on the distributor's side").select_option(label=str(owner))
    page.get_by_role("button", name="Propose goal").click()

    expect(
        page.get_by_role("heading", name="Frozen desserts in 30 more Kanto stores")
    ).to_be_visible()
    expect(page.get_by_text("Not yet accepted by either side")).to_be_visible()
    page.get_by_role("button", name="Accept version 1 for our side").click()
    expect(page.get_by_text("Waiting for the distributor")).to_be_visible()

    page.get_by_role("link", name="Add a milestone").click()
    page.get_by_label("Kind").select_option(label="Local campaign")
    page.get_by_label("Milestone").fill("Spring campaign in 10 pilot stores")
    page.get_by_label("Target date").fill((today - dt.timedelta(days=1)).isoformat())
    page.get_by_role("button", name="Save milestone").click()

    milestone = page.get_by_role("article", name="Spring campaign in 10 pilot stores")
    expect(milestone).to_contain_text("Not evaluated yet.")
    milestone.get_by_role("link", name="Record an evaluation").click()
    page.get_by_role("radio", name="Partly achieved").check()
    page.get_by_label("What happened").fill("Seven of ten stores ran the campaign.")
    page.get_by_label("What both sides learned").fill("Stores need the displays a week earlier.")
    page.get_by_label("Next step").fill("Ship displays with the March order.")
    page.get_by_role("button", name="Record evaluation").click()

    milestone = page.get_by_role("article", name="Spring campaign in 10 pilot stores")
    expect(milestone).to_contain_text("Partly achieved")
    expect(milestone).to_contain_text("Seven of ten stores ran the campaign.")
    expect(milestone).not_to_contain_text("Not evaluated yet.")


PHONE = {"width": 390, "height": 844}


def fits_the_width(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_log_a_touchpoint_on_a_phone_during_a_visit(manager_page, live_server, sakura):
    page = manager_page
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}{sakura.get_absolute_url()}")
    assert fits_the_width(page), "the distributor page scrolls sideways on a phone"
    page.get_by_role("link", name="Log a touchpoint").click()
    expect(page.get_by_role("combobox", name="Distributor")).to_have_value(str(sakura.pk))
    assert fits_the_width(page), "the touchpoint form scrolls sideways on a phone"

    page.get_by_role("combobox", name="Kind").select_option(label="Store visit")
    page.get_by_role("radio", name="Positive").check()
    page.get_by_label("Notes").fill("Phone test: shelf space doubled in the Shibuya store.")
    page.get_by_role("button", name="Log touchpoint").click()

    expect(page).to_have_url(f"{live_server.url}{sakura.get_absolute_url()}")
    expect(
        page.get_by_text("Phone test: shelf space doubled in the Shibuya store.")
    ).to_be_visible()
