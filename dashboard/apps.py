from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    """The executive dashboard: reads across distributors, meetings and milestones, and keeps
    the nightly history of each relationship's signals."""

    name = "dashboard"
    verbose_name = _("Executive dashboard")
