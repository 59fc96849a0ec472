"""The per-user calendar feed: a secret URL calendar applications subscribe to."""

import datetime as dt
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.test import Client
from django.urls import reverse, reverse_lazy
from django.utils import timezone

from meetings.models import AlignmentMeeting
from prm import calendar_feed
from tests import factories
from tests.queries import count_queries

pytestmark = pytest.mark.django_db

SETTINGS = reverse_lazy("calendar:settings")
REGENERATE = reverse_lazy("calendar:regenerate")
TOKYO = ZoneInfo("Asia/Tokyo")


def feed_url(user):
    return reverse("calendar:feed", args=[user.calendar_token])


def with_token(user):
    calendar_feed.do_regenerate_calendar_token(user)
    return user


def meeting_at(days, **kwargs):
    starts_at = (timezone.now() + dt.timedelta(days=days)).replace(microsecond=0)
    return factories.AlignmentMeetingFactory(starts_at=starts_at, **kwargs)


def events(response):
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = icalendar.Calendar.from_ical(response.content)
    return {str(event["summary"]): event for event in calendar.walk("VEVENT")}


@pytest.fixture
def manager_client(client, account_manager):
    client.force_login(account_manager)
    return client


# The settings page and the token


def test_settings_page_creates_then_shows_the_feed_address(manager_client, account_manager):
    page = manager_client.get(SETTINGS).content.decode()
    assert "Create my feed address" in page
    assert account_manager.calendar_token is None

    response = manager_client.post(REGENERATE)
    assert response.status_code == 302 and response.url == SETTINGS
    account_manager.refresh_from_db()
    token = account_manager.calendar_token
    assert len(token) >= 43  # secrets.token_urlsafe(32)

    page = manager_client.get(SETTINGS).content.decode()
    assert f'value="http://testserver/calendar/{token}.ics"' in page
    assert "Regenerate the address" in page
    assert 'for="calendar-feed-url"' in page


def test_regenerating_replaces_the_token_and_the_old_url_stops_working(
    manager_client, account_manager
):
    old_url = feed_url(with_token(account_manager))
    assert Client().get(old_url).status_code == 200

    response = manager_client.post(REGENERATE, follow=True)
    assert "The old address no longer works." in response.content.decode()
    account_manager.refresh_from_db()
    new_url = feed_url(account_manager)
    assert new_url != old_url
    assert Client().get(old_url).status_code == 404
    assert Client().get(new_url).status_code == 200
    assert new_url in manager_client.get(SETTINGS).content.decode()


def test_tokens_are_unique_per_user(account_manager, executive):
    with_token(account_manager)
    with_token(executive)
    assert account_manager.calendar_token != executive.calendar_token


def test_regenerate_needs_post(manager_client, account_manager):
    assert manager_client.get(REGENERATE).status_code == 405
    account_manager.refresh_from_db()
    assert account_manager.calendar_token is None


def test_executive_has_a_feed_page(client, executive):
    client.force_login(executive)
    assert client.get(SETTINGS).status_code == 200
    assert client.post(REGENERATE).status_code == 302
    executive.refresh_from_db()
    assert executive.calendar_token


def test_distributor_user_has_no_feed(client, partner_user):
    client.force_login(partner_user)
    assert client.get(SETTINGS).status_code == 403
    assert client.post(REGENERATE).status_code == 403
    partner_user.refresh_from_db()
    assert partner_user.calendar_token is None
    # Even with a token (set by hand in the database), the feed is for our staff only.
    with_token(partner_user)
    assert Client().get(feed_url(partner_user)).status_code == 404


def test_anonymous_user_is_sent_to_login(client):
    for response in (client.get(SETTINGS), client.post(REGENERATE)):
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


def test_unknown_or_malformed_token_is_404(client, account_manager):
    with_token(account_manager)
    assert client.get(reverse("calendar:feed", args=["x" * 43])).status_code == 404
    assert client.get("/calendar/short.ics").status_code == 404
    assert client.get("/calendar/.ics").status_code == 404


def test_an_inactive_users_feed_is_404(client, account_manager):
    with_token(account_manager)
    account_manager.is_active = False
    account_manager.save()
    assert client.get(feed_url(account_manager)).status_code == 404


# What the feed holds


def test_feed_has_my_meetings_in_utc_and_not_others(client, account_manager, distributor):
    with_token(account_manager)
    colleague = factories.AccountManagerFactory()
    theirs = factories.DistributorFactory(account_manager=colleague)

    day = (timezone.now() + dt.timedelta(days=30)).astimezone(TOKYO).date()
    attended = factories.AlignmentMeetingFactory(
        title="Attended",
        distributors=[theirs],
        starts_at=dt.datetime.combine(day, dt.time(14, 0), tzinfo=TOKYO),
        ends_at=dt.datetime.combine(day, dt.time(15, 30), tzinfo=TOKYO),
    )
    attended.staff_attendees.add(account_manager)
    meeting_at(10, title="Organised", distributors=[theirs], organizer=account_manager)
    meeting_at(20, title="My distributor's", distributors=[distributor], organizer=colleague)
    meeting_at(-80, title="Recently held", distributors=[distributor])
    meeting_at(
        5,
        title="Cancelled",
        distributors=[distributor],
        status=AlignmentMeeting.Status.CANCELLED,
    )
    meeting_at(30, title="A board with mine", distributors=[theirs, distributor])
    # Not in my feed:
    meeting_at(10, title="Colleague's", distributors=[theirs], organizer=colleague)
    meeting_at(-100, title="Too long ago", distributors=[distributor])
    meeting_at(3 * 365, title="Too far ahead", distributors=[distributor])

    response = client.get(feed_url(account_manager))  # no login
    found = events(response)
    assert set(found) == {
        "Attended",
        "Organised",
        "My distributor's",
        "Recently held",
        "Cancelled",
        "A board with mine",
    }
    assert f"DTSTART:{day:%Y%m%d}T050000Z".encode() in response.content
    event = found["Attended"]
    assert event.decoded("dtstart") == dt.datetime.combine(day, dt.time(5, 0), tzinfo=dt.UTC)
    assert event.decoded("dtend") == dt.datetime.combine(day, dt.time(6, 30), tzinfo=dt.UTC)
    for event in found.values():
        for field in ("dtstart", "dtend"):
            assert event[field].to_ical().endswith(b"Z")  # UTC, not a local time
            assert event.decoded(field).utcoffset() == dt.timedelta(0)
    assert str(found["Cancelled"]["status"]) == "CANCELLED"
    assert str(found["Organised"]["status"]) == "CONFIRMED"
    calendar = icalendar.Calendar.from_ical(response.content)
    assert str(calendar["x-wr-calname"]) == f"PRM meetings · {account_manager}"
    assert response["Cache-Control"] == "private, no-cache"


def test_feed_uses_the_same_uids_as_the_single_meeting_file(client, account_manager, distributor):
    with_token(account_manager)
    meeting = meeting_at(7, title="Q3 alignment", distributors=[distributor])
    factories.AgendaItemFactory(meeting=meeting, title="Golden Week stock")
    [in_feed] = events(client.get(feed_url(account_manager))).values()
    client.force_login(account_manager)
    single = icalendar.Calendar.from_ical(
        client.get(reverse("meetings:meeting_ics", args=[meeting.pk])).content
    )
    [alone] = single.walk("VEVENT")
    assert in_feed["uid"] == alone["uid"] == f"meeting-{meeting.pk}@testserver"
    assert str(in_feed["description"]) == str(alone["description"])
    assert "Golden Week stock" in str(in_feed["description"])


def test_executive_feed_has_only_the_meetings_they_attend_or_organise(client, executive):
    with_token(executive)
    sponsored = factories.DistributorFactory(executive_sponsor=executive)
    attended = meeting_at(4, title="Senior dinner", distributors=[sponsored])
    attended.staff_attendees.add(executive)
    meeting_at(6, title="Board", distributors=[sponsored], organizer=executive)
    meeting_at(8, title="Not mine", distributors=[sponsored])
    assert set(events(client.get(feed_url(executive)))) == {"Senior dinner", "Board"}


def test_a_meeting_counts_once_however_many_ways_it_is_mine(client, account_manager, distributor):
    with_token(account_manager)
    meeting = meeting_at(
        3, title="Mine thrice", distributors=[distributor], organizer=account_manager
    )
    meeting.staff_attendees.add(account_manager, factories.AccountManagerFactory())
    calendar = icalendar.Calendar.from_ical(client.get(feed_url(account_manager)).content)
    assert [str(e["summary"]) for e in calendar.walk("VEVENT")] == ["Mine thrice"]


def test_empty_feed_is_still_a_calendar(client, executive):
    with_token(executive)
    assert events(client.get(feed_url(executive))) == {}


def test_feed_makes_a_fixed_number_of_queries(client, account_manager):
    with_token(account_manager)
    counts = []
    for n in (5, 50):
        AlignmentMeeting.objects.all().delete()
        for i in range(n):
            distributors = factories.DistributorFactory.create_batch(
                2, account_manager=account_manager
            )
            meeting = meeting_at(i + 1, distributors=distributors)
            factories.AgendaItemFactory.create_batch(2, meeting=meeting)
            meeting.staff_attendees.add(account_manager)
        url = feed_url(account_manager)
        counts.append(count_queries(client, url))
        assert len(events(client.get(url))) == n
    assert counts[0] == counts[1], counts
