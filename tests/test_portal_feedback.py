"""Feedback in the partner portal, and how it reaches our staff inbox (issue 6, items 4 and 7)."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse, reverse_lazy
from django.utils.html import escape

from distributors.feedback_services import (
    do_answer_feedback,
    do_reply_to_feedback,
    do_submit_feedback,
)
from distributors.models import Feedback, FeedbackReply
from meetings.models import Reminder
from prm.choices import Language
from tests import factories
from tests.queries import count_queries

pytestmark = pytest.mark.django_db

LIST = reverse_lazy("portal:feedback_list")
CREATE = reverse_lazy("portal:feedback_create")
INBOX = reverse_lazy("distributors:feedback_inbox")


def portal_url(feedback):
    return reverse("portal:feedback_detail", args=[feedback.pk])


def staff_url(feedback):
    return reverse("distributors:feedback_detail", args=[feedback.pk])


def sent_at(feedback, when):
    Feedback.objects.filter(pk=feedback.pk).update(created_at=when)


def feedback_data(**changes):
    return {
        "kind": Feedback.Kind.CONCERN,
        "subject": "Late deliveries in Sendai",
        "body": "Three of the last five deliveries came a day late.",
        **changes,
    }


def portal_user(distributor, **kwargs):
    """A portal user who reads the portal in English (contacts default to Japanese)."""
    return factories.PortalUserFactory(
        portal_contact__distributor=distributor, portal_contact__language=Language.ENGLISH, **kwargs
    )


@pytest.fixture
def partner_user(distributor):
    return portal_user(distributor)


@pytest.fixture
def partner_client(client, partner_user):
    client.force_login(partner_user)
    return client


@pytest.fixture
def colleague(distributor):
    return portal_user(distributor, first_name="Hanako", last_name="Colleague")


@pytest.fixture
def other_partner():
    """A portal user of distributor B, who must never reach distributor A's feedback."""
    return portal_user(factories.DistributorFactory(name_en="Rival Logistics"))


@pytest.fixture
def feedback(distributor, partner_user):
    return factories.FeedbackFactory(
        distributor=distributor,
        submitted_by=partner_user,
        subject="Shelf prices in Osaka",
        body="A competitor cut shelf prices.",
    )


# ---------------------------------------------------------------------------------------------
# Sending feedback


@pytest.mark.parametrize("kind", Feedback.Kind.values)
@pytest.mark.parametrize("anonymous", [False, True])
def test_partner_sends_each_kind_and_the_account_manager_is_told(
    partner_client, partner_user, distributor, account_manager, kind, anonymous
):
    data = feedback_data(kind=kind)
    if anonymous:
        data["anonymous_to_team"] = "on"
    response = partner_client.post(CREATE, data, follow=True)
    feedback = Feedback.objects.get()
    assert response.redirect_chain[-1][0] == portal_url(feedback)
    assert (feedback.distributor, feedback.submitted_by, feedback.kind) == (
        distributor,
        partner_user,
        kind,
    )
    assert feedback.anonymous_to_team is anonymous
    assert feedback.status == Feedback.Status.NEW
    page = response.content.decode()
    assert "Thank you: your feedback was sent to our team." in page
    assert "Late deliveries in Sendai" in page and str(Feedback.Kind(kind).label) in page

    reminder = Reminder.objects.get(kind=Reminder.Kind.FEEDBACK_RECEIVED)
    assert (reminder.recipient, reminder.distributor) == (account_manager, distributor)
    assert reminder.link == staff_url(feedback)
    assert "Late deliveries in Sendai" in reminder.message
    # The notification names the company, never the person.
    assert partner_user.last_name not in reminder.message


def test_the_form_is_labelled_and_explains_the_anonymity_in_plain_words(partner_client):
    page = partner_client.get(CREATE).content.decode()
    for label in ("Market feedback", "Improvement suggestion", "Product or brand idea", "Concern"):
        assert label in page
    assert 'for="id_subject"' in page and 'for="id_body"' in page
    assert 'for="id_anonymous_to_team"' in page
    assert "Visible to the account manager only" in page
    assert "Your account manager still sees your name." in page


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"subject": "", "body": "", "kind": ""}, "subject"),
        ({"body": "   \n  "}, "body"),
        ({"subject": "x" * 201}, "subject"),
        ({"body": "あ" * 5001}, "body"),
        ({"kind": "complaint"}, "kind"),
        ({"body": "null \x00 byte"}, "body"),
    ],
)
def test_bad_input_is_refused_saves_nothing_and_keeps_what_was_typed(
    partner_client, changes, field
):
    data = feedback_data(**changes)
    response = partner_client.post(CREATE, data)
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    page = response.content.decode()
    assert 'class="invalid-feedback"' in page or "is-invalid" in page
    assert not Feedback.objects.exists() and not Reminder.objects.exists()
    if field != "subject":
        assert 'value="Late deliveries in Sendai"' in page


def test_emoji_and_japanese_are_kept_as_written(partner_client):
    partner_client.post(
        CREATE, feedback_data(subject="仙台の配送 🚚", body="遅延が続いています 😟")
    )
    feedback = Feedback.objects.get()
    assert (feedback.subject, feedback.body) == ("仙台の配送 🚚", "遅延が続いています 😟")
    page = partner_client.get(portal_url(feedback)).content.decode()
    assert "仙台の配送 🚚" in page and "遅延が続いています 😟" in page


def test_no_distributor_without_an_account_manager_breaks_sending(client):
    user = portal_user(factories.DistributorFactory(account_manager=None))
    client.force_login(user)
    assert client.post(CREATE, feedback_data()).status_code == 302
    assert Feedback.objects.count() == 1 and not Reminder.objects.exists()


# ---------------------------------------------------------------------------------------------
# The list


def test_list_shows_the_whole_companys_feedback_newest_first(
    partner_client, distributor, partner_user, colleague, other_partner
):
    mine = factories.FeedbackFactory(
        distributor=distributor, submitted_by=partner_user, subject="Mine"
    )
    theirs = factories.FeedbackFactory(
        distributor=distributor,
        submitted_by=colleague,
        subject="Colleague's quiet concern",
        kind=Feedback.Kind.CONCERN,
        status=Feedback.Status.IN_PROGRESS,
        anonymous_to_team=True,
    )
    factories.FeedbackFactory(
        distributor=other_partner.portal_distributor, subject="Rival's feedback"
    )
    sent_at(mine, dt.datetime(2026, 4, 1, tzinfo=dt.UTC))
    sent_at(theirs, dt.datetime(2026, 4, 2, 3, 0, tzinfo=dt.UTC))
    factories.FeedbackReplyFactory.create_batch(2, feedback=theirs)

    response = partner_client.get(LIST)
    assert list(response.context["page_obj"]) == [theirs, mine]
    page = response.content.decode()
    assert "Rival" not in page
    assert "Concern" in page and "In progress" in page and "New" in page
    assert "2026-04-02 12:00" in page  # in the user's zone (Asia/Tokyo)
    assert "Hanako Colleague" in page
    assert '<td class="text-end">2</td>' in page
    assert "from our team" in page
    assert f'href="{portal_url(theirs)}"' in page


def test_list_pages(partner_client, distributor):
    factories.FeedbackFactory.create_batch(25, distributor=distributor)
    response = partner_client.get(LIST)
    assert len(response.context["page_obj"]) == 20
    assert "?page=2" in response.content.decode()
    assert len(partner_client.get(LIST, {"page": 2}).context["page_obj"]) == 5


def test_list_makes_the_same_number_of_queries_for_5_and_50_items(
    partner_client, distributor, partner_user
):
    def add(n):
        for item in factories.FeedbackFactory.create_batch(
            n, distributor=distributor, submitted_by=partner_user
        ):
            factories.FeedbackReplyFactory(feedback=item)
            factories.FeedbackReplyFactory(feedback=item, author=partner_user)

    add(5)
    few = count_queries(partner_client, LIST)
    add(45)
    assert count_queries(partner_client, LIST) == few


# ---------------------------------------------------------------------------------------------
# The thread, both sides


def test_staff_inbox_shows_what_the_partner_sent(client, partner_client, account_manager):
    partner_client.post(CREATE, feedback_data(kind=Feedback.Kind.PRODUCT_IDEA))
    client.force_login(account_manager)
    page = client.get(INBOX).content.decode()
    assert "Late deliveries in Sendai" in page and "Product or brand idea" in page
    assert staff_url(Feedback.objects.get()) in page


def test_our_reply_appears_in_the_portal_with_the_new_status(
    partner_client, feedback, account_manager
):
    account_manager.first_name, account_manager.last_name = "Taro", "Yamada"
    account_manager.save()
    do_reply_to_feedback(account_manager, feedback, "We are checking with sales.", "in_progress")
    page = partner_client.get(portal_url(feedback)).content.decode()
    assert "A competitor cut shelf prices." in page
    assert "We are checking with sales." in page
    assert "Taro Yamada" in page and "our team" in page
    assert "In progress" in page
    assert 'name="reopen"' not in page  # an open item has nothing to reopen


def test_partner_answers_back_and_staff_see_it_from_the_distributor(
    client, partner_client, partner_user, feedback, account_manager, distributor
):
    do_reply_to_feedback(account_manager, feedback, "Which stores?")
    response = partner_client.post(portal_url(feedback), {"body": "Mostly in Namba."}, follow=True)
    assert response.redirect_chain[-1][0] == portal_url(feedback)
    assert "Your answer was added." in response.content.decode()
    reply = feedback.replies.latest("pk")
    assert (reply.author, reply.body) == (partner_user, "Mostly in Namba.")

    reminder = Reminder.objects.get(kind=Reminder.Kind.FEEDBACK_ANSWERED)
    assert (reminder.recipient, reminder.distributor) == (account_manager, distributor)
    assert reminder.link == staff_url(feedback)
    assert "Shelf prices in Osaka" in reminder.message

    client.force_login(account_manager)
    page = client.get(staff_url(feedback)).content.decode()
    thread = page.split('id="thread-heading"')[1]
    ours, theirs = thread.split('id="reply-')[1:3]
    assert "Which stores?" in ours and "From the distributor" not in ours
    assert "Mostly in Namba." in theirs and "From the distributor" in theirs
    assert escape(str(partner_user)) in theirs

    inbox = client.get(INBOX).content.decode()
    assert "Unanswered reply from the distributor" in inbox
    do_reply_to_feedback(account_manager, feedback, "Thank you, noted.")
    assert "Unanswered reply from the distributor" not in client.get(INBOX).content.decode()


def test_a_colleague_may_answer_in_the_thread(client, colleague, feedback):
    client.force_login(colleague)
    client.post(portal_url(feedback), {"body": "Also in Umeda."})
    assert feedback.replies.get().author == colleague


@pytest.mark.parametrize("status", [Feedback.Status.ADDRESSED, Feedback.Status.DECLINED])
def test_an_answer_on_a_closed_item_reopens_it_only_when_asked(partner_client, feedback, status):
    Feedback.objects.filter(pk=feedback.pk).update(status=status)
    page = partner_client.get(portal_url(feedback)).content.decode()
    assert 'name="reopen"' in page and 'for="id_reopen"' in page

    partner_client.post(portal_url(feedback), {"body": "Thank you!"})
    feedback.refresh_from_db()
    assert feedback.status == status

    partner_client.post(portal_url(feedback), {"body": "It happened again.", "reopen": "on"})
    feedback.refresh_from_db()
    assert feedback.status == Feedback.Status.NEW
    assert feedback.replies.count() == 2


def test_reopen_is_ignored_on_an_open_item(partner_client, feedback):
    Feedback.objects.filter(pk=feedback.pk).update(status=Feedback.Status.IN_PROGRESS)
    partner_client.post(portal_url(feedback), {"body": "More detail.", "reopen": "on"})
    feedback.refresh_from_db()
    assert feedback.status == Feedback.Status.IN_PROGRESS


@pytest.mark.parametrize("body", ["", "   ", "x" * 5001])
def test_a_bad_answer_is_refused_and_keeps_what_was_typed(partner_client, feedback, body):
    response = partner_client.post(portal_url(feedback), {"body": body})
    assert response.status_code == 200
    assert response.context["form"].errors["body"]
    if body.strip():
        assert body in response.content.decode()
    assert not feedback.replies.exists() and not Reminder.objects.exists()


def test_the_thread_makes_the_same_number_of_queries_for_a_short_and_a_long_thread(
    partner_client, feedback, partner_user
):
    factories.FeedbackReplyFactory.create_batch(5, feedback=feedback)
    few = count_queries(partner_client, portal_url(feedback))
    factories.FeedbackReplyFactory.create_batch(45, feedback=feedback)
    factories.FeedbackReplyFactory.create_batch(5, feedback=feedback, author=partner_user)
    assert count_queries(partner_client, portal_url(feedback)) == few


# ---------------------------------------------------------------------------------------------
# Anonymous to our wider team


@pytest.fixture
def anonymous_feedback(partner_client, partner_user, account_manager):
    partner_user.first_name, partner_user.last_name = "Kenji", "Quietname"
    partner_user.save()
    partner_client.post(CREATE, feedback_data(anonymous_to_team="on"))
    feedback = Feedback.objects.get()
    do_reply_to_feedback(account_manager, feedback, "Thank you for telling us.")
    partner_client.post(portal_url(feedback), {"body": "The driver changed in March."})
    return feedback


def test_anonymous_sender_is_hidden_from_an_executive_also_in_the_thread(
    client, anonymous_feedback, executive
):
    client.force_login(executive)
    page = client.get(staff_url(anonymous_feedback)).content.decode()
    assert "Quietname" not in page
    assert "Hidden: the sender asked to be known to the account manager only." in page
    assert "The driver changed in March." in page and "The sender" in page
    assert "From the distributor" in page


def test_anonymous_sender_is_shown_to_the_account_manager(
    client, anonymous_feedback, account_manager
):
    client.force_login(account_manager)
    page = client.get(staff_url(anonymous_feedback)).content.decode()
    assert page.count("Kenji Quietname") >= 2  # the sender, and the author of the answer


def test_colleagues_see_who_sent_an_anonymous_item(client, anonymous_feedback, colleague):
    client.force_login(colleague)
    page = client.get(portal_url(anonymous_feedback)).content.decode()
    assert "Kenji Quietname" in page
    assert "Visible to the account manager only" in page
    assert "Kenji Quietname" in client.get(LIST).content.decode()


# ---------------------------------------------------------------------------------------------
# Who may see what


def test_another_distributors_user_gets_404_and_writes_nothing(client, other_partner, feedback):
    client.force_login(other_partner)
    assert client.get(portal_url(feedback)).status_code == 404
    assert client.post(portal_url(feedback), {"body": "Hello"}).status_code == 404
    assert feedback not in client.get(LIST).context["page_obj"]
    assert not FeedbackReply.objects.exists() and not Reminder.objects.exists()


def test_services_refuse_to_write_in_another_distributors_name(other_partner, feedback, executive):
    with pytest.raises(PermissionDenied):
        do_answer_feedback(other_partner, feedback, "Hello")
    with pytest.raises(PermissionDenied):
        do_submit_feedback(executive, kind="market", subject="x", body="y")
    assert not FeedbackReply.objects.exists()


def test_missing_feedback_is_404(partner_client):
    assert partner_client.get(reverse("portal:feedback_detail", args=[999999])).status_code == 404


def test_staff_get_403_on_the_portal_pages(client, account_manager, executive, feedback):
    for user in (account_manager, executive):
        client.force_login(user)
        for url in (LIST, CREATE, portal_url(feedback)):
            assert client.get(url).status_code == 403
        assert client.post(CREATE, feedback_data()).status_code == 403
        assert client.post(portal_url(feedback), {"body": "Hi"}).status_code == 403
    assert Feedback.objects.count() == 1 and not FeedbackReply.objects.exists()


def test_anonymous_visitor_is_sent_to_login(client, feedback):
    for url in (LIST, CREATE, portal_url(feedback)):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


def test_list_accepts_only_get(partner_client):
    assert partner_client.post(LIST).status_code == 405


def test_internal_notes_and_other_distributors_never_reach_the_portal(
    partner_client, distributor, feedback, other_partner, account_manager
):
    distributor.notes = "INTERNAL: thinking of dropping them"
    distributor.save()
    factories.TouchpointFactory(distributor=distributor, unspoken_concerns="SECRET: worried")
    do_reply_to_feedback(account_manager, feedback, "Noted.")
    for url in (LIST, CREATE, portal_url(feedback)):
        page = partner_client.get(url).content.decode()
        assert "INTERNAL" not in page and "SECRET" not in page
        assert "Rival Logistics" not in page


def test_pages_read_in_japanese(client, distributor, feedback):
    client.force_login(factories.PortalUserFactory(portal_contact__distributor=distributor))
    for url in (LIST, CREATE, portal_url(feedback)):
        response = client.get(url)
        assert response.status_code == 200
        assert '<html lang="ja">' in response.content.decode()
