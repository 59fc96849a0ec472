"""The portal's shared plans: read the plans we share, and say so."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from distributors import feedback_selectors as selectors
from distributors import feedback_services as services
from distributors.models import SharedPlan
from prm.permissions import portal_user_required
from prm.scoping import visible_or_404

PAGE_SIZE = 20


@require_GET
@portal_user_required
def plan_list(request):
    page = Paginator(selectors.portal_plans(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "portal/plan_list.html", {"page_obj": page})


@require_GET
@portal_user_required
def plan_detail(request, pk):
    plan = visible_or_404(SharedPlan.objects, request.user, pk=pk)
    return render(
        request,
        "portal/plan_detail.html",
        {
            "plan": plan,
            "acknowledgement": selectors.portal_plan_acknowledgement(request.user, plan),
        },
    )


@require_POST
@portal_user_required
def plan_acknowledge(request, pk):
    plan = visible_or_404(SharedPlan.objects, request.user, pk=pk)
    services.do_acknowledge_plan(request.user, plan)
    messages.success(request, _("Thank you: we see that you have read this plan."))
    return redirect(reverse("portal:plan_detail", args=[plan.pk]))
