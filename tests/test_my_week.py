import datetime as dt

import pytest
from django.urls import reverse, reverse_lazy
from django.utils import timezone

from distributors.models import Contact, Distributor, Feedback, SharedPlanAcknowledgement
from meetings.models import ActionItem, AgendaItem, AlignmentMeeting
from milestones.models import GoalAgreement
from prm.choices import Side
from tests import factories
from tests.queries import count_queries

pytestmark = pytest.mark.django_db

MY_WEEK = reverse_lazy("my_week")


@pytest.fixture
def manager_client(client, account_manager):
    client.force_login(account_manager)
    return client


def today():
    return timezone.localdate()


def days_ago(days):
    return timezone.now() - dt.timedelta(days=days)


def long_known(**kwargs):
    """A distributor added long ago, so that its cadence counts from its events only."""
    distributor = factories.DistributorFactory(**kwargs)
    Distributor.objects.filter(pk=distributor.pk).update(created_at=days_ago(400))
    return distributor


def held_meeting(distributor, days):
    return factories.AlignmentMeetingFactory(
        distributors=[distributor], status=AlignmentMeeting.Status.HELD, starts_at=days_ago(days)
    )


def senior_touchpoint(distributor, days):
    touchpoint = factories.TouchpointFactory(
        distributor=distributor, occurred_on=today() - dt.timedelta(days=days)
    )
    touchpoint.contacts.add(
        factories.ContactFactory(distributor=distributor, seniority=Contact.Seniority.EXECUTIVE)
    )
    return touchpoint


def due_states(response):
    return {
        row.distributor: {state.kind: state for state in row.states}
        for row in response.context["due_distributors"]
    }


def test_due_and_overdue_distributors_are_listed_with_the_reason(manager_client, account_manager):
    on_track = long_known(account_manager=account_manager, name_en="Calm Partner")
    held_meeting(on_track, 10)
    senior_touchpoint(on_track, 5)

    alignment_overdue = long_known(account_manager=account_manager, name_en="Quiet Partner")
    held_meeting(alignment_overdue, 130)
    senior_touchpoint(alignment_overdue, 5)

    touchpoint_soon = long_known(account_manager=account_manager, name_en="Busy Partner")
    held_meeting(touchpoint_soon, 60)
    senior_touchpoint(touchpoint_soon, 36)  # every 6 weeks: due in 6 days

    paused = long_known(account_manager=account_manager, status=Distributor.Status.PAUSED)
    long_known(name_en="Someone Else's Partner")

    response = manager_client.get(MY_WEEK)
    states = due_states(response)
    assert set(states) == {alignment_overdue, touchpoint_soon}
    assert list(states) == [alignment_overdue, touchpoint_soon]  # most urgent first

    overdue = states[alignment_overdue]["alignment"]
    assert overdue.status == "overdue" and overdue.due_on < today()
    soon = states[touchpoint_soon]["touchpoint"]
    assert soon.status == "due_soon" and soon.due_on == today() + dt.timedelta(days=6)
    assert list(states[touchpoint_soon]) == ["touchpoint"]

    page = response.content.decode()
    assert f"since {overdue.due_on:%Y-%m-%d}" in page
    assert f"by {soon.due_on:%Y-%m-%d}" in page
    assert overdue.reason in page and soon.reason in page
    assert alignment_overdue.get_absolute_url() in page
    # Other portfolios are absent from My week (the quick form may still offer them).
    assert "Someone Else" not in page.split('id="log-touchpoint"')[0]
    assert "Someone Else" not in page.split("</details>")[1]
    assert set(response.context["nothing_due"]) == {on_track, paused}


def test_a_distributors_own_cadence_counts(manager_client, account_manager):
    distributor = long_known(account_manager=account_manager)
    factories.CadenceFactory(distributor=distributor, touchpoint_interval_weeks=2)
    held_meeting(distributor, 30)
    senior_touchpoint(distributor, 20)  # every 2 weeks: overdue since 6 days
    state = due_states(manager_client.get(MY_WEEK))[distributor]["touchpoint"]
    assert state.status == "overdue"
    assert state.due_on == today() - dt.timedelta(days=6)


def test_meetings_of_the_next_14_days(manager_client, distributor):
    soon = factories.AlignmentMeetingFactory(distributors=[distributor], title="Kansai review")
    factories.AlignmentMeetingFactory(
        distributors=[distributor],
        title="Far away review",
        starts_at=timezone.now() + dt.timedelta(days=20),
    )
    factories.AlignmentMeetingFactory(title="Not my review")
    page = manager_client.get(MY_WEEK).content.decode()
    assert "Kansai review" in page and soon.get_absolute_url() in page
    assert "Far away review" not in page and "Not my review" not in page


def test_my_open_action_items_by_due_date_with_overdue_in_words(
    manager_client, account_manager, distributor
):
    meeting = factories.AlignmentMeetingFactory(distributors=[distributor])
    later = factories.ActionItemFactory(
        meeting=meeting, owner_user=account_manager, description="Send samples"
    )
    late = factories.ActionItemFactory(
        meeting=meeting,
        owner_user=account_manager,
        description="Confirm Obon stock",
        due_on=today() - dt.timedelta(days=2),
    )
    factories.ActionItemFactory(
        meeting=meeting,
        owner_user=account_manager,
        description="Already done",
        status=ActionItem.Status.DONE,
        completed_at=timezone.now(),
    )
    factories.ActionItemFactory(meeting=meeting, description="Someone else's action")
    response = manager_client.get(MY_WEEK)
    assert list(response.context["action_items"]) == [late, later]
    page = response.content.decode()
    late_item = page[page.index("Confirm Obon stock") : page.index("Send samples")]
    assert "Overdue" in late_item
    assert meeting.get_absolute_url() in page
    assert "Already done" not in page and "Someone else" not in page


def test_new_feedback_on_my_distributors(manager_client, distributor):
    new = factories.FeedbackFactory(distributor=distributor, subject="Price war in Osaka")
    factories.FeedbackFactory(
        distributor=distributor, subject="Answered", status=Feedback.Status.ACKNOWLEDGED
    )
    factories.FeedbackFactory(subject="Not my partner's")
    page = manager_client.get(MY_WEEK).content.decode()
    assert "Price war in Osaka" in page and new.get_absolute_url() in page
    assert "Answered" not in page and "Not my partner" not in page
    assert reverse("distributors:feedback_inbox") + "?status=new" in page


def test_new_portal_activity_on_my_distributors(manager_client, distributor, partner_user):
    meeting = factories.AlignmentMeetingFactory(distributors=[distributor])
    factories.AgendaItemFactory(
        meeting=meeting,
        title="Shelf space for Obon",
        proposer_side=Side.DISTRIBUTOR,
        proposed_by=partner_user,
        status=AgendaItem.Status.PROPOSED,
    )
    factories.AgendaItemFactory(meeting=meeting, title="Our own item")
    factories.AgendaItemFactory(
        meeting=meeting,
        title="Already accepted",
        proposer_side=Side.DISTRIBUTOR,
        status=AgendaItem.Status.ACCEPTED,
    )
    factories.AgendaItemFactory(
        title="Another partner's idea",
        proposer_side=Side.DISTRIBUTOR,
        status=AgendaItem.Status.PROPOSED,
    )

    goal = factories.GoalFactory(distributor=distributor, title="Kansai drugstores")
    accepted = factories.GoalAgreementFactory(
        goal=goal, side=Side.DISTRIBUTOR, accepted_by=partner_user
    )
    factories.GoalAgreementFactory(goal=goal)  # our side: not portal activity
    old = factories.GoalAgreementFactory(
        goal=factories.GoalFactory(distributor=distributor, title="Old goal"),
        side=Side.DISTRIBUTOR,
    )
    GoalAgreement.objects.filter(pk=old.pk).update(accepted_at=days_ago(20))

    reading = factories.SharedPlanAcknowledgementFactory(
        user=partner_user, plan=factories.SharedPlanFactory(title="2027 direction")
    )
    factories.SharedPlanAcknowledgementFactory(plan=reading.plan)  # another partner's user
    SharedPlanAcknowledgement.objects.filter(pk=reading.pk).update(acknowledged_at=days_ago(1))

    response = manager_client.get(MY_WEEK)
    page = response.content.decode()
    assert "Shelf space for Obon" in page and meeting.get_absolute_url() in page
    assert "Our own item" not in page
    assert "Already accepted" not in page and "Another partner" not in page

    activity = response.context["portal_activity"]
    assert [a.url for a in activity] == [goal.get_absolute_url(), distributor.get_absolute_url()]
    assert f"{partner_user} accepted version {accepted.version} of the goal" in activity[0].text
    assert "read the shared plan “2027 direction”" in activity[1].text
    assert "Old goal" not in page


def test_log_a_touchpoint_from_home(manager_client):
    page = manager_client.get(MY_WEEK).content.decode()
    quick_form = page.split('id="log-touchpoint"')[1].split("</details>")[0]
    assert f'action="{reverse("meetings:touchpoint_log")}"' in quick_form
    assert 'name="next" value="/my-week/"' in quick_form


def test_only_account_managers_have_a_week(client, executive, partner_user):
    for user in (executive, partner_user):
        client.force_login(user)
        assert client.get(MY_WEEK).status_code == 403
    client.logout()
    assert client.get(MY_WEEK).url.startswith(reverse("login"))


def test_my_week_makes_the_same_number_of_queries_for_5_and_50_rows(
    manager_client, account_manager, partner_user
):
    def add(n):
        for _ in range(n):
            distributor = long_known(account_manager=account_manager)
            held_meeting(distributor, 130)
            meeting = factories.AlignmentMeetingFactory(distributors=[distributor])
            factories.ActionItemFactory(meeting=meeting, owner_user=account_manager)
            factories.FeedbackFactory(distributor=distributor)
            factories.AgendaItemFactory(
                meeting=meeting, proposer_side=Side.DISTRIBUTOR, status=AgendaItem.Status.PROPOSED
            )
            factories.GoalAgreementFactory(
                goal=factories.GoalFactory(distributor=distributor), side=Side.DISTRIBUTOR
            )
            factories.SharedPlanAcknowledgementFactory(
                user=factories.PortalUserFactory(portal_contact__distributor=distributor)
            )

    add(5)
    few = count_queries(manager_client, MY_WEEK)
    add(45)
    assert count_queries(manager_client, MY_WEEK) == few
