"""Writes of the feedback dialogue and of shared plans. Views call these.

Our side answers feedback in the staff inbox; the distributor's side sends feedback, answers
back and acknowledges shared plans in the portal. Each portal action tells the account
manager (meetings.reminders.do_notify_account_manager).
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from meetings.models import Reminder
from meetings.reminders import do_notify_account_manager

from .models import Feedback, FeedbackReply, SharedPlan, SharedPlanAcknowledgement

# A reply from the distributor may reopen these (see do_answer_feedback).
CLOSED_STATUSES = (Feedback.Status.ADDRESSED, Feedback.Status.DECLINED)


def _check_may_answer(user):
    # Executives read feedback, answering it is the account managers' job (DESIGN.md, Roles);
    # checked here too so that every caller, not only the views, keeps that rule.
    if not user.is_account_manager:
        raise PermissionDenied


def _check_speaks_for(user, distributor):
    # The portal views already scope through visible_to; checked here too so that no other
    # caller can write in another distributor's name.
    if distributor is None or user.portal_distributor != distributor:
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


@transaction.atomic
def do_submit_feedback(user, *, kind, subject, body, anonymous_to_team=False):
    """A distributor's user sends feedback; the account manager is told."""
    distributor = user.portal_distributor
    _check_speaks_for(user, distributor)
    feedback = Feedback.objects.create(
        distributor=distributor,
        kind=kind,
        subject=subject,
        body=body,
        submitted_by=user,
        anonymous_to_team=anonymous_to_team,
    )
    # No sender's name in the message: the feedback page decides who may see it.
    do_notify_account_manager(
        distributor,
        Reminder.Kind.FEEDBACK_RECEIVED,
        f"feedback-{feedback.pk}",
        feedback.get_absolute_url(),
        _("%(partner)s sent feedback (%(feedback_kind)s): “%(subject)s”."),
        partner=distributor,
        # The lazy label, so that it is written in the manager's language.
        feedback_kind=Feedback.Kind(feedback.kind).label,
        subject=feedback.subject,
    )
    return feedback


@transaction.atomic
def do_answer_feedback(user, feedback, body, reopen=False):
    """A distributor's user answers back in the thread; the account manager is told.

    Rule for closed items: a reply alone leaves an addressed or declined item as it is (a
    "thank you" must not undo our work); with `reopen` the item becomes "new" again, so that
    it stands out in our inbox as unread until someone answers it.
    """
    _check_speaks_for(user, feedback.distributor)
    reply = FeedbackReply.objects.create(feedback=feedback, author=user, body=body)
    if reopen and feedback.status in CLOSED_STATUSES:
        feedback.status = Feedback.Status.NEW
        feedback.save(update_fields=["status", "updated_at"])
    do_notify_account_manager(
        feedback.distributor,
        Reminder.Kind.FEEDBACK_ANSWERED,
        f"feedback-reply-{reply.pk}",
        feedback.get_absolute_url(),
        _("%(partner)s answered on “%(subject)s”."),
        partner=feedback.distributor,
        subject=feedback.subject,
    )
    return reply


def do_acknowledge_plan(user, plan):
    """Record that `user` read `plan`; acknowledging again keeps the first acknowledgement."""
    # Only a distributor's people acknowledge, and only a plan shared with them.
    visible = SharedPlan.objects.visible_to(user).filter(pk=plan.pk)
    if user.portal_distributor is None or not visible.exists():
        raise PermissionDenied
    acknowledgement, _created = SharedPlanAcknowledgement.objects.get_or_create(
        plan=plan, user=user
    )
    return acknowledgement
