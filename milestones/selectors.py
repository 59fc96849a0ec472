"""Reads for the goal pages. Every query count here is fixed, whatever the number of rows."""

from itertools import zip_longest

from django.contrib.auth import get_user_model
from django.db.models import Case, Prefetch, Q, Value, When
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.formats import localize

from distributors.models import Distributor
from prm import roles
from prm.choices import Side
from prm.ids import is_id
from prm.scoping import visible_or_404

from .models import (
    Goal,
    GoalAgreement,
    GoalChangeProposal,
    GoalVersion,
    Milestone,
    MilestoneEvaluation,
    MilestoneEvidence,
)


def staff_users(keep_pk=None):
    """Our active people (account managers and executives), and `keep_pk` if already chosen."""
    return (
        get_user_model()
        .objects.filter(Q(is_active=True, groups__name__in=roles.STAFF_ROLES) | Q(pk=keep_pk))
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


def distributor_for_new_goal(pk):
    """The active distributor named in `?distributor=`; anything else is a 404, never a 500."""
    if not is_id(pk or ""):
        raise Http404
    return get_object_or_404(Distributor.objects.active(), pk=pk)


def goal_or_404(pk):
    return get_object_or_404(Goal.objects.select_related("distributor"), pk=pk)


def milestone_or_404(pk):
    return get_object_or_404(Milestone.objects.select_related("goal__distributor"), pk=pk)


def change_proposal_or_404(pk):
    return get_object_or_404(GoalChangeProposal.objects.select_related("goal"), pk=pk)


def goal_page(pk):
    """The goal with its agreement per side, its version history, the distributor's change
    proposals and its milestones with evaluations and evidence."""
    evaluations = MilestoneEvaluation.objects.select_related("meeting").prefetch_related(
        "staff_participants", "contact_participants"
    )
    goals = _goal_page_queryset(
        Goal.objects,
        GoalAgreement.objects,
        GoalVersion.objects,
        GoalChangeProposal.objects,
        Milestone.objects.prefetch_related(
            Prefetch("evaluations", evaluations),  # latest first (model ordering)
            Prefetch("evidence", MilestoneEvidence.objects.select_related("added_by")),
        ),
    )
    return _goal_page(get_object_or_404(goals, pk=pk))


def portal_goals(user):
    """The goals the user's distributor has with us, open first, with their agreement."""
    return (
        Goal.objects.visible_to(user)
        .select_related("owner_ours", "owner_distributor")
        .prefetch_related(
            Prefetch("agreements", GoalAgreement.objects.visible_to(user)),
            Prefetch("change_proposals", GoalChangeProposal.objects.visible_to(user)),
            Prefetch("milestones", Milestone.objects.visible_to(user)),
        )
        .order_by(
            Case(When(status=Goal.Status.OPEN, then=Value(0)), default=Value(1)),
            "horizon_end",
            "pk",
        )
    )


def portal_goal_page(user, pk):
    """The goal page of the portal: every row read through `visible_to(user)`, so that
    evaluations we did not share never reach it."""
    evaluations = MilestoneEvaluation.objects.visible_to(user)
    evidence = MilestoneEvidence.objects.visible_to(user).select_related("added_by")
    goals = _goal_page_queryset(
        Goal.objects.visible_to(user),
        GoalAgreement.objects.visible_to(user),
        GoalVersion.objects.visible_to(user),
        GoalChangeProposal.objects.visible_to(user),
        Milestone.objects.visible_to(user).prefetch_related(
            Prefetch("evaluations", evaluations), Prefetch("evidence", evidence)
        ),
    )
    return _goal_page(visible_or_404(goals, user, pk=pk))


def _goal_page_queryset(goals, agreements, versions, proposals, milestones):
    return goals.select_related("distributor", "owner_ours", "owner_distributor").prefetch_related(
        Prefetch(
            "agreements", agreements.select_related("accepted_by").order_by("-version", "side")
        ),
        Prefetch(
            "versions", versions.select_related("created_by", "owner_ours", "owner_distributor")
        ),
        Prefetch("change_proposals", proposals.select_related("proposed_by", "answered_by")),
        Prefetch("milestones", milestones),
    )


def _goal_page(goal):
    accepted = list(goal.agreements.all())
    proposals = list(goal.change_proposals.all())
    return {
        "goal": goal,
        "distributor": goal.distributor,
        "agreement_state": goal.agreement_state(),
        "sides": [_side(goal, side, accepted) for side in Side],
        "history": _history(goal.versions.all(), accepted),
        "open_proposals": [p for p in proposals if p.is_open],
        "past_proposals": [p for p in proposals if not p.is_open],
        "milestones": goal.milestones.all(),
    }


def _side(goal, side, agreements):
    """Whether `side` accepted the current version, and its latest acceptance otherwise."""
    mine = [a for a in agreements if a.side == side]  # newest version first
    return {
        "side": side,
        "current": next((a for a in mine if a.version == goal.version), None),
        "latest": mine[0] if mine else None,
    }


def _history(versions, agreements):
    """Each version, newest first, with its acceptances and what it changed from the one before.

    Goals created before versions were recorded may lack some snapshots: a version is then
    compared with the nearest older one there is.
    """
    versions = list(versions)
    history = []
    for newer, older in zip_longest(versions, versions[1:]):
        history.append(
            {
                "version": newer,
                "acceptances": [a for a in agreements if a.version == newer.version],
                "changes": _changes(older, newer) if older else [],
            }
        )
    return history


def _changes(older, newer):
    return [
        {
            "label": GoalVersion._meta.get_field(name).verbose_name,
            "before": localize(getattr(older, name)),
            "after": localize(getattr(newer, name)),
            "lang": _wording_language(name),
        }
        for name in GoalVersion.STATED_FIELDS
        if getattr(older, name) != getattr(newer, name)
    ]


def _wording_language(name):
    """The language a stated field is written in: "ja" or "en" for the two wordings of a
    text, None for dates and people. The history shows both beside each other, so the one
    not in the reader's language is marked (WCAG 2.1, 3.1.2 Language of Parts)."""
    if name.endswith("_ja"):
        return "ja"
    return "en" if f"{name}_ja" in GoalVersion.STATED_FIELDS else None
