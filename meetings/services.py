"""Writes for meetings, touchpoints and reminders. Views and tasks call these."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from prm.choices import Side

from .models import (
    ActionItem,
    AgendaItem,
    AlignmentMeeting,
    Reminder,
    Touchpoint,
    contacts_outside,
)
from .reminders import email_for


def do_deliver_reminder(reminder_id):
    """Deliver one reminder, exactly once whatever the number of workers and sweeps.

    Returns True if this call delivered it. The claim is a conditional update (the shape
    of healthchecks' sendalerts): only the call whose update changes the row goes on. It
    commits before the e-mail goes out, so no transaction waits on the mail server. A
    worker that dies after its claim leaves the reminder sending; once the claim is older
    than Reminder.CLAIM_TIMEOUT, a redelivered task or the sweeper claims it again.
    """
    now = timezone.now()
    claimed = (
        Reminder.objects.deliverable(now)
        .filter(pk=reminder_id)
        .update(state=Reminder.State.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    )
    if not claimed:
        return False
    reminder = Reminder.objects.select_related("recipient", "distributor").get(pk=reminder_id)
    ours = Reminder.objects.filter(pk=reminder_id, state=Reminder.State.SENDING, claimed_at=now)
    try:
        email = email_for(reminder)
        if email:
            email.send()
    except Exception as error:
        gave_up = reminder.attempts >= Reminder.MAX_ATTEMPTS
        ours.update(
            state=Reminder.State.FAILED if gave_up else Reminder.State.PENDING,
            last_error=f"{type(error).__name__}: {error}",
        )
        raise
    # A crash between the mail server taking the e-mail and this update would send it a
    # second time once the claim is stale: the one window left, kept to this one update.
    ours.update(
        state=Reminder.State.SENT, sent_at=timezone.now(), emailed=email is not None, last_error=""
    )
    return True


@transaction.atomic
def do_log_touchpoint(*, logged_by, distributor, contacts=(), staff=(), follow_up=None, **fields):
    """Record a touchpoint and, when given, its follow-up action item.

    `fields` are the touchpoint's own fields (kind, occurred_on, mood, notes,
    unspoken_concerns). `follow_up` is a dict with description, owner_side and due_on;
    on our side the person who logs the touchpoint owns it.
    """
    if contacts_outside(distributor, contacts):
        raise ValidationError({"contacts": _("Only this distributor's contacts can be met.")})
    touchpoint = Touchpoint.objects.create(distributor=distributor, logged_by=logged_by, **fields)
    touchpoint.contacts.set(contacts)
    touchpoint.staff.set(staff)
    if follow_up:
        ActionItem.objects.create(
            touchpoint=touchpoint,
            distributor=distributor,
            owner_user=logged_by if follow_up["owner_side"] == Side.OURS else None,
            **follow_up,
        )
    return touchpoint


@transaction.atomic
def do_schedule_meeting(*, organizer, **data):
    """Create a meeting: its own fields (kind, title, starts_at, ends_at, …), its
    distributors and its attendees on both sides."""
    return _save_meeting(AlignmentMeeting(organizer=organizer), **data)


@transaction.atomic
def do_update_meeting(meeting, **data):
    return _save_meeting(meeting, **data)


def _save_meeting(meeting, *, distributors, staff_attendees=(), contact_attendees=(), **fields):
    chosen = {distributor.pk for distributor in distributors}
    if any(contact.distributor_id not in chosen for contact in contact_attendees):
        raise ValidationError(
            {"contact_attendees": _("Attendees must be contacts of the meeting's distributors.")}
        )
    for name, value in fields.items():
        setattr(meeting, name, value)
    meeting.save()
    meeting.distributors.set(distributors)
    meeting.staff_attendees.set(staff_attendees)
    meeting.contact_attendees.set(contact_attendees)
    return meeting


def do_record_minutes(meeting, **minutes):
    """Save the minutes fields (market trends, feedback, joint learning, decisions)."""
    for name, value in minutes.items():
        setattr(meeting, name, value)
    meeting.save(update_fields=[*minutes, "updated_at"])
    return meeting


def do_set_meeting_status(meeting, status):
    meeting.status = status
    meeting.save(update_fields=["status", "updated_at"])
    return meeting


def do_share_minutes(meeting, shared):
    meeting.minutes_shared = shared
    meeting.save(update_fields=["minutes_shared", "updated_at"])
    return meeting


@transaction.atomic
def do_add_agenda_item(meeting, *, proposed_by, title, description=""):
    """Add an item from our side at the end of the agenda."""
    last = meeting.agenda_items.aggregate(last=Max("position"))["last"]
    return AgendaItem.objects.create(
        meeting=meeting,
        position=0 if last is None else last + 1,
        title=title,
        description=description,
        proposed_by=proposed_by,
        proposer_side=Side.OURS,
        status=AgendaItem.Status.ACCEPTED,
    )


def do_add_action_item(meeting, **fields):
    """Add an action item; `fields` name the distributor, owner side and owner, due date."""
    item = ActionItem(meeting=meeting, **fields)
    item.full_clean()
    item.save()
    return item


def do_set_action_item_status(item, status):
    item.status = status
    item.completed_at = timezone.now() if status == ActionItem.Status.DONE else None
    item.save(update_fields=["status", "completed_at"])
    return item
