"""Who may call the API: the roles of the staff pages and of the portal, applied to methods.

Which rows a caller sees is decided by the querysets (`visible_to`, in the views); this
decides what a caller may do: our staff read, account managers also write, a distributor's
users read their own distributor's shared rows and write only where a view allows it.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import SAFE_METHODS, BasePermission

NO_ROLE = _("This login has no role in PRM: ask an administrator.")
READ_ONLY = _("This login may read but not change this.")


class RolePermission(BasePermission):
    message = NO_ROLE

    def has_permission(self, request, view):
        user = request.user
        if not user or not user.is_authenticated:
            return False
        if not (user.is_staff_member or user.portal_distributor is not None):
            self.message = NO_ROLE
            return False
        if request.method in SAFE_METHODS or user.is_account_manager:
            return True
        self.message = READ_ONLY
        return bool(getattr(view, "distributor_writes", False)) and (
            user.portal_distributor is not None
        )
