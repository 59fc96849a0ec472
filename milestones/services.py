"""Writes for goals, milestones and evaluations. Views call these."""

from django.db import transaction

from prm.choices import Side

from .models import Goal, GoalAgreement, GoalVersion, Milestone, MilestoneEvaluation


def _stated(goal):
    """What `goal` says, with owners by id so that comparing them costs no query."""
    attnames = (Goal._meta.get_field(name).attname for name in GoalVersion.STATED_FIELDS)
    return {attname: getattr(goal, attname) for attname in attnames}


def _snapshot(user, goal):
    """Keep what the current version of `goal` says (rewritten while nobody accepted it)."""
    GoalVersion.objects.update_or_create(
        goal=goal, version=goal.version, defaults={**_stated(goal), "created_by": user}
    )


@transaction.atomic
def do_create_goal(user, distributor, **fields):
    """Propose a goal to `distributor`: version 1, accepted by neither side yet."""
    goal = Goal.objects.create(distributor=distributor, version=1, **fields)
    _snapshot(user, goal)
    return goal


@transaction.atomic
def do_update_goal(user, goal, **fields):
    """Change a goal; a change to what it says after either side accepted it is a new version.

    Returns the saved goal. The row is locked so that two edits at once cannot both make
    the same version.
    """
    goal = Goal.objects.select_for_update().get(pk=goal.pk)
    before = _stated(goal)
    for name, value in fields.items():
        setattr(goal, name, value)
    restated = _stated(goal) != before
    if restated and goal.agreements.filter(version=goal.version).exists():
        goal.version += 1
    goal.save()
    if restated:
        _snapshot(user, goal)
    return goal


def do_accept_goal(user, goal):
    """Record that our side accepts the current version of `goal`; accepting twice is a no-op."""
    agreement, _created = GoalAgreement.objects.get_or_create(
        goal=goal, version=goal.version, side=Side.OURS, defaults={"accepted_by": user}
    )
    return agreement


def do_create_milestone(goal, **fields):
    return Milestone.objects.create(goal=goal, **fields)


def do_update_milestone(milestone, **fields):
    for name, value in fields.items():
        setattr(milestone, name, value)
    milestone.save()
    return milestone


@transaction.atomic
def do_record_evaluation(
    user, milestone, *, staff_participants=(), contact_participants=(), **fields
):
    evaluation = MilestoneEvaluation.objects.create(milestone=milestone, created_by=user, **fields)
    evaluation.staff_participants.set(staff_participants)
    evaluation.contact_participants.set(contact_participants)
    return evaluation
