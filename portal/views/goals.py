"""The portal's goals: what we agreed on, accepting a version or proposing a change, evidence.

Every object is read through `visible_to` (milestones/selectors.py), so a goal, milestone
or file of another distributor is a 404, and evaluations we did not share never show.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from milestones import evidence, selectors, services
from milestones.models import Goal, Milestone, MilestoneEvidence
from prm.permissions import portal_user_required
from prm.scoping import visible_or_404

from ..forms.goals import EvidenceForm, GoalChangeProposalForm, GoalVersionForm


def _goal_url(goal_id, anchor=""):
    return reverse("portal:goal_detail", args=[goal_id]) + anchor


@portal_user_required
@require_GET
def goal_list(request):
    return render(request, "portal/goal_list.html", {"goals": selectors.portal_goals(request.user)})


@portal_user_required
@require_GET
def goal_detail(request, pk):
    return render(request, "portal/goal_detail.html", selectors.portal_goal_page(request.user, pk))


@portal_user_required
@require_POST
def goal_accept(request, pk):
    goal = visible_or_404(Goal.objects, request.user, pk=pk)
    form = GoalVersionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Open the goal again and accept the version you read."))
        return redirect(_goal_url(goal.pk))
    try:
        services.do_accept_goal(request.user, goal, version=form.cleaned_data["version"])
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(
            request,
            _("You accepted version %(version)s. Our account manager has been told.")
            % {"version": form.cleaned_data["version"]},
        )
    return redirect(_goal_url(goal.pk))


@portal_user_required
@require_http_methods(["GET", "POST"])
def goal_propose_change(request, pk):
    goal = visible_or_404(Goal.objects, request.user, pk=pk)
    form = GoalChangeProposalForm(request.POST or None, initial={"version": goal.version})
    if request.method == "POST" and form.is_valid():
        try:
            services.do_propose_goal_change(request.user, goal, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Your proposal was sent. The goal is open for agreement again until we answer."),
            )
            return redirect(_goal_url(goal.pk))
    return render(request, "portal/goal_propose_change.html", {"goal": goal, "form": form})


@portal_user_required
@require_http_methods(["GET", "POST"])
def evidence_add(request, pk):
    milestone = visible_or_404(Milestone.objects.select_related("goal"), request.user, pk=pk)
    if not milestone.takes_evidence:
        messages.error(request, _("Evidence can only be added to a milestone of an open goal."))
        return redirect(_goal_url(milestone.goal_id, f"#milestone-{milestone.pk}"))
    data, files = (request.POST, request.FILES) if request.method == "POST" else (None, None)
    # Read after parsing the body: the upload handler notes a file it dropped for its size.
    refused = getattr(request, "refused_uploads", {}).get("file")
    form = EvidenceForm(data, files, refused_file=refused)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.do_add_evidence(
            request.user, milestone, text=data["text"], link=data["link"], upload=data["file"]
        )
        messages.success(
            request, _("Evidence added. Our account manager sees it on the milestone.")
        )
        return redirect(_goal_url(milestone.goal_id, f"#milestone-{milestone.pk}"))
    return render(request, "portal/goal_evidence_form.html", {"milestone": milestone, "form": form})


@portal_user_required
@require_GET
def evidence_download(request, pk):
    return evidence.file_response(visible_or_404(MilestoneEvidence.objects, request.user, pk=pk))
