"""The portal's meetings: agenda, proposals, shared minutes, action items, .ics; and where
each of these appears for our account managers."""

import datetime as dt
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from meetings import services
from meetings.models import ActionItem, AgendaItem, AlignmentMeeting, Reminder
from prm.choices import Side
from tests import factories
from tests.queries import count_queries

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
TOKYO = ZoneInfo("Asia/Tokyo")
LIST = reverse("portal:meeting_list")


def portal_url(name, obj):
    return reverse(f"portal:{name}", args=[obj.pk])


def in_days(days, hours=0):
    return timezone.now() + dt.timedelta(days=days, hours=hours)


def texts(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.fixture
def partner_client(client, partner_user):
    # The tests read the English texts; a contact is known in Japanese by default.
    partner_user.portal_contact.language = "en"
    partner_user.portal_contact.save()
    client.force_login(partner_user)
    return client


@pytest.fixture
def manager_client(account_manager):
    client = Client()
    client.force_login(account_manager)
    return client


@pytest.fixture
def contact(partner_user):
    return partner_user.portal_contact


@pytest.fixture
def meeting(distributor, account_manager, contact):
    meeting = factories.AlignmentMeetingFactory(
        distributors=[distributor],
        title="Autumn alignment",
        organizer=account_manager,
        starts_at=in_days(10),
        ends_at=in_days(10, hours=2),
        format=AlignmentMeeting.Format.VIDEO,
        location="Osaka office",
        join_url="https://meet.example.com/autumn",
        language=AlignmentMeeting.Language.BILINGUAL,
    )
    meeting.staff_attendees.set([account_manager])
    meeting.contact_attendees.set([contact])
    return meeting


@pytest.fixture
def rival():
    return factories.DistributorFactory(name_en="Zebra Logistics", name_ja="ゼブラ物流")


@pytest.fixture
def rival_user(rival):
    return factories.PortalUserFactory(
        portal_contact__distributor=rival, portal_contact__name_latin="Zoe Zebra"
    )


@pytest.fixture
def board(distributor, rival, rival_user, contact, account_manager):
    """An advisory board with us, our partner and a rival distributor."""
    board = factories.AlignmentMeetingFactory(
        distributors=[distributor, rival],
        kind=AlignmentMeeting.Kind.ADVISORY_BOARD,
        title="Advisory board",
        starts_at=in_days(20),
        ends_at=in_days(20, hours=3),
    )
    board.staff_attendees.set([account_manager])
    board.contact_attendees.set([contact, rival_user.portal_contact])
    factories.AgendaItemFactory(meeting=board, title="Market outlook")
    factories.AgendaItemFactory(
        meeting=board,
        title="Zebra private pricing",
        proposer_side=Side.DISTRIBUTOR,
        proposed_by=rival_user,
        status=AgendaItem.Status.PROPOSED,
    )
    factories.ActionItemFactory(
        meeting=board,
        distributor=rival,
        description="Zebra sends its truck plan",
        owner_side=Side.DISTRIBUTOR,
        owner_contact=rival_user.portal_contact,
    )
    return board


def their_item(meeting, contact, **fields):
    return factories.ActionItemFactory(
        meeting=meeting,
        distributor=contact.distributor,
        owner_side=Side.DISTRIBUTOR,
        owner_contact=contact,
        **fields,
    )


# The list


def test_list_shows_upcoming_meetings_with_agenda_and_past_ones_with_shared_minutes(
    partner_client, distributor, meeting
):
    factories.AgendaItemFactory(meeting=meeting, title="Golden Week stock")
    cancelled = factories.AlignmentMeetingFactory(
        distributors=[distributor],
        title="Cancelled visit",
        status=AlignmentMeeting.Status.CANCELLED,
        starts_at=in_days(5),
        ends_at=in_days(5, hours=1),
    )
    shared = factories.AlignmentMeetingFactory(
        distributors=[distributor],
        title="Spring alignment",
        status=AlignmentMeeting.Status.HELD,
        minutes_shared=True,
        starts_at=in_days(-30),
        ends_at=in_days(-30, hours=1),
    )
    unshared = factories.AlignmentMeetingFactory(
        distributors=[distributor],
        title="Winter alignment",
        status=AlignmentMeeting.Status.HELD,
        starts_at=in_days(-90),
        ends_at=in_days(-90, hours=1),
    )
    factories.AlignmentMeetingFactory(title="Someone else's meeting")

    response = partner_client.get(LIST)
    assert response.status_code == 200
    upcoming = [m.title for m in response.context["upcoming"]]
    past = [m.title for m in response.context["past_page"]]
    assert upcoming == ["Cancelled visit", "Autumn alignment"]
    assert past == ["Spring alignment", "Winter alignment"]
    page = response.content.decode()
    assert "Golden Week stock" in page
    assert "This meeting was cancelled." in page
    assert f"{portal_url('meeting_detail', shared)}#minutes" in page
    assert f"{portal_url('meeting_detail', unshared)}#minutes" not in page
    assert portal_url("meeting_detail", cancelled) in page
    assert "Someone else" not in page


def test_past_meetings_are_paginated(partner_client, distributor):
    for days in range(1, 13):
        factories.AlignmentMeetingFactory(
            distributors=[distributor],
            title=f"Past meeting {days:02d}",
            status=AlignmentMeeting.Status.HELD,
            starts_at=in_days(-days),
            ends_at=in_days(-days, hours=1),
        )
    first = partner_client.get(LIST)
    assert len(first.context["past_page"]) == 10
    assert "Page 1 of 2" in first.content.decode()
    second = partner_client.get(LIST, {"page": 2})
    assert [m.title for m in second.context["past_page"]] == ["Past meeting 11", "Past meeting 12"]
    assert partner_client.get(LIST, {"page": "nonsense"}).status_code == 200


def test_list_makes_the_same_number_of_queries_for_5_and_50_meetings(client, distributor):
    counts = []
    for n in (5, 50):
        partner = factories.PortalUserFactory(portal_contact__distributor=distributor)
        for i in range(n):
            upcoming = factories.AlignmentMeetingFactory(
                distributors=[distributor], starts_at=in_days(i + 1), ends_at=in_days(i + 1, 1)
            )
            factories.AgendaItemFactory(meeting=upcoming)
            factories.AgendaItemFactory(
                meeting=upcoming,
                proposer_side=Side.DISTRIBUTOR,
                proposed_by=partner,
                status=AgendaItem.Status.PROPOSED,
            )
            factories.AlignmentMeetingFactory(
                distributors=[distributor],
                status=AlignmentMeeting.Status.HELD,
                minutes_shared=bool(i % 2),
                starts_at=in_days(-i - 1),
                ends_at=in_days(-i - 1, 1),
            )
        client.force_login(partner)
        counts.append(count_queries(client, LIST))
    assert counts[0] == counts[1], counts


# The detail page


def test_detail_shows_time_in_the_users_zone_how_to_join_and_both_sides_attendees(
    partner_client, partner_user, meeting, account_manager, contact
):
    partner_user.time_zone = ZoneInfo("Europe/Berlin")
    partner_user.save()
    meeting.starts_at = dt.datetime(2030, 7, 14, 14, 0, tzinfo=TOKYO)
    meeting.ends_at = dt.datetime(2030, 7, 14, 15, 30, tzinfo=TOKYO)
    meeting.save()
    page = partner_client.get(portal_url("meeting_detail", meeting)).content.decode()
    assert "2030-07-14 (Sun) 07:00–08:30 CEST" in page
    assert "Video" in page and "English and Japanese" in page and "Osaka office" in page
    assert 'href="https://meet.example.com/autumn"' in page
    assert str(contact) in page
    assert str(account_manager) in page
    assert portal_url("meeting_ics", meeting) in page


def test_advisory_board_shows_nothing_of_the_other_distributor(
    partner_client, board, contact, partner_user
):
    factories.AgendaItemFactory(
        meeting=board,
        title="Our own proposal",
        proposer_side=Side.DISTRIBUTOR,
        proposed_by=partner_user,
        status=AgendaItem.Status.PROPOSED,
    )
    for url in (LIST, portal_url("meeting_detail", board)):
        page = partner_client.get(url).content.decode()
        assert "Market outlook" in page
        assert "Our own proposal" in page
        for text in ("Zebra", "ゼブラ", "Zoe"):
            assert text not in page, (url, text)
    page = partner_client.get(portal_url("meeting_detail", board)).content.decode()
    assert str(contact) in page


def test_unshared_minutes_stay_out_of_the_page_and_the_ics(partner_client, meeting):
    meeting.minutes_market_trends = "Secret trend: prices rise"
    meeting.decisions = "Decided: open Kyushu"
    meeting.status = AlignmentMeeting.Status.HELD
    meeting.save()
    page = partner_client.get(portal_url("meeting_detail", meeting)).content.decode()
    ics = partner_client.get(portal_url("meeting_ics", meeting)).content.decode()
    for text in ("Secret trend", "open Kyushu"):
        assert text not in page and text not in ics
    assert "have not been shared yet" in page

    meeting.minutes_shared = True
    meeting.save()
    page = partner_client.get(portal_url("meeting_detail", meeting)).content.decode()
    assert "Secret trend: prices rise" in page and "Decided: open Kyushu" in page


def test_detail_lists_action_items_of_both_sides_only_theirs_can_be_marked(
    partner_client, meeting, contact, account_manager
):
    theirs = their_item(meeting, contact, description="Share the store list")
    ours = factories.ActionItemFactory(
        meeting=meeting, description="Send the catalogue", owner_user=account_manager
    )
    response = partner_client.get(portal_url("meeting_detail", meeting))
    page = response.content.decode()
    assert "Share the store list" in page and "Send the catalogue" in page
    assert portal_url("action_item_done", theirs) in page
    assert portal_url("action_item_done", ours) not in page


def test_detail_makes_the_same_number_of_queries_for_5_and_50_items(client, distributor):
    counts = []
    for n in (5, 50):
        partner = factories.PortalUserFactory(portal_contact__distributor=distributor)
        meeting = factories.AlignmentMeetingFactory(distributors=[distributor])
        meeting.staff_attendees.set(factories.AccountManagerFactory.create_batch(n // 5))
        meeting.contact_attendees.set(
            factories.ContactFactory.create_batch(n // 5, distributor=distributor)
        )
        for _ in range(n):
            factories.AgendaItemFactory(
                meeting=meeting,
                proposer_side=Side.DISTRIBUTOR,
                proposed_by=partner,
                status=AgendaItem.Status.PROPOSED,
            )
            their_item(meeting, partner.portal_contact)
            factories.ActionItemFactory(
                meeting=meeting,
                owner_side=Side.DISTRIBUTOR,
                owner_contact=partner.portal_contact,
                status=ActionItem.Status.DONE,
                completed_at=timezone.now(),
                completed_by=partner,
            )
        client.force_login(partner)
        counts.append(count_queries(client, portal_url("meeting_detail", meeting)))
    assert counts[0] == counts[1], counts


# Proposing agenda items


def test_proposing_an_item_shows_it_as_proposed_and_notifies_the_account_manager(
    partner_client, manager_client, meeting, account_manager, partner_user, distributor
):
    response = partner_client.post(
        portal_url("agenda_propose", meeting),
        {"title": "Shelf space in Kyushu", "description": "Two new chains"},
    )
    assert response.status_code == 302
    assert response["Location"] == portal_url("meeting_detail", meeting) + "#agenda"
    item = AgendaItem.objects.get(title="Shelf space in Kyushu")
    assert (item.proposer_side, item.status, item.proposed_by) == (
        Side.DISTRIBUTOR,
        AgendaItem.Status.PROPOSED,
        partner_user,
    )
    assert "Our team will accept or decline it" in texts(response)[0]
    page = partner_client.get(portal_url("meeting_detail", meeting)).content.decode()
    assert "Shelf space in Kyushu" in page and "waiting for our answer" in page

    [reminder] = Reminder.objects.filter(kind=Reminder.Kind.AGENDA_PROPOSED)
    assert reminder.recipient == account_manager
    assert reminder.distributor == distributor
    assert reminder.link == meeting.get_absolute_url() + "#agenda-proposals"
    assert "Shelf space in Kyushu" in reminder.message and str(partner_user) in reminder.message

    staff_page = manager_client.get(meeting.get_absolute_url()).content.decode()
    assert 'id="agenda-proposals"' in staff_page
    assert reverse("meetings:agenda_item_decide", args=[item.pk]) in staff_page
    assert distributor.name_en in staff_page


@pytest.mark.parametrize(
    ("decision", "portal_text"),
    [("accepted", None), ("declined", "Your proposal, declined")],
)
def test_the_account_managers_decision_shows_in_the_portal(
    partner_client, manager_client, meeting, account_manager, partner_user, decision, portal_text
):
    item = services.do_propose_agenda_item(
        meeting, proposed_by=partner_user, title="Shelf space in Kyushu"
    )
    response = manager_client.post(
        reverse("meetings:agenda_item_decide", args=[item.pk]), {"decision": decision}
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.status, item.decided_by) == (decision, account_manager)
    page = partner_client.get(portal_url("meeting_detail", meeting)).content.decode()
    assert "Shelf space in Kyushu" in page
    assert "waiting for our answer" not in page
    if portal_text:
        assert portal_text in page
    staff_agenda = manager_client.get(meeting.get_absolute_url()).context["agenda_items"]
    assert (item in staff_agenda) == (decision == "accepted")


def test_a_proposal_is_decided_once_when_two_managers_click(
    client, meeting, partner_user, account_manager
):
    other_manager = factories.AccountManagerFactory()
    item = services.do_propose_agenda_item(meeting, proposed_by=partner_user, title="Pricing")
    assert services.do_decide_agenda_item(item, status="accepted", decided_by=account_manager)
    client.force_login(other_manager)
    response = client.post(
        reverse("meetings:agenda_item_decide", args=[item.pk]), {"decision": "declined"}
    )
    assert "was already decided: Accepted" in texts(response)[0]
    item.refresh_from_db()
    assert (item.status, item.decided_by) == (AgendaItem.Status.ACCEPTED, account_manager)


def test_deciding_with_htmx_swaps_the_agenda(manager_client, meeting, partner_user):
    item = services.do_propose_agenda_item(meeting, proposed_by=partner_user, title="Pricing")
    response = manager_client.post(
        reverse("meetings:agenda_item_decide", args=[item.pk]), {"decision": "accepted"}, **HTMX
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert '<div id="agenda">' in page and "<html" not in page
    assert "Agenda item “Pricing”: Accepted." in page
    assert [i.title for i in response.context["agenda_items"]] == ["Pricing"]


def test_only_account_managers_decide_proposals(
    client, meeting, partner_user, executive, account_manager
):
    item = services.do_propose_agenda_item(meeting, proposed_by=partner_user, title="Pricing")
    decide = reverse("meetings:agenda_item_decide", args=[item.pk])
    client.force_login(executive)
    assert client.post(decide, {"decision": "accepted"}).status_code == 403
    assert decide not in client.get(meeting.get_absolute_url()).content.decode()
    client.force_login(partner_user)
    assert client.post(decide, {"decision": "accepted"}).status_code == 403
    client.logout()
    assert client.post(decide, {"decision": "accepted"}).status_code == 302
    item.refresh_from_db()
    assert item.status == AgendaItem.Status.PROPOSED
    client.force_login(account_manager)
    assert client.post(decide, {"decision": "maybe"}).status_code == 400
    ours = factories.AgendaItemFactory(meeting=meeting, status=AgendaItem.Status.PROPOSED)
    ours_url = reverse("meetings:agenda_item_decide", args=[ours.pk])
    assert client.post(ours_url, {"decision": "accepted"}).status_code == 404


@pytest.mark.parametrize(
    ("status", "days"),
    [
        (AlignmentMeeting.Status.PLANNED, -3),
        (AlignmentMeeting.Status.HELD, -3),
        (AlignmentMeeting.Status.CANCELLED, 3),
    ],
)
def test_proposing_on_a_past_or_cancelled_meeting_is_refused_with_a_message(
    partner_client, meeting, status, days
):
    meeting.status = status
    meeting.starts_at, meeting.ends_at = in_days(days), in_days(days, 1)
    meeting.save()
    page = partner_client.get(portal_url("meeting_detail", meeting)).content.decode()
    assert portal_url("agenda_propose", meeting) not in page
    response = partner_client.post(portal_url("agenda_propose", meeting), {"title": "Too late"})
    assert response.status_code == 302
    assert texts(response) == [str(services.PROPOSALS_CLOSED)]
    assert not AgendaItem.objects.filter(title="Too late").exists()
    assert not Reminder.objects.exists()


def test_a_flood_of_proposals_is_refused_and_positions_never_overflow(
    partner_client, partner_user, meeting
):
    factories.AgendaItemFactory(meeting=meeting, position=services.LAST_POSITION)
    for number in range(services.MAX_OPEN_PROPOSALS):
        partner_client.post(portal_url("agenda_propose", meeting), {"title": f"Idea {number}"})
    proposals = AgendaItem.objects.filter(proposed_by=partner_user)
    assert proposals.count() == services.MAX_OPEN_PROPOSALS
    assert {item.position for item in proposals} == {services.LAST_POSITION}
    response = partner_client.post(portal_url("agenda_propose", meeting), {"title": "One more"})
    assert response.status_code in (200, 302)
    assert not AgendaItem.objects.filter(title="One more").exists()


def test_a_proposal_without_title_is_refused_and_keeps_what_was_typed(partner_client, meeting):
    response = partner_client.post(
        portal_url("agenda_propose", meeting), {"title": "", "description": "Two new chains"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "This field is required." in page
    assert "Two new chains" in page
    assert 'aria-invalid="true"' in page or "is-invalid" in page
    assert not AgendaItem.objects.exists()


# Action items


def test_marking_their_item_done_with_a_comment_shows_on_the_staff_page(
    partner_client, manager_client, meeting, contact, partner_user, account_manager
):
    item = their_item(meeting, contact, description="Share the store list")
    response = partner_client.post(
        portal_url("action_item_done", item),
        {f"action-item-{item.pk}-note": "Sent to Sato-san on Monday"},
    )
    assert response.status_code == 302
    assert response["Location"].endswith(f"#action-item-{item.pk}")
    assert "is marked done" in texts(response)[0]
    item.refresh_from_db()
    assert item.status == ActionItem.Status.DONE
    assert item.completed_at is not None
    assert item.completed_by == partner_user
    assert item.completion_note == "Sent to Sato-san on Monday"

    [reminder] = Reminder.objects.filter(kind=Reminder.Kind.ACTION_ITEM_DONE)
    assert reminder.recipient == account_manager
    assert reminder.link == meeting.get_absolute_url() + f"#action-item-{item.pk}"
    assert "Share the store list" in reminder.message

    page = partner_client.get(portal_url("meeting_detail", meeting)).content.decode()
    assert "Sent to Sato-san on Monday" in page
    assert portal_url("action_item_done", item) not in page

    staff_page = manager_client.get(meeting.get_absolute_url()).content.decode()
    assert "Sent to Sato-san on Monday" in staff_page
    assert f"Marked done by {partner_user}" in staff_page


def test_marking_a_done_item_again_changes_nothing(partner_client, meeting, contact):
    item = their_item(meeting, contact)
    field = f"action-item-{item.pk}-note"
    partner_client.post(portal_url("action_item_done", item), {field: "First"})
    response = partner_client.post(portal_url("action_item_done", item), {field: "Second"})
    assert response.status_code == 302
    assert "no longer open: Done" in texts(response)[-1]
    item.refresh_from_db()
    assert item.completion_note == "First"
    assert Reminder.objects.filter(kind=Reminder.Kind.ACTION_ITEM_DONE).count() == 1


def test_a_too_long_comment_is_refused_on_the_page(partner_client, meeting, contact):
    item = their_item(meeting, contact)
    response = partner_client.post(
        portal_url("action_item_done", item), {f"action-item-{item.pk}-note": "x" * 2001}
    )
    assert response.status_code == 200
    assert "at most 2000 characters" in response.content.decode()
    item.refresh_from_db()
    assert item.status == ActionItem.Status.OPEN


def test_our_sides_items_and_other_distributors_items_cannot_be_marked(
    partner_client, meeting, board, account_manager, rival
):
    ours = factories.ActionItemFactory(meeting=meeting, owner_user=account_manager)
    [rivals] = board.action_items.filter(distributor=rival)
    touchpoint_item = factories.ActionItemFactory(
        meeting=None,
        touchpoint=factories.TouchpointFactory(distributor=meeting.distributors.get()),
        distributor=meeting.distributors.get(),
        owner_side=Side.DISTRIBUTOR,
    )
    for item in (ours, rivals, touchpoint_item):
        response = partner_client.post(portal_url("action_item_done", item), {})
        assert response.status_code == 404
        item.refresh_from_db()
        assert item.status == ActionItem.Status.OPEN


def test_a_manager_marking_done_is_recorded_as_who_did_it(client, meeting, account_manager):
    item = factories.ActionItemFactory(meeting=meeting, owner_user=account_manager)
    client.force_login(account_manager)
    client.post(reverse("meetings:action_item_status", args=[item.pk]), {"status": "done"})
    item.refresh_from_db()
    assert item.completed_by == account_manager
    client.post(reverse("meetings:action_item_status", args=[item.pk]), {"status": "open"})
    item.refresh_from_db()
    assert (item.completed_by, item.completed_at) == (None, None)


# Calendar


def test_ics_has_the_accepted_agenda_and_the_portal_page_but_nothing_internal(
    partner_client, board, partner_user
):
    board.minutes_joint_learning = "Unshared learning"
    board.save()
    factories.AgendaItemFactory(
        meeting=board,
        title="Our own proposal",
        proposer_side=Side.DISTRIBUTOR,
        proposed_by=partner_user,
        status=AgendaItem.Status.PROPOSED,
    )
    response = partner_client.get(portal_url("meeting_ics", board))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    [event] = icalendar.Calendar.from_ical(response.content).walk("VEVENT")
    description = str(event["description"])
    assert "Market outlook" in description
    assert "Our own proposal" not in description
    assert "http://testserver" + portal_url("meeting_detail", board) in description
    assert "http://testserver" + board.get_absolute_url() not in description
    body = response.content.decode()
    for text in ("Zebra", "ゼブラ", "Zoe", "Unshared learning", "With:"):
        assert text not in body


# Permissions


def _routes(meeting, item):
    """(method, url) of every portal meetings route for `meeting` and its action `item`."""
    return [
        ("get", LIST),
        ("get", portal_url("meeting_detail", meeting)),
        ("post", portal_url("agenda_propose", meeting)),
        ("get", portal_url("meeting_ics", meeting)),
        ("post", portal_url("action_item_done", item)),
    ]


def test_another_distributors_meeting_and_action_item_are_404(partner_client, rival):
    meeting = factories.AlignmentMeetingFactory(distributors=[rival], title="Zebra alignment")
    item = factories.ActionItemFactory(meeting=meeting, owner_side=Side.DISTRIBUTOR)
    for method, url in _routes(meeting, item)[1:]:
        response = getattr(partner_client, method)(url, {"title": "Sneaky"})
        assert response.status_code == 404, url
    assert not AgendaItem.objects.filter(title="Sneaky").exists()
    item.refresh_from_db()
    assert item.status == ActionItem.Status.OPEN


@pytest.mark.parametrize("role", ["account_manager", "executive"])
def test_staff_get_403_on_every_portal_meetings_route(client, request, role, meeting, contact):
    item = their_item(meeting, contact)
    client.force_login(request.getfixturevalue(role))
    for method, url in _routes(meeting, item):
        assert getattr(client, method)(url).status_code == 403, url


def test_anonymous_is_sent_to_login_from_every_portal_meetings_route(client, meeting, contact):
    item = their_item(meeting, contact)
    for method, url in _routes(meeting, item):
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login")), url


def test_wrong_methods_are_refused(partner_client, meeting, contact):
    item = their_item(meeting, contact)
    assert partner_client.get(portal_url("agenda_propose", meeting)).status_code == 405
    assert partner_client.get(portal_url("action_item_done", item)).status_code == 405
    assert partner_client.post(portal_url("meeting_detail", meeting)).status_code == 405


def test_a_revoked_user_loses_access_at_once(partner_client, meeting, contact):
    contact.archived_at = timezone.now()
    contact.save()
    assert partner_client.get(portal_url("meeting_detail", meeting)).status_code == 403
