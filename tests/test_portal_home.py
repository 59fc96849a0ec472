"""The portal's Home, and the one scoping mechanism every portal page reads through."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse, reverse_lazy
from django.utils import timezone

from distributors.models import Distributor, Feedback, FeedbackReply, SharedPlan, from_our_side
from meetings.models import ActionItem, AgendaItem, AlignmentMeeting, Touchpoint
from milestones.models import Goal, MilestoneEvaluation
from prm.choices import Side
from prm.scoping import VisibleToQuerySet
from tests import factories
from tests.queries import count_queries

pytestmark = pytest.mark.django_db

HOME = reverse_lazy("portal:home")


@pytest.fixture
def partner_client(client, partner_user):
    client.force_login(partner_user)
    return client


def test_home_shows_the_next_meeting_with_agenda_and_how_to_join(partner_client, distributor):
    later = factories.AlignmentMeetingFactory(
        distributors=[distributor],
        title="Year-end review",
        starts_at=timezone.now() + dt.timedelta(days=30),
        ends_at=timezone.now() + dt.timedelta(days=30, hours=1),
    )
    soon = factories.AlignmentMeetingFactory(
        distributors=[distributor],
        title="Golden Week readiness",
        join_url="https://meet.example.com/gw",
    )
    factories.AgendaItemFactory(meeting=soon, title="Truck slots for the peak")
    factories.AgendaItemFactory(
        meeting=soon,
        title="Internal pricing check",
        status=AgendaItem.Status.DECLINED,
        proposer_side=Side.OURS,
    )
    page = partner_client.get(HOME).content.decode()
    assert "Golden Week readiness" in page
    assert "Truck slots for the peak" in page
    assert "https://meet.example.com/gw" in page
    # Only the next meeting is on Home, and a declined item is not on its agenda.
    assert later.title not in page
    assert "Internal pricing check" not in page


def test_home_lists_their_open_action_items_only(partner_client, distributor, partner_user):
    meeting = factories.AlignmentMeetingFactory(distributors=[distributor])
    factories.ActionItemFactory(
        meeting=meeting,
        description="Share the store list",
        owner_side=Side.DISTRIBUTOR,
        owner_contact=partner_user.portal_contact,
    )
    factories.ActionItemFactory(meeting=meeting, description="Send the catalogue")
    factories.ActionItemFactory(
        meeting=meeting,
        description="Book the booth",
        owner_side=Side.DISTRIBUTOR,
        status=ActionItem.Status.DONE,
        completed_at=timezone.now(),
    )
    page = partner_client.get(HOME).content.decode()
    assert "Share the store list" in page
    assert "Send the catalogue" not in page
    assert "Book the booth" not in page


def test_home_lists_goals_we_accepted_and_they_have_not(
    partner_client, distributor, account_manager
):
    waiting = factories.GoalFactory(distributor=distributor, title="Open 20 doors in Kyushu")
    factories.GoalAgreementFactory(goal=waiting, side=Side.OURS, accepted_by=account_manager)
    agreed = factories.GoalFactory(distributor=distributor, title="Regional pilot in Tohoku")
    factories.GoalAgreementFactory(goal=agreed, side=Side.OURS)
    factories.GoalAgreementFactory(goal=agreed, side=Side.DISTRIBUTOR)
    draft = factories.GoalFactory(distributor=distributor, title="Not yet proposed")
    questioned = factories.GoalFactory(distributor=distributor, title="Change asked for")
    factories.GoalAgreementFactory(goal=questioned, side=Side.OURS)
    factories.GoalChangeProposalFactory(goal=questioned)
    page = partner_client.get(HOME).content.decode()
    assert waiting.title in page
    assert agreed.title not in page
    assert draft.title not in page
    # Theirs to answer is ours now: the change they proposed waits for us.
    assert questioned.title not in page


def test_home_shows_new_replies_from_our_side_and_unread_new_plans(
    partner_client, distributor, partner_user, account_manager
):
    feedback = factories.FeedbackFactory(distributor=distributor, subject="Shelf space in Osaka")
    factories.FeedbackReplyFactory(feedback=feedback, author=account_manager)
    own_only = factories.FeedbackFactory(distributor=distributor, subject="Only we wrote here")
    factories.FeedbackReplyFactory(feedback=own_only, author=partner_user)
    new_plan = factories.SharedPlanFactory(title="Autumn campaign plan")
    read_plan = factories.SharedPlanFactory(title="Already read plan")
    factories.SharedPlanAcknowledgementFactory(plan=read_plan, user=partner_user)
    page = partner_client.get(HOME).content.decode()
    assert "Shelf space in Osaka" in page
    assert "Only we wrote here" not in page
    assert new_plan.title in page
    assert read_plan.title not in page


def test_both_readings_of_a_reply_from_our_side_agree(distributor, partner_user, account_manager):
    # The dashboard's grouped join and the portal's NOT EXISTS state one rule.
    feedback = factories.FeedbackFactory(distributor=distributor)
    ours = factories.FeedbackReplyFactory(feedback=feedback, author=account_manager)
    factories.FeedbackReplyFactory(feedback=feedback, author=partner_user)
    factories.FeedbackReplyFactory(feedback=feedback, author=None)
    joined = set(FeedbackReply.objects.filter(from_our_side()))
    assert set(FeedbackReply.objects.from_our_side()) == joined == {ours}


def test_home_shows_nothing_of_another_distributor(partner_client, distributor):
    other = factories.DistributorFactory(name_en="Rival Wholesale", name_ja="ライバル卸")
    meeting = factories.AlignmentMeetingFactory(distributors=[other], title="Rival alignment")
    factories.ActionItemFactory(
        meeting=meeting, description="Rival task", owner_side=Side.DISTRIBUTOR
    )
    goal = factories.GoalFactory(distributor=other, title="Rival goal")
    factories.GoalAgreementFactory(goal=goal, side=Side.OURS)
    feedback = factories.FeedbackFactory(distributor=other, subject="Rival feedback")
    factories.FeedbackReplyFactory(feedback=feedback)
    plan = factories.SharedPlanFactory(
        title="Plan for the rival only", audience=SharedPlan.Audience.CHOSEN
    )
    plan.distributors.set([other])
    page = partner_client.get(HOME).content.decode()
    for text in ("Rival", "ライバル", "Plan for the rival only"):
        assert text not in page


def test_home_makes_the_same_number_of_queries_for_more_data(client, distributor, account_manager):
    def build(n):
        partner = factories.PortalUserFactory(portal_contact__distributor=distributor)
        meeting = factories.AlignmentMeetingFactory(distributors=[distributor])
        for i in range(n):
            factories.AgendaItemFactory(meeting=meeting, title=f"Item {i}")
            factories.ActionItemFactory(meeting=meeting, owner_side=Side.DISTRIBUTOR)
            goal = factories.GoalFactory(distributor=distributor)
            factories.GoalAgreementFactory(goal=goal, side=Side.OURS)
            feedback = factories.FeedbackFactory(distributor=distributor)
            factories.FeedbackReplyFactory(feedback=feedback, author=account_manager)
            factories.SharedPlanFactory()
        client.force_login(partner)
        return count_queries(client, HOME)

    assert build(5) == build(50)


# ---------------------------------------------------------------------------------------------
# visible_to: the one scoping mechanism


def scoped_models():
    from django.apps import apps

    return [
        model
        for model in apps.get_models()
        if isinstance(model._default_manager.all(), VisibleToQuerySet)
    ]


def test_staff_see_everything_and_strangers_nothing(account_manager, executive, distributor):
    factories.FeedbackFactory(distributor=distributor)
    factories.FeedbackFactory()
    stranger = factories.UserFactory()
    assert Feedback.objects.visible_to(account_manager).count() == 2
    assert Feedback.objects.visible_to(executive).count() == 2
    assert Feedback.objects.visible_to(stranger).count() == 0


def test_a_distributor_user_sees_own_rows_only(partner_user, distributor):
    other = factories.DistributorFactory()
    mine = factories.GoalFactory(distributor=distributor)
    factories.GoalFactory(distributor=other)
    shared = factories.MilestoneEvaluationFactory(milestone__goal=mine)
    factories.MilestoneEvaluationFactory(milestone__goal=mine, shared_with_distributor=False)
    assert list(Distributor.objects.visible_to(partner_user)) == [distributor]
    assert list(Goal.objects.visible_to(partner_user)) == [mine]
    assert list(MilestoneEvaluation.objects.visible_to(partner_user)) == [shared]


def test_touchpoints_and_their_action_items_never_reach_the_portal(partner_user, distributor):
    touchpoint = factories.TouchpointFactory(
        distributor=distributor, unspoken_concerns="They fear the rival's prices"
    )
    ActionItem.objects.create(
        touchpoint=touchpoint,
        distributor=distributor,
        description="Call back",
        owner_side=Side.DISTRIBUTOR,
    )
    assert not Touchpoint.objects.visible_to(partner_user).exists()
    assert not ActionItem.objects.visible_to(partner_user).exists()


def test_a_plan_shared_with_several_distributors_is_one_row(partner_user, distributor):
    plan = factories.SharedPlanFactory(audience=SharedPlan.Audience.CHOSEN)
    plan.distributors.set([distributor, factories.DistributorFactory()])
    factories.SharedPlanFactory(published_at=None)
    assert list(SharedPlan.objects.visible_to(partner_user)) == [plan]


def test_an_archived_distributor_loses_every_row_at_once(partner_user, distributor):
    factories.FeedbackFactory(distributor=distributor)
    FeedbackReply.objects.create(feedback=Feedback.objects.get(), body="Thanks")
    Distributor.objects.filter(pk=distributor.pk).update(archived_at=timezone.now())
    partner_user.refresh_from_db()
    for model in scoped_models():
        assert not model.objects.visible_to(partner_user).exists(), model.__name__


def test_archiving_the_distributor_ends_its_portal_at_the_next_request(
    partner_client, distributor, account_manager
):
    assert partner_client.get(HOME).status_code == 200
    manager = Client()
    manager.force_login(account_manager)
    manager.post(reverse("distributors:archive", args=[distributor.pk]))
    distributor.refresh_from_db()
    assert distributor.is_archived
    for url in (HOME, reverse("portal:goal_list"), reverse("portal:feedback_create")):
        assert partner_client.get(url).status_code == 403, url


def test_advisory_board_proposals_of_another_distributor_stay_hidden(partner_user, distributor):
    other_partner = factories.PortalUserFactory()
    board = factories.AlignmentMeetingFactory(
        distributors=[distributor, other_partner.portal_contact.distributor],
        kind=AlignmentMeeting.Kind.ADVISORY_BOARD,
    )
    accepted = factories.AgendaItemFactory(meeting=board, title="Market outlook")
    mine = factories.AgendaItemFactory(
        meeting=board,
        proposer_side=Side.DISTRIBUTOR,
        proposed_by=partner_user,
        status=AgendaItem.Status.PROPOSED,
    )
    factories.AgendaItemFactory(
        meeting=board,
        proposer_side=Side.DISTRIBUTOR,
        proposed_by=other_partner,
        status=AgendaItem.Status.PROPOSED,
    )
    assert set(AgendaItem.objects.visible_to(partner_user)) == {accepted, mine}
