"""Reads that span the apps: the landing pages of each role."""

from datetime import timedelta

from django.db.models import Count
from django.utils import timezone

from distributors.models import Distributor
from meetings.models import ActionItem, AlignmentMeeting


def my_week(user, *, today=None):
    """What an account manager needs on Monday morning, for their own portfolio."""
    today = today or timezone.localdate()
    mine = Distributor.objects.active().filter(account_manager=user)
    now = timezone.now()
    return {
        "distributors": mine.order_by("name_en"),
        "meetings": AlignmentMeeting.objects.filter(
            distributors__in=mine,
            status=AlignmentMeeting.Status.PLANNED,
            starts_at__gte=now,
            starts_at__lt=now + timedelta(days=14),
        )
        .distinct()
        .prefetch_related("distributors")
        .order_by("starts_at"),
        "action_items": ActionItem.objects.filter(owner_user=user, status=ActionItem.Status.OPEN)
        .select_related("distributor")
        .order_by("due_on"),
        "today": today,
    }


def portfolio_counts():
    """How many active partners there are by lifecycle status and by role in the network."""
    active = Distributor.objects.active()
    by_status = dict(
        active.values_list("status").annotate(n=Count("pk")).values_list("status", "n")
    )
    by_role = dict(active.values_list("role").annotate(n=Count("pk")).values_list("role", "n"))
    return {
        "by_status": [
            (label, by_status.get(value, 0), value) for value, label in Distributor.Status.choices
        ],
        "by_role": [
            (label, by_role.get(value, 0), value) for value, label in Distributor.Role.choices
        ],
        "total": active.count(),
    }
