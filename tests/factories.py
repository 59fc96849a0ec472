import datetime as dt

import factory
from django.contrib.auth.models import Group
from django.utils import timezone

from distributors.models import (
    Contact,
    Distributor,
    Feedback,
    FeedbackReply,
    Prefecture,
    ProductCategory,
    SharedPlan,
    SharedPlanAcknowledgement,
)
from meetings.models import ActionItem, AgendaItem, AlignmentMeeting, Cadence, Reminder, Touchpoint
from milestones.models import Goal, GoalAgreement, GoalVersion, Milestone, MilestoneEvaluation
from prm import roles
from prm.choices import Side
from prm.models import User

PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.django.Password(PASSWORD)


def _with_role(name):
    return factory.PostGeneration(
        lambda user, create, extracted, **kwargs: user.groups.add(Group.objects.get(name=name))
    )


class AccountManagerFactory(UserFactory):
    role = _with_role(roles.ACCOUNT_MANAGER)


class ExecutiveFactory(UserFactory):
    role = _with_role(roles.EXECUTIVE)


class DistributorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Distributor

    code = factory.Sequence(lambda n: f"dist-{n:04d}")
    name_en = factory.Sequence(lambda n: f"Partner Trading {n}")
    name_ja = factory.Sequence(lambda n: f"パートナー商事{n}")
    name_kana = factory.Sequence(lambda n: f"パートナーショウジ{n}")
    role = Distributor.Role.PRIMARY_WHOLESALER
    status = Distributor.Status.ACTIVE


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    distributor = factory.SubFactory(DistributorFactory)
    name_latin = factory.Sequence(lambda n: f"Taro Yamada {n}")
    name_kanji = "山田 太郎"
    name_kana = "やまだ たろう"
    seniority = Contact.Seniority.MANAGER
    email = factory.Sequence(lambda n: f"contact{n}@partner.example.jp")


class PortalUserFactory(UserFactory):
    """A distributor user: a contact's portal login, then the role (order matters)."""

    portal_contact = factory.RelatedFactory(ContactFactory, factory_related_name="portal_user")
    role = _with_role(roles.DISTRIBUTOR_USER)


class TouchpointFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Touchpoint

    distributor = factory.SubFactory(DistributorFactory)
    kind = Touchpoint.Kind.SITE_VISIT
    occurred_on = factory.LazyFunction(timezone.localdate)
    mood = Touchpoint.Mood.POSITIVE


class AlignmentMeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AlignmentMeeting
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Quarterly alignment {n}")
    starts_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=3))
    ends_at = factory.LazyAttribute(lambda m: m.starts_at + dt.timedelta(hours=1, minutes=30))

    @factory.post_generation
    def distributors(self, create, extracted, **kwargs):
        self.distributors.set(extracted or [DistributorFactory()])


class ActionItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActionItem

    meeting = factory.SubFactory(AlignmentMeetingFactory)
    distributor = factory.LazyAttribute(lambda a: a.meeting.distributors.first())
    description = factory.Sequence(lambda n: f"Send the revised catalogue {n}")
    owner_side = Side.OURS
    due_on = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=7))


class GoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Goal

    distributor = factory.SubFactory(DistributorFactory)
    title = factory.Sequence(lambda n: f"Open Kansai drugstore channel {n}")
    horizon_start = dt.date(2026, 4, 1)
    horizon_end = dt.date(2028, 3, 31)
    owner_ours = factory.SubFactory(AccountManagerFactory)


class MilestoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Milestone

    goal = factory.SubFactory(GoalFactory)
    kind = Milestone.Kind.TRADE_SHOW
    title = factory.Sequence(lambda n: f"FOODEX booth {n}")
    target_date = dt.date(2027, 3, 10)


class MilestoneEvaluationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MilestoneEvaluation

    milestone = factory.SubFactory(MilestoneFactory)
    evaluated_on = dt.date(2027, 3, 20)
    outcome = MilestoneEvaluation.Outcome.ACHIEVED
    narrative = "Strong interest from Kansai buyers."


class FeedbackFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Feedback

    distributor = factory.SubFactory(DistributorFactory)
    kind = Feedback.Kind.MARKET
    subject = factory.Sequence(lambda n: f"Competitor price move {n}")
    body = "A competitor cut shelf prices in Osaka drugstores."


class SharedPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SharedPlan

    title = factory.Sequence(lambda n: f"2027 market direction {n}")
    body = "We will focus on the premium segment in Kansai."
    published_at = factory.LazyFunction(timezone.now)


class ReminderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Reminder

    kind = Reminder.Kind.TOUCHPOINT_DUE
    distributor = factory.SubFactory(DistributorFactory)
    recipient = factory.SubFactory(AccountManagerFactory)
    period = "2026-12-01"
    due_on = dt.date(2026, 12, 1)


# Appended for tests/test_model_rules.py: one factory for each remaining model.


class PrefectureFactory(factory.django.DjangoModelFactory):
    """The 47 prefectures are loaded by a migration: this fetches Tokyo by default."""

    class Meta:
        model = Prefecture
        django_get_or_create = ("code",)

    code = 13
    name_en = "Tokyo"
    name_ja = "東京都"
    region = "Kanto"


class ProductCategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProductCategory

    name_en = factory.Sequence(lambda n: f"Frozen desserts {n}")
    name_ja = "冷凍デザート"


class FeedbackReplyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FeedbackReply

    feedback = factory.SubFactory(FeedbackFactory)
    author = factory.SubFactory(AccountManagerFactory)
    body = "Thank you, we are looking into Osaka pricing."


class SharedPlanAcknowledgementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SharedPlanAcknowledgement

    plan = factory.SubFactory(SharedPlanFactory)
    user = factory.SubFactory(PortalUserFactory)


class AgendaItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgendaItem

    meeting = factory.SubFactory(AlignmentMeetingFactory)
    title = factory.Sequence(lambda n: f"Golden Week readiness {n}")


class CadenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cadence

    distributor = factory.SubFactory(DistributorFactory)


class GoalAgreementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GoalAgreement

    goal = factory.SubFactory(GoalFactory)
    version = factory.LazyAttribute(lambda a: a.goal.version)
    side = Side.OURS
    accepted_by = factory.SubFactory(AccountManagerFactory)


class GoalVersionFactory(factory.django.DjangoModelFactory):
    """The snapshot of what a goal says now (services.do_create_goal makes version 1)."""

    class Meta:
        model = GoalVersion

    goal = factory.SubFactory(GoalFactory)
    version = factory.LazyAttribute(lambda v: v.goal.version)
    title = factory.LazyAttribute(lambda v: v.goal.title)
    horizon_start = factory.LazyAttribute(lambda v: v.goal.horizon_start)
    horizon_end = factory.LazyAttribute(lambda v: v.goal.horizon_end)
    owner_ours = factory.LazyAttribute(lambda v: v.goal.owner_ours)


# Appended for tests/test_reminders.py.


class NotificationPreferenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "meetings.NotificationPreference"  # by name: this file is appended to only

    user = factory.SubFactory(AccountManagerFactory)
    kind = Reminder.Kind.TOUCHPOINT_DUE
    email = False


# Appended for tests/test_dashboard_pages.py.


class SignalSnapshotFactory(factory.django.DjangoModelFactory):
    """One day's signals of a distributor, all green unless told otherwise."""

    class Meta:
        model = "dashboard.SignalSnapshot"  # by name: this file is appended to only

    distributor = factory.SubFactory(DistributorFactory)
    taken_on = factory.LazyFunction(timezone.localdate)
    lifecycle_status = Distributor.Status.ACTIVE
    alignment = "green"
    touchpoint = "green"
    senior_contact = "green"
    milestones = "green"
    feedback = "green"
    mood = "green"
    concerns = "green"
    on_track = True


# Appended for tests/test_portal_goals.py.


class GoalChangeProposalFactory(factory.django.DjangoModelFactory):
    """An open change proposal of the current version, by a portal user of the distributor."""

    class Meta:
        model = "milestones.GoalChangeProposal"  # by name: this file is appended to only

    goal = factory.SubFactory(GoalFactory)
    version = factory.LazyAttribute(lambda p: p.goal.version)
    comment = "Move the horizon to the autumn season."
    proposed_by = factory.SubFactory(
        PortalUserFactory,
        portal_contact__distributor=factory.SelfAttribute("...goal.distributor"),
    )


class MilestoneEvidenceFactory(factory.django.DjangoModelFactory):
    """A text-only piece of evidence (a file goes through milestones.services.do_add_evidence)."""

    class Meta:
        model = "milestones.MilestoneEvidence"  # by name: this file is appended to only

    milestone = factory.SubFactory(MilestoneFactory)
    text = "Booth visited by 40 buyers."


# Appended for tests/test_model_rules.py.


class PortalInvitationFactory(factory.django.DjangoModelFactory):
    """An open invitation; the raw token is not kept (distributors.services makes real ones)."""

    class Meta:
        model = "distributors.PortalInvitation"  # by name: this file is appended to only

    contact = factory.SubFactory(ContactFactory)
    token_hash = factory.Sequence(lambda n: f"{n:064x}")
    invited_by = factory.SubFactory(AccountManagerFactory)
    expires_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=7))


class DistributorImportFactory(factory.django.DjangoModelFactory):
    """A previewed import of contacts, awaiting confirmation."""

    class Meta:
        model = "distributors.DistributorImport"  # by name: this file is appended to only

    uploaded_by = factory.SubFactory(AccountManagerFactory)
    file_name = factory.Sequence(lambda n: f"contacts-{n}.csv")
    kind = "contacts"


def open_action_items(meeting, owner, count, **fields):
    """`count` open action items of ours owned by `owner`, from `meeting` (of one
    distributor), numbered in their description, in one insert."""
    ActionItem.objects.bulk_create(
        ActionItem(
            meeting=meeting,
            distributor=meeting.distributors.get(),
            owner_user=owner,
            owner_side=Side.OURS,
            description=f"Call back {n:03d}",
            **fields,
        )
        for n in range(count)
    )
