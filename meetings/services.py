"""Writes for meetings, touchpoints and reminders. Views and tasks call these."""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Reminder


def do_deliver_reminder(reminder_id):
    """Send one pending reminder by e-mail, exactly once whatever the number of workers.

    Returns True if this call sent it. The claim is a conditional update: only the worker
    whose update changes the row goes on (the same shape as healthchecks' sendalerts).
    Claim and e-mail share one transaction, so a mail server that fails leaves the
    reminder pending for a retry instead of marking it sent.
    """
    with transaction.atomic():
        claimed = Reminder.objects.filter(pk=reminder_id, state=Reminder.State.PENDING).update(
            state=Reminder.State.SENT, sent_at=timezone.now()
        )
        if not claimed:
            return False
        reminder = Reminder.objects.select_related("recipient", "escalated_to", "distributor").get(
            pk=reminder_id
        )
        recipients = [u.email for u in (reminder.recipient, reminder.escalated_to) if u and u.email]
        if recipients:
            send_mail(
                subject=_("PRM reminder: %(what)s") % {"what": reminder},
                message=reminder.message or str(reminder),
                from_email=settings.DEFAULT_FROM_EMAIL,
                recipient_list=recipients,
            )
    return True
