"""Figures in real Chromium, on the demo data: `manager` imports a file, fixes its one bad
row, and reads the trend on the distributor page; `partner` sees the same figure in the portal."""

import importlib

import pytest
from django.apps import apps
from django.core.management import call_command
from playwright.sync_api import expect

from prm import japan_calendar
from prm.models import User
from tests.test_browser_portal import log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.usefixtures("committed_db"),
]


@pytest.fixture
def demo(committed_db):
    # The flush after a transactional test removes the figure kinds the migration loaded.
    importlib.import_module("figures.migrations.0002_figure_kinds").load(apps, None)
    call_command("seed_demo", verbosity=0)
    User.objects.filter(username="partner").update(language="en")


def csv_file(value):
    sakura = User.objects.get(username="partner").portal_distributor
    month = japan_calendar.today().replace(day=1)
    text = (
        "代理店コード,年月,指標,値\r\n"
        f'{sakura.code},{month:%Y-%m},sell_through_amount,"8,765,432"\r\n'
        f"{sakura.code},{month:%Y-%m},new_retail_doors,{value}\r\n"
    )
    return {"name": "sakura.csv", "mimeType": "text/csv", "buffer": text.encode("cp932")}


def test_a_fixed_file_is_imported_and_both_sides_see_the_figure(browser, live_server, demo):
    sakura = User.objects.get(username="partner").portal_distributor
    manager = log_in(browser, live_server, "manager")
    manager.goto(f"{live_server.url}/figures/imports/")
    manager.get_by_label("CSV or Excel file").set_input_files(csv_file("about ten"))
    manager.get_by_role("button", name="Check the file").click()
    expect(manager.get_by_text("The file has 1 error. Nothing was saved.")).to_be_visible()
    error = manager.locator("#import-errors tbody tr")
    expect(error).to_contain_text("3")
    expect(error).to_contain_text("Value (値)")
    expect(error).to_contain_text("“about ten” is not a number.")

    manager.get_by_role("link", name="Upload the corrected file").click()
    manager.get_by_label("CSV or Excel file").set_input_files(csv_file("１２"))
    manager.get_by_role("button", name="Check the file").click()
    expect(manager.get_by_text("The file is ready: 2 new, 0 changed, 0 unchanged.")).to_be_visible()
    manager.get_by_role("button", name="Save all 2 rows").click()
    expect(manager.get_by_text("Saved: 2 new, 0 changed, 0 unchanged.")).to_be_visible()

    manager.goto(f"{live_server.url}{sakura.get_absolute_url()}")
    # Loaded by htmx after the page, and named for assistive technologies.
    expect(manager.get_by_role("img", name="Sell-through amount, last 24 months")).to_be_visible()
    manager.get_by_text("The figures and what happened, month by month").click()
    expect(manager.get_by_role("cell", name="8,765,432")).to_be_visible()

    partner = log_in(browser, live_server, "partner")
    partner.get_by_role("navigation").get_by_role("link", name="Figures", exact=True).click()
    expect(partner.locator('svg[data-chart="sell_through_amount"]')).to_be_visible()
    row = (
        partner.locator("tbody tr")
        .filter(has_text="Sell-through amount")
        .filter(has_text="8,765,432")
    )
    expect(row).to_have_count(1)
    expect(row).to_contain_text("File import")
