"""A staff user's meetings as one calendar that calendar applications subscribe to.

Calendar applications cannot log in: the secret token in the feed's URL
(`User.calendar_token`) stands for the user. Regenerating it replaces the URL.
The events are meetings/ics.py's, with the same UIDs as the single-meeting .ics files.
"""

import datetime as dt
import secrets

from django.db.models import Q
from django.utils import timezone

from meetings.models import AlignmentMeeting
from prm.models import User

# What the feed covers: the recent past (to look back at what was held) and a bounded future.
DAYS_BACK = 90
DAYS_AHEAD = 2 * 365
# A bound on the size of one response, far above what one person attends in that window.
MAX_MEETINGS = 1000
# How often calendar applications are asked to fetch the feed again.
REFRESH = dt.timedelta(hours=1)


def feed_owner(token):
    """The active staff user whose feed `token` opens, or None."""
    user = User.objects.filter(calendar_token=token, is_active=True).first()
    if user is None or not user.is_staff_member:
        return None
    return user


def feed_meetings(user, *, now=None):
    """The meetings `user` attends or organises, and for an account manager those of their
    distributors, from DAYS_BACK ago to DAYS_AHEAD ahead, ready for meetings.ics (3 queries).
    """
    now = now or timezone.now()
    theirs = Q(organizer=user) | Q(
        pk__in=AlignmentMeeting.objects.filter(staff_attendees=user).values("pk")
    )
    if user.is_account_manager:
        theirs |= Q(
            pk__in=AlignmentMeeting.objects.filter(distributors__account_manager=user).values("pk")
        )
    return (
        AlignmentMeeting.objects.filter(
            theirs,
            starts_at__gte=now - dt.timedelta(days=DAYS_BACK),
            starts_at__lt=now + dt.timedelta(days=DAYS_AHEAD),
        )
        .prefetch_related("distributors", "agenda_items")
        .order_by("starts_at", "pk")[:MAX_MEETINGS]
    )


def new_token():
    return secrets.token_urlsafe(32)


def do_regenerate_calendar_token(user):
    """Give `user` a new feed token; the URL with the old one stops working at once."""
    user.calendar_token = new_token()
    user.save(update_fields=["calendar_token"])
    return user.calendar_token
