from django.apps import AppConfig
from django.core import checks
from django.utils.translation import gettext_lazy as _


class MilestonesConfig(AppConfig):
    name = "milestones"
    verbose_name = _("Milestones")

    def ready(self):
        from .evidence import check_private_root

        checks.register(check_private_root, checks.Tags.security)
