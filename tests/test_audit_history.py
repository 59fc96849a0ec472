"""Audit history (issue 10, item 5): who changed what and when, on History tabs for staff.

Every change to a domain object is recorded with the signed-in user who made it; the
distributor, meeting and goal pages each have a History tab that lists the changes to the
object and to what belongs to it, in the reader's language and time zone. Distributors and
contacts are archived, never deleted.
"""

import datetime as dt
import re

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import get_resolver, reverse

from distributors.models import Contact, Distributor, Prefecture
from meetings import services as meeting_services
from meetings.models import ActionItem, AgendaItem
from milestones import services as goal_services
from prm.choices import Side
from tests import factories
from tests.queries import count_queries

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager_client(client, account_manager):
    client.force_login(account_manager)
    return client


def history_url(obj):
    names = {
        "distributor": "distributors:history",
        "alignmentmeeting": "meetings:meeting_history",
        "goal": "milestones:goal_history",
    }
    return reverse(names[obj._meta.model_name], args=[obj.pk])


def rows(response):
    """The history table's rows, newest first, as whitespace-collapsed text."""
    assert response.status_code == 200, response.status_code
    body = response.content.decode().split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [
        " ".join(re.sub(r"<[^>]+>", " ", row).split())
        for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)
    ]


def distributor_data(distributor, **changes):
    """The staff edit form as the browser sends it, with the distributor's values."""
    return {
        "code": distributor.code,
        "name_en": distributor.name_en,
        "name_ja": distributor.name_ja,
        "name_kana": distributor.name_kana,
        "role": distributor.role,
        "status": distributor.status,
        "account_manager": distributor.account_manager_id or "",
        **changes,
    }


# --- the distributor's tab ----------------------------------------------------------------


def test_editing_a_distributor_records_who_changed_which_field_from_what_to_what(
    manager_client, account_manager, distributor
):
    assert distributor.status == Distributor.Status.ACTIVE
    response = manager_client.post(
        reverse("distributors:edit", args=[distributor.pk]),
        distributor_data(distributor, status="at_risk", name_en="Kansai Cold Foods"),
    )
    assert response.status_code == 302

    latest = distributor.history.first()
    assert latest.history_user == account_manager
    newest, created = rows(manager_client.get(history_url(distributor)))
    assert str(account_manager) in newest
    assert "changed" in newest
    assert "Lifecycle status: from Active → to At risk" in newest
    assert "Name (English): from " in newest and "→ to Kansai Cold Foods" in newest
    # Fields that did not change are not listed.
    assert "Role in the network" not in newest
    assert "created" in created


def test_the_distributor_page_links_to_its_history(manager_client, distributor):
    page = manager_client.get(distributor.get_absolute_url()).content.decode()
    assert f'href="{history_url(distributor)}"' in page


def test_archiving_and_restoring_show_as_such(manager_client, account_manager, distributor):
    manager_client.post(reverse("distributors:archive", args=[distributor.pk]))
    manager_client.post(reverse("distributors:restore", args=[distributor.pk]))

    restored, archived, _created = rows(manager_client.get(history_url(distributor)))
    assert "restored" in restored and "archived" in archived
    assert str(account_manager) in archived
    assert "Archived at: from (empty) → to" in archived


def test_contacts_changes_are_on_their_distributors_tab(manager_client, distributor):
    contact = factories.ContactFactory(distributor=distributor, name_latin="Hanako Suzuki")
    manager_client.post(
        reverse("distributors:contact_edit", args=[contact.pk]),
        {
            "name_latin": "Hanako Suzuki",
            "name_kanji": contact.name_kanji,
            "name_kana": contact.name_kana,
            "title": "Purchasing director",
            "seniority": "executive",
            "language": contact.language,
            "email": contact.email,
        },
    )
    manager_client.post(reverse("distributors:contact_archive", args=[contact.pk]))

    archived, changed, *_ = rows(manager_client.get(history_url(distributor)))
    assert archived.count("Contact: Hanako Suzuki") == 1 and "archived" in archived
    assert "Seniority: from Manager → to Executive / decision-maker" in changed
    assert "Title: from (empty) → to Purchasing director" in changed
    # Another distributor's contacts stay off this tab.
    factories.ContactFactory(name_latin="Someone Elsewhere")
    assert "Someone Elsewhere" not in manager_client.get(history_url(distributor)).content.decode()


def test_related_objects_and_many_to_many_are_shown_by_name(
    manager_client, account_manager, distributor
):
    osaka, kyoto = Prefecture.objects.get(code=27), Prefecture.objects.get(code=26)
    executive = factories.ExecutiveFactory(first_name="Aiko", last_name="Mori")
    manager_client.post(
        reverse("distributors:edit", args=[distributor.pk]),
        distributor_data(
            distributor, prefectures=[osaka.pk, kyoto.pk], executive_sponsor=executive.pk
        ),
    )

    text = " ".join(rows(manager_client.get(history_url(distributor))))
    assert "Executive sponsor: from (empty) → to Aiko Mori" in text
    assert f"Prefectures covered: from (empty) → to {kyoto}, {osaka}" in text


def test_changes_without_a_signed_in_user_are_the_systems(manager_client, distributor):
    distributor.notes = "Set by the nightly import."
    distributor.save()
    newest = rows(manager_client.get(history_url(distributor)))[0]
    assert "system" in newest
    assert "Internal notes: from (empty) → to Set by the nightly import." in newest


def test_the_tab_reads_in_japanese_with_japanese_field_labels(
    manager_client, account_manager, distributor
):
    manager_client.post(
        reverse("distributors:edit", args=[distributor.pk]),
        distributor_data(distributor, status="onboarding"),
    )
    account_manager.language = "ja"
    account_manager.save(update_fields=["language"])

    newest = rows(manager_client.get(history_url(distributor)))[0]
    assert "取引ステータス" in newest  # "lifecycle status"
    assert "取引中" in newest and "導入中" in newest  # "Active" → "Onboarding"
    assert "Lifecycle status" not in newest


def test_times_are_shown_in_the_readers_time_zone(manager_client, account_manager, distributor):
    distributor.history.update(history_date=dt.datetime(2026, 6, 1, 23, 30, tzinfo=dt.UTC))
    account_manager.time_zone = "Asia/Tokyo"
    account_manager.save(update_fields=["time_zone"])
    page = manager_client.get(history_url(distributor)).content.decode()
    # 23:30 UTC is 08:30 the next day in Tokyo.
    assert 'datetime="2026-06-02T08:30:00+09:00"' in page


def test_newest_first_and_paginated(manager_client, distributor):
    for number in range(30):
        distributor.notes = f"Note {number}"
        distributor.save()

    first_page = rows(manager_client.get(history_url(distributor)))
    assert len(first_page) == 25
    assert "→ to Note 29" in first_page[0]
    second_page = rows(manager_client.get(history_url(distributor), {"page": 2}))
    assert len(second_page) == 6 and "created" in second_page[-1]
    # A page "number" that is none shows the first page, not an error.
    assert rows(manager_client.get(history_url(distributor), {"page": "x"})) == first_page


def make_history(distributor, count):
    """`count` changes to the distributor, its contacts, its prefectures and its owner."""
    contact = factories.ContactFactory(distributor=distributor)
    managers = factories.AccountManagerFactory.create_batch(2)
    prefectures = list(Prefecture.objects.all()[:2])
    for number in range(count):
        distributor.account_manager = managers[number % 2]
        distributor.save()
        distributor.prefectures.set([prefectures[number % 2]])
        contact.title = f"Title {number}"
        contact.save()


def test_the_distributor_tab_makes_the_same_queries_for_5_and_50_rows(manager_client, distributor):
    make_history(distributor, 2)  # about 5 rows
    few = count_queries(manager_client, history_url(distributor))
    make_history(distributor, 16)  # more than a page
    many = count_queries(manager_client, history_url(distributor))
    assert distributor.history.count() + Contact.history.count() > 50
    assert few == many


# --- the meeting's and the goal's tabs ----------------------------------------------------


@pytest.fixture
def meeting(distributor):
    return factories.AlignmentMeetingFactory(distributors=[distributor], title="Q3 alignment")


def test_the_meeting_tab_shows_decisions_attendees_and_action_items(
    manager_client, account_manager, partner_user, distributor, meeting
):
    proposal = AgendaItem.objects.create(
        meeting=meeting,
        title="Autumn gift sets",
        proposer_side=Side.DISTRIBUTOR,
        proposed_by=partner_user,
        status=AgendaItem.Status.PROPOSED,
    )
    manager_client.post(
        reverse("meetings:agenda_item_decide", args=[proposal.pk]), {"decision": "accepted"}
    )
    item = ActionItem.objects.create(
        meeting=meeting,
        distributor=distributor,
        description="Send the shelf plan",
        owner_side=Side.DISTRIBUTOR,
    )
    assert meeting_services.do_complete_action_item(item, completed_by=partner_user)
    meeting.staff_attendees.add(account_manager)

    page = manager_client.get(history_url(meeting))
    attendees, done, _created_item, decided, *_ = rows(page)
    assert f"Our attendees: from (empty) → to {account_manager}" in attendees
    assert "Action item: Send the shelf plan" in done
    assert str(partner_user) in done and "Status: from Open → to Done" in done
    assert str(account_manager) in decided and "Status: from Proposed → to Accepted" in decided
    detail = manager_client.get(meeting.get_absolute_url()).content.decode()
    assert f'href="{history_url(meeting)}"' in detail


def test_the_meeting_tab_makes_the_same_queries_for_5_and_50_rows(
    manager_client, distributor, meeting
):
    board = [distributor, factories.DistributorFactory()]

    def change(count):
        for number in range(count):
            meeting.title = f"Alignment {number}"
            meeting.save()
            meeting.staff_attendees.set([factories.AccountManagerFactory()])
            meeting.distributors.set(board[: 1 + number % 2])

    change(2)
    few = count_queries(manager_client, history_url(meeting))
    change(25)
    assert meeting.history.count() > 50
    assert count_queries(manager_client, history_url(meeting)) == few


def test_the_goal_tab_shows_edits_and_answers_to_change_proposals(
    manager_client, account_manager, distributor
):
    goal = goal_services.do_create_goal(
        account_manager,
        distributor,
        title="Open the Kansai drugstore channel",
        horizon_start=dt.date(2026, 4, 1),
        horizon_end=dt.date(2028, 3, 31),
        owner_ours=account_manager,
    )
    factories.MilestoneFactory(goal=goal, title="FOODEX Japan booth")
    proposal = factories.GoalChangeProposalFactory(goal=goal)
    manager_client.post(
        reverse("milestones:change_proposal_decline", args=[proposal.pk]),
        {"note": "The spring season is what we agreed."},
    )

    declined, proposed, milestone, created = rows(manager_client.get(history_url(goal)))
    assert "Goal change proposal: Move the horizon" in declined
    assert str(account_manager) in declined and "Answer: from (empty) → to Declined" in declined
    assert "created" in proposed
    assert "Milestone: FOODEX Japan booth" in milestone
    assert "created" in created
    detail = manager_client.get(goal.get_absolute_url()).content.decode()
    assert f'href="{history_url(goal)}"' in detail


# --- who may read the tabs ----------------------------------------------------------------


@pytest.fixture
def tabs(distributor, meeting):
    goal = factories.GoalFactory(distributor=distributor)
    return [history_url(distributor), history_url(meeting), history_url(goal)]


def test_staff_read_the_tabs(client, account_manager, executive, tabs):
    for user in (account_manager, executive):
        client.force_login(user)
        for url in tabs:
            assert client.get(url).status_code == 200, url


def test_distributor_users_are_refused_and_anonymous_go_to_login(client, partner_user, tabs):
    for url in tabs:
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login")), url
    client.force_login(partner_user)
    for url in tabs:
        assert client.get(url).status_code == 403, url


def test_a_missing_object_is_a_404(manager_client):
    for name in ("distributors:history", "meetings:meeting_history", "milestones:goal_history"):
        assert manager_client.get(reverse(name, args=[999999])).status_code == 404


# --- archived, never deleted --------------------------------------------------------------


def test_the_ui_offers_no_hard_delete_of_distributors_or_contacts():
    routes = [
        (str(route.pattern), route.name)
        for resolver in get_resolver().url_patterns
        if getattr(resolver, "namespace", None) == "distributors"
        for route in resolver.url_patterns
    ]
    assert ("contacts/<int:pk>/archive/", "contact_archive") in routes
    assert [route for route in routes if "delete" in f"{route}"] == []
    request = RequestFactory().get("/admin/")
    request.user = factories.UserFactory(is_staff=True, is_superuser=True)
    for model in (Distributor, Contact):
        assert admin.site._registry[model].has_delete_permission(request) is False


def test_archiving_in_the_admin_is_recorded_with_the_administrator(client, distributor):
    superuser = factories.UserFactory(is_staff=True, is_superuser=True)
    client.force_login(superuser)
    client.post(
        reverse("admin:distributors_distributor_changelist"),
        {"action": "archive", "_selected_action": [distributor.pk]},
    )
    latest = distributor.history.first()
    assert latest.archived_at is not None and latest.history_user == superuser
    # The admin's own History page of the distributor lists it too.
    response = client.get(reverse("admin:distributors_distributor_history", args=[distributor.pk]))
    assert response.status_code == 200 and str(superuser) in response.content.decode()
