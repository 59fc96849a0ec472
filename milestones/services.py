"""Writes for goals, milestones, evaluations and what distributors add. Views call these."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from meetings.models import Reminder
from meetings.reminders import do_notify_account_manager
from prm.bilingual import in_reader_language
from prm.choices import Side
from prm.history import record_changes

from .models import (
    Goal,
    GoalAgreement,
    GoalChangeProposal,
    GoalVersion,
    Milestone,
    MilestoneEvaluation,
    MilestoneEvidence,
)

# What the account manager is told, in their own language.
GOAL_ACCEPTED = _("%(person)s accepted version %(version)s of the goal “%(goal)s”.")
GOAL_CHANGE_PROPOSED = _("%(person)s proposed a change to the goal “%(goal)s”: %(comment)s")
EVIDENCE_ADDED = _("%(person)s added evidence to the milestone “%(milestone)s”.")

VERSION_CHANGED = _("The goal changed to version %(version)s since you opened it: read it again.")
PROPOSAL_OPEN = _(
    "A change you proposed is waiting for our answer; "
    "you can accept or propose again once it is answered."
)
GOAL_CLOSED = _("This goal is no longer open.")

# A goal's title in a notification: read only when do_notify_account_manager writes the
# message in its recipient's language, so that it is the title in that language if any.
_in_recipient_language = lazy(in_reader_language, str)


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
    proposals = list(goal.change_proposals.open())
    # A restatement answering the distributor's proposal is a new version even if nobody
    # had accepted the old one, so that the history shows what the answer changed.
    if restated and (proposals or goal.agreements.filter(version=goal.version).exists()):
        goal.version += 1
    goal.save()
    if restated:
        _snapshot(user, goal)
        answered = GoalChangeProposal.objects.filter(pk__in=[p.pk for p in proposals])
        answered.update(
            answer=GoalChangeProposal.Answer.REVISED,
            answered_version=goal.version,
            answered_by=user,
            answered_at=timezone.now(),
        )
        record_changes(answered, user)
    return goal


@transaction.atomic
def do_accept_goal(user, goal, version=None):
    """Record that the user's side accepts the current version of `goal`.

    A distributor's user accepts for the distributor's side, and its account manager is
    told; anyone else accepts for ours. `version` is the one the user read: if the goal
    changed since, nothing is recorded. Accepting twice is a no-op.
    """
    goal = Goal.objects.select_for_update().select_related("distributor").get(pk=goal.pk)
    if version is not None and version != goal.version:
        raise ValidationError(VERSION_CHANGED, code="version", params={"version": goal.version})
    distributor_side = user.portal_distributor is not None
    if distributor_side:
        _check_open_to_the_distributor(goal)
    agreement, created = GoalAgreement.objects.get_or_create(
        goal=goal,
        version=goal.version,
        side=Side.DISTRIBUTOR if distributor_side else Side.OURS,
        defaults={"accepted_by": user},
    )
    if created and distributor_side:
        do_notify_account_manager(
            goal.distributor,
            Reminder.Kind.GOAL_ACCEPTED,
            f"goal-{goal.pk}-v{goal.version}-accepted",
            goal.get_absolute_url(),
            GOAL_ACCEPTED,
            person=user,
            version=goal.version,
            goal=_in_recipient_language(goal, "title"),
        )
    return agreement


def _check_open_to_the_distributor(goal):
    if goal.status != Goal.Status.OPEN:
        raise ValidationError(GOAL_CLOSED, code="closed")
    if goal.change_proposals.open().exists():
        raise ValidationError(PROPOSAL_OPEN, code="proposal_open")


@transaction.atomic
def do_propose_goal_change(user, goal, comment, version):
    """The distributor's people ask for a change to the version they read: agreement reopens."""
    goal = Goal.objects.select_for_update().select_related("distributor").get(pk=goal.pk)
    if version != goal.version:
        raise ValidationError(VERSION_CHANGED, code="version", params={"version": goal.version})
    _check_open_to_the_distributor(goal)
    try:
        # The goal row is locked, but a savepoint keeps the unique constraint's last word.
        with transaction.atomic():
            proposal = GoalChangeProposal.objects.create(
                goal=goal, version=goal.version, comment=comment, proposed_by=user
            )
    except IntegrityError:
        raise ValidationError(PROPOSAL_OPEN, code="proposal_open") from None
    do_notify_account_manager(
        goal.distributor,
        Reminder.Kind.GOAL_CHANGE_PROPOSED,
        f"goal-change-{proposal.pk}",
        goal.get_absolute_url(),
        GOAL_CHANGE_PROPOSED,
        person=user,
        goal=_in_recipient_language(goal, "title"),
        comment=_excerpt(comment),
    )
    return proposal


def do_decline_goal_change(user, proposal, note):
    """Our side keeps the goal as it is; the agreement stands where it was before the proposal."""
    updated = GoalChangeProposal.objects.filter(pk=proposal.pk, answer="").update(
        answer=GoalChangeProposal.Answer.DECLINED,
        answer_note=note,
        answered_by=user,
        answered_at=timezone.now(),
    )
    if not updated:
        raise ValidationError(_("This proposal has already been answered."), code="answered")
    proposal.refresh_from_db()
    record_changes([proposal], user)
    return proposal


def _excerpt(text, length=200):
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1] + "…"


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


def do_add_evidence(user, milestone, *, text="", link="", upload=None):
    """Keep what the distributor shows of a milestone; `upload` passed evidence.check_upload."""
    evidence = MilestoneEvidence(milestone=milestone, text=text, link=link, added_by=user)
    if upload is not None:
        evidence.file_name = upload.name
        evidence.file_size = upload.size
        evidence.file.save(upload.name, upload.file, save=False)
    evidence.save()
    do_notify_account_manager(
        milestone.goal.distributor,
        Reminder.Kind.EVIDENCE_ADDED,
        f"evidence-{evidence.pk}",
        milestone.get_absolute_url(),
        EVIDENCE_ADDED,
        person=user,
        milestone=milestone.title,
    )
    return evidence
