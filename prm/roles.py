"""The three roles of PRM, as Django groups, and the rules that tie them together.

The groups and their permissions are created by a migration
(`prm/migrations/0002_roles.py`), which reads `ROLE_PERMISSIONS` below.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

ACCOUNT_MANAGER = "Account manager"
EXECUTIVE = "Executive"
DISTRIBUTOR_USER = "Distributor user"
STAFF_ROLES = (ACCOUNT_MANAGER, EXECUTIVE)

_DOMAIN_MODELS = {
    "distributors": [
        "distributor",
        "contact",
        "feedback",
        "feedbackreply",
        "sharedplan",
        "sharedplanacknowledgement",
    ],
    "meetings": [
        "touchpoint",
        "alignmentmeeting",
        "agendaitem",
        "actionitem",
        "cadence",
        "reminder",
    ],
    "milestones": ["goal", "goalagreement", "milestone", "milestoneevaluation"],
}
# Reference data is kept by administrators; staff only read it.
_REFERENCE_MODELS = {"distributors": ["prefecture", "productcategory"]}


def _perms(actions, models=_DOMAIN_MODELS):
    return [
        f"{app}.{action}_{model}"
        for app, names in models.items()
        for model in names
        for action in actions
    ]


# Distributor users get no model permission: the portal scopes every object to their
# distributor and never goes through Django's model permissions or the admin.
ROLE_PERMISSIONS = {
    ACCOUNT_MANAGER: _perms(["view", "add", "change"]) + _perms(["view"], _REFERENCE_MODELS),
    EXECUTIVE: _perms(["view"]) + _perms(["view"], _REFERENCE_MODELS),
    DISTRIBUTOR_USER: [],
}


def role_conflict(user, adding_roles):
    """Why `user` may not take `adding_roles` in addition to its current ones, or None."""
    roles = set(adding_roles) | set(user.groups.values_list("name", flat=True))
    has_portal_contact = getattr(user, "portal_contact", None) is not None
    if has_portal_contact and roles & set(STAFF_ROLES):
        return _("A distributor's contact cannot be an account manager or an executive.")
    if DISTRIBUTOR_USER in roles:
        if roles & set(STAFF_ROLES):
            return _("A distributor user cannot also be an account manager or an executive.")
        if not has_portal_contact:
            return _(
                "A distributor user must be tied to a distributor: give the user a contact "
                "at that distributor (Contact › portal user) first."
            )
    return None


def guard_roles(sender, instance, action, pk_set, reverse, model, **kwargs):
    """Refuse a group membership that breaks the role rules, from either side of the relation."""
    from django.contrib.auth.models import Group

    if action != "pre_add":
        return
    if reverse:  # group.user_set.add(user, ...)
        for user in model.objects.filter(pk__in=pk_set):
            problem = role_conflict(user, [instance.name])
            if problem:
                raise ValidationError(problem)
        return
    names = Group.objects.filter(pk__in=pk_set).values_list("name", flat=True)
    problem = role_conflict(instance, names)
    if problem:
        raise ValidationError(problem)
