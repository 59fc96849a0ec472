"""Reads of the staff feedback inbox."""

from django.db.models import Count, Max

from .models import Feedback


def feedback_inbox(user, *, all_distributors=False, status=None, kind=None):
    """Feedback newest first, with the size and the date of the last reply of each thread.

    An account manager sees their own portfolio unless they ask for all; executives see all.
    """
    feedback = Feedback.objects.select_related("distributor").annotate(
        reply_count=Count("replies"), last_reply_at=Max("replies__created_at")
    )
    if user.is_account_manager and not all_distributors:
        feedback = feedback.filter(distributor__account_manager=user)
    if status:
        feedback = feedback.filter(status=status)
    if kind:
        feedback = feedback.filter(kind=kind)
    return feedback.order_by("-created_at", "-pk")


def feedback_for_staff():
    return Feedback.objects.select_related("distributor", "submitted_by")


def feedback_replies(feedback):
    return feedback.replies.select_related("author").order_by("created_at", "pk")


def sender_hidden_from(feedback, viewer):
    """Whether `viewer` may not see who sent `feedback`.

    A distributor user may ask to be known to the distributor's account manager only.
    """
    return feedback.anonymous_to_team and feedback.distributor.account_manager_id != viewer.pk
