"""Monthly performance figures: shared context for the dialogue with a distributor, not KPIs.

A figure is one value per distributor, figure kind, month and (optional) product category.
Every change to a value is kept as a `FigureRevision`, so a correction never loses what was
there before, and says who made it and through which channel.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from distributors.models import DistributorRole
from prm.imports import ImportStatus, StoredImport
from prm.scoping import VisibleToQuerySet


class FigureUnit(models.TextChoices):
    JPY = "jpy", _("JPY")
    UNITS = "units", _("Units")
    WEEKS = "weeks", _("Weeks")
    COUNT = "count", _("Count")
    PERCENT = "percent", _("Percent")
    DAYS = "days", _("Days")


class FigureSource(models.TextChoices):
    IMPORT = "import", _("File import")
    PORTAL = "portal", _("Partner portal")
    STAFF = "staff", _("Our staff")
    API = "api", _("API")


class FigureKindQuerySet(VisibleToQuerySet):
    def portal_filter(self, distributor):
        return Q(shared_with_distributor=True)

    def for_role(self, role):
        # The roles are a short JSON list on a handful of reference rows: filtering in
        # Python keeps this the same on SQLite and PostgreSQL.
        return [kind for kind in self if role in kind.distributor_roles]


class FigureKind(models.Model):
    """A kind of monthly figure (reference data an administrator can extend)."""

    code = models.SlugField(
        _("code"),
        max_length=40,
        unique=True,
        help_text=_("Short, stable identifier used in import files and the API."),
    )
    name_en = models.CharField(_("name (English)"), max_length=100, unique=True)
    name_ja = models.CharField(_("name (Japanese)"), max_length=100, unique=True)
    unit = models.CharField(_("unit"), max_length=10, choices=FigureUnit.choices)
    distributor_roles = models.JSONField(
        _("distributor roles"),
        default=list,
        blank=True,
        help_text=_("The roles in the network whose figures include this kind."),
    )
    by_category = models.BooleanField(
        _("may be given per product category"),
        default=False,
        help_text=_(
            "When set, a value may name a product category; a value without one is the total."
        ),
    )
    shared_with_distributor = models.BooleanField(
        _("shared with the distributor"),
        default=True,
        help_text=_("Distributor users see and may submit figures of shared kinds in the portal."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    objects = FigureKindQuerySet.as_manager()

    class Meta:
        ordering = ["position", "name_en"]
        verbose_name = _("figure kind")
        verbose_name_plural = _("figure kinds")
        constraints = [
            models.CheckConstraint(
                condition=Q(unit__in=FigureUnit.values), name="figurekind_unit_valid"
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def name(self):
        language = (get_language() or "en").split("-")[0]
        return self.name_ja if language == "ja" and self.name_ja else self.name_en

    def clean(self):
        super().clean()
        roles = self.distributor_roles
        if not isinstance(roles, list) or any(role not in DistributorRole.values for role in roles):
            raise ValidationError({"distributor_roles": _("Choose roles from the list.")})


class PerformanceFigureQuerySet(VisibleToQuerySet):
    def portal_filter(self, distributor):
        return Q(distributor=distributor, kind__shared_with_distributor=True)


class PerformanceFigure(models.Model):
    distributor = models.ForeignKey(
        "distributors.Distributor",
        verbose_name=_("distributor"),
        on_delete=models.CASCADE,
        related_name="figures",
    )
    kind = models.ForeignKey(
        FigureKind, verbose_name=_("figure"), on_delete=models.PROTECT, related_name="figures"
    )
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    category = models.ForeignKey(
        "distributors.ProductCategory",
        verbose_name=_("product category"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="figures",
    )
    value = models.DecimalField(_("value"), max_digits=16, decimal_places=2)
    source = models.CharField(_("entered through"), max_length=10, choices=FigureSource.choices)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = PerformanceFigureQuerySet.as_manager()

    class Meta:
        ordering = ["distributor", "kind__position", "month"]
        verbose_name = _("performance figure")
        verbose_name_plural = _("performance figures")
        constraints = [
            # Two conditional constraints rather than nulls_distinct=False: the "total"
            # (no category) must be unique too, on SQLite as on PostgreSQL.
            models.UniqueConstraint(
                fields=["distributor", "kind", "month", "category"],
                condition=Q(category__isnull=False),
                name="figure_unique_per_category",
            ),
            models.UniqueConstraint(
                fields=["distributor", "kind", "month"],
                condition=Q(category__isnull=True),
                name="figure_unique_total",
            ),
            models.CheckConstraint(condition=Q(month__day=1), name="figure_month_first_day"),
            models.CheckConstraint(
                condition=Q(source__in=FigureSource.values), name="figure_source_valid"
            ),
        ]
        indexes = [models.Index(fields=["distributor", "month"])]

    def __str__(self):
        return f"{self.distributor} · {self.kind} · {self.month:%Y-%m}"


class FigureRevisionQuerySet(VisibleToQuerySet):
    def portal_filter(self, distributor):
        return Q(figure__distributor=distributor, figure__kind__shared_with_distributor=True)


class FigureRevision(models.Model):
    """One change of a figure's value: the first entry (old value empty) or a correction."""

    figure = models.ForeignKey(
        PerformanceFigure,
        verbose_name=_("figure"),
        on_delete=models.CASCADE,
        related_name="revisions",
    )
    old_value = models.DecimalField(
        _("previous value"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    new_value = models.DecimalField(_("new value"), max_digits=16, decimal_places=2)
    source = models.CharField(_("entered through"), max_length=10, choices=FigureSource.choices)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    changed_at = models.DateTimeField(_("changed at"), default=timezone.now, db_index=True)

    objects = FigureRevisionQuerySet.as_manager()

    class Meta:
        ordering = ["-changed_at", "-pk"]
        verbose_name = _("figure revision")
        verbose_name_plural = _("figure revisions")
        constraints = [
            models.CheckConstraint(
                condition=Q(source__in=FigureSource.values), name="figurerevision_source_valid"
            ),
        ]

    def __str__(self):
        return f"{self.figure}: {self.old_value} → {self.new_value}"


# One set of states for every import (see prm/imports.py); the old name stays in use.
FigureImportStatus = ImportStatus


class FigureImport(StoredImport):
    """A file of figures between preview and confirmation (see prm.imports.StoredImport)."""

    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.CASCADE,
        related_name="figure_imports",
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("figure import")
        verbose_name_plural = _("figure imports")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=FigureImportStatus.values), name="figureimport_status_valid"
            ),
        ]

    def get_absolute_url(self):
        return reverse("figures:import_detail", args=[self.pk])
