from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from distributors.models import DistributorStatus

from .signals import Level, SignalKey


def _level_field(key):
    return models.CharField(SignalKey(key).label, max_length=5, choices=Level.choices)


class SignalSnapshot(models.Model):
    """The signals of one distributor as they stood on one day, kept as history.

    Written each night by `services.do_snapshot_signals`, once per distributor and day
    (a unique constraint; a second run inserts nothing). The trends read "on track" from
    these rows, so the history stays what the rules said then, even after a rule changes.
    """

    distributor = models.ForeignKey(
        "distributors.Distributor",
        verbose_name=_("distributor"),
        on_delete=models.CASCADE,
        related_name="signal_snapshots",
    )
    taken_on = models.DateField(_("day"))
    lifecycle_status = models.CharField(
        _("lifecycle status that day"), max_length=20, choices=DistributorStatus.choices
    )
    alignment = _level_field(SignalKey.ALIGNMENT)
    touchpoint = _level_field(SignalKey.TOUCHPOINT)
    senior_contact = _level_field(SignalKey.SENIOR_CONTACT)
    milestones = _level_field(SignalKey.MILESTONES)
    feedback = _level_field(SignalKey.FEEDBACK)
    mood = _level_field(SignalKey.MOOD)
    concerns = _level_field(SignalKey.CONCERNS)
    on_track = models.BooleanField(_("on track"), help_text=_("No signal was red that day."))
    reasons = models.JSONField(
        _("reasons"), default=dict, blank=True, help_text=_("Each signal's reason that day.")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-taken_on", "distributor"]
        verbose_name = _("signal snapshot")
        verbose_name_plural = _("signal snapshots")
        constraints = [
            models.UniqueConstraint(
                fields=["distributor", "taken_on"], name="signal_snapshot_once_per_day"
            ),
            *[
                models.CheckConstraint(
                    condition=Q(**{f"{key}__in": Level.values}),
                    name=f"signal_snapshot_{key}_valid",
                )
                for key in SignalKey.values
            ],
        ]
        indexes = [models.Index(fields=["taken_on", "on_track"])]

    def __str__(self):
        return f"{self.distributor} · {self.taken_on}"
