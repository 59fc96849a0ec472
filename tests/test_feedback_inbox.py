import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse, reverse_lazy

from distributors.feedback_services import do_reply_to_feedback, do_set_feedback_status
from distributors.models import Feedback
from tests import factories
from tests.queries import count_queries

pytestmark = pytest.mark.django_db

INBOX = reverse_lazy("distributors:feedback_inbox")


def detail_url(feedback):
    return reverse("distributors:feedback_detail", args=[feedback.pk])


def sent_at(feedback, when):
    Feedback.objects.filter(pk=feedback.pk).update(created_at=when)


@pytest.fixture
def manager_client(client, account_manager):
    client.force_login(account_manager)
    return client


def test_inbox_row_shows_what_a_manager_looks_for(manager_client, distributor):
    feedback = factories.FeedbackFactory(
        distributor=distributor, kind=Feedback.Kind.CONCERN, subject="Late deliveries in Sendai"
    )
    sent_at(feedback, dt.datetime(2026, 5, 1, 0, 30, tzinfo=dt.UTC))
    reply = factories.FeedbackReplyFactory(feedback=feedback)
    factories.FeedbackReply.objects.filter(pk=reply.pk).update(
        created_at=dt.datetime(2026, 5, 2, 23, 0, tzinfo=dt.UTC)
    )
    page = manager_client.get(INBOX).content.decode()
    assert "Late deliveries in Sendai" in page
    assert feedback.get_absolute_url() in page
    assert distributor.name_en in page
    assert "Concern" in page and "New" in page
    assert "2026-05-01 09:30" in page  # sent at, in the user's zone (Asia/Tokyo)
    assert "2026-05-03 08:00" in page  # last reply, same zone
    assert '<td class="text-end">1</td>' in page


def test_times_follow_the_users_own_zone(client, account_manager, distributor):
    account_manager.time_zone = "Europe/Paris"
    account_manager.save()
    feedback = factories.FeedbackFactory(distributor=distributor)
    sent_at(feedback, dt.datetime(2026, 5, 1, 0, 30, tzinfo=dt.UTC))
    client.force_login(account_manager)
    assert "2026-05-01 02:30" in client.get(INBOX).content.decode()


def test_inbox_is_newest_first(manager_client, distributor):
    old = factories.FeedbackFactory(distributor=distributor, subject="Older")
    new = factories.FeedbackFactory(distributor=distributor, subject="Newer")
    sent_at(old, dt.datetime(2026, 4, 1, tzinfo=dt.UTC))
    sent_at(new, dt.datetime(2026, 4, 2, tzinfo=dt.UTC))
    assert list(manager_client.get(INBOX).context["page_obj"]) == [new, old]


def test_manager_sees_own_distributors_by_default_and_all_on_request(manager_client, distributor):
    mine = factories.FeedbackFactory(distributor=distributor, subject="From my partner")
    theirs = factories.FeedbackFactory(subject="From another partner")
    assert list(manager_client.get(INBOX).context["page_obj"]) == [mine]
    response = manager_client.get(INBOX, {"scope": "all"})
    assert set(response.context["page_obj"]) == {mine, theirs}
    assert 'value="all" selected' in response.content.decode()


def test_executive_sees_all_feedback_without_the_switch(client, executive, distributor):
    factories.FeedbackFactory(distributor=distributor)
    factories.FeedbackFactory()
    client.force_login(executive)
    response = client.get(INBOX)
    assert len(response.context["page_obj"]) == 2
    assert 'name="scope"' not in response.content.decode()


def test_filters_by_status_and_kind(manager_client, distributor):
    concern = factories.FeedbackFactory(distributor=distributor, kind=Feedback.Kind.CONCERN)
    factories.FeedbackFactory(distributor=distributor, kind=Feedback.Kind.MARKET)
    addressed = factories.FeedbackFactory(
        distributor=distributor, kind=Feedback.Kind.CONCERN, status=Feedback.Status.ADDRESSED
    )
    response = manager_client.get(INBOX, {"kind": "concern", "status": "new"})
    assert list(response.context["page_obj"]) == [concern]
    page = response.content.decode()
    assert 'for="id_status"' in page and 'for="id_kind"' in page  # labelled fields
    assert list(manager_client.get(INBOX, {"status": "addressed"}).context["page_obj"]) == [
        addressed
    ]


def test_a_wrong_filter_value_is_shown_and_ignored(manager_client, distributor):
    factories.FeedbackFactory(distributor=distributor)
    response = manager_client.get(INBOX, {"status": "bogus"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert len(response.context["page_obj"]) == 1


def test_pages_keep_the_filters(manager_client, distributor):
    factories.FeedbackFactory.create_batch(30, distributor=distributor)
    response = manager_client.get(INBOX, {"status": "new"})
    assert len(response.context["page_obj"]) == 25
    assert "?status=new&amp;page=2" in response.content.decode()
    assert len(manager_client.get(INBOX, {"status": "new", "page": 2}).context["page_obj"]) == 5


def test_detail_shows_message_sender_and_thread(manager_client, distributor, partner_user):
    feedback = factories.FeedbackFactory(
        distributor=distributor, submitted_by=partner_user, body="Shelf prices fell 10%."
    )
    factories.FeedbackReplyFactory(feedback=feedback, body="We are checking with sales.")
    page = manager_client.get(detail_url(feedback)).content.decode()
    assert "Shelf prices fell 10%." in page
    assert str(partner_user) in page
    assert "We are checking with sales." in page
    assert 'name="reply-body"' in page and 'name="status-status"' in page


@pytest.mark.parametrize("viewer", ["other_manager", "executive"])
def test_anonymous_sender_is_hidden_from_all_but_the_account_manager(
    client, distributor, partner_user, executive, viewer
):
    feedback = factories.FeedbackFactory(
        distributor=distributor, submitted_by=partner_user, anonymous_to_team=True
    )
    factories.FeedbackReplyFactory(feedback=feedback, author=partner_user, body="More detail.")
    users = {"other_manager": factories.AccountManagerFactory(), "executive": executive}
    client.force_login(users[viewer])
    page = client.get(detail_url(feedback)).content.decode()
    assert partner_user.get_full_name() not in page
    assert "Hidden: the sender asked to be known to the account manager only." in page
    assert "The sender" in page and "More detail." in page


def test_anonymous_sender_is_shown_to_the_account_manager(
    manager_client, distributor, partner_user
):
    feedback = factories.FeedbackFactory(
        distributor=distributor, submitted_by=partner_user, anonymous_to_team=True
    )
    page = manager_client.get(detail_url(feedback)).content.decode()
    assert partner_user.get_full_name() in page
    assert "shown to you only, as the account manager" in page


def test_reply_acknowledges_a_new_item(manager_client, account_manager, distributor):
    feedback = factories.FeedbackFactory(distributor=distributor)
    response = manager_client.post(
        detail_url(feedback),
        {"form": "reply", "reply-body": "Thank you, noted.", "reply-status": ""},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == detail_url(feedback)
    feedback.refresh_from_db()
    assert feedback.status == Feedback.Status.ACKNOWLEDGED
    reply = feedback.replies.get()
    assert (reply.author, reply.body) == (account_manager, "Thank you, noted.")
    page = response.content.decode()
    assert "Thank you, noted." in page and "Your reply was added." in page


def test_reply_with_a_chosen_status(manager_client, distributor):
    feedback = factories.FeedbackFactory(distributor=distributor)
    manager_client.post(
        detail_url(feedback),
        {"form": "reply", "reply-body": "On it.", "reply-status": "in_progress"},
    )
    feedback.refresh_from_db()
    assert feedback.status == Feedback.Status.IN_PROGRESS


def test_reply_keeps_the_status_of_an_item_already_read(account_manager, distributor):
    feedback = factories.FeedbackFactory(
        distributor=distributor, status=Feedback.Status.IN_PROGRESS
    )
    do_reply_to_feedback(account_manager, feedback, "Still on it.")
    feedback.refresh_from_db()
    assert feedback.status == Feedback.Status.IN_PROGRESS


def test_status_change(manager_client, distributor):
    feedback = factories.FeedbackFactory(distributor=distributor)
    response = manager_client.post(
        detail_url(feedback), {"form": "status", "status-status": "declined"}, follow=True
    )
    feedback.refresh_from_db()
    assert feedback.status == Feedback.Status.DECLINED
    assert not feedback.replies.exists()
    assert "The status is now “Declined”." in response.content.decode()


def test_empty_reply_is_refused_and_keeps_what_was_chosen(manager_client, distributor):
    feedback = factories.FeedbackFactory(distributor=distributor)
    response = manager_client.post(
        detail_url(feedback), {"form": "reply", "reply-body": "   ", "reply-status": "addressed"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "This field is required." in page
    assert '<option value="addressed" selected>' in page
    feedback.refresh_from_db()
    assert feedback.status == Feedback.Status.NEW and not feedback.replies.exists()


def test_wrong_status_is_refused(manager_client, distributor):
    feedback = factories.FeedbackFactory(distributor=distributor)
    response = manager_client.post(
        detail_url(feedback), {"form": "status", "status-status": "lost"}
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    feedback.refresh_from_db()
    assert feedback.status == Feedback.Status.NEW


def test_executive_reads_but_cannot_write(client, executive, distributor):
    feedback = factories.FeedbackFactory(distributor=distributor)
    client.force_login(executive)
    response = client.get(detail_url(feedback))
    assert response.status_code == 200
    assert 'name="reply-body"' not in response.content.decode()
    for data in (
        {"form": "reply", "reply-body": "Hello"},
        {"form": "status", "status-status": "addressed"},
    ):
        assert client.post(detail_url(feedback), data).status_code == 403
    feedback.refresh_from_db()
    assert feedback.status == Feedback.Status.NEW and not feedback.replies.exists()


def test_services_refuse_an_executive(executive, distributor):
    feedback = factories.FeedbackFactory(distributor=distributor)
    with pytest.raises(PermissionDenied):
        do_reply_to_feedback(executive, feedback, "Hello")
    with pytest.raises(PermissionDenied):
        do_set_feedback_status(executive, feedback, Feedback.Status.ADDRESSED)


def test_distributor_user_gets_403(client, partner_user, distributor):
    feedback = factories.FeedbackFactory(distributor=distributor, submitted_by=partner_user)
    client.force_login(partner_user)
    assert client.get(INBOX).status_code == 403
    assert client.get(detail_url(feedback)).status_code == 403
    response = client.post(detail_url(feedback), {"form": "reply", "reply-body": "Hi"})
    assert response.status_code == 403


def test_anonymous_user_is_sent_to_login(client, distributor):
    feedback = factories.FeedbackFactory(distributor=distributor)
    for url in (INBOX, detail_url(feedback)):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


def test_missing_feedback_is_404(manager_client):
    response = manager_client.get(reverse("distributors:feedback_detail", args=[999999]))
    assert response.status_code == 404


@pytest.mark.parametrize("url", [INBOX, INBOX + "?scope=all&status=new"])
def test_inbox_makes_the_same_number_of_queries_for_5_and_50_rows(manager_client, distributor, url):
    def add(n):
        for feedback in factories.FeedbackFactory.create_batch(n, distributor=distributor):
            factories.FeedbackReplyFactory.create_batch(2, feedback=feedback)

    add(5)
    few = count_queries(manager_client, url)
    add(45)
    assert count_queries(manager_client, url) == few


def test_detail_makes_the_same_number_of_queries_for_a_short_and_a_long_thread(
    manager_client, distributor
):
    feedback = factories.FeedbackFactory(distributor=distributor)
    factories.FeedbackReplyFactory.create_batch(5, feedback=feedback)
    few = count_queries(manager_client, detail_url(feedback))
    factories.FeedbackReplyFactory.create_batch(45, feedback=feedback)
    assert count_queries(manager_client, detail_url(feedback)) == few
