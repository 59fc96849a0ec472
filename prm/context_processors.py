from functools import cache

from . import notifications


def navigation(request):
    """The role flags the base template needs to draw the navigation meant for this user,
    and for our staff the unread count of the bell (one COUNT query, when a template asks)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    context = {
        "nav_account_manager": user.is_account_manager,
        "nav_executive": user.is_executive,
        "nav_portal": user.is_distributor_user,
        "nav_admin": user.is_superuser,
    }
    if user.is_distributor_user:
        context["portal_distributor"] = user.portal_distributor
    if user.is_staff_member:
        # A callable, which the template calls: the fragments htmx asks for (a search as
        # one types, a page of the timeline) draw no bell and make no query for it.
        context["nav_unread_notifications"] = cache(lambda: notifications.unread_count(user))
    return context
