"""Reads for the portal's Home: only through the models' `visible_to` querysets."""

from datetime import timedelta

from django.db.models import Exists, OuterRef, Prefetch
from django.utils import timezone

from distributors.models import FeedbackReply, SharedPlan, SharedPlanAcknowledgement
from meetings.models import ActionItem, AgendaItem, AlignmentMeeting
from milestones.models import Goal, GoalAgreement
from prm.choices import Side

# What counts as new on Home: a reply or a plan of the last four weeks.
RECENT_DAYS = 28
LIST_LIMIT = 5


def portal_home(user):
    now = timezone.now()
    since = now - timedelta(days=RECENT_DAYS)
    next_meeting = (
        AlignmentMeeting.objects.visible_to(user)
        .filter(status=AlignmentMeeting.Status.PLANNED, starts_at__gte=now)
        .prefetch_related(Prefetch("agenda_items", queryset=AgendaItem.objects.visible_to(user)))
        .order_by("starts_at")
        .first()
    )
    our_acceptance = GoalAgreement.objects.filter(goal=OuterRef("pk"), version=OuterRef("version"))
    return {
        "next_meeting": next_meeting,
        "action_items": ActionItem.objects.visible_to(user)
        .filter(owner_side=Side.DISTRIBUTOR, status=ActionItem.Status.OPEN)
        .select_related("meeting", "owner_contact")
        .order_by("due_on", "pk"),
        # Accepted by us and not yet by them, and no change of theirs waiting for our answer.
        "goals_to_accept": Goal.objects.visible_to(user)
        .with_open_change_proposal()
        .filter(status=Goal.Status.OPEN, open_change_proposal=False)
        .filter(Exists(our_acceptance.filter(side=Side.OURS)))
        .exclude(Exists(our_acceptance.filter(side=Side.DISTRIBUTOR)))
        .order_by("horizon_end", "pk"),
        "new_replies": FeedbackReply.objects.visible_to(user)
        .from_our_side()
        .filter(created_at__gte=since)
        .select_related("feedback", "author")
        .order_by("-created_at")[:LIST_LIMIT],
        "new_plans": SharedPlan.objects.visible_to(user)
        .filter(published_at__gte=since)
        .exclude(Exists(SharedPlanAcknowledgement.objects.filter(plan=OuterRef("pk"), user=user)))
        .order_by("-published_at")[:LIST_LIMIT],
    }
