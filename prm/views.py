from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from meetings.forms import blank_touchpoint_fields

from . import selectors
from .permissions import account_manager_required

ACTION_ITEMS_PAGE_SIZE = 50


@login_required
def home(request):
    """Send each role to the page meant for it."""
    user = request.user
    if user.is_distributor_user:
        return redirect("portal:home")
    if user.is_account_manager:
        return redirect("my_week")
    if user.is_executive:
        return redirect("portfolio")
    if user.is_superuser:
        return redirect("admin:index")
    return render(request, "prm/no_role.html", status=403)


@account_manager_required
def my_week(request):
    context = selectors.my_week(request.user)
    context["touchpoint_fields"] = blank_touchpoint_fields(request.user)
    return render(request, "prm/my_week.html", context)


@account_manager_required
def my_action_items(request):
    """All of the open action items My week shortlists."""
    page = Paginator(selectors.my_action_items(request.user), ACTION_ITEMS_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    # Overdue as on My week: before today in the user's zone.
    context = {"page_obj": page, "today": timezone.localdate()}
    return render(request, "prm/my_action_items.html", context)


@require_GET
@transaction.non_atomic_requests  # the request's transaction would open a connection
def bench_floor(request):
    """The floor of `make bench`: a short template through every middleware, no database.

    Open to all and without data, like /healthz. Asked for without a session cookie, nothing
    loads the session or the user, so no query runs (a signed-in user's session would be).
    """
    return render(request, "prm/bench_floor.html")
