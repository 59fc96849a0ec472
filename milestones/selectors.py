"""Reads for the goal pages. Every query count here is fixed, whatever the number of rows."""

from itertools import zip_longest

from django.contrib.auth import get_user_model
from django.db.models import Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.formats import localize

from distributors.models import Distributor
from prm import roles
from prm.choices import Side

from .models import Goal, GoalAgreement, GoalVersion, Milestone, MilestoneEvaluation


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
    if not (pk or "").isdigit():
        raise Http404
    return get_object_or_404(Distributor.objects.active(), pk=pk)


def goal_or_404(pk):
    return get_object_or_404(Goal.objects.select_related("distributor"), pk=pk)


def milestone_or_404(pk):
    return get_object_or_404(Milestone.objects.select_related("goal__distributor"), pk=pk)


def goal_page(pk):
    """The goal with its agreement per side, its version history and its milestones."""
    evaluations = MilestoneEvaluation.objects.select_related("meeting").prefetch_related(
        "staff_participants", "contact_participants"
    )
    agreements = GoalAgreement.objects.select_related("accepted_by").order_by("-version", "side")
    versions = GoalVersion.objects.select_related("created_by", "owner_ours", "owner_distributor")
    goals = Goal.objects.select_related(
        "distributor", "owner_ours", "owner_distributor"
    ).prefetch_related(
        Prefetch("agreements", agreements),
        Prefetch("versions", versions),
        Prefetch("milestones__evaluations", evaluations),  # latest first (model ordering)
    )
    goal = get_object_or_404(goals, pk=pk)
    accepted = list(goal.agreements.all())
    return {
        "goal": goal,
        "distributor": goal.distributor,
        "agreement_state": goal.agreement_state(),
        "sides": [_side(goal, side, accepted) for side in Side],
        "history": _history(goal.versions.all(), accepted),
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
        }
        for name in GoalVersion.STATED_FIELDS
        if getattr(older, name) != getattr(newer, name)
    ]
