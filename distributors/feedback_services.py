"""Writes of the feedback inbox: our answers to what distributors sent. Views call these."""

from django.core.exceptions import PermissionDenied
from django.db import transaction

from .models import Feedback, FeedbackReply


def _check_may_answer(user):
    # Executives read feedback, answering it is the account managers' job (DESIGN.md, Roles);
    # checked here too so that every caller, not only the views, keeps that rule.
    if not user.is_account_manager:
        raise PermissionDenied


@transaction.atomic
def do_reply_to_feedback(author, feedback, body, status=None):
    """Add our reply to the thread, then set `status`.

    Without a status a new item becomes "acknowledged": the distributor sees that someone read it.
    """
    _check_may_answer(author)
    reply = FeedbackReply.objects.create(feedback=feedback, author=author, body=body)
    if status is None and feedback.status == Feedback.Status.NEW:
        status = Feedback.Status.ACKNOWLEDGED
    if status is not None:
        do_set_feedback_status(author, feedback, status)
    return reply


def do_set_feedback_status(user, feedback, status):
    _check_may_answer(user)
    feedback.status = status
    feedback.save(update_fields=["status", "updated_at"])
