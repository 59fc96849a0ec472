"""Goals, milestones and their evaluations in the account managers' workspace."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from prm import history
from prm.permissions import account_manager_required, staff_member_required
from prm.scoping import visible_or_404

from . import evidence, selectors, services
from .forms import AcceptGoalForm, DeclineChangeForm, EvaluationForm, GoalForm, MilestoneForm
from .models import Goal, GoalChangeProposal, Milestone, MilestoneEvaluation, MilestoneEvidence


@staff_member_required
def goal_detail(request, pk):
    context = selectors.goal_page(pk)
    context["decline_form"] = DeclineChangeForm()
    return render(request, "milestones/goal_detail.html", context)


@account_manager_required
def goal_create(request):
    distributor = selectors.distributor_for_new_goal(request.GET.get("distributor"))
    form = GoalForm(
        request.POST or None, distributor=distributor, initial={"owner_ours": request.user}
    )
    if form.is_valid():
        goal = services.do_create_goal(request.user, distributor, **form.cleaned_data)
        messages.success(
            request,
            _("Goal proposed. Record our side's acceptance once the wording is agreed."),
        )
        return redirect(goal)
    return render(request, "milestones/goal_form.html", {"form": form, "distributor": distributor})


@account_manager_required
def goal_edit(request, pk):
    goal = selectors.goal_or_404(pk)
    form = GoalForm(request.POST or None, instance=goal, distributor=goal.distributor)
    if form.is_valid():
        saved = services.do_update_goal(request.user, goal, **form.cleaned_data)
        if saved.version != goal.version:
            messages.warning(
                request,
                _("Saved as version %(version)s: both sides need to accept it again.")
                % {"version": saved.version},
            )
        else:
            messages.success(request, _("Goal saved."))
        return redirect(saved)
    return render(
        request,
        "milestones/goal_form.html",
        {
            "form": form,
            "distributor": goal.distributor,
            "goal": goal,
            "open_proposals": goal.change_proposals.open().select_related("proposed_by"),
        },
    )


@account_manager_required
@require_POST
def goal_accept(request, pk):
    goal = selectors.goal_or_404(pk)
    form = AcceptGoalForm(request.POST, goal=goal)
    if form.is_valid():
        services.do_accept_goal(request.user, goal)
        messages.success(
            request, _("Our side accepted version %(version)s.") % {"version": goal.version}
        )
    else:
        messages.error(request, form.errors["version"][0])
    return redirect(goal)


@account_manager_required
@require_POST
def change_proposal_decline(request, pk):
    proposal = selectors.change_proposal_or_404(pk)
    form = DeclineChangeForm(request.POST)
    if form.is_valid():
        try:
            services.do_decline_goal_change(request.user, proposal, form.cleaned_data["note"])
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(request, _("Proposal declined; the distributor sees your note."))
        return redirect(proposal.goal)
    context = selectors.goal_page(proposal.goal_id)
    context["decline_form"] = form
    context["declining"] = proposal.pk
    return render(request, "milestones/goal_detail.html", context, status=400)


@staff_member_required
@require_GET
def evidence_download(request, pk):
    return evidence.file_response(visible_or_404(MilestoneEvidence.objects, request.user, pk=pk))


@account_manager_required
def milestone_create(request, pk):
    goal = selectors.goal_or_404(pk)
    form = MilestoneForm(request.POST or None)
    if form.is_valid():
        milestone = services.do_create_milestone(goal, **form.cleaned_data)
        messages.success(request, _("Milestone added."))
        return redirect(milestone)
    return render(request, "milestones/milestone_form.html", {"form": form, "goal": goal})


@account_manager_required
def milestone_edit(request, pk):
    milestone = selectors.milestone_or_404(pk)
    form = MilestoneForm(request.POST or None, instance=milestone)
    if form.is_valid():
        services.do_update_milestone(milestone, **form.cleaned_data)
        messages.success(request, _("Milestone saved."))
        return redirect(milestone)
    return render(
        request,
        "milestones/milestone_form.html",
        {"form": form, "goal": milestone.goal, "milestone": milestone},
    )


@account_manager_required
def evaluation_create(request, pk):
    milestone = selectors.milestone_or_404(pk)
    owner = milestone.goal.owner_distributor_id
    form = EvaluationForm(
        request.POST or None,
        milestone=milestone,
        initial={
            "evaluated_on": timezone.localdate(),
            "staff_participants": [request.user.pk],
            "contact_participants": [owner] if owner else [],
        },
    )
    if form.is_valid():
        services.do_record_evaluation(request.user, milestone, **form.cleaned_data)
        messages.success(request, _("Evaluation recorded."))
        return redirect(milestone)
    return render(
        request,
        "milestones/evaluation_form.html",
        {"form": form, "goal": milestone.goal, "milestone": milestone},
    )


@staff_member_required
def goal_history(request, pk):
    """Who changed the goal, its milestones and their evaluations, and what they changed."""
    goal = get_object_or_404(Goal.objects.select_related("distributor"), pk=pk)
    milestones = Milestone.history.filter(goal_id=goal.pk)
    sources = [
        history.Source(Goal.history.filter(id=goal.pk)),
        history.Source(milestones, history.named()),
        history.Source(
            MilestoneEvaluation.history.filter(milestone_id__in=milestones.values("id")),
            history.named(lambda evaluation: evaluation.get_outcome_display()),
        ),
        history.Source(
            GoalChangeProposal.history.filter(goal_id=goal.pk),
            history.named(lambda proposal: Truncator(proposal.comment).chars(60)),
        ),
    ]
    page = history.history_page(sources, request.GET.get("page"))
    return render(request, "milestones/history.html", {"goal": goal, "page": page})
