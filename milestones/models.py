from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from prm.choices import Side
from prm.scoping import VisibleToQuerySet

from . import evidence as evidence_files


class GoalStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ACHIEVED = "achieved", _("Achieved")
    DROPPED = "dropped", _("Dropped")


class GoalAgreementState(models.TextChoices):
    AGREED = "agreed", _("Agreed by both sides")
    AWAITING_DISTRIBUTOR = "awaiting_distributor", _("Waiting for the distributor")
    AWAITING_US = "awaiting_us", _("Waiting for our side")
    NOT_ACCEPTED = "not_accepted", _("Not yet accepted by either side")
    CHANGE_PROPOSED = "change_proposed", _("Change proposed by the distributor")


class GoalQuerySet(VisibleToQuerySet):
    def portal_filter(self, distributor):
        return Q(distributor=distributor)

    def with_open_change_proposal(self):
        """Tells `agreement_state` whether a change proposal is open, without a query per goal."""
        proposals = GoalChangeProposal.objects.filter(goal=OuterRef("pk"), answer="")
        return self.annotate(open_change_proposal=Exists(proposals))

    def with_accepted_sides(self):
        """Tells `agreement_state` which sides accepted the current version, without
        prefetching every agreement."""
        current = GoalAgreement.objects.filter(goal=OuterRef("pk"), version=OuterRef("version"))
        return self.annotate(
            accepted_by_us=Exists(current.filter(side=Side.OURS)),
            accepted_by_distributor=Exists(current.filter(side=Side.DISTRIBUTOR)),
        )


class Goal(models.Model):
    """A medium-term goal co-created with a distributor.

    It is agreed only when both sides accepted the same version; editing what the goal
    says, in English or in Japanese, raises `version`, which reopens agreement. Each reader
    sees the wording in their language, or the other one when theirs is empty.
    """

    Status = GoalStatus

    Agreement = GoalAgreementState

    distributor = models.ForeignKey(
        "distributors.Distributor",
        verbose_name=_("distributor"),
        on_delete=models.CASCADE,
        related_name="goals",
    )
    title = models.CharField(_("goal"), max_length=200)
    title_ja = models.CharField(_("goal (Japanese)"), max_length=200, blank=True)
    description = models.TextField(_("what"), blank=True)
    description_ja = models.TextField(_("what (Japanese)"), blank=True)
    rationale = models.TextField(_("why"), blank=True)
    rationale_ja = models.TextField(_("why (Japanese)"), blank=True)
    horizon_start = models.DateField(_("horizon from"))
    horizon_end = models.DateField(_("horizon until"))
    owner_ours = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner on our side"),
        on_delete=models.PROTECT,
        related_name="owned_goals",
    )
    owner_distributor = models.ForeignKey(
        "distributors.Contact",
        verbose_name=_("owner on the distributor's side"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_goals",
    )
    measure = models.TextField(
        _("measure"),
        blank=True,
        help_text=_("Optional; stated in the words both sides agreed on."),
    )
    measure_ja = models.TextField(_("measure (Japanese)"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.OPEN
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = GoalQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["distributor", "horizon_end", "title"]
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        constraints = [
            models.CheckConstraint(
                condition=Q(horizon_end__gt=F("horizon_start")), name="goal_horizon_in_order"
            ),
            models.CheckConstraint(
                condition=Q(status__in=GoalStatus.values), name="goal_status_valid"
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="goal_version_positive"),
        ]
        indexes = [models.Index(fields=["distributor", "status"])]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("milestones:goal_detail", args=[self.pk])

    def clean(self):
        super().clean()
        owner = self.owner_distributor if self.owner_distributor_id else None
        if owner is not None and owner.distributor_id != self.distributor_id:
            raise ValidationError(
                {"owner_distributor": _("The owner must be a contact at this distributor.")}
            )

    def agreement_state(self):
        """Where agreement stands. For a list, prefetch `agreements` or use
        `with_accepted_sides()`, and prefetch `change_proposals` or use
        `with_open_change_proposal()`.

        A change the distributor proposed reopens agreement until our side answers it,
        whoever had accepted the current version before.
        """
        proposed = getattr(self, "open_change_proposal", None)
        if proposed is None:
            proposed = any(proposal.is_open for proposal in self.change_proposals.all())
        if proposed:
            return self.Agreement.CHANGE_PROPOSED
        if hasattr(self, "accepted_by_us"):
            accepted = {
                Side.OURS: self.accepted_by_us,
                Side.DISTRIBUTOR: self.accepted_by_distributor,
            }
            sides = {side for side, yes in accepted.items() if yes}
        else:
            sides = {a.side for a in self.agreements.all() if a.version == self.version}
        if sides >= {Side.OURS, Side.DISTRIBUTOR}:
            return self.Agreement.AGREED
        if Side.OURS in sides:
            return self.Agreement.AWAITING_DISTRIBUTOR
        if Side.DISTRIBUTOR in sides:
            return self.Agreement.AWAITING_US
        return self.Agreement.NOT_ACCEPTED

    @property
    def is_agreed(self):
        return self.agreement_state() == self.Agreement.AGREED


class GoalAgreementQuerySet(VisibleToQuerySet):
    def portal_filter(self, distributor):
        return Q(goal__distributor=distributor)


class GoalAgreement(models.Model):
    """One side's acceptance of one version of a goal."""

    goal = models.ForeignKey(
        Goal, verbose_name=_("goal"), on_delete=models.CASCADE, related_name="agreements"
    )
    version = models.PositiveIntegerField(_("version"))
    side = models.CharField(_("side"), max_length=20, choices=Side.choices)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("accepted by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    accepted_at = models.DateTimeField(_("accepted at"), auto_now_add=True)
    comment = models.TextField(_("comment"), blank=True)

    objects = GoalAgreementQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["goal", "version", "side"]
        verbose_name = _("goal agreement")
        verbose_name_plural = _("goal agreements")
        constraints = [
            models.UniqueConstraint(
                fields=["goal", "version", "side"], name="goal_version_accepted_once_per_side"
            ),
            models.CheckConstraint(condition=Q(side__in=Side.values), name="goal_agreement_side"),
        ]

    def __str__(self):
        return f"{self.goal} v{self.version} · {self.get_side_display()}"


class GoalVersionQuerySet(VisibleToQuerySet):
    def portal_filter(self, distributor):
        return Q(goal__distributor=distributor)


class GoalVersion(models.Model):
    """What one version of a goal said, kept so that its history stays visible."""

    # The fields that state the goal: changing one of them after either side accepted the
    # goal makes a new version, which both sides must accept again.
    # The Japanese wording is part of what was agreed, like the English one.
    STATED_FIELDS = (
        "title",
        "title_ja",
        "description",
        "description_ja",
        "rationale",
        "rationale_ja",
        "measure",
        "measure_ja",
        "horizon_start",
        "horizon_end",
        "owner_ours",
        "owner_distributor",
    )

    goal = models.ForeignKey(
        Goal, verbose_name=_("goal"), on_delete=models.CASCADE, related_name="versions"
    )
    version = models.PositiveIntegerField(_("version"))
    title = models.CharField(_("goal"), max_length=200)
    title_ja = models.CharField(_("goal (Japanese)"), max_length=200, blank=True)
    description = models.TextField(_("what"), blank=True)
    description_ja = models.TextField(_("what (Japanese)"), blank=True)
    rationale = models.TextField(_("why"), blank=True)
    rationale_ja = models.TextField(_("why (Japanese)"), blank=True)
    measure = models.TextField(_("measure"), blank=True)
    measure_ja = models.TextField(_("measure (Japanese)"), blank=True)
    horizon_start = models.DateField(_("horizon from"))
    horizon_end = models.DateField(_("horizon until"))
    # History must not stop a person from being removed: the snapshot keeps an empty owner.
    owner_ours = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner on our side"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    owner_distributor = models.ForeignKey(
        "distributors.Contact",
        verbose_name=_("owner on the distributor's side"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)

    objects = GoalVersionQuerySet.as_manager()
    # No audit history of its own: written once by the app, it is the goal's history.

    class Meta:
        ordering = ["goal", "-version"]
        verbose_name = _("goal version")
        verbose_name_plural = _("goal versions")
        constraints = [
            models.UniqueConstraint(fields=["goal", "version"], name="goal_version_snapshot_once")
        ]

    def __str__(self):
        return f"{self.title} v{self.version}"


class GoalChangeProposalAnswer(models.TextChoices):
    REVISED = "revised", _("Answered with a new version")
    DECLINED = "declined", _("Declined")


class GoalChangeProposalQuerySet(VisibleToQuerySet):
    def portal_filter(self, distributor):
        return Q(goal__distributor=distributor)

    def open(self):
        return self.filter(answer="")


class GoalChangeProposal(models.Model):
    """A change to a goal that the distributor's people asked for, and our side's answer.

    While it is open the goal is not agreed. Our side answers by restating the goal (a
    new version, which both sides accept again) or by declining it with a note.
    """

    Answer = GoalChangeProposalAnswer

    goal = models.ForeignKey(
        Goal, verbose_name=_("goal"), on_delete=models.CASCADE, related_name="change_proposals"
    )
    version = models.PositiveIntegerField(_("version it answers"))
    comment = models.TextField(_("proposed change"))
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposed by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("proposed at"), auto_now_add=True)
    answer = models.CharField(_("answer"), max_length=20, choices=Answer.choices, blank=True)
    answer_note = models.TextField(_("note"), blank=True)
    # For a revision, the version that answered it.
    answered_version = models.PositiveIntegerField(
        _("answered with version"), null=True, blank=True
    )
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    objects = GoalChangeProposalQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["goal", "-created_at", "-pk"]
        verbose_name = _("goal change proposal")
        verbose_name_plural = _("goal change proposals")
        constraints = [
            # One open proposal per goal: a double click proposes once, and our side
            # answers one thing at a time.
            models.UniqueConstraint(
                fields=["goal"], condition=Q(answer=""), name="goal_one_open_change_proposal"
            ),
            models.CheckConstraint(
                condition=Q(answer="", answered_at__isnull=True)
                | Q(answer__in=GoalChangeProposalAnswer.values, answered_at__isnull=False),
                name="goal_change_proposal_answer_dated",
            ),
        ]

    def __str__(self):
        return f"{self.goal} v{self.version} · {self.created_at:%Y-%m-%d}"

    @property
    def is_open(self):
        return not self.answer


class MilestoneKind(models.TextChoices):
    TRADE_SHOW = "trade_show", _("Trade show")
    NEW_RETAIL_DOORS = "new_retail_doors", _("New retail doors")
    LOCAL_CAMPAIGN = "local_campaign", _("Local campaign")
    REGIONAL_PILOT = "regional_pilot", _("Regional pilot")
    ECOMMERCE_LISTING = "ecommerce_listing", _("E-commerce listing")
    LOGISTICS_SETUP = "logistics_setup", _("Logistics setup")
    SEASONAL_READINESS = "seasonal_readiness", _("Seasonal readiness")


class MilestoneStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


class MilestoneQuerySet(VisibleToQuerySet):
    def portal_filter(self, distributor):
        return Q(goal__distributor=distributor)


class Milestone(models.Model):
    """A concrete step toward a goal, evaluated instead of a monthly target."""

    Kind = MilestoneKind

    Status = MilestoneStatus

    goal = models.ForeignKey(
        Goal, verbose_name=_("goal"), on_delete=models.CASCADE, related_name="milestones"
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    title = models.CharField(_("milestone"), max_length=200)
    description = models.TextField(_("details"), blank=True)
    target_date = models.DateField(_("target date"), db_index=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PLANNED
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = MilestoneQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["target_date", "pk"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=MilestoneKind.values), name="milestone_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=MilestoneStatus.values), name="milestone_status_valid"
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return self.goal.get_absolute_url() + f"#milestone-{self.pk}"

    @property
    def takes_evidence(self):
        """Whether the distributor may still show how it went: not once it is cancelled or
        its goal is achieved or dropped."""
        return self.status != MilestoneStatus.CANCELLED and self.goal.status == GoalStatus.OPEN


class MilestoneEvaluationOutcome(models.TextChoices):
    EXCEEDED = "exceeded", _("Exceeded")
    ACHIEVED = "achieved", _("Achieved")
    PARTLY = "partly", _("Partly achieved")
    NOT_YET = "not_yet", _("Not yet")


class MilestoneEvaluationQuerySet(VisibleToQuerySet):
    def portal_filter(self, distributor):
        # Only the evaluations we chose to share.
        return Q(milestone__goal__distributor=distributor, shared_with_distributor=True)


class MilestoneEvaluation(models.Model):
    """A joint, mostly qualitative assessment of a milestone at a point in time."""

    Outcome = MilestoneEvaluationOutcome

    milestone = models.ForeignKey(
        Milestone,
        verbose_name=_("milestone"),
        on_delete=models.CASCADE,
        related_name="evaluations",
    )
    evaluated_on = models.DateField(_("evaluated on"), db_index=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)
    narrative = models.TextField(_("what happened"))
    learning = models.TextField(_("what both sides learned"), blank=True)
    next_step = models.TextField(_("next step"), blank=True)
    staff_participants = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("our participants"),
        blank=True,
        related_name="milestone_evaluations",
    )
    contact_participants = models.ManyToManyField(
        "distributors.Contact",
        verbose_name=_("distributor participants"),
        blank=True,
        related_name="milestone_evaluations",
    )
    shared_with_distributor = models.BooleanField(_("shared with the distributor"), default=True)
    meeting = models.ForeignKey(
        "meetings.AlignmentMeeting",
        verbose_name=_("made in the meeting"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="milestone_evaluations",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = MilestoneEvaluationQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=["staff_participants", "contact_participants"])

    class Meta:
        ordering = ["-evaluated_on", "-pk"]
        verbose_name = _("milestone evaluation")
        verbose_name_plural = _("milestone evaluations")
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome__in=MilestoneEvaluationOutcome.values),
                name="evaluation_outcome_valid",
            ),
        ]

    def __str__(self):
        return f"{self.milestone} · {self.get_outcome_display()} · {self.evaluated_on}"

    def clean(self):
        super().clean()
        if (
            self.meeting_id
            and self.milestone_id
            and not self.meeting.distributors.filter(pk=self.milestone.goal.distributor_id).exists()
        ):
            raise ValidationError(
                {"meeting": _("The meeting must be one with this goal's distributor.")}
            )


class MilestoneEvidenceQuerySet(VisibleToQuerySet):
    def portal_filter(self, distributor):
        return Q(milestone__goal__distributor=distributor)


class MilestoneEvidence(models.Model):
    """What the distributor's people show of a milestone's progress: a note, a link, a file.

    The file is kept in the private storage under a generated name; `file_name` is the
    name it had, cleaned, only for showing and downloading (milestones/evidence.py).
    """

    milestone = models.ForeignKey(
        Milestone, verbose_name=_("milestone"), on_delete=models.CASCADE, related_name="evidence"
    )
    text = models.TextField(_("what happened"), blank=True)
    link = models.URLField(
        _("link"), max_length=500, blank=True, validators=[URLValidator(schemes=["https"])]
    )
    file = models.FileField(
        _("file"),
        storage=evidence_files.private_storage,
        upload_to=evidence_files.stored_name,
        max_length=100,
        blank=True,
    )
    file_name = models.CharField(_("file name"), max_length=150, blank=True)
    file_size = models.PositiveBigIntegerField(_("file size"), null=True, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("added by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("added at"), auto_now_add=True)

    objects = MilestoneEvidenceQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["milestone", "-created_at", "-pk"]
        verbose_name = _("milestone evidence")
        verbose_name_plural = _("milestone evidence")
        constraints = [
            models.CheckConstraint(
                condition=~Q(text="") | ~Q(link="") | ~Q(file=""), name="evidence_not_empty"
            ),
        ]

    def __str__(self):
        return f"{self.milestone} · {self.created_at:%Y-%m-%d}"

    @property
    def content_type(self):
        return evidence_files.content_type(self.file_name)
