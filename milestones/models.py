from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from prm.choices import Side


class GoalStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ACHIEVED = "achieved", _("Achieved")
    DROPPED = "dropped", _("Dropped")


class GoalAgreementState(models.TextChoices):
    AGREED = "agreed", _("Agreed by both sides")
    AWAITING_DISTRIBUTOR = "awaiting_distributor", _("Waiting for the distributor")
    AWAITING_US = "awaiting_us", _("Waiting for our side")
    NOT_ACCEPTED = "not_accepted", _("Not yet accepted by either side")


class Goal(models.Model):
    """A medium-term goal co-created with a distributor.

    It is agreed only when both sides accepted the same version; editing what the goal
    says raises `version`, which reopens agreement.
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
    description = models.TextField(_("what"), blank=True)
    rationale = models.TextField(_("why"), blank=True)
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
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.OPEN
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

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


class GoalVersion(models.Model):
    """What one version of a goal said, kept so that its history stays visible."""

    # The fields that state the goal: changing one of them after either side accepted the
    # goal makes a new version, which both sides must accept again.
    STATED_FIELDS = (
        "title",
        "description",
        "rationale",
        "measure",
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
    description = models.TextField(_("what"), blank=True)
    rationale = models.TextField(_("why"), blank=True)
    measure = models.TextField(_("measure"), blank=True)
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

    class Meta:
        ordering = ["goal", "-version"]
        verbose_name = _("goal version")
        verbose_name_plural = _("goal versions")
        constraints = [
            models.UniqueConstraint(fields=["goal", "version"], name="goal_version_snapshot_once")
        ]

    def __str__(self):
        return f"{self.title} v{self.version}"


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


class MilestoneEvaluationOutcome(models.TextChoices):
    EXCEEDED = "exceeded", _("Exceeded")
    ACHIEVED = "achieved", _("Achieved")
    PARTLY = "partly", _("Partly achieved")
    NOT_YET = "not_yet", _("Not yet")


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
