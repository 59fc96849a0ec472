"""Reads scoped to what one distributor's users may see."""

from django.db.models import Q
from django.utils import timezone

from meetings.models import ActionItem, AlignmentMeeting
from milestones.models import Goal
from prm.choices import Side

from .models import SharedPlan


def portal_home(distributor):
    now = timezone.now()
    return {
        "distributor": distributor,
        "next_meetings": AlignmentMeeting.objects.filter(
            distributors=distributor,
            status=AlignmentMeeting.Status.PLANNED,
            starts_at__gte=now,
        ).order_by("starts_at")[:3],
        "action_items": ActionItem.objects.filter(
            distributor=distributor,
            owner_side=Side.DISTRIBUTOR,
            status=ActionItem.Status.OPEN,
        ).order_by("due_on"),
        "goals": Goal.objects.filter(distributor=distributor, status=Goal.Status.OPEN)
        .prefetch_related("agreements")
        .order_by("horizon_end"),
        "plans": visible_plans(distributor)[:5],
    }


def visible_plans(distributor):
    """Published plans shared with all distributors or with this one."""
    return (
        SharedPlan.objects.filter(published_at__lte=timezone.now())
        .filter(Q(audience=SharedPlan.Audience.ALL) | Q(distributors=distributor))
        .distinct()
    )
