import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from prm.choices import Language
from prm.imports import StoredImport
from prm.scoping import VisibleToQuerySet


class Prefecture(models.Model):
    """One of Japan's 47 prefectures (reference data, loaded by a migration)."""

    code = models.PositiveSmallIntegerField(_("JIS code"), unique=True)
    name_en = models.CharField(_("name (English)"), max_length=40, unique=True)
    name_ja = models.CharField(_("name (Japanese)"), max_length=10, unique=True)
    region = models.CharField(_("region"), max_length=40)

    class Meta:
        ordering = ["code"]
        verbose_name = _("prefecture")
        verbose_name_plural = _("prefectures")

    def __str__(self):
        return f"{self.name_en} ({self.name_ja})"


class ProductCategory(models.Model):
    name_en = models.CharField(_("name (English)"), max_length=100, unique=True)
    name_ja = models.CharField(_("name (Japanese)"), max_length=100, blank=True)

    class Meta:
        ordering = ["name_en"]
        verbose_name = _("product category")
        verbose_name_plural = _("product categories")

    def __str__(self):
        return self.name_en


class ArchivableQuerySet(VisibleToQuerySet):
    def active(self):
        return self.filter(archived_at__isnull=True)


class DistributorQuerySet(ArchivableQuerySet):
    def portal_filter(self, distributor):
        return Q(pk=distributor.pk)


class ContactQuerySet(ArchivableQuerySet):
    def portal_filter(self, distributor):
        # Colleagues who left are no longer shown to the distributor's people.
        return Q(distributor=distributor, archived_at__isnull=True)


class DistributorRole(models.TextChoices):
    IMPORT_AGENT = "import_agent", _("Import agent")
    PRIMARY_WHOLESALER = "primary_wholesaler", _("Primary wholesaler")
    SECONDARY_WHOLESALER = "secondary_wholesaler", _("Secondary wholesaler")
    SUB_WHOLESALER = "sub_wholesaler", _("Sub-wholesaler")
    RETAILER_CHAIN = "retailer_chain", _("Retailer chain")
    THIRD_PARTY_LOGISTICS = "3pl", _("Third-party logistics (3PL)")
    TRUCKING = "trucking", _("Trucking or courier")
    COLD_CHAIN = "cold_chain", _("Cold-chain operator")
    ECOMMERCE = "ecommerce", _("E-commerce operator")


class DistributorStatus(models.TextChoices):
    PROSPECT = "prospect", _("Prospect")
    ONBOARDING = "onboarding", _("Onboarding")
    PILOT = "pilot", _("Pilot")
    ACTIVE = "active", _("Active")
    AT_RISK = "at_risk", _("At risk")
    PAUSED = "paused", _("Paused")
    ENDED = "ended", _("Ended")


class Distributor(models.Model):
    Role = DistributorRole

    LOGISTICS_ROLES = (Role.THIRD_PARTY_LOGISTICS, Role.TRUCKING, Role.COLD_CHAIN)

    Status = DistributorStatus

    code = models.SlugField(
        _("partner code"),
        max_length=40,
        unique=True,
        help_text=_("Short, stable identifier used by imports and other systems."),
    )
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_ja = models.CharField(_("name (Japanese)"), max_length=200, blank=True)
    name_kana = models.CharField(_("name (kana reading)"), max_length=200, blank=True)
    role = models.CharField(_("role in the network"), max_length=30, choices=Role.choices)
    upstream = models.ForeignKey(
        "self",
        verbose_name=_("upstream distributor"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="downstream",
        help_text=_("The partner this one buys from in a layered wholesale chain."),
    )
    status = models.CharField(
        _("lifecycle status"), max_length=20, choices=Status.choices, default=Status.PROSPECT
    )
    prefectures = models.ManyToManyField(
        Prefecture, verbose_name=_("prefectures covered"), blank=True, related_name="distributors"
    )
    product_categories = models.ManyToManyField(
        ProductCategory,
        verbose_name=_("product categories"),
        blank=True,
        related_name="distributors",
    )
    account_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account manager"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="managed_distributors",
    )
    executive_sponsor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("executive sponsor"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sponsored_distributors",
    )
    website = models.URLField(_("website"), blank=True)
    address = models.TextField(_("address"), blank=True)
    notes = models.TextField(_("internal notes"), blank=True)
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = DistributorQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=["prefectures", "product_categories"])

    class Meta:
        ordering = ["name_en"]
        verbose_name = _("distributor")
        verbose_name_plural = _("distributors")
        constraints = [
            models.CheckConstraint(
                condition=~Q(upstream=F("pk")), name="distributor_not_own_upstream"
            ),
            models.CheckConstraint(
                condition=Q(role__in=DistributorRole.values), name="distributor_role_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=DistributorStatus.values), name="distributor_status_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["status"]),
            models.Index(fields=["role"]),
            models.Index(fields=["name_kana"]),
        ]

    def __str__(self):
        return f"{self.name_en} / {self.name_ja}" if self.name_ja else self.name_en

    def get_absolute_url(self):
        return reverse("distributors:detail", args=[self.pk])

    def clean(self):
        super().clean()
        upstream = self.upstream if self.upstream_id else None
        if upstream is None:
            return
        if upstream.is_archived and not self.is_archived:
            raise ValidationError(
                {"upstream": _("An archived distributor cannot be the upstream of an active one.")}
            )
        seen = set()
        while upstream is not None and upstream.pk not in seen:
            if self.pk is not None and upstream.pk == self.pk:
                raise ValidationError(
                    {"upstream": _("This upstream distributor would make the chain loop.")}
                )
            seen.add(upstream.pk)
            upstream = upstream.upstream

    @property
    def is_archived(self):
        return self.archived_at is not None

    @property
    def is_logistics_partner(self):
        return self.role in self.LOGISTICS_ROLES


class ContactSeniority(models.TextChoices):
    EXECUTIVE = "executive", _("Executive / decision-maker")
    MANAGER = "manager", _("Manager")
    FRONT_LINE = "front_line", _("Front line")


class Contact(models.Model):
    Seniority = ContactSeniority

    distributor = models.ForeignKey(
        Distributor,
        verbose_name=_("distributor"),
        on_delete=models.CASCADE,
        related_name="contacts",
    )
    name_latin = models.CharField(_("name (Latin script)"), max_length=150)
    name_kanji = models.CharField(_("name (kanji)"), max_length=150, blank=True)
    name_kana = models.CharField(_("name (kana reading)"), max_length=150, blank=True)
    title = models.CharField(_("title"), max_length=150, blank=True)
    seniority = models.CharField(_("seniority"), max_length=20, choices=Seniority.choices)
    language = models.CharField(
        _("preferred language"), max_length=5, choices=Language.choices, default=Language.JAPANESE
    )
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    portal_user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("portal login"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="portal_contact",
    )
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ContactQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["distributor", "name_latin"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        constraints = [
            models.CheckConstraint(
                condition=Q(seniority__in=ContactSeniority.values), name="contact_seniority_valid"
            ),
            models.CheckConstraint(
                condition=Q(language__in=Language.values), name="contact_language_valid"
            ),
            # Case-insensitive: Sato@… and sato@… are the same mailbox.
            models.UniqueConstraint(
                "distributor",
                Lower("email"),
                condition=~Q(email=""),
                name="contact_email_unique_per_distributor",
            ),
        ]
        indexes = [models.Index(fields=["name_kana"])]

    def __str__(self):
        return f"{self.name_latin} ({self.name_kanji})" if self.name_kanji else self.name_latin

    def get_absolute_url(self):
        return reverse("distributors:detail", args=[self.distributor_id]) + f"#contact-{self.pk}"

    def clean(self):
        super().clean()
        if self.portal_user_id and (
            self.portal_user.is_staff_member
            or self.portal_user.is_superuser
            or self.portal_user.is_staff
        ):
            raise ValidationError(
                {"portal_user": _("Our staff and administrators cannot be a portal login.")}
            )

    @property
    def is_archived(self):
        return self.archived_at is not None

    @property
    def is_senior(self):
        return self.seniority == self.Seniority.EXECUTIVE


class FeedbackKind(models.TextChoices):
    MARKET = "market", _("Market feedback")
    IMPROVEMENT = "improvement", _("Improvement suggestion")
    PRODUCT_IDEA = "product_idea", _("Product or brand idea")
    CONCERN = "concern", _("Concern")


class FeedbackStatus(models.TextChoices):
    NEW = "new", _("New")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    IN_PROGRESS = "in_progress", _("In progress")
    ADDRESSED = "addressed", _("Addressed")
    DECLINED = "declined", _("Declined")


class FeedbackQuerySet(VisibleToQuerySet):
    def portal_filter(self, distributor):
        return Q(distributor=distributor)


class Feedback(models.Model):
    Kind = FeedbackKind

    Status = FeedbackStatus

    distributor = models.ForeignKey(
        Distributor,
        verbose_name=_("distributor"),
        on_delete=models.CASCADE,
        related_name="feedback",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.NEW
    )
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("message"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    anonymous_to_team = models.BooleanField(
        _("visible to the account manager only"),
        default=False,
        help_text=_("The sender's name is hidden from everyone but the account manager."),
    )
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = FeedbackQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=FeedbackKind.values), name="feedback_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=FeedbackStatus.values), name="feedback_status_valid"
            ),
        ]
        indexes = [models.Index(fields=["distributor", "status"])]

    def __str__(self):
        return self.subject

    def get_absolute_url(self):
        return reverse("distributors:feedback_detail", args=[self.pk])


def from_our_side(through=""):
    """The condition of a reply by our people: an author who is no distributor's contact (see
    distributors/feedback_selectors.py for why the side is derived, not stored). `through`
    reads it from a related model, e.g. "replies__" from Feedback. The same rule, as NOT
    EXISTS: `FeedbackReplyQuerySet.from_our_side`."""
    return Q(
        **{f"{through}author__isnull": False, f"{through}author__portal_contact__isnull": True}
    )


class FeedbackReplyQuerySet(VisibleToQuerySet):
    def portal_filter(self, distributor):
        return Q(feedback__distributor=distributor)

    def from_our_side(self):
        """Replies by our people: the rule of `from_our_side`, as NOT EXISTS. Through the
        join to the authors' contacts, PostgreSQL misjudges how few authors are ours and
        reads every reply of theirs before the distributor's (24 ms, not 1, at 45,000
        replies)."""
        return self.filter(author__isnull=False).exclude(
            Exists(Contact.objects.filter(portal_user=OuterRef("author")))
        )


class FeedbackReply(models.Model):
    feedback = models.ForeignKey(
        Feedback, verbose_name=_("feedback"), on_delete=models.CASCADE, related_name="replies"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    body = models.TextField(_("reply"))
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    objects = FeedbackReplyQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("feedback reply")
        verbose_name_plural = _("feedback replies")

    def __str__(self):
        return _("Reply to “%(subject)s”") % {"subject": self.feedback.subject}


class SharedPlanAudience(models.TextChoices):
    ALL = "all", _("All distributors")
    CHOSEN = "chosen", _("Chosen distributors")


class SharedPlanQuerySet(VisibleToQuerySet):
    def published(self):
        return self.filter(published_at__lte=timezone.now())

    def portal_filter(self, distributor):
        # A subquery, not a join, so that a plan listed for several distributors is one row.
        chosen = SharedPlan.distributors.through.objects.filter(distributor=distributor)
        return Q(published_at__lte=timezone.now()) & (
            Q(audience=SharedPlanAudience.ALL) | Q(pk__in=chosen.values("sharedplan_id"))
        )


class SharedPlan(models.Model):
    """A long-term plan or market direction we share openly with distributors."""

    Audience = SharedPlanAudience

    # Written in English, and in Japanese where we have it: each reader sees their
    # language, or the other one when theirs is empty (prm/bilingual.py).
    title = models.CharField(_("title"), max_length=200)
    title_ja = models.CharField(_("title (Japanese)"), max_length=200, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    summary_ja = models.TextField(_("summary (Japanese)"), blank=True)
    body = models.TextField(_("plan"))
    body_ja = models.TextField(_("plan (Japanese)"), blank=True)
    horizon_start = models.DateField(_("horizon from"), null=True, blank=True)
    horizon_end = models.DateField(_("horizon until"), null=True, blank=True)
    audience = models.CharField(
        _("audience"), max_length=10, choices=Audience.choices, default=Audience.ALL
    )
    distributors = models.ManyToManyField(
        Distributor,
        verbose_name=_("shared with"),
        blank=True,
        related_name="shared_plans",
        help_text=_("Only used when the audience is “chosen distributors”."),
    )
    published_at = models.DateTimeField(
        _("published at"),
        null=True,
        blank=True,
        db_index=True,
        help_text=_("Distributors see the plan from this moment; empty means a draft."),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = SharedPlanQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=["distributors"])

    class Meta:
        ordering = ["-published_at", "-created_at"]
        verbose_name = _("shared plan")
        verbose_name_plural = _("shared plans")
        constraints = [
            models.CheckConstraint(
                condition=Q(horizon_end__isnull=True)
                | Q(horizon_start__isnull=True)
                | Q(horizon_end__gte=F("horizon_start")),
                name="shared_plan_horizon_in_order",
            ),
            models.CheckConstraint(
                condition=Q(audience__in=SharedPlanAudience.values),
                name="shared_plan_audience_valid",
            ),
        ]

    def __str__(self):
        return self.title


class SharedPlanAcknowledgementQuerySet(VisibleToQuerySet):
    def portal_filter(self, distributor):
        return Q(user__portal_contact__distributor=distributor)


class SharedPlanAcknowledgement(models.Model):
    plan = models.ForeignKey(
        SharedPlan,
        verbose_name=_("shared plan"),
        on_delete=models.CASCADE,
        related_name="acknowledgements",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("read by"),
        on_delete=models.CASCADE,
        related_name="plan_acknowledgements",
    )
    acknowledged_at = models.DateTimeField(_("acknowledged at"), auto_now_add=True)

    objects = SharedPlanAcknowledgementQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-acknowledged_at"]
        verbose_name = _("shared plan acknowledgement")
        verbose_name_plural = _("shared plan acknowledgements")
        constraints = [
            models.UniqueConstraint(fields=["plan", "user"], name="plan_acknowledged_once")
        ]

    def __str__(self):
        return f"{self.plan} — {self.user}"


class PortalInvitationState(models.TextChoices):
    VALID = "valid", _("Valid")
    EXPIRED = "expired", _("Expired")
    ACCEPTED = "accepted", _("Already used")
    REVOKED = "revoked", _("Revoked")


class PortalInvitationQuerySet(models.QuerySet):
    def open(self):
        """Invitations neither used nor revoked, expired or not."""
        return self.filter(accepted_at__isnull=True, revoked_at__isnull=True)

    def valid(self, now):
        """The invitations whose state is VALID at `now`, in SQL (see PortalInvitation.state)."""
        return self.open().filter(
            expires_at__gt=now,
            contact__archived_at__isnull=True,
            contact__distributor__archived_at__isnull=True,
        )

    def for_token(self, token):
        """The invitation of a link's `token`, with its contact and login, or None."""
        return (
            self.select_related("contact__distributor", "contact__portal_user")
            .filter(token_hash=PortalInvitation.hash_token(token))
            .first()
        )


class PortalInvitation(models.Model):
    """A one-time, expiring link that lets a contact set the password of their portal login.

    Only the SHA-256 hash of the link's token is stored: the token itself exists only in the
    e-mail, so reading the database gives nobody a working link.
    """

    State = PortalInvitationState

    contact = models.ForeignKey(
        Contact,
        verbose_name=_("contact"),
        on_delete=models.CASCADE,
        related_name="portal_invitations",
    )
    token_hash = models.CharField(_("token hash"), max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invited by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("invited at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    emailed_at = models.DateTimeField(
        _("e-mailed at"),
        null=True,
        blank=True,
        help_text=_("Empty while the mail server has not taken the e-mail."),
    )
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    objects = PortalInvitationQuerySet.as_manager()
    # No audit history: the row is its own record of who invited when, and of when the link
    # was e-mailed, used or revoked (set by conditional updates, which history would miss).

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("portal invitation")
        verbose_name_plural = _("portal invitations")
        constraints = [
            models.CheckConstraint(
                condition=Q(accepted_at__isnull=True) | Q(revoked_at__isnull=True),
                name="portal_invitation_accepted_or_revoked",
            ),
        ]
        indexes = [models.Index(fields=["contact", "created_at"])]

    def __str__(self):
        return _("Invitation of %(contact)s") % {"contact": self.contact}

    @staticmethod
    def hash_token(token):
        return hashlib.sha256(token.encode()).hexdigest()

    def state(self, now=None):
        """Whether the link can still be used, and if not, why.

        An invitation to a contact who has left, or whose company has (archived), counts as
        revoked: it would lead to no portal. PortalInvitationQuerySet.valid is the same rule
        in SQL.
        """
        now = now or timezone.now()
        contact = self.contact
        if self.revoked_at or contact.is_archived or contact.distributor.is_archived:
            return self.State.REVOKED
        if self.accepted_at:
            return self.State.ACCEPTED
        if self.expires_at <= now:
            return self.State.EXPIRED
        return self.State.VALID


class PortalAccess(models.TextChoices):
    """Where a contact stands with the partner portal, as the contact's page shows it."""

    NONE = "none", _("No portal access")
    INVITED = "invited", _("Invited")
    EXPIRED = "expired", _("Invitation expired")
    ACTIVE = "active", _("Portal access active")
    REVOKED = "revoked", _("Portal access revoked")

    @classmethod
    def of(cls, contact, invitation):
        """The access of `contact`, given its latest invitation (None if it never had one)."""
        login = contact.portal_user
        if login is None:
            return cls.NONE
        if login.is_active:
            return cls.ACTIVE
        state = invitation.state() if invitation else None
        if state == PortalInvitationState.VALID:
            return cls.INVITED
        if state == PortalInvitationState.EXPIRED:
            return cls.EXPIRED
        # Revoked, or a login switched off after its invitation was used (or without one).
        return cls.REVOKED


class DistributorImportKind(models.TextChoices):
    DISTRIBUTORS = "distributors", _("Distributors")
    CONTACTS = "contacts", _("Contacts")


class DistributorImport(StoredImport):
    """A file of distributors or of contacts between preview and confirmation."""

    Kind = DistributorImportKind

    kind = models.CharField(_("file of"), max_length=20, choices=Kind.choices)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.CASCADE,
        related_name="distributor_imports",
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("distributor import")
        verbose_name_plural = _("distributor imports")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=StoredImport.Status.values),
                name="distributorimport_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=DistributorImportKind.values),
                name="distributorimport_kind_valid",
            ),
        ]

    def get_absolute_url(self):
        return reverse("distributors:import_detail", args=[self.pk])
