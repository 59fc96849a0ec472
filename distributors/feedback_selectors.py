"""Reads of the feedback dialogue: the staff inbox and thread, and the portal's side of both.

Which side wrote a reply is derived, not stored: a reply by a user with a contact's portal
login (`Contact.portal_user`) came from the distributor, any other from our side. Revoking a
login keeps that link (services.do_revoke_portal_access deactivates the user), so the
replies of someone who left still show as the distributor's.
"""

from django.db.models import BooleanField, Count, Exists, Max, OuterRef, Subquery
from django.db.models.functions import Coalesce

from .models import Contact, Feedback, FeedbackReply, SharedPlan, SharedPlanAcknowledgement


def _by_distributor(author):
    return Exists(Contact.objects.filter(portal_user=OuterRef(author)))


def _with_thread_summary(feedback):
    """Each feedback's number of replies, date of the last, and whether the distributor wrote it."""
    last_reply = (
        FeedbackReply.objects.filter(feedback=OuterRef("pk"))
        .order_by("-created_at", "-pk")
        .annotate(by_distributor=_by_distributor("author"))
        .values("by_distributor")[:1]
    )
    # Subqueries rather than a join grouped over every thread: they run for the page's rows
    # only, after the newest are found through the index on the creation time.
    replies = FeedbackReply.objects.filter(feedback=OuterRef("pk")).order_by().values("feedback")
    return feedback.annotate(
        reply_count=Coalesce(Subquery(replies.annotate(count=Count("pk")).values("count")), 0),
        last_reply_at=Subquery(replies.annotate(last=Max("created_at")).values("last")),
        last_reply_by_distributor=Subquery(last_reply, output_field=BooleanField()),
    )


def feedback_inbox(user, *, all_distributors=False, status=None, kind=None):
    """Feedback newest first, with the size and the date of the last reply of each thread.

    An account manager sees their own portfolio unless they ask for all; executives see all.
    `last_reply_by_distributor` marks the threads in which the distributor waits for us.
    """
    feedback = _with_thread_summary(Feedback.objects.select_related("distributor"))
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
    """The thread oldest first; `by_distributor` tells their replies from ours."""
    return (
        feedback.replies.select_related("author")
        .annotate(by_distributor=_by_distributor("author"))
        .order_by("created_at", "pk")
    )


def sender_hidden_from(feedback, viewer):
    """Whether `viewer` may not see who sent `feedback`.

    A distributor user may ask to be known to the distributor's account manager only.
    """
    return feedback.anonymous_to_team and feedback.distributor.account_manager_id != viewer.pk


# ---------------------------------------------------------------------------------------------
# Portal: read only through the models' `visible_to`


def portal_feedback(user):
    """All feedback of the user's distributor, newest first, whoever of its people sent it.

    Colleagues see each other's feedback, names included, also an item sent as "visible to
    the account manager only": that choice hides the sender from our wider team, not from
    the sender's own company, which shares the portal and the dialogue.
    """
    feedback = Feedback.objects.visible_to(user).select_related("submitted_by")
    return _with_thread_summary(feedback).order_by("-created_at", "-pk")


def portal_feedback_replies(user, feedback):
    return (
        FeedbackReply.objects.visible_to(user)
        .filter(feedback=feedback)
        .select_related("author")
        .annotate(by_distributor=_by_distributor("author"))
        .order_by("created_at", "pk")
    )


def portal_plans(user):
    """The published plans shared with the user's distributor, each marked if the user read it."""
    read = SharedPlanAcknowledgement.objects.visible_to(user).filter(plan=OuterRef("pk"), user=user)
    return (
        SharedPlan.objects.visible_to(user)
        .annotate(acknowledged_at=Subquery(read.values("acknowledged_at")[:1]))
        .order_by("-published_at", "-pk")
    )


def portal_plan_acknowledgement(user, plan):
    return SharedPlanAcknowledgement.objects.visible_to(user).filter(plan=plan, user=user).first()
