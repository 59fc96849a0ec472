import datetime as dt
from zoneinfo import ZoneInfo

import icalendar
import pytest
import time_machine
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from meetings.models import ActionItem, AgendaItem, AlignmentMeeting
from prm.choices import Side
from tests import factories
from tests.queries import count_queries

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
TOKYO = ZoneInfo("Asia/Tokyo")


@pytest.fixture
def contact(distributor):
    return factories.ContactFactory(distributor=distributor, name_latin="Hanako Sato")


@pytest.fixture
def meeting(distributor, account_manager):
    return factories.AlignmentMeetingFactory(
        distributors=[distributor],
        title="Q3 alignment",
        organizer=account_manager,
        starts_at=dt.datetime(2026, 7, 14, 14, 0, tzinfo=TOKYO),
        ends_at=dt.datetime(2026, 7, 14, 15, 30, tzinfo=TOKYO),
        location="Osaka office",
        join_url="https://meet.example.com/q3",
    )


def url(name, meeting=None):
    return reverse(f"meetings:{name}", args=[meeting.pk] if meeting else [])


def meeting_data(*distributors, **overrides):
    return {
        "kind": AlignmentMeeting.Kind.ALIGNMENT,
        "title": "Autumn alignment",
        "distributors": [d.pk for d in distributors],
        "starts_at": "2026-10-06T10:00",
        "ends_at_time": "11:30",
        "format": AlignmentMeeting.Format.VIDEO,
        "language": AlignmentMeeting.Language.JAPANESE,
        "location": "",
        "join_url": "https://meet.example.com/autumn",
        **overrides,
    }


# Scheduling and editing


def test_schedule_page_preselects_the_distributor_and_its_contacts(
    client, account_manager, distributor, contact
):
    factories.ContactFactory(name_latin="Jiro Elsewhere")
    client.force_login(account_manager)
    response = client.get(url("meeting_create"), {"distributor": distributor.pk})
    assert response.status_code == 200
    page = response.content.decode()
    assert f'<option value="{distributor.pk}" selected>' in page
    assert "Hanako Sato" in page and "Jiro Elsewhere" not in page
    assert 'type="datetime-local"' in page
    assert "In your time zone, Asia/Tokyo." in page
    assert response.context["form"]["staff_attendees"].value() == [account_manager.pk]


def test_scheduling_stores_the_time_typed_in_the_users_zone_in_utc(
    client, account_manager, executive, distributor, contact
):
    client.force_login(account_manager)
    data = meeting_data(
        distributor,
        staff_attendees=[account_manager.pk, executive.pk],
        contact_attendees=[contact.pk],
    )
    response = client.post(url("meeting_create"), data)
    meeting = AlignmentMeeting.objects.get()
    assert response.status_code == 302
    assert response.url == meeting.get_absolute_url()
    assert meeting.starts_at == dt.datetime(2026, 10, 6, 1, 0, tzinfo=dt.UTC)
    assert meeting.ends_at == dt.datetime(2026, 10, 6, 2, 30, tzinfo=dt.UTC)
    assert list(meeting.distributors.all()) == [distributor]
    assert set(meeting.staff_attendees.all()) == {account_manager, executive}
    assert list(meeting.contact_attendees.all()) == [contact]
    assert meeting.organizer == account_manager
    assert meeting.status == AlignmentMeeting.Status.PLANNED


def test_a_user_in_another_zone_types_times_in_their_own_zone(client, account_manager, distributor):
    account_manager.time_zone = "Europe/Paris"
    account_manager.save()
    client.force_login(account_manager)
    client.post(url("meeting_create"), meeting_data(distributor))
    assert AlignmentMeeting.objects.get().starts_at == dt.datetime(2026, 10, 6, 8, 0, tzinfo=dt.UTC)


def test_advisory_board_takes_several_distributors(client, account_manager, distributor):
    other = factories.DistributorFactory()
    client.force_login(account_manager)
    data = meeting_data(distributor, other, kind=AlignmentMeeting.Kind.ADVISORY_BOARD)
    assert client.post(url("meeting_create"), data).status_code == 302
    assert set(AlignmentMeeting.objects.get().distributors.all()) == {distributor, other}


@pytest.mark.parametrize(
    "kind, count, message",
    [
        (AlignmentMeeting.Kind.ALIGNMENT, 2, "exactly one distributor"),
        (AlignmentMeeting.Kind.ADVISORY_BOARD, 1, "several distributors"),
    ],
)
def test_number_of_distributors_must_suit_the_kind(client, account_manager, kind, count, message):
    distributors = factories.DistributorFactory.create_batch(count)
    client.force_login(account_manager)
    response = client.post(url("meeting_create"), meeting_data(*distributors, kind=kind))
    assert response.status_code == 200
    assert message in str(response.context["form"].errors["distributors"])
    assert not AlignmentMeeting.objects.exists()


def test_end_before_start_is_a_form_error_and_keeps_what_was_typed(
    client, account_manager, distributor
):
    client.force_login(account_manager)
    response = client.post(url("meeting_create"), meeting_data(distributor, ends_at_time="09:00"))
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "ends_at_time": ["The meeting must end after it starts."]
    }
    page = response.content.decode()
    assert 'value="Autumn alignment"' in page
    assert 'value="2026-10-06T10:00"' in page
    assert 'value="09:00"' in page
    assert 'value="https://meet.example.com/autumn"' in page
    assert not AlignmentMeeting.objects.exists()


def test_bad_input_is_shown_not_a_crash(client, account_manager, distributor):
    client.force_login(account_manager)
    data = meeting_data(
        distributor, starts_at="tomorrow", ends_at_time="late", join_url="not a url", kind="?"
    )
    response = client.post(url("meeting_create"), data)
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"starts_at", "ends_at_time", "join_url", "kind"}


def test_attendees_must_be_contacts_of_the_meetings_distributors(
    client, account_manager, distributor
):
    stranger = factories.ContactFactory()
    client.force_login(account_manager)
    response = client.post(
        url("meeting_create"), meeting_data(distributor, contact_attendees=[stranger.pk])
    )
    assert response.status_code == 200
    assert "contact_attendees" in response.context["form"].errors
    assert not AlignmentMeeting.objects.exists()


def test_meeting_contacts_follow_the_chosen_distributors(
    client, account_manager, distributor, contact
):
    other = factories.ContactFactory(name_latin="Ken Mori")
    client.force_login(account_manager)
    response = client.get(
        url("meeting_contacts"),
        {"distributors": [distributor.pk, other.distributor_id], "contact_attendees": [contact.pk]},
    )
    page = response.content.decode()
    assert page.strip().startswith('<div id="id_contact_attendees_group"')
    assert "Hanako Sato" in page and "Ken Mori" in page
    assert other.distributor.name_en in page
    assert "checked" in page.split("Hanako Sato")[0]


def test_edit_shows_local_times_and_saves_changes(client, account_manager, meeting, distributor):
    client.force_login(account_manager)
    page = client.get(url("meeting_edit", meeting)).content.decode()
    assert 'value="2026-07-14T14:00"' in page
    assert 'value="15:30"' in page
    data = meeting_data(distributor, title="Q3 alignment (moved)", starts_at="2026-07-15T09:00")
    response = client.post(url("meeting_edit", meeting), data)
    assert response.url == meeting.get_absolute_url()
    meeting.refresh_from_db()
    assert meeting.title == "Q3 alignment (moved)"
    assert meeting.starts_at == dt.datetime(2026, 7, 15, 0, 0, tzinfo=dt.UTC)
    assert meeting.ends_at == dt.datetime(2026, 7, 15, 2, 30, tzinfo=dt.UTC)


def test_an_archived_distributor_does_not_block_editing_its_meeting(
    client, account_manager, meeting, distributor
):
    distributor.archived_at = timezone.now()
    distributor.save()
    client.force_login(account_manager)
    response = client.post(url("meeting_edit", meeting), meeting_data(distributor))
    assert response.status_code == 302


# The meeting page


def test_meeting_page_shows_everything(client, account_manager, meeting, distributor, contact):
    meeting.staff_attendees.add(account_manager)
    meeting.contact_attendees.add(contact)
    meeting.minutes_market_trends = "Convenience stores are growing."
    meeting.decisions = "Pilot in Kobe."
    meeting.save()
    factories.AgendaItemFactory(meeting=meeting, title="Golden Week stock")
    factories.ActionItemFactory(
        meeting=meeting,
        description="Send the sell-through report",
        owner_side=Side.DISTRIBUTOR,
        owner_contact=contact,
    )
    client.force_login(account_manager)
    response = client.get(meeting.get_absolute_url())
    assert response.status_code == 200
    page = response.content.decode()
    for text in (
        "Q3 alignment",
        "2026-07-14 (Tue) 14:00–15:30 JST",
        "Osaka office",
        "https://meet.example.com/q3",
        str(account_manager),
        "Hanako Sato",
        "Golden Week stock",
        "Send the sell-through report",
        "Convenience stores are growing.",
        "Pilot in Kobe.",
        "Not shared with the distributor",
        url("meeting_ics", meeting),
        url("meeting_edit", meeting),
        url("meeting_minutes", meeting),
        'value="held"',
        'value="cancelled"',
        url("agenda_item_add", meeting),
        url("action_item_add", meeting),
        distributor.get_absolute_url(),
        'aria-live="polite"',
    ):
        assert text in page, text


def test_executives_read_the_meeting_without_edit_controls(client, executive, meeting):
    client.force_login(executive)
    response = client.get(meeting.get_absolute_url())
    assert response.status_code == 200
    page = response.content.decode()
    assert "Q3 alignment" in page
    assert url("meeting_ics", meeting) in page
    for control in ("meeting_edit", "meeting_minutes", "meeting_status", "agenda_item_add"):
        assert url(control, meeting) not in page


def test_meeting_page_makes_a_fixed_number_of_queries(client, account_manager, distributor):
    client.force_login(account_manager)
    counts = []
    for n in (5, 50):
        meeting = factories.AlignmentMeetingFactory(distributors=[distributor])
        contacts = factories.ContactFactory.create_batch(n, distributor=distributor)
        staff = factories.AccountManagerFactory.create_batch(n)
        meeting.contact_attendees.set(contacts)
        meeting.staff_attendees.set(staff)
        factories.AgendaItemFactory.create_batch(n, meeting=meeting, proposed_by=account_manager)
        factories.ActionItemFactory.create_batch(n, meeting=meeting, owner_user=staff[0])
        factories.ActionItemFactory.create_batch(
            n, meeting=meeting, owner_side=Side.DISTRIBUTOR, owner_contact=contacts[0]
        )
        counts.append(count_queries(client, meeting.get_absolute_url()))
    assert counts[0] == counts[1], counts


def test_missing_meeting_is_404_everywhere(client, account_manager):
    client.force_login(account_manager)
    missing = AlignmentMeeting(pk=999999)
    for name in ("meeting_detail", "meeting_edit", "meeting_minutes", "meeting_ics"):
        assert client.get(url(name, missing)).status_code == 404, name
    for name in ("meeting_status", "meeting_share", "agenda_item_add", "action_item_add"):
        assert client.post(url(name, missing), {"status": "held"}).status_code == 404, name
    assert (
        client.post(
            reverse("meetings:action_item_status", args=[999999]), {"status": "done"}
        ).status_code
        == 404
    )


# Minutes, status and sharing


def test_recording_minutes(client, account_manager, meeting):
    client.force_login(account_manager)
    page = client.get(url("meeting_minutes", meeting)).content.decode()
    assert "Market trends" in page and "Joint learning" in page
    data = {
        "minutes_market_trends": "Drugstores push private labels.",
        "minutes_feedback": "Packaging too large for konbini shelves.",
        "minutes_joint_learning": "Smaller packs sell faster.",
        "decisions": "Trial 200 g packs in Kansai.",
    }
    response = client.post(url("meeting_minutes", meeting), data)
    assert response.url == meeting.get_absolute_url()
    meeting.refresh_from_db()
    assert meeting.minutes_joint_learning == "Smaller packs sell faster."
    assert meeting.decisions == "Trial 200 g packs in Kansai."


@pytest.mark.parametrize("status", ["held", "cancelled", "planned"])
def test_changing_the_status(client, account_manager, meeting, status):
    client.force_login(account_manager)
    response = client.post(url("meeting_status", meeting), {"status": status})
    assert response.url == meeting.get_absolute_url()
    meeting.refresh_from_db()
    assert meeting.status == status


def test_an_unknown_status_is_a_bad_request(client, account_manager, meeting):
    client.force_login(account_manager)
    assert client.post(url("meeting_status", meeting), {"status": "exploded"}).status_code == 400
    assert client.get(url("meeting_status", meeting)).status_code == 405


def test_sharing_and_unsharing_the_minutes(client, account_manager, meeting):
    client.force_login(account_manager)
    client.post(url("meeting_share", meeting), {"shared": "true"})
    meeting.refresh_from_db()
    assert meeting.minutes_shared
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "Shared with the distributor" in page and "Stop sharing the minutes" in page
    client.post(url("meeting_share", meeting), {"shared": "false"})
    meeting.refresh_from_db()
    assert not meeting.minutes_shared


# Agenda items


def test_adding_an_agenda_item_with_htmx_swaps_the_agenda(client, account_manager, meeting):
    factories.AgendaItemFactory(meeting=meeting, position=3)
    client.force_login(account_manager)
    data = {"title": "Cold-chain capacity", "description": "Summer peak"}
    response = client.post(url("agenda_item_add", meeting), data, **HTMX)
    assert response.status_code == 200
    page = response.content.decode()
    assert page.strip().startswith('<div id="agenda">')
    assert "<html" not in page
    assert "Cold-chain capacity" in page
    assert 'id="agenda-status" hx-swap-oob="innerHTML"' in page
    assert "Agenda item “Cold-chain capacity” added." in page
    item = AgendaItem.objects.get(title="Cold-chain capacity")
    assert (item.position, item.proposed_by, item.proposer_side) == (4, account_manager, Side.OURS)


def test_agenda_item_errors_show_in_place_with_the_typed_values(client, account_manager, meeting):
    client.force_login(account_manager)
    data = {"title": "", "description": "Why the title matters"}
    response = client.post(url("agenda_item_add", meeting), data, **HTMX)
    assert response.status_code == 200
    page = response.content.decode()
    assert page.strip().startswith('<div id="agenda">')
    assert "This field is required." in page
    assert "Why the title matters" in page
    assert "was not added" in page
    assert not AgendaItem.objects.exists()


def test_adding_an_agenda_item_without_javascript(client, account_manager, meeting):
    client.force_login(account_manager)
    response = client.post(url("agenda_item_add", meeting), {"title": "Pricing"})
    assert response.status_code == 302
    assert response.url == meeting.get_absolute_url()
    assert AgendaItem.objects.get().title == "Pricing"
    response = client.post(url("agenda_item_add", meeting), {"title": "", "description": "kept"})
    assert response.status_code == 200
    assert "<html" in response.content.decode()
    assert response.context["agenda_form"].errors == {"title": ["This field is required."]}
    assert "kept" in response.content.decode()


# Action items


def test_action_item_owned_by_one_of_our_people(client, account_manager, executive, meeting):
    client.force_login(account_manager)
    data = {"description": "Send samples", "owner": f"user-{executive.pk}", "due_on": "2026-08-01"}
    response = client.post(url("action_item_add", meeting), data, **HTMX)
    assert response.status_code == 200
    page = response.content.decode()
    assert page.strip().startswith('<div id="action-items">')
    assert "Send samples" in page and str(executive) in page
    assert "Action item “Send samples” added." in page
    item = ActionItem.objects.get()
    assert (item.owner_side, item.owner_user, item.owner_contact) == (Side.OURS, executive, None)
    assert (item.meeting, item.distributor) == (meeting, meeting.distributors.get())
    assert item.due_on == dt.date(2026, 8, 1)


def test_action_item_owned_by_their_contact(client, account_manager, meeting, contact):
    client.force_login(account_manager)
    data = {
        "description": "Share POS data",
        "owner": f"contact-{contact.pk}",
        "due_on": "2026-08-01",
    }
    response = client.post(url("action_item_add", meeting), data)
    assert response.url == meeting.get_absolute_url()
    item = ActionItem.objects.get()
    assert (item.owner_side, item.owner_user, item.owner_contact) == (
        Side.DISTRIBUTOR,
        None,
        contact,
    )


def test_action_item_errors_show_in_place_with_the_typed_values(client, account_manager, meeting):
    stranger = factories.ContactFactory()
    client.force_login(account_manager)
    data = {"description": "Check shelf plan", "owner": f"contact-{stranger.pk}", "due_on": ""}
    response = client.post(url("action_item_add", meeting), data, **HTMX)
    assert response.status_code == 200
    assert set(response.context["action_form"].errors) == {"owner", "due_on"}
    page = response.content.decode()
    assert 'value="Check shelf plan"' in page
    assert "was not added" in page
    assert not ActionItem.objects.exists()


def test_action_item_of_an_advisory_board_names_its_distributor(
    client, account_manager, distributor, contact
):
    other = factories.DistributorFactory()
    board = factories.AlignmentMeetingFactory(
        distributors=[distributor, other], kind=AlignmentMeeting.Kind.ADVISORY_BOARD
    )
    client.force_login(account_manager)
    mine = {
        "description": "Draft the joint plan",
        "owner": f"user-{account_manager.pk}",
        "due_on": "2026-08-01",
    }
    response = client.post(url("action_item_add", board), mine)
    assert response.status_code == 200
    assert "Choose the distributor" in str(response.context["action_form"].errors["distributor"])
    theirs = {**mine, "owner": f"contact-{contact.pk}", "distributor": other.pk}
    response = client.post(url("action_item_add", board), theirs)
    assert "another distributor" in str(response.context["action_form"].errors["distributor"])
    client.post(url("action_item_add", board), {**mine, "distributor": other.pk})
    client.post(url("action_item_add", board), {**theirs, "distributor": ""})
    assert {(i.distributor, i.owner_side) for i in ActionItem.objects.all()} == {
        (other, Side.OURS),
        (distributor, Side.DISTRIBUTOR),
    }


def test_marking_an_action_item_done_with_htmx(client, account_manager, meeting):
    item = factories.ActionItemFactory(meeting=meeting, description="Send samples")
    client.force_login(account_manager)
    status_url = reverse("meetings:action_item_status", args=[item.pk])
    response = client.post(status_url, {"status": "done"}, **HTMX)
    assert response.status_code == 200
    page = response.content.decode()
    assert page.strip().startswith('<ul id="action-item-list"')
    assert "Action item “Send samples”: Done." in page
    item.refresh_from_db()
    assert item.status == ActionItem.Status.DONE and item.completed_at is not None
    client.post(status_url, {"status": "open"}, **HTMX)
    item.refresh_from_db()
    assert item.status == ActionItem.Status.OPEN and item.completed_at is None


def test_action_item_status_without_javascript_returns_to_its_origin(
    client, account_manager, meeting, distributor
):
    from_meeting = factories.ActionItemFactory(meeting=meeting)
    touchpoint = factories.TouchpointFactory(distributor=distributor)
    from_touchpoint = factories.ActionItemFactory(
        meeting=None, touchpoint=touchpoint, distributor=distributor
    )
    client.force_login(account_manager)
    response = client.post(
        reverse("meetings:action_item_status", args=[from_meeting.pk]), {"status": "cancelled"}
    )
    assert response.url == meeting.get_absolute_url()
    response = client.post(
        reverse("meetings:action_item_status", args=[from_touchpoint.pk]), {"status": "done"}
    )
    assert response.url == touchpoint.get_absolute_url()
    assert get_messages(response.wsgi_request)
    response = client.post(
        reverse("meetings:action_item_status", args=[from_touchpoint.pk]),
        {"status": "open", "next": "/my-week/"},
    )
    assert response.url == "/my-week/"
    response = client.post(
        reverse("meetings:action_item_status", args=[from_touchpoint.pk]), {"status": "nope"}
    )
    assert response.status_code == 400


# Calendar file


def test_ics_has_the_meeting_in_utc(client, executive, meeting):
    factories.AgendaItemFactory(meeting=meeting, title="Golden Week stock")
    client.force_login(executive)
    response = client.get(url("meeting_ics", meeting))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="meeting-{meeting.pk}.ics"'
    assert b"DTSTART:20260714T050000Z" in response.content
    calendar = icalendar.Calendar.from_ical(response.content)
    [event] = calendar.walk("VEVENT")
    assert event.decoded("dtstart") == dt.datetime(2026, 7, 14, 5, 0, tzinfo=dt.UTC)
    assert event.decoded("dtend") == dt.datetime(2026, 7, 14, 6, 30, tzinfo=dt.UTC)
    assert str(event["summary"]) == "Q3 alignment"
    assert str(event["location"]) == "Osaka office"
    assert str(event["url"]) == "https://meet.example.com/q3"
    assert "https://meet.example.com/q3" in str(event["description"])
    assert "Golden Week stock" in str(event["description"])
    assert str(event["status"]) == "CONFIRMED"
    again = icalendar.Calendar.from_ical(client.get(url("meeting_ics", meeting)).content)
    assert again.walk("VEVENT")[0]["uid"] == event["uid"]


def test_ics_of_a_cancelled_meeting_says_so(client, account_manager, meeting):
    meeting.status = AlignmentMeeting.Status.CANCELLED
    meeting.save()
    client.force_login(account_manager)
    [event] = icalendar.Calendar.from_ical(client.get(url("meeting_ics", meeting)).content).walk(
        "VEVENT"
    )
    assert str(event["status"]) == "CANCELLED"


# Permissions


def _reads(meeting):
    return [meeting.get_absolute_url(), url("meeting_ics", meeting)]


def _writes(meeting):
    return [
        ("get", url("meeting_create"), {}),
        ("post", url("meeting_create"), {}),
        ("get", url("meeting_edit", meeting), {}),
        ("post", url("meeting_edit", meeting), {}),
        ("get", url("meeting_contacts"), {}),
        ("get", url("meeting_minutes", meeting), {}),
        ("post", url("meeting_minutes", meeting), {"decisions": "x"}),
        ("post", url("meeting_status", meeting), {"status": "held"}),
        ("post", url("meeting_share", meeting), {"shared": "true"}),
        ("post", url("agenda_item_add", meeting), {"title": "x"}),
        ("post", url("action_item_add", meeting), {}),
    ]


def test_executives_read_but_do_not_edit(client, executive, meeting):
    item = factories.ActionItemFactory(meeting=meeting)
    client.force_login(executive)
    for read in _reads(meeting):
        assert client.get(read).status_code == 200, read
    for method, target, data in _writes(meeting):
        assert getattr(client, method)(target, data).status_code == 403, target
    status_url = reverse("meetings:action_item_status", args=[item.pk])
    assert client.post(status_url, {"status": "done"}).status_code == 403
    meeting.refresh_from_db()
    assert (meeting.status, meeting.minutes_shared, meeting.decisions) == ("planned", False, "")


def test_distributor_users_get_403_everywhere(client, partner_user, meeting):
    item = factories.ActionItemFactory(meeting=meeting)
    client.force_login(partner_user)
    for read in _reads(meeting):
        assert client.get(read).status_code == 403, read
    for method, target, data in _writes(meeting):
        assert getattr(client, method)(target, data).status_code == 403, target
    status_url = reverse("meetings:action_item_status", args=[item.pk])
    assert client.post(status_url, {"status": "done"}).status_code == 403


def test_anonymous_visitors_are_sent_to_login(client, meeting):
    targets = [("get", read, {}) for read in _reads(meeting)] + _writes(meeting)
    for method, target, data in targets:
        response = getattr(client, method)(target, data)
        assert response.status_code == 302, target
        assert response.url.startswith(reverse("login")), target


def test_new_meeting_suggests_a_business_day_outside_peaks(client, account_manager):
    # A week after 2027-04-22 falls in Golden Week (Apr 29 – May 6): the suggestion is after it.
    with time_machine.travel(dt.datetime(2027, 4, 22, 9, 0, tzinfo=dt.UTC), tick=False):
        client.force_login(account_manager)
        form = client.get(reverse("meetings:meeting_create")).context["form"]
    start = timezone.localtime(form.initial["starts_at"])
    assert start.date() == dt.date(2027, 5, 7)
    assert (start.hour, start.minute) == (10, 0)
