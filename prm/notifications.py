"""In-app notifications: a staff user's reminders, seen through the bell and its list.

Reads and writes of the recipient's side only. Delivery (e-mail, the `state` of a
reminder from pending to sent) belongs to meetings/services.py and meetings/tasks.py.

"Read" is `read_at` alone: marking read never touches `state`, so it cannot race the
delivery engine's conditional updates on `state` nor break `reminder_sent_has_time`.
A pending reminder read in the app keeps its state until it is delivered.
"""

from django.db.models import DateTimeField, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from meetings.models import NotificationPreference, Reminder

# Pass as `reminder_ids` to mark all of a user's notifications read.
ALL = "all"

# Dismissing changes `state`, so only once delivery succeeded: a reminder pending or
# being sent keeps its state for the delivery engine, a failed one its record of failure.
DISMISSABLE_STATES = (Reminder.State.SENT, Reminder.State.READ)


def _visible(user):
    return Reminder.objects.filter(recipient=user).exclude(state=Reminder.State.DISMISSED)


def unread_count(user):
    """How many of `user`'s notifications are unread: one COUNT query."""
    return _visible(user).filter(read_at__isnull=True).count()


def notifications_for(user):
    """`user`'s notifications, newest first, with their distributors (one query per page)."""
    return _visible(user).select_related("distributor").order_by("-created_at", "-pk")


def notification_of(user, pk):
    """`user`'s reminder `pk`, dismissed or not; DoesNotExist for anyone else's."""
    return Reminder.objects.select_related("distributor").get(recipient=user, pk=pk)


def do_mark_read(user, reminder_ids):
    """Mark `user`'s notifications `reminder_ids` (a list of pks, or ALL) read.

    Sets `read_at` on the unread ones and nothing else; returns how many changed.
    Other users' reminders among `reminder_ids`, and dismissed ones, are left alone.
    """
    unread = _visible(user).filter(read_at__isnull=True)
    if reminder_ids != ALL:
        unread = unread.filter(pk__in=list(reminder_ids))
    return unread.update(read_at=timezone.now())


def do_dismiss(user, reminder_id):
    """Hide one of `user`'s delivered notifications from the bell and the list.

    A conditional update: it changes the row only while delivery is over, and marks it
    read at the same time. Returns True if it was dismissed.
    """
    return bool(
        Reminder.objects.filter(
            recipient=user, pk=reminder_id, state__in=DISMISSABLE_STATES
        ).update(
            state=Reminder.State.DISMISSED,
            read_at=Coalesce("read_at", Value(timezone.now(), output_field=DateTimeField())),
        )
    )


def email_preferences(user):
    """{kind: wants e-mail} for every kind of reminder; without a row, e-mail is on."""
    off = set(
        NotificationPreference.objects.filter(user=user, email=False).values_list("kind", flat=True)
    )
    return {kind: kind not in off for kind in Reminder.Kind.values}


def do_set_email_preferences(user, wanted_kinds):
    """E-mail `user` the reminders of `wanted_kinds` only; the app shows them all anyway."""
    for kind in Reminder.Kind.values:
        NotificationPreference.objects.update_or_create(
            user=user, kind=kind, defaults={"email": kind in wanted_kinds}
        )
