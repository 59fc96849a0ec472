"""All of an account manager's open action items, the page My week's shortlist links to."""

import datetime as dt
import re

import pytest
import time_machine
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from playwright.sync_api import expect

from meetings.models import ActionItem
from prm.choices import Side
from tests import factories
from tests.factories import PASSWORD
from tests.queries import count_queries

pytestmark = pytest.mark.django_db

ALL_ITEMS = reverse_lazy("my_action_items")
MY_WEEK = reverse_lazy("my_week")


@pytest.fixture
def manager_client(client, account_manager):
    client.force_login(account_manager)
    return client


@pytest.fixture
def meeting(distributor):
    return factories.AlignmentMeetingFactory(distributors=[distributor])


def in_days(days):
    return None if days is None else timezone.localdate() + dt.timedelta(days=days)


def listed(page):
    """The descriptions of the items listed on the page, in their order."""
    return re.findall(r'<li class="list-group-item">\s*<a href="[^"]*">([^<]+)</a>', page)


def entry(page, description):
    """The list entry of the item `description`, as HTML."""
    [found] = re.findall(
        rf'<li class="list-group-item">\s*<a href="[^"]*">{description}</a>.*?</li>', page, re.S
    )
    return found


def test_only_my_own_open_action_items_are_listed(
    manager_client, account_manager, distributor, meeting
):
    factories.ActionItemFactory(meeting=meeting, owner_user=account_manager, description="Mine")
    factories.ActionItemFactory(
        meeting=meeting,
        owner_user=account_manager,
        description="Mine and done",
        status=ActionItem.Status.DONE,
        completed_at=timezone.now(),
    )
    factories.ActionItemFactory(
        meeting=meeting, owner_user=factories.AccountManagerFactory(), description="A colleague's"
    )
    factories.ActionItemFactory(
        meeting=meeting,
        owner_side=Side.DISTRIBUTOR,
        owner_contact=factories.ContactFactory(distributor=distributor),
        description="The distributor's",
    )
    touchpoint = factories.TouchpointFactory(distributor=distributor)
    factories.ActionItemFactory(
        meeting=None,
        touchpoint=touchpoint,
        distributor=distributor,
        owner_user=account_manager,
        description="Mine from a touchpoint",
    )

    page = manager_client.get(ALL_ITEMS).content.decode()

    assert sorted(listed(page)) == ["Mine", "Mine from a touchpoint"]
    assert "2 open action items: the overdue first, then by due date." in page
    # Each item links to the page it came from and names its distributor.
    assert f'<a href="{meeting.get_absolute_url()}">Mine</a>' in page
    assert f'<a href="{touchpoint.get_absolute_url()}">Mine from a touchpoint</a>' in page
    assert str(distributor) in entry(page, "Mine")


def test_the_overdue_come_first_then_by_due_date_and_the_undated_last(
    manager_client, account_manager, meeting
):
    for description, days in [
        ("Undated", None),
        ("Next week", 7),
        ("Overdue by a week", -7),
        ("Tomorrow", 1),
        ("Overdue since yesterday", -1),
    ]:
        factories.ActionItemFactory(
            meeting=meeting,
            owner_user=account_manager,
            description=description,
            due_on=in_days(days),
        )

    page = manager_client.get(ALL_ITEMS).content.decode()

    assert listed(page) == [
        "Overdue by a week",
        "Overdue since yesterday",
        "Tomorrow",
        "Next week",
        "Undated",
    ]
    assert "Overdue</span>" in entry(page, "Overdue since yesterday")
    assert "Overdue</span>" not in entry(page, "Tomorrow")
    assert "no due date" in entry(page, "Undated")


def test_overdue_is_before_today_in_the_managers_time_zone(
    manager_client, account_manager, meeting
):
    account_manager.time_zone = "Europe/London"
    account_manager.save(update_fields=["time_zone"])
    # 1 June in London, already 2 June in Tokyo (the site's zone).
    with time_machine.travel(dt.datetime(2026, 6, 1, 20, 0, tzinfo=dt.UTC), tick=False):
        factories.ActionItemFactory(
            meeting=meeting,
            owner_user=account_manager,
            description="Due today in London",
            due_on=dt.date(2026, 6, 1),
        )
        page = manager_client.get(ALL_ITEMS).content.decode()
    assert "Overdue</span>" not in entry(page, "Due today in London")


def test_51_items_make_two_pages_of_50(manager_client, account_manager, meeting):
    factories.open_action_items(meeting, account_manager, 51)

    first = manager_client.get(ALL_ITEMS).content.decode()
    second = manager_client.get(ALL_ITEMS, {"page": 2}).content.decode()

    assert listed(first) == [f"Call back {n:03d}" for n in range(50)]
    assert listed(second) == ["Call back 050"]
    assert "51 open action items" in second
    assert '<nav aria-label="Pages of open action items">' in first
    assert "Page 1 of 2" in first and 'href="?page=2">Next</a>' in first
    assert "Page 2 of 2" in second and 'href="?page=1">Previous</a>' in second
    assert "<title>All my open action items · Page 2 of 2" in second


@pytest.mark.parametrize(("asked", "shown"), [("abc", "000"), ("0", "050"), ("99999", "050")])
def test_a_page_number_out_of_range_shows_the_nearest_page(
    manager_client, account_manager, meeting, asked, shown
):
    factories.open_action_items(meeting, account_manager, 51)
    response = manager_client.get(ALL_ITEMS, {"page": asked})
    assert response.status_code == 200
    assert listed(response.content.decode())[0] == f"Call back {shown}"


def test_a_manager_without_open_items_is_told_so_once(manager_client):
    page = manager_client.get(ALL_ITEMS).content.decode()
    assert "No open action item." in page
    assert "0 open action items" not in page
    assert "Pages of open action items" not in page  # no pager


@pytest.mark.parametrize(("items", "linked"), [(20, False), (21, True)])
def test_my_week_links_to_the_whole_list_only_when_it_shows_part_of_it(
    manager_client, account_manager, meeting, items, linked
):
    factories.open_action_items(meeting, account_manager, items)
    page = manager_client.get(MY_WEEK).content.decode()
    link = f'<a href="{ALL_ITEMS}">See all open action items</a>'
    assert (link in page) is linked


def test_only_account_managers_open_it(client, executive, partner_user):
    # As docs/permissions.md says (the same as My week).
    for user in (executive, partner_user):
        client.force_login(user)
        assert client.get(ALL_ITEMS).status_code == 403
    client.logout()
    assert client.get(ALL_ITEMS).url.startswith(reverse("login"))


def test_the_page_reads_in_japanese(manager_client, account_manager, meeting):
    factories.open_action_items(meeting, account_manager, 3, due_on=in_days(-1))
    page = manager_client.get(ALL_ITEMS, HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert '<html lang="ja"' in page
    assert (
        '<h1 class="h3 mb-3" id="action-items-heading">自分の未完了のアクションアイテム一覧</h1>'
        in page
    )
    assert "未完了のアクションアイテムは 3 件です（期限超過のものから期限順）。" in page
    assert "All my open action items" not in page


def test_the_page_makes_the_same_number_of_queries_for_5_and_50_items(
    manager_client, account_manager, distributor
):
    def add(n):
        for _ in range(n):
            other = factories.DistributorFactory(account_manager=account_manager)
            meeting = factories.AlignmentMeetingFactory(distributors=[other])
            factories.ActionItemFactory(meeting=meeting, owner_user=account_manager)
            touchpoint = factories.TouchpointFactory(distributor=other)
            factories.ActionItemFactory(
                meeting=None, touchpoint=touchpoint, distributor=other, owner_user=account_manager
            )

    add(5)
    few = count_queries(manager_client, ALL_ITEMS)
    add(45)
    assert count_queries(manager_client, ALL_ITEMS) == few <= 15


@pytest.mark.browser
@pytest.mark.usefixtures("committed_db")
def test_a_keyboard_user_goes_from_my_week_to_the_whole_list(page, live_server):
    manager = factories.AccountManagerFactory()
    distributor = factories.DistributorFactory(account_manager=manager)
    meeting = factories.AlignmentMeetingFactory(distributors=[distributor])
    factories.open_action_items(meeting, manager, 51)
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Username").fill(manager.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="My week")).to_be_visible()

    link = page.get_by_role("link", name="See all open action items")
    link.focus()
    expect(link).to_be_focused()
    page.keyboard.press("Enter")

    expect(page).to_have_url(f"{live_server.url}{ALL_ITEMS}")
    expect(page.get_by_role("heading", level=1, name="All my open action items")).to_be_visible()
    expect(
        page.get_by_role("list", name="All my open action items").get_by_role("listitem")
    ).to_have_count(50)
    pager = page.get_by_role("navigation", name="Pages of open action items")
    expect(pager).to_contain_text("Page 1 of 2")
    pager.get_by_role("link", name="Next").focus()
    page.keyboard.press("Enter")
    expect(pager).to_contain_text("Page 2 of 2")
