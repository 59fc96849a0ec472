import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from meetings.cadences import (
    CadenceKind,
    CadenceState,
    CadenceStatus,
    Interval,
    default_cadence_for,
)
from prm.choices import Side
from prm.scoping import VisibleToQuerySet


class TouchpointKind(models.TextChoices):
    SITE_VISIT = "site_visit", _("Site visit")
    STORE_VISIT = "store_visit", _("Store visit")
    EXECUTIVE_MEAL = "executive_meal", _("Executive meal")
    TRADE_SHOW = "trade_show", _("Trade-show encounter")
    CALL = "call", _("Call")
    VIDEO_CALL = "video_call", _("Video call")


class TouchpointMood(models.TextChoices):
    POSITIVE = "positive", _("Positive")
    NEUTRAL = "neutral", _("Neutral")
    CONCERN = "concern", _("Concern")


class TouchpointQuerySet(VisibleToQuerySet):
    def portal_filter(self, distributor):
        # Touchpoints are our own notes of informal contact: never shown in the portal.
        return None


class Touchpoint(models.Model):
    """An informal interaction an account manager logs, with what was sensed but not said."""

    Kind = TouchpointKind

    IN_PERSON_KINDS = (Kind.SITE_VISIT, Kind.STORE_VISIT, Kind.EXECUTIVE_MEAL, Kind.TRADE_SHOW)
    CHOICE_CONSTRAINTS = {"touchpoint_kind_valid", "touchpoint_mood_valid"}

    Mood = TouchpointMood

    distributor = models.ForeignKey(
        "distributors.Distributor",
        verbose_name=_("distributor"),
        on_delete=models.CASCADE,
        related_name="touchpoints",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    occurred_on = models.DateField(_("date"))
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("our people present"),
        blank=True,
        related_name="touchpoints",
    )
    contacts = models.ManyToManyField(
        "distributors.Contact",
        verbose_name=_("contacts met"),
        blank=True,
        related_name="touchpoints",
    )
    mood = models.CharField(
        _("mood as sensed"), max_length=10, choices=Mood.choices, default=Mood.NEUTRAL
    )
    notes = models.TextField(_("notes"), blank=True)
    unspoken_concerns = models.TextField(
        _("unspoken concerns"),
        blank=True,
        help_text=_("What you sensed but was not said. Never shown to the distributor."),
    )
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("logged by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("logged at"), auto_now_add=True)

    objects = TouchpointQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=["staff", "contacts"])

    class Meta:
        ordering = ["-occurred_on", "-created_at"]
        verbose_name = _("touchpoint")
        verbose_name_plural = _("touchpoints")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=TouchpointKind.values), name="touchpoint_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(mood__in=TouchpointMood.values), name="touchpoint_mood_valid"
            ),
        ]
        indexes = [models.Index(fields=["distributor", "-occurred_on"])]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.distributor} · {self.occurred_on}"

    def get_absolute_url(self):
        return reverse("meetings:touchpoint_detail", args=[self.pk])

    def get_constraints(self):
        # Validation asks the database about each constraint, a query and two savepoints
        # apiece. These two repeat the choices that validating kind and mood checks: the
        # database keeps them for the writes that skip validation.
        return [
            (model, [c for c in constraints if c.name not in self.CHOICE_CONSTRAINTS])
            for model, constraints in super().get_constraints()
        ]

    def clean(self):
        super().clean()
        if self.occurred_on and self.occurred_on > timezone.localdate():
            raise ValidationError({"occurred_on": _("A touchpoint cannot be in the future.")})


def contacts_outside(distributor, contacts):
    """The contacts that do not belong to `distributor` (checked once M2M data is known)."""
    return [contact for contact in contacts if contact.distributor_id != distributor.pk]


class AlignmentMeetingKind(models.TextChoices):
    ALIGNMENT = "alignment", _("Alignment meeting")
    ADVISORY_BOARD = "advisory_board", _("Advisory board")


class AlignmentMeetingFormat(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    VIDEO = "video", _("Video")
    HYBRID = "hybrid", _("Hybrid")


class AlignmentMeetingLanguage(models.TextChoices):
    ENGLISH = "en", _("English")
    JAPANESE = "ja", _("Japanese")
    BILINGUAL = "bilingual", _("English and Japanese")


class AlignmentMeetingStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    HELD = "held", _("Held")
    CANCELLED = "cancelled", _("Cancelled")


class AlignmentMeetingQuerySet(VisibleToQuerySet):
    def portal_filter(self, distributor):
        return Q(distributors=distributor)


class AlignmentMeeting(models.Model):
    """The structured dialogue with one distributor, or an advisory board with several."""

    Kind = AlignmentMeetingKind

    Format = AlignmentMeetingFormat

    Language = AlignmentMeetingLanguage

    Status = AlignmentMeetingStatus

    # The parts of the minutes the distributor reads once shared, each in English and in
    # Japanese (`<name>_ja`): each reader sees their language, or else the other one.
    MINUTES_FIELDS = (
        "minutes_market_trends",
        "minutes_feedback",
        "minutes_joint_learning",
        "decisions",
    )

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.ALIGNMENT)
    title = models.CharField(_("title"), max_length=200)
    distributors = models.ManyToManyField(
        "distributors.Distributor",
        verbose_name=_("distributors"),
        related_name="meetings",
        help_text=_("One for an alignment meeting; several for an advisory board."),
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    format = models.CharField(
        _("format"), max_length=20, choices=Format.choices, default=Format.IN_PERSON
    )
    location = models.CharField(_("place"), max_length=255, blank=True)
    join_url = models.URLField(_("video link"), blank=True)
    language = models.CharField(
        _("language"), max_length=10, choices=Language.choices, default=Language.JAPANESE
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PLANNED
    )
    staff_attendees = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("our attendees"),
        blank=True,
        related_name="meetings_attended",
    )
    contact_attendees = models.ManyToManyField(
        "distributors.Contact",
        verbose_name=_("distributor attendees"),
        blank=True,
        related_name="meetings_attended",
    )
    minutes_market_trends = models.TextField(_("market trends"), blank=True)
    minutes_market_trends_ja = models.TextField(_("market trends (Japanese)"), blank=True)
    minutes_feedback = models.TextField(_("feedback discussed"), blank=True)
    minutes_feedback_ja = models.TextField(_("feedback discussed (Japanese)"), blank=True)
    minutes_joint_learning = models.TextField(_("joint learning"), blank=True)
    minutes_joint_learning_ja = models.TextField(_("joint learning (Japanese)"), blank=True)
    decisions = models.TextField(_("decisions"), blank=True)
    decisions_ja = models.TextField(_("decisions (Japanese)"), blank=True)
    minutes_shared = models.BooleanField(
        _("minutes shared with the distributor"),
        default=False,
        help_text=_("Distributor users see the minutes and decisions in their portal."),
    )
    organizer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("organizer"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = AlignmentMeetingQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=["distributors", "staff_attendees", "contact_attendees"])

    class Meta:
        ordering = ["-starts_at"]
        verbose_name = _("alignment meeting")
        verbose_name_plural = _("alignment meetings")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="meeting_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=AlignmentMeetingKind.values), name="meeting_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(format__in=AlignmentMeetingFormat.values), name="meeting_format_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=AlignmentMeetingStatus.values), name="meeting_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(language__in=AlignmentMeetingLanguage.values),
                name="meeting_language_valid",
            ),
        ]
        indexes = [models.Index(fields=["status", "starts_at"])]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("meetings:meeting_detail", args=[self.pk])


class AgendaItemStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")


class AgendaItemQuerySet(VisibleToQuerySet):
    def portal_filter(self, distributor):
        # In an advisory board with several distributors, another one's proposals stay
        # between it and us until we accept them.
        return Q(meeting__distributors=distributor) & (
            Q(status=AgendaItemStatus.ACCEPTED)
            | Q(
                proposer_side=Side.DISTRIBUTOR,
                proposed_by__portal_contact__distributor=distributor,
            )
        )


class AgendaItem(models.Model):
    Status = AgendaItemStatus

    meeting = models.ForeignKey(
        AlignmentMeeting,
        verbose_name=_("meeting"),
        on_delete=models.CASCADE,
        related_name="agenda_items",
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    title = models.CharField(_("item"), max_length=200)
    description = models.TextField(_("details"), blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    proposer_side = models.CharField(
        _("proposed by side"), max_length=20, choices=Side.choices, default=Side.OURS
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.ACCEPTED
    )
    # Who accepted or declined a distributor's proposal, and when; empty for our own items.
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    objects = AgendaItemQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting", "position", "pk"]
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        constraints = [
            models.CheckConstraint(
                condition=Q(proposer_side__in=Side.values), name="agenda_item_side_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=AgendaItemStatus.values), name="agenda_item_status_valid"
            ),
        ]
        indexes = [
            # My week: the distributors' proposals still awaiting our answer, a few of many.
            models.Index(
                fields=["meeting"],
                condition=Q(proposer_side="distributor", status="proposed"),
                name="agenda_item_open_proposal",
            )
        ]

    def __str__(self):
        return self.title


class ActionItemStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class ActionItemQuerySet(VisibleToQuerySet):
    def portal_filter(self, distributor):
        # An action item from a touchpoint belongs to our notes of it, like the touchpoint.
        return Q(distributor=distributor, meeting__isnull=False)


class ActionItem(models.Model):
    Status = ActionItemStatus

    meeting = models.ForeignKey(
        AlignmentMeeting,
        verbose_name=_("meeting"),
        on_delete=models.CASCADE,
        related_name="action_items",
        null=True,
        blank=True,
    )
    touchpoint = models.ForeignKey(
        Touchpoint,
        verbose_name=_("touchpoint"),
        on_delete=models.CASCADE,
        related_name="action_items",
        null=True,
        blank=True,
    )
    distributor = models.ForeignKey(
        "distributors.Distributor",
        verbose_name=_("distributor"),
        on_delete=models.CASCADE,
        related_name="action_items",
    )
    description = models.CharField(_("action"), max_length=300)
    owner_side = models.CharField(_("owner's side"), max_length=20, choices=Side.choices)
    owner_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner (our side)"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="action_items",
    )
    owner_contact = models.ForeignKey(
        "distributors.Contact",
        verbose_name=_("owner (distributor side)"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="action_items",
    )
    due_on = models.DateField(_("due date"), null=True, blank=True, db_index=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.OPEN
    )
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("marked done by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    completion_note = models.TextField(_("completion note"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ActionItemQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("action item")
        verbose_name_plural = _("action items")
        constraints = [
            models.CheckConstraint(
                condition=Q(meeting__isnull=False) | Q(touchpoint__isnull=False),
                name="action_item_has_origin",
            ),
            models.CheckConstraint(
                condition=(Q(owner_side=Side.OURS) & Q(owner_contact__isnull=True))
                | (Q(owner_side=Side.DISTRIBUTOR) & Q(owner_user__isnull=True)),
                name="action_item_owner_matches_side",
            ),
            models.CheckConstraint(
                condition=Q(status__in=ActionItemStatus.values), name="action_item_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(status="done", completed_at__isnull=False) | ~Q(status="done"),
                name="action_item_done_has_completion_time",
            ),
        ]
        indexes = [
            models.Index(fields=["distributor", "status"]),
            # My week: a person's open items, earliest due first, and how many there are.
            models.Index(
                fields=["owner_user", "due_on", "id"],
                condition=Q(status="open"),
                name="action_item_open_by_owner",
            ),
        ]

    def __str__(self):
        return self.description

    def get_absolute_url(self):
        # The page it was agreed on, its meeting's or its touchpoint's, from the ids alone:
        # a list of items need not read their meetings and touchpoints.
        if self.meeting_id:
            return reverse("meetings:meeting_detail", args=[self.meeting_id])
        return reverse("meetings:touchpoint_detail", args=[self.touchpoint_id])

    def clean(self):
        super().clean()
        errors = {}
        if not self.distributor_id:
            return
        if self.owner_contact_id and self.owner_contact.distributor_id != self.distributor_id:
            errors["owner_contact"] = _("The owner must be a contact at this distributor.")
        if (
            self.meeting_id
            and not self.meeting.distributors.filter(pk=self.distributor_id).exists()
        ):
            errors["distributor"] = _("The distributor must be one of the meeting's distributors.")
        elif self.touchpoint_id and self.touchpoint.distributor_id != self.distributor_id:
            errors["distributor"] = _("The distributor must be the touchpoint's distributor.")
        if errors:
            raise ValidationError(errors)


class Cadence(models.Model):
    """How often each kind of contact is due with one distributor, and where each stands.

    See meetings/cadences.py for the kinds of contact and what counts for each.
    """

    DEFAULT_HELP = _("Empty: the default for the distributor's role and status.")

    # Each kind of contact: the field holding its interval, and that interval's unit.
    INTERVAL_FIELDS = {
        CadenceKind.ALIGNMENT: ("alignment_interval_months", "months"),
        CadenceKind.TOUCHPOINT: ("touchpoint_interval_weeks", "weeks"),
        CadenceKind.SENIOR_CONTACT: ("senior_contact_interval_months", "months"),
    }

    distributor = models.OneToOneField(
        "distributors.Distributor",
        verbose_name=_("distributor"),
        on_delete=models.CASCADE,
        related_name="cadence",
    )
    # An empty interval follows default_cadence_for(), so it changes with the distributor's
    # status and role (a pilot that becomes active goes from two-monthly to quarterly).
    alignment_interval_months = models.PositiveSmallIntegerField(
        _("alignment meeting every (months)"), null=True, blank=True, help_text=DEFAULT_HELP
    )
    touchpoint_interval_weeks = models.PositiveSmallIntegerField(
        _("informal touchpoint every (weeks)"), null=True, blank=True, help_text=DEFAULT_HELP
    )
    senior_contact_interval_months = models.PositiveSmallIntegerField(
        _("senior-level contact every (months)"), null=True, blank=True, help_text=DEFAULT_HELP
    )
    due_soon_days = models.PositiveSmallIntegerField(
        _("“due soon” window (days)"),
        default=14,
        help_text=_("A cadence shows as due soon this many days before it is due."),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("cadence")
        verbose_name_plural = _("cadences")
        constraints = [
            models.CheckConstraint(
                condition=Q(alignment_interval_months__gte=1, alignment_interval_months__lte=12),
                name="cadence_alignment_interval_range",
            ),
            models.CheckConstraint(
                condition=Q(touchpoint_interval_weeks__gte=1, touchpoint_interval_weeks__lte=52),
                name="cadence_touchpoint_interval_range",
            ),
            models.CheckConstraint(
                condition=Q(
                    senior_contact_interval_months__gte=1, senior_contact_interval_months__lte=24
                ),
                name="cadence_senior_interval_range",
            ),
            models.CheckConstraint(
                condition=Q(due_soon_days__gte=1, due_soon_days__lte=90),
                name="cadence_due_soon_window_range",
            ),
        ]

    def __str__(self):
        return _("Cadence of %(distributor)s") % {"distributor": self.distributor}

    @classmethod
    def for_distributor(cls, distributor):
        """The distributor's row, or an unsaved one that follows the defaults throughout.

        No query when the row was fetched with the distributor (select_related("cadence"),
        as `with_cadence_dates` does). Django caches an unsaved one as distributor.cadence.
        """
        try:
            return distributor.cadence
        except cls.DoesNotExist:
            return cls(distributor=distributor)

    def interval(self, kind):
        """The interval between two contacts of `kind`: this row's, or the default."""
        field, unit = self.INTERVAL_FIELDS[kind]
        count = getattr(self, field)
        if count is None:
            count = default_cadence_for(self.distributor)[field]
        return Interval(count, unit)

    def state(self, kind, *, last_event_on, since, today):
        """Where contact of `kind` stands on `today`, given its last qualifying event.

        `since` (the day the distributor was added) counts while there has been no event.
        The due day itself is still "due soon": overdue starts the day after.
        """
        interval = self.interval(kind)
        counted_from = last_event_on or since
        due_on = interval.after(counted_from)
        if today > due_on:
            status = CadenceStatus.OVERDUE
        elif (due_on - today).days <= self.due_soon_days:
            status = CadenceStatus.DUE_SOON
        else:
            status = CadenceStatus.ON_TRACK
        return CadenceState(
            kind=kind,
            status=status,
            due_on=due_on,
            last_event_on=last_event_on,
            counted_from=counted_from,
            interval=interval,
            as_of=today,
        )


class ReminderKind(models.TextChoices):
    ALIGNMENT_DUE = "alignment_due", _("Alignment meeting due")
    TOUCHPOINT_DUE = "touchpoint_due", _("Touchpoint due")
    SENIOR_CONTACT_DUE = "senior_contact_due", _("Senior-level contact due")
    CADENCE_ESCALATED = "cadence_escalated", _("Overdue contact escalated")
    QUARTER_PLANNING = "quarter_planning", _("Quarterly touchpoint planning")
    SEASONAL_PEAK = "seasonal_peak", _("Seasonal peak ahead")
    EXECUTIVE_DIGEST = "executive_digest", _("Weekly executive digest")
    # What a distributor's people did in the portal, for its account manager.
    FEEDBACK_RECEIVED = "feedback_received", _("Feedback from a distributor")
    FEEDBACK_ANSWERED = "feedback_answered", _("A distributor answered on feedback")
    AGENDA_PROPOSED = "agenda_proposed", _("Agenda item proposed by a distributor")
    GOAL_ACCEPTED = "goal_accepted", _("Goal accepted by a distributor")
    GOAL_CHANGE_PROPOSED = "goal_change_proposed", _("Goal change proposed by a distributor")
    EVIDENCE_ADDED = "evidence_added", _("Milestone evidence from a distributor")
    ACTION_ITEM_DONE = "action_item_done", _("Action item done by a distributor")
    FIGURES_SUBMITTED = "figures_submitted", _("Figures submitted by a distributor")


class ReminderState(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    READ = "read", _("Read")
    DISMISSED = "dismissed", _("Dismissed")


class ReminderQuerySet(models.QuerySet):
    def deliverable(self, now):
        """Reminders a delivery may claim at `now`: pending, or claimed by a dead worker."""
        stale = now - Reminder.CLAIM_TIMEOUT
        return self.filter(
            Q(state=ReminderState.PENDING) | Q(state=ReminderState.SENDING, claimed_at__lt=stale)
        )


class Reminder(models.Model):
    """A notification that is sent once: a cadence due, a quarter to plan, a peak coming.

    One row per recipient, kind, subject (the distributor, or none) and period: `period`
    names what the reminder is about in time (the due date of a cadence, a fiscal quarter
    such as "FY2026-Q3", a peak such as "2027-golden-week", an ISO week such as
    "2026-W23"), or for something done in the portal the object it concerns
    ("feedback-812"), so the same reminder can never be created twice however often the
    scans run. An escalation to the executive sponsor is a row of its own for the sponsor, with
    the cadence in its period ("touchpoint-2026-12-01"): it is sent on its own day, and
    the account manager's reminder stays as it was.

    Delivery: pending → sending (a worker claimed it at `claimed_at`) → sent, or back to
    pending after a failed attempt, until `MAX_ATTEMPTS` make it failed. A claim older than
    `CLAIM_TIMEOUT` belongs to a worker that died, and can be taken again. Reading in the
    app is `read_at`, apart from delivery; dismissing hides a delivered one.
    """

    Kind = ReminderKind

    State = ReminderState

    # Longer than any e-mail send takes, so that only a dead worker's claim is taken again.
    CLAIM_TIMEOUT = dt.timedelta(minutes=15)
    MAX_ATTEMPTS = 5

    # Where the recipient acts on a reminder that is about no single distributor.
    PAGES = {
        Kind.QUARTER_PLANNING: ("my_week", ""),
        Kind.SEASONAL_PEAK: ("distributors:list", "?scope=mine"),
        Kind.EXECUTIVE_DIGEST: ("portfolio", ""),
    }

    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    distributor = models.ForeignKey(
        "distributors.Distributor",
        verbose_name=_("distributor"),
        on_delete=models.CASCADE,
        related_name="reminders",
        null=True,
        blank=True,
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="reminders",
    )
    period = models.CharField(_("period"), max_length=40)
    # The page of the one object a portal event is about (a feedback thread, a goal);
    # empty for reminders, which open the distributor's page.
    link = models.CharField(_("link"), max_length=300, blank=True)
    due_on = models.DateField(_("due on"), null=True, blank=True)
    message = models.TextField(_("message"), blank=True)
    state = models.CharField(
        _("state"), max_length=20, choices=State.choices, default=State.PENDING
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # Which run of a scan created the row: the rows it finds with this are the ones it
    # inserted, not those that already existed or that a concurrent run inserted.
    scan_id = models.UUIDField(_("created by scan"), null=True, editable=False, db_index=True)
    claimed_at = models.DateTimeField(_("claimed for sending at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("sending attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    emailed = models.BooleanField(
        _("e-mailed"),
        default=False,
        help_text=_("Sent by e-mail as well; otherwise only shown in the app."),
    )
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    objects = ReminderQuerySet.as_manager()
    # No audit history: reminders are written by the scans and the delivery worker, in
    # volume and mostly by conditional updates; the row itself tells its delivery.

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "distributor", "kind", "period"],
                condition=Q(distributor__isnull=False),
                name="reminder_once_per_recipient_distributor_kind_period",
            ),
            models.UniqueConstraint(
                fields=["recipient", "kind", "period"],
                condition=Q(distributor__isnull=True),
                name="reminder_once_per_recipient_kind_period",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=ReminderKind.values), name="reminder_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(state__in=ReminderState.values), name="reminder_state_valid"
            ),
            models.CheckConstraint(
                condition=~Q(state__in=["sent", "read"]) | Q(sent_at__isnull=False),
                name="reminder_sent_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(state="sending") | Q(claimed_at__isnull=False),
                name="reminder_sending_has_claim_time",
            ),
        ]
        indexes = [
            models.Index(fields=["recipient", "state"]),
            # What the sweeper looks for, however many reminders were delivered.
            models.Index(
                fields=["state", "claimed_at"],
                condition=Q(state__in=["pending", "sending"]),
                name="reminder_undelivered",
            ),
        ]

    def __str__(self):
        subject = self.distributor or self.recipient
        return f"{self.get_kind_display()} · {subject} · {self.period}"

    def get_absolute_url(self):
        """The page that needs the recipient's action."""
        if self.link:
            return self.link
        if self.distributor_id:
            return reverse("distributors:detail", args=[self.distributor_id])
        name, query = self.PAGES[self.kind]
        return reverse(name) + query


class NotificationPreference(models.Model):
    """Whether a user wants e-mails for one kind of reminder; without a row, they do.

    Reminders always appear in the app: this only turns their e-mail on or off. An
    executive who wants the weekly digest only turns the other kinds off.
    """

    # No audit history: a person's own setting, not partnership data.

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="notification_preferences",
    )
    kind = models.CharField(_("kind of reminder"), max_length=30, choices=ReminderKind.choices)
    email = models.BooleanField(_("send by e-mail"), default=True)

    class Meta:
        ordering = ["user", "kind"]
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind"], name="notification_preference_once_per_user_kind"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=ReminderKind.values),
                name="notification_preference_kind_valid",
            ),
        ]

    def __str__(self):
        if self.email:
            text = _("%(user)s: %(kind)s by e-mail")
        else:
            text = _("%(user)s: %(kind)s in the app only")
        return text % {"user": self.user, "kind": self.get_kind_display()}
