"""Every database constraint and model rule of the domain.

Constraints are checked at the database: the violating row must raise IntegrityError
(inside a savepoint, so the test transaction stays usable) and its valid neighbour must
be accepted. Rules that span rows live in the models' clean() and are checked through
full_clean(). `test_every_constraint_has_a_test` fails when a constraint is added to a
model without a test here.
"""

import datetime as dt
from contextlib import contextmanager

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from distributors.models import Contact, Distributor, PortalInvitation, SharedPlanAcknowledgement
from meetings.models import (
    ActionItem,
    AlignmentMeeting,
    Cadence,
    Reminder,
    contacts_outside,
)
from milestones.models import Goal, GoalAgreement, GoalChangeProposal
from prm.choices import Side
from prm.models import SignalInputsVersion
from tests import factories

pytestmark = pytest.mark.django_db

DOMAIN_APPS = ("prm", "distributors", "meetings", "milestones")

COVERED = set()


def covers(*names):
    """Record which constraints a test exercises (see test_every_constraint_has_a_test)."""
    COVERED.update(names)
    return lambda test: test


@contextmanager
def violates(constraint):
    """The block must fail at the database, on `constraint` where the backend names it."""
    with pytest.raises(IntegrityError) as caught, transaction.atomic():
        yield
    message = str(caught.value)
    # PostgreSQL names every constraint; SQLite names CHECK constraints but reports a
    # UNIQUE failure by its columns only.
    if connection.vendor == "postgresql" or message.startswith("CHECK"):
        assert constraint in message, message


def clean_errors(obj):
    """The field → messages that full_clean() reports, or {} when the object is valid."""
    try:
        obj.full_clean()
    except ValidationError as error:
        return error.message_dict
    return {}


def tomorrow():
    return timezone.localdate() + dt.timedelta(days=1)


# --- Choice values are refused at the database ---------------------------------------

CHOICE_CASES = [
    ("distributor_role_valid", factories.DistributorFactory, {}, "role"),
    ("distributor_status_valid", factories.DistributorFactory, {}, "status"),
    ("contact_seniority_valid", factories.ContactFactory, {}, "seniority"),
    ("contact_language_valid", factories.ContactFactory, {}, "language"),
    ("feedback_kind_valid", factories.FeedbackFactory, {}, "kind"),
    ("feedback_status_valid", factories.FeedbackFactory, {}, "status"),
    ("shared_plan_audience_valid", factories.SharedPlanFactory, {}, "audience"),
    ("touchpoint_kind_valid", factories.TouchpointFactory, {}, "kind"),
    ("touchpoint_mood_valid", factories.TouchpointFactory, {}, "mood"),
    ("meeting_kind_valid", factories.AlignmentMeetingFactory, {}, "kind"),
    ("meeting_format_valid", factories.AlignmentMeetingFactory, {}, "format"),
    ("meeting_status_valid", factories.AlignmentMeetingFactory, {}, "status"),
    ("meeting_language_valid", factories.AlignmentMeetingFactory, {}, "language"),
    ("agenda_item_side_valid", factories.AgendaItemFactory, {}, "proposer_side"),
    ("agenda_item_status_valid", factories.AgendaItemFactory, {}, "status"),
    # Done needs a completion time, so every status is tried with one.
    (
        "action_item_status_valid",
        factories.ActionItemFactory,
        {"completed_at": timezone.now()},
        "status",
    ),  # noqa: E501
    ("reminder_kind_valid", factories.ReminderFactory, {}, "kind"),
    # Sent and sending need their times, so every state is tried with both.
    (
        "reminder_state_valid",
        factories.ReminderFactory,
        {"sent_at": timezone.now(), "claimed_at": timezone.now()},
        "state",
    ),
    ("notification_preference_kind_valid", factories.NotificationPreferenceFactory, {}, "kind"),
    ("goal_status_valid", factories.GoalFactory, {}, "status"),
    ("goal_agreement_side", factories.GoalAgreementFactory, {}, "side"),
    ("milestone_kind_valid", factories.MilestoneFactory, {}, "kind"),
    ("milestone_status_valid", factories.MilestoneFactory, {}, "status"),
    ("evaluation_outcome_valid", factories.MilestoneEvaluationFactory, {}, "outcome"),
    ("distributorimport_status_valid", factories.DistributorImportFactory, {}, "status"),
    ("distributorimport_kind_valid", factories.DistributorImportFactory, {}, "kind"),
]
covers(*(case[0] for case in CHOICE_CASES))


@pytest.mark.parametrize(
    "constraint, factory, extra, field", CHOICE_CASES, ids=[c[0] for c in CHOICE_CASES]
)
def test_choice_outside_the_list_is_refused_by_the_database(constraint, factory, extra, field):
    obj = factory(**extra)
    rows = type(obj).objects.filter(pk=obj.pk)
    with violates(constraint):
        rows.update(**{field: "bogus"})
    for value, _label in type(obj)._meta.get_field(field).choices:
        rows.update(**{field: value})
        assert rows.values_list(field, flat=True).get() == value


# --- distributors --------------------------------------------------------------------


@covers("distributor_not_own_upstream")
def test_distributor_cannot_be_its_own_upstream():
    distributor, wholesaler = factories.DistributorFactory.create_batch(2)
    rows = Distributor.objects.filter(pk=distributor.pk)
    with violates("distributor_not_own_upstream"):
        rows.update(upstream=distributor)
    rows.update(upstream=wholesaler)
    assert rows.get().upstream == wholesaler


@covers("contact_email_unique_per_distributor")
def test_contact_email_is_unique_per_distributor_only():
    distributor, other = factories.DistributorFactory.create_batch(2)
    factories.ContactFactory(distributor=distributor, email="sato@kansai.example.jp")
    with violates("contact_email_unique_per_distributor"):
        factories.ContactFactory(distributor=distributor, email="sato@kansai.example.jp")
    factories.ContactFactory(distributor=other, email="sato@kansai.example.jp")
    factories.ContactFactory.create_batch(3, distributor=distributor, email="")
    assert distributor.contacts.filter(email="").count() == 3
    with violates("contact_email_unique_per_distributor"):  # the same mailbox, other case
        factories.ContactFactory(distributor=distributor, email="Sato@Kansai.example.jp")


@covers("shared_plan_horizon_in_order")
def test_shared_plan_horizon_in_order():
    start = dt.date(2026, 4, 1)
    with violates("shared_plan_horizon_in_order"):
        factories.SharedPlanFactory(horizon_start=start, horizon_end=start - dt.timedelta(days=1))
    factories.SharedPlanFactory(horizon_start=start, horizon_end=start)  # a one-day plan
    factories.SharedPlanFactory(horizon_start=start, horizon_end=None)
    factories.SharedPlanFactory(horizon_start=None, horizon_end=start)


@covers("plan_acknowledged_once")
def test_shared_plan_is_acknowledged_once_per_user():
    acknowledgement = factories.SharedPlanAcknowledgementFactory()
    with violates("plan_acknowledged_once"):
        SharedPlanAcknowledgement.objects.create(
            plan=acknowledgement.plan, user=acknowledgement.user
        )
    factories.SharedPlanAcknowledgementFactory(plan=acknowledgement.plan)  # another reader
    factories.SharedPlanAcknowledgementFactory(user=acknowledgement.user)  # another plan


def test_field_level_uniques():
    distributor = factories.DistributorFactory(code="kansai-foods")
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.DistributorFactory(code="kansai-foods")
    factories.CadenceFactory(distributor=distributor)
    with pytest.raises(IntegrityError), transaction.atomic():
        Cadence.objects.create(distributor=distributor)
    # A portal login belongs to one contact, hence to one distributor.
    portal_user = factories.PortalUserFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.ContactFactory(portal_user=portal_user)


# --- meetings ------------------------------------------------------------------------


@covers("meeting_ends_after_start")
def test_meeting_ends_after_it_starts():
    starts = timezone.now()
    for ends in (starts, starts - dt.timedelta(minutes=1)):
        with violates("meeting_ends_after_start"):
            AlignmentMeeting.objects.create(title="Q3", starts_at=starts, ends_at=ends)
    AlignmentMeeting.objects.create(
        title="Q3", starts_at=starts, ends_at=starts + dt.timedelta(minutes=1)
    )


@covers("action_item_has_origin")
def test_action_item_needs_a_meeting_or_a_touchpoint():
    distributor = factories.DistributorFactory()
    with violates("action_item_has_origin"):
        ActionItem.objects.create(distributor=distributor, description="x", owner_side=Side.OURS)
    touchpoint = factories.TouchpointFactory(distributor=distributor)
    factories.ActionItemFactory(meeting=None, touchpoint=touchpoint, distributor=distributor)
    factories.ActionItemFactory()  # from a meeting


@covers("action_item_owner_matches_side")
def test_action_item_owner_matches_its_side(account_manager):
    item = factories.ActionItemFactory()
    contact = factories.ContactFactory(distributor=item.distributor)
    rows = ActionItem.objects.filter(pk=item.pk)
    for wrong in (
        {"owner_side": Side.OURS, "owner_contact": contact},
        {"owner_side": Side.DISTRIBUTOR, "owner_user": account_manager},
        {"owner_side": "bogus"},
    ):
        with violates("action_item_owner_matches_side"):
            rows.update(**{"owner_user": None, "owner_contact": None, **wrong})
    rows.update(owner_side=Side.OURS, owner_user=account_manager, owner_contact=None)
    rows.update(owner_side=Side.DISTRIBUTOR, owner_user=None, owner_contact=contact)
    rows.update(owner_side=Side.DISTRIBUTOR, owner_user=None, owner_contact=None)  # not named


@covers("action_item_done_has_completion_time")
def test_done_action_item_has_a_completion_time():
    item = factories.ActionItemFactory()
    rows = ActionItem.objects.filter(pk=item.pk)
    with violates("action_item_done_has_completion_time"):
        rows.update(status=ActionItem.Status.DONE, completed_at=None)
    rows.update(status=ActionItem.Status.DONE, completed_at=timezone.now())
    rows.update(status=ActionItem.Status.CANCELLED, completed_at=None)


CADENCE_RANGES = [
    ("cadence_alignment_interval_range", "alignment_interval_months", 12),
    ("cadence_touchpoint_interval_range", "touchpoint_interval_weeks", 52),
    ("cadence_senior_interval_range", "senior_contact_interval_months", 24),
    ("cadence_due_soon_window_range", "due_soon_days", 90),
]
covers(*(case[0] for case in CADENCE_RANGES))


@pytest.mark.parametrize(
    "constraint, field, highest", CADENCE_RANGES, ids=[c[0] for c in CADENCE_RANGES]
)
def test_cadence_interval_range(constraint, field, highest):
    rows = Cadence.objects.filter(pk=factories.CadenceFactory().pk)
    for outside in (0, highest + 1):
        with violates(constraint):
            rows.update(**{field: outside})
    for inside in (1, highest):
        rows.update(**{field: inside})
        assert rows.values_list(field, flat=True).get() == inside


@covers("reminder_once_per_recipient_distributor_kind_period")
def test_reminder_once_per_recipient_distributor_kind_and_period(executive):
    reminder = factories.ReminderFactory(period="2026-12-01")
    with violates("reminder_once_per_recipient_distributor_kind_period"):
        factories.ReminderFactory(
            distributor=reminder.distributor, period="2026-12-01", recipient=reminder.recipient
        )
    # Someone else (a new account manager) may get the same reminder about the distributor.
    factories.ReminderFactory(
        distributor=reminder.distributor, period="2026-12-01", recipient=executive
    )
    factories.ReminderFactory(
        distributor=reminder.distributor, period="2027-01-12", recipient=reminder.recipient
    )
    factories.ReminderFactory(
        distributor=reminder.distributor,
        period="2026-12-01",
        recipient=reminder.recipient,
        kind=Reminder.Kind.ALIGNMENT_DUE,
    )
    factories.ReminderFactory(period="2026-12-01", recipient=reminder.recipient)


@covers("reminder_once_per_recipient_kind_period")
def test_reminder_without_distributor_once_per_recipient_kind_and_period(
    account_manager, executive
):
    peak = {"kind": Reminder.Kind.SEASONAL_PEAK, "period": "2027-golden-week"}
    factories.ReminderFactory(distributor=None, recipient=account_manager, **peak)
    with violates("reminder_once_per_recipient_kind_period"):
        factories.ReminderFactory(distributor=None, recipient=account_manager, **peak)
    factories.ReminderFactory(distributor=None, recipient=executive, **peak)
    factories.ReminderFactory(
        distributor=None, recipient=account_manager, kind=peak["kind"], period="2027-obon"
    )
    factories.ReminderFactory(recipient=account_manager, **peak)  # about a distributor


@covers("reminder_sent_has_time")
def test_sent_reminder_has_a_sending_time():
    rows = Reminder.objects.filter(pk=factories.ReminderFactory().pk)
    for state in (Reminder.State.SENT, Reminder.State.READ):
        with violates("reminder_sent_has_time"):
            rows.update(state=state, sent_at=None)
    rows.update(state=Reminder.State.SENT, sent_at=timezone.now())
    rows.update(state=Reminder.State.PENDING, sent_at=None)
    # A pending reminder can be dismissed in the app before it was ever sent.
    rows.update(state=Reminder.State.DISMISSED, sent_at=None)


@covers("reminder_sending_has_claim_time")
def test_sending_reminder_has_a_claim_time():
    rows = Reminder.objects.filter(pk=factories.ReminderFactory().pk)
    with violates("reminder_sending_has_claim_time"):
        rows.update(state=Reminder.State.SENDING, claimed_at=None)
    rows.update(state=Reminder.State.SENDING, claimed_at=timezone.now())
    # Back to pending after a failed attempt, the claim's time stays as a record.
    rows.update(state=Reminder.State.PENDING)


@covers("notification_preference_once_per_user_kind")
def test_one_notification_preference_per_user_and_kind(account_manager):
    factories.NotificationPreferenceFactory(user=account_manager)
    with violates("notification_preference_once_per_user_kind"):
        factories.NotificationPreferenceFactory(user=account_manager, email=True)
    factories.NotificationPreferenceFactory(
        user=account_manager, kind=Reminder.Kind.QUARTER_PLANNING
    )
    factories.NotificationPreferenceFactory()


# --- milestones ----------------------------------------------------------------------


@covers("goal_horizon_in_order")
def test_goal_horizon_in_order():
    start = dt.date(2026, 4, 1)
    for end in (start, start - dt.timedelta(days=1)):
        with violates("goal_horizon_in_order"):
            factories.GoalFactory(horizon_start=start, horizon_end=end)
    factories.GoalFactory(horizon_start=start, horizon_end=start + dt.timedelta(days=1))


@covers("goal_version_positive")
def test_goal_version_starts_at_one():
    rows = Goal.objects.filter(pk=factories.GoalFactory().pk)
    with violates("goal_version_positive"):
        rows.update(version=0)
    rows.update(version=1)


@covers("goal_version_accepted_once_per_side")
def test_goal_version_accepted_once_per_side():
    ours = factories.GoalAgreementFactory(side=Side.OURS)
    goal = ours.goal
    with violates("goal_version_accepted_once_per_side"):
        GoalAgreement.objects.create(goal=goal, version=1, side=Side.OURS)
    GoalAgreement.objects.create(goal=goal, version=1, side=Side.DISTRIBUTOR)
    GoalAgreement.objects.create(goal=goal, version=2, side=Side.OURS)


@covers("goal_version_snapshot_once")
def test_goal_version_is_recorded_once():
    snapshot = factories.GoalVersionFactory()
    with violates("goal_version_snapshot_once"):
        factories.GoalVersionFactory(goal=snapshot.goal)
    factories.GoalVersionFactory(goal=snapshot.goal, version=2)
    factories.GoalVersionFactory()  # version 1 of another goal


def test_every_constraint_has_a_test():
    constraints = {
        constraint.name
        for label in DOMAIN_APPS
        for model in apps.get_app_config(label).get_models()
        for constraint in model._meta.constraints
    }
    assert constraints - COVERED == set(), "constraints without a test"
    assert COVERED - constraints == set(), "tests for constraints that no longer exist"


# --- clean(): rules that span rows ---------------------------------------------------


def test_distributor_upstream_chain_cannot_loop():
    top = factories.DistributorFactory()
    middle = factories.DistributorFactory(upstream=top)
    bottom = factories.DistributorFactory(upstream=middle)

    top.upstream = middle  # A → B → A
    assert "upstream" in clean_errors(top)
    top.upstream = bottom  # A → C → B → A
    assert "upstream" in clean_errors(top)
    top.upstream = top
    assert "upstream" in clean_errors(top)

    sibling = factories.DistributorFactory.build(upstream=middle)
    assert clean_errors(sibling) == {}
    bottom.upstream = top  # a shorter chain, still no loop
    assert clean_errors(bottom) == {}


def test_distributor_upstream_check_stops_on_a_loop_it_did_not_make():
    first, second = factories.DistributorFactory.create_batch(2)
    Distributor.objects.filter(pk=first.pk).update(upstream=second)
    Distributor.objects.filter(pk=second.pk).update(upstream=first)  # bad data already there
    newcomer = factories.DistributorFactory.build(upstream=first)
    assert clean_errors(newcomer) == {}


def test_archived_distributor_cannot_be_upstream_of_an_active_one():
    archived = factories.DistributorFactory(archived_at=timezone.now())
    active = factories.DistributorFactory.build(upstream=archived)
    assert "upstream" in clean_errors(active)
    also_archived = factories.DistributorFactory.build(
        upstream=archived, archived_at=timezone.now()
    )
    assert clean_errors(also_archived) == {}
    active.upstream = factories.DistributorFactory()
    assert clean_errors(active) == {}


def test_touchpoint_cannot_be_in_the_future(account_manager):
    distributor = factories.DistributorFactory()
    touchpoint = factories.TouchpointFactory.build(
        distributor=distributor, logged_by=account_manager, occurred_on=tomorrow()
    )
    assert list(clean_errors(touchpoint)) == ["occurred_on"]
    for day in (timezone.localdate(), timezone.localdate() - dt.timedelta(days=30)):
        touchpoint.occurred_on = day
        assert clean_errors(touchpoint) == {}


def test_contacts_outside_the_touchpoint_distributor():
    distributor = factories.DistributorFactory()
    ours = factories.ContactFactory(distributor=distributor)
    theirs = factories.ContactFactory()
    assert contacts_outside(distributor, [ours, theirs]) == [theirs]
    assert contacts_outside(distributor, Contact.objects.filter(pk=ours.pk)) == []


def test_action_item_owner_contact_belongs_to_its_distributor():
    item = factories.ActionItemFactory.build(
        meeting=factories.AlignmentMeetingFactory(), owner_side=Side.DISTRIBUTOR
    )
    item.owner_contact = factories.ContactFactory()  # at another distributor
    assert list(clean_errors(item)) == ["owner_contact"]
    item.owner_contact = factories.ContactFactory(distributor=item.distributor)
    assert clean_errors(item) == {}


def test_meeting_action_item_is_for_one_of_the_meeting_distributors():
    osaka, kyoto, tokyo = factories.DistributorFactory.create_batch(3)
    board = factories.AlignmentMeetingFactory(
        kind=AlignmentMeeting.Kind.ADVISORY_BOARD, distributors=[osaka, kyoto]
    )
    item = factories.ActionItemFactory.build(meeting=board, distributor=tokyo)
    assert list(clean_errors(item)) == ["distributor"]
    item.distributor = kyoto
    assert clean_errors(item) == {}


def test_touchpoint_action_item_is_for_the_touchpoint_distributor(account_manager):
    touchpoint = factories.TouchpointFactory(logged_by=account_manager)
    item = factories.ActionItemFactory.build(
        meeting=None, touchpoint=touchpoint, distributor=factories.DistributorFactory()
    )
    assert list(clean_errors(item)) == ["distributor"]
    item.distributor = touchpoint.distributor
    assert clean_errors(item) == {}


def test_goal_owner_contact_belongs_to_the_goal_distributor(account_manager):
    goal = factories.GoalFactory.build(
        distributor=factories.DistributorFactory(), owner_ours=account_manager
    )
    goal.owner_distributor = factories.ContactFactory()
    assert list(clean_errors(goal)) == ["owner_distributor"]
    goal.owner_distributor = factories.ContactFactory(distributor=goal.distributor)
    assert clean_errors(goal) == {}


def test_evaluation_meeting_is_one_with_the_goal_distributor(account_manager):
    evaluation = factories.MilestoneEvaluationFactory(created_by=account_manager)
    evaluation.meeting = factories.AlignmentMeetingFactory()  # with another distributor
    assert list(clean_errors(evaluation)) == ["meeting"]
    evaluation.meeting = factories.AlignmentMeetingFactory(
        distributors=[factories.DistributorFactory(), evaluation.milestone.goal.distributor]
    )
    assert clean_errors(evaluation) == {}


def test_contact_portal_login_is_not_a_staff_member(account_manager, executive):
    contact = factories.ContactFactory.build(distributor=factories.DistributorFactory())
    for staff in (account_manager, executive):
        contact.portal_user = staff
        assert list(clean_errors(contact)) == ["portal_user"]
    contact.portal_user = factories.UserFactory()
    assert clean_errors(contact) == {}


# --- behaviour users rely on ---------------------------------------------------------


def test_goal_agreement_follows_the_accepted_versions():
    goal = factories.GoalFactory()
    assert goal.agreement_state() == Goal.Agreement.NOT_ACCEPTED

    factories.GoalAgreementFactory(goal=goal, side=Side.OURS)
    assert goal.agreement_state() == Goal.Agreement.AWAITING_DISTRIBUTOR
    factories.GoalAgreementFactory(goal=goal, side=Side.DISTRIBUTOR)
    assert goal.agreement_state() == Goal.Agreement.AGREED
    assert goal.is_agreed

    goal.version += 1  # what the goal says changed: agreement reopens
    goal.save()
    assert goal.agreement_state() == Goal.Agreement.NOT_ACCEPTED
    assert not goal.is_agreed
    factories.GoalAgreementFactory(goal=goal, side=Side.DISTRIBUTOR)
    assert goal.agreement_state() == Goal.Agreement.AWAITING_US
    factories.GoalAgreementFactory(goal=goal, side=Side.OURS)
    assert goal.agreement_state() == Goal.Agreement.AGREED


def test_portal_distributor_is_the_contact_distributor_for_distributor_users_only(
    partner_user, distributor, account_manager, executive
):
    assert partner_user.portal_distributor == distributor
    assert account_manager.portal_distributor is None
    assert executive.portal_distributor is None


def test_active_excludes_archived():
    current = factories.DistributorFactory()
    archived = factories.DistributorFactory(archived_at=timezone.now())
    assert list(Distributor.objects.active()) == [current]
    assert archived in Distributor.objects.all()
    gone = factories.ContactFactory(distributor=current, archived_at=timezone.now())
    assert gone not in Contact.objects.active()


STR_BUILDERS = {
    "prm.User": factories.UserFactory,
    "prm.SignalInputsVersion": SignalInputsVersion.objects.create,
    "distributors.Prefecture": factories.PrefectureFactory,
    "distributors.ProductCategory": factories.ProductCategoryFactory,
    "distributors.Distributor": factories.DistributorFactory,
    "distributors.Contact": factories.ContactFactory,
    "distributors.Feedback": factories.FeedbackFactory,
    "distributors.FeedbackReply": factories.FeedbackReplyFactory,
    "distributors.SharedPlan": factories.SharedPlanFactory,
    "distributors.SharedPlanAcknowledgement": factories.SharedPlanAcknowledgementFactory,
    "meetings.Touchpoint": factories.TouchpointFactory,
    "meetings.AlignmentMeeting": factories.AlignmentMeetingFactory,
    "meetings.AgendaItem": factories.AgendaItemFactory,
    "meetings.ActionItem": factories.ActionItemFactory,
    "meetings.Cadence": factories.CadenceFactory,
    "meetings.Reminder": factories.ReminderFactory,
    "meetings.NotificationPreference": factories.NotificationPreferenceFactory,
    "milestones.Goal": factories.GoalFactory,
    "milestones.GoalAgreement": factories.GoalAgreementFactory,
    "milestones.GoalVersion": factories.GoalVersionFactory,
    "milestones.Milestone": factories.MilestoneFactory,
    "milestones.MilestoneEvaluation": factories.MilestoneEvaluationFactory,
    "milestones.GoalChangeProposal": factories.GoalChangeProposalFactory,
    "milestones.MilestoneEvidence": factories.MilestoneEvidenceFactory,
    "distributors.PortalInvitation": factories.PortalInvitationFactory,
    "distributors.DistributorImport": factories.DistributorImportFactory,
}


def test_every_model_has_a_readable_str():
    models = {
        model._meta.label
        for label in DOMAIN_APPS
        for model in apps.get_app_config(label).get_models()
        # The audit history's copies (simple-history: they name their `instance_type`).
        if not hasattr(model, "instance_type")
    }
    assert models == set(STR_BUILDERS), "add a factory for each new model to STR_BUILDERS"
    for label, build in STR_BUILDERS.items():
        text = str(build())
        assert isinstance(text, str) and text.strip(), label
    # The variants that take another branch of __str__.
    assert str(factories.UserFactory(first_name="", last_name="", username="k.sato")) == "k.sato"
    assert str(factories.DistributorFactory(name_en="Kansai Foods", name_ja="")) == "Kansai Foods"
    assert str(factories.ContactFactory(name_latin="Ken Sato", name_kanji="")) == "Ken Sato"
    assert str(factories.ReminderFactory(distributor=None)).strip()


def test_no_missing_migrations():
    try:
        call_command("makemigrations", "--check", "--dry-run", verbosity=0)
    except SystemExit:
        pytest.fail("The models changed without a migration: run makemigrations.")


@covers("goal_one_open_change_proposal")
def test_one_open_change_proposal_per_goal():
    proposal = factories.GoalChangeProposalFactory()
    assert proposal.proposed_by.portal_distributor == proposal.goal.distributor
    with violates("goal_one_open_change_proposal"):
        factories.GoalChangeProposalFactory(goal=proposal.goal)
    GoalChangeProposal.objects.filter(pk=proposal.pk).update(
        answer=GoalChangeProposal.Answer.DECLINED, answered_at=timezone.now()
    )
    factories.GoalChangeProposalFactory(goal=proposal.goal)
    factories.GoalChangeProposalFactory()  # another goal's


@covers("goal_change_proposal_answer_dated")
def test_an_answered_change_proposal_has_its_answer_time():
    rows = GoalChangeProposal.objects.filter(pk=factories.GoalChangeProposalFactory().pk)
    with violates("goal_change_proposal_answer_dated"):
        rows.update(answer=GoalChangeProposal.Answer.DECLINED)
    with violates("goal_change_proposal_answer_dated"):
        rows.update(answered_at=timezone.now())
    with violates("goal_change_proposal_answer_dated"):
        rows.update(answer="maybe", answered_at=timezone.now())
    rows.update(answer=GoalChangeProposal.Answer.REVISED, answered_at=timezone.now())


@covers("evidence_not_empty")
def test_evidence_is_never_empty():
    with violates("evidence_not_empty"):
        factories.MilestoneEvidenceFactory(text="")
    factories.MilestoneEvidenceFactory(text="", link="https://example.jp/")
    factories.MilestoneEvidenceFactory(text="", file="evidence/0123")


@covers("portal_invitation_accepted_or_revoked")
def test_an_invitation_is_accepted_or_revoked_not_both():
    rows = PortalInvitation.objects.filter(pk=factories.PortalInvitationFactory().pk)
    with violates("portal_invitation_accepted_or_revoked"):
        rows.update(accepted_at=timezone.now(), revoked_at=timezone.now())
    rows.update(revoked_at=timezone.now())
