"""In-app notifications: the bell on staff pages, the list, mark read, open, dismiss."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse, reverse_lazy
from django.utils import timezone

from meetings.models import NotificationPreference, Reminder
from prm import notifications
from tests import factories
from tests.queries import count_queries

pytestmark = pytest.mark.django_db

LIST = reverse_lazy("notifications:list")
MARK_ALL = reverse_lazy("notifications:mark_all_read")


def url(name, reminder):
    return reverse(f"notifications:{name}", args=[reminder.pk])


def sent(**kwargs):
    """A reminder already e-mailed (as the delivery engine leaves it)."""
    return factories.ReminderFactory(
        **{"state": Reminder.State.SENT, "sent_at": timezone.now(), **kwargs}
    )


@pytest.fixture
def manager_client(client, account_manager):
    client.force_login(account_manager)
    return client


@pytest.fixture
def three_unread(account_manager, distributor):
    """Three unread (pending, sent, sent) and one read, one dismissed, one someone else's."""
    unread = [
        factories.ReminderFactory(recipient=account_manager, distributor=distributor),
        sent(recipient=account_manager, kind=Reminder.Kind.ALIGNMENT_DUE),
        sent(recipient=account_manager, kind=Reminder.Kind.SENIOR_CONTACT_DUE),
    ]
    sent(recipient=account_manager, period="2026-10-01", read_at=timezone.now())
    sent(recipient=account_manager, period="2026-09-01", state=Reminder.State.DISMISSED)
    factories.ReminderFactory()
    return unread


def bell(response):
    page = response.content.decode()
    start = page.index('id="notification-bell"')
    return page[start : page.index("</a>", start)]


# The bell


def test_bell_shows_the_unread_count_on_staff_pages(manager_client, three_unread):
    for name in ("my_week", "portfolio", "distributors:list", "notifications:list"):
        response = manager_client.get(reverse(name))
        assert response.status_code == 200, name
        assert response.context["nav_unread_notifications"]() == 3
        link = bell(response)
        assert f'href="{LIST}"' in link
        assert '<span class="visually-hidden">Notifications</span>' in link
        assert '<span aria-hidden="true">3</span>' in link
        assert '<span class="visually-hidden">3 unread</span>' in link


def test_executives_have_a_bell_too(client, executive):
    sent(recipient=executive, distributor=None, kind=Reminder.Kind.QUARTER_PLANNING)
    client.force_login(executive)
    link = bell(client.get(reverse("portfolio")))
    assert '<span class="visually-hidden">1 unread</span>' in link


def test_bell_without_unread_says_so_in_words(manager_client):
    link = bell(manager_client.get(reverse("my_week")))
    assert "badge" not in link
    assert "none unread" in link


def test_distributor_users_have_no_bell(client, partner_user):
    factories.ReminderFactory(recipient=partner_user)
    client.force_login(partner_user)
    response = client.get(reverse("portal:home"))
    assert response.status_code == 200
    assert "notification-bell" not in response.content.decode()
    assert "nav_unread_notifications" not in response.context


def test_a_fragment_without_the_bell_does_not_count_for_it(manager_client, three_unread):
    with CaptureQueriesContext(connection) as captured:
        response = manager_client.get(
            reverse("meetings:distributor_search"), {"q": "Midori"}, HTTP_HX_REQUEST="true"
        )
    assert response.status_code == 200
    assert "notification-bell" not in response.content.decode()
    assert not [q for q in captured.captured_queries if "meetings_reminder" in q["sql"]]
    with CaptureQueriesContext(connection) as captured:
        assert "3 unread" in manager_client.get(reverse("my_week")).content.decode()
    assert len([q for q in captured.captured_queries if "meetings_reminder" in q["sql"]]) == 1


def test_unread_count_counts_only_my_undismissed_unread_ones(account_manager, three_unread):
    assert notifications.unread_count(account_manager) == 3


# The list


def test_list_shows_each_notification_newest_first(client, account_manager, distributor):
    account_manager.time_zone = "Europe/London"
    account_manager.save()
    older = factories.ReminderFactory(
        recipient=account_manager,
        distributor=distributor,
        period="2026-12-01",
        message="Plan a touchpoint with Partner before December.",
    )
    newer = sent(
        recipient=account_manager,
        distributor=None,
        kind=Reminder.Kind.QUARTER_PLANNING,
        period="FY2026-Q3",
        read_at=timezone.now(),
    )
    Reminder.objects.filter(pk=older.pk).update(
        created_at=dt.datetime(2026, 11, 2, 0, 30, tzinfo=dt.UTC)
    )
    Reminder.objects.filter(pk=newer.pk).update(
        created_at=dt.datetime(2026, 11, 3, 0, 30, tzinfo=dt.UTC)
    )
    client.force_login(account_manager)
    response = client.get(LIST)
    assert response.status_code == 200
    assert list(response.context["page_obj"]) == [newer, older]
    page = response.content.decode()
    for text in (
        "Touchpoint due",
        "Quarterly touchpoint planning",
        distributor.get_absolute_url(),
        str(distributor),
        "2026-12-01",
        "FY2026-Q3",
        "Plan a touchpoint with Partner before December.",
        "2026-11-02 00:30 GMT",  # created_at in the user's zone, not Tokyo's 09:30
        url("open", older),
        url("mark_read", older),
        str(MARK_ALL),
        reverse("calendar:settings"),
    ):
        assert text in page, text
    # Unread is said in words, not only drawn.
    older_item = page[page.index(f'id="notification-{older.pk}"') :]
    assert ">Unread<" in older_item[: older_item.index("</h2>")]
    newer_item = page[page.index(f'id="notification-{newer.pk}"') :]
    assert ">Read<" in newer_item[: newer_item.index("</h2>")]
    # A read one has no "Mark read" button.
    assert url("mark_read", newer) not in page
    # The buttons name the item they act on.
    assert 'Mark read<span class="visually-hidden">: Touchpoint due · ' in page


def test_list_hides_other_peoples_and_dismissed_notifications(manager_client, three_unread):
    shown = list(manager_client.get(LIST).context["page_obj"])
    assert len(shown) == 4
    assert all(r.state != Reminder.State.DISMISSED for r in shown)
    assert {r.recipient_id for r in shown} == {three_unread[0].recipient_id}


def test_list_is_paginated(manager_client, account_manager):
    for n in range(30):
        factories.ReminderFactory(recipient=account_manager, period=f"2026-12-{n + 1:02d}")
    response = manager_client.get(LIST)
    assert len(response.context["page_obj"]) == 25
    assert "Page 1 of 2" in response.content.decode()
    assert len(manager_client.get(LIST, {"page": 2}).context["page_obj"]) == 5


def test_empty_list_says_so(manager_client):
    assert "You have no notifications." in manager_client.get(LIST).content.decode()


def test_list_makes_a_fixed_number_of_queries(manager_client, account_manager):
    counts = []
    for n in (5, 50):
        Reminder.objects.all().delete()
        for i in range(n):
            factories.ReminderFactory(recipient=account_manager, period=f"p-{i}")
            sent(
                recipient=account_manager,
                distributor=None,
                kind=Reminder.Kind.QUARTER_PLANNING,
                period=f"p-{i}",
            )
        counts.append(count_queries(manager_client, LIST))
    assert counts[0] == counts[1], counts


# Mark read, mark all read, open, dismiss


def test_mark_read_sets_read_at_and_leaves_the_delivery_state(manager_client, three_unread):
    pending, delivered, _ = three_unread
    for reminder in (pending, delivered):
        response = manager_client.post(url("mark_read", reminder), {"next": f"{LIST}?page=1"})
        assert response.status_code == 302
        assert response.url == f"{LIST}?page=1"
    pending.refresh_from_db()
    delivered.refresh_from_db()
    assert pending.read_at is not None and pending.state == Reminder.State.PENDING
    assert pending.sent_at is None
    assert delivered.read_at is not None and delivered.state == Reminder.State.SENT
    assert manager_client.get(LIST).context["nav_unread_notifications"]() == 1


def test_a_pending_reminder_read_in_the_app_is_still_delivered_once(account_manager, three_unread):
    pending = three_unread[0]
    notifications.do_mark_read(account_manager, [pending.pk])
    # The delivery engine's claim is a conditional update on `state`: marking read left it.
    claimed = Reminder.objects.filter(pk=pending.pk, state=Reminder.State.PENDING).update(
        state=Reminder.State.SENT, sent_at=timezone.now()
    )
    assert claimed == 1
    pending.refresh_from_db()
    assert pending.read_at is not None


def test_mark_read_keeps_the_first_read_time(account_manager, three_unread):
    reminder = three_unread[1]
    assert notifications.do_mark_read(account_manager, [reminder.pk]) == 1
    reminder.refresh_from_db()
    first = reminder.read_at
    assert notifications.do_mark_read(account_manager, [reminder.pk]) == 0
    reminder.refresh_from_db()
    assert reminder.read_at == first


def test_mark_read_never_goes_to_an_unsafe_next(manager_client, three_unread):
    response = manager_client.post(
        url("mark_read", three_unread[0]), {"next": "https://evil.example.com/"}
    )
    assert response.url == LIST


def test_mark_all_read_marks_only_mine(manager_client, account_manager, three_unread):
    other = Reminder.objects.exclude(recipient=account_manager).get()
    response = manager_client.post(MARK_ALL, follow=True)
    assert response.redirect_chain == [(LIST, 302)]
    assert "3 notifications marked as read." in response.content.decode()
    for reminder in three_unread:
        reminder.refresh_from_db()
        assert reminder.read_at is not None
    other.refresh_from_db()
    assert other.read_at is None
    assert response.context["nav_unread_notifications"]() == 0


def test_do_mark_read_ignores_other_peoples_ids(account_manager):
    other = factories.ReminderFactory()
    assert notifications.do_mark_read(account_manager, [other.pk]) == 0
    other.refresh_from_db()
    assert other.read_at is None


def test_open_marks_read_and_goes_to_the_distributor(manager_client, three_unread, distributor):
    reminder = three_unread[0]
    response = manager_client.get(url("open", reminder))
    assert response.status_code == 302
    assert response.url == distributor.get_absolute_url()
    reminder.refresh_from_db()
    assert reminder.read_at is not None
    assert reminder.state == Reminder.State.PENDING


def test_open_without_distributor_goes_to_the_page_that_needs_action(
    manager_client, account_manager
):
    reminder = sent(
        recipient=account_manager, distributor=None, kind=Reminder.Kind.QUARTER_PLANNING
    )
    response = manager_client.get(url("open", reminder))
    assert response.url == reminder.get_absolute_url() == reverse("my_week")
    reminder.refresh_from_db()
    assert reminder.read_at is not None


def test_dismiss_hides_a_delivered_notification(manager_client, three_unread):
    delivered = three_unread[1]
    response = manager_client.post(url("dismiss", delivered))
    assert response.url == LIST
    delivered.refresh_from_db()
    assert delivered.state == Reminder.State.DISMISSED
    assert delivered.read_at is not None
    response = manager_client.get(LIST)
    assert delivered not in response.context["page_obj"]
    assert response.context["nav_unread_notifications"]() == 2


def test_a_pending_notification_cannot_be_dismissed(manager_client, three_unread):
    pending = three_unread[0]
    page = manager_client.get(LIST).content.decode()
    assert url("dismiss", pending) not in page
    assert url("dismiss", three_unread[1]) in page
    response = manager_client.post(url("dismiss", pending), follow=True)
    assert "cannot be dismissed before it has been delivered" in response.content.decode()
    pending.refresh_from_db()
    assert pending.state == Reminder.State.PENDING


def test_someone_elses_notification_is_404(manager_client):
    other = sent()
    assert manager_client.get(url("open", other)).status_code == 404
    assert manager_client.post(url("mark_read", other)).status_code == 404
    assert manager_client.post(url("dismiss", other)).status_code == 404
    other.refresh_from_db()
    assert other.read_at is None and other.state == Reminder.State.SENT


def test_writes_need_post(manager_client, three_unread):
    reminder = three_unread[0]
    assert manager_client.get(url("mark_read", reminder)).status_code == 405
    assert manager_client.get(url("dismiss", reminder)).status_code == 405
    assert manager_client.get(MARK_ALL).status_code == 405
    reminder.refresh_from_db()
    assert reminder.read_at is None


# Roles


def test_executive_reads_and_marks_their_notifications(client, executive):
    reminder = sent(recipient=executive)
    client.force_login(executive)
    assert client.get(LIST).status_code == 200
    assert client.post(url("mark_read", reminder)).status_code == 302
    reminder.refresh_from_db()
    assert reminder.read_at is not None


def test_distributor_user_gets_403(client, partner_user):
    reminder = factories.ReminderFactory(recipient=partner_user)
    client.force_login(partner_user)
    assert client.get(LIST).status_code == 403
    assert client.get(url("open", reminder)).status_code == 403
    assert client.post(url("mark_read", reminder)).status_code == 403
    assert client.post(url("dismiss", reminder)).status_code == 403
    assert client.post(MARK_ALL).status_code == 403
    reminder.refresh_from_db()
    assert reminder.read_at is None


def test_anonymous_user_is_sent_to_login(client):
    reminder = factories.ReminderFactory()
    for response in (
        client.get(LIST),
        client.get(url("open", reminder)),
        client.post(url("mark_read", reminder)),
        client.post(MARK_ALL),
    ):
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))
    reminder.refresh_from_db()
    assert reminder.read_at is None


def test_a_user_chooses_which_reminders_come_by_e_mail(client, account_manager):
    client.force_login(account_manager)
    url = reverse("notifications:preferences")
    form = client.get(url).context["form"]
    assert set(form.initial["email_kinds"]) == set(Reminder.Kind.values)  # all on at first

    keep = [Reminder.Kind.QUARTER_PLANNING, Reminder.Kind.EXECUTIVE_DIGEST]
    response = client.post(url, {"email_kinds": keep}, follow=True)
    assert "Your e-mail preferences are saved." in response.content.decode()
    wanted = notifications.email_preferences(account_manager)
    assert [kind for kind, on in wanted.items() if on] == keep
    assert NotificationPreference.objects.filter(user=account_manager, email=False).count() == (
        len(Reminder.Kind.values) - 2
    )


def test_a_bogus_kind_is_a_form_error(client, account_manager):
    client.force_login(account_manager)
    response = client.post(reverse("notifications:preferences"), {"email_kinds": ["bogus"]})
    assert response.status_code == 200
    assert response.context["form"].errors["email_kinds"]


def test_distributor_users_have_no_e_mail_preferences_here(client, partner_user):
    client.force_login(partner_user)
    assert client.get(reverse("notifications:preferences")).status_code == 403
