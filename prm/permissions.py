"""Who may open which page. Views check the role here and scope objects in their queries."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied


def role_required(test):
    def decorator(view):
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not test(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


staff_member_required = role_required(lambda user: user.is_staff_member)
account_manager_required = role_required(lambda user: user.is_account_manager)
executive_required = role_required(lambda user: user.is_executive)
portal_user_required = role_required(lambda user: user.portal_distributor is not None)
