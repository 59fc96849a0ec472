from django.apps import AppConfig
from django.db.models.signals import m2m_changed
from django.utils.translation import gettext_lazy as _


class PrmConfig(AppConfig):
    name = "prm"
    verbose_name = _("PRM")

    def ready(self):
        from django.db.models import IntegerField

        from .lookups import IntegerIn
        from .models import User
        from .roles import guard_roles
        from .signal_inputs import watch

        # Also on every subclass: the auto and big integer keys.
        IntegerField.register_lookup(IntegerIn)

        m2m_changed.connect(
            guard_roles, sender=User.groups.through, dispatch_uid="prm.roles.guard_roles"
        )
        watch()
