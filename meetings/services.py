"""Writes for meetings, touchpoints and reminders. Views and tasks call these."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from prm import signal_inputs
from prm.choices import Side
from prm.history import record_changes

from .models import (
    ActionItem,
    AgendaItem,
    AlignmentMeeting,
    Reminder,
    Touchpoint,
    contacts_outside,
)
from .reminders import do_notify_account_manager, email_for

AGENDA_PROPOSED_MESSAGE = gettext_lazy(
    "%(person)s (%(partner)s) proposed an agenda item for %(meeting)s: %(title)s"
)
PROPOSALS_CLOSED = gettext_lazy(
    "Items can only be proposed for a planned meeting that has not started yet."
)
ACTION_ITEM_DONE_MESSAGE = gettext_lazy(
    "%(person)s (%(partner)s) marked an action item of %(meeting)s done: %(action)s"
)


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
    # A new touchpoint has none yet: add(), not set(), which would read them first.
    touchpoint.contacts.add(*contacts)
    touchpoint.staff.add(*staff)
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
    return AgendaItem.objects.create(
        meeting=meeting,
        position=_next_position(meeting),
        title=title,
        description=description,
        proposed_by=proposed_by,
        proposer_side=Side.OURS,
        status=AgendaItem.Status.ACCEPTED,
    )


# The column's ceiling: items past it share the last place, in the order they came.
LAST_POSITION = 32767
# Enough for any real meeting; a flood of proposals from one company is refused.
MAX_OPEN_PROPOSALS = 20


def _next_position(meeting):
    last = meeting.agenda_items.aggregate(last=Max("position"))["last"]
    return 0 if last is None else min(last + 1, LAST_POSITION)


def can_propose_agenda_item(meeting, now=None):
    """Proposals are for a meeting still to come: not one held, cancelled or under way."""
    return meeting.status == AlignmentMeeting.Status.PLANNED and meeting.starts_at > (
        now or timezone.now()
    )


@transaction.atomic
def do_propose_agenda_item(meeting, *, proposed_by, title, description=""):
    """A distributor's user proposes an item; their account manager accepts or declines it."""
    distributor = proposed_by.portal_distributor
    if distributor is None or not meeting.distributors.filter(pk=distributor.pk).exists():
        raise ValidationError(_("You can only propose items for your own meetings."))
    if not can_propose_agenda_item(meeting):
        raise ValidationError(PROPOSALS_CLOSED)
    waiting = meeting.agenda_items.filter(
        status=AgendaItem.Status.PROPOSED, proposed_by__portal_contact__distributor=distributor
    )
    if waiting.count() >= MAX_OPEN_PROPOSALS:
        raise ValidationError(
            _(
                "Your company already has %(count)d proposals waiting for our answer for this "
                "meeting: please wait for our answer before proposing more."
            )
            % {"count": MAX_OPEN_PROPOSALS}
        )
    item = AgendaItem.objects.create(
        meeting=meeting,
        position=_next_position(meeting),
        title=title,
        description=description,
        proposed_by=proposed_by,
        proposer_side=Side.DISTRIBUTOR,
        status=AgendaItem.Status.PROPOSED,
    )
    do_notify_account_manager(
        distributor,
        Reminder.Kind.AGENDA_PROPOSED,
        f"agenda-{item.pk}",
        meeting.get_absolute_url() + "#agenda-proposals",
        AGENDA_PROPOSED_MESSAGE,
        person=proposed_by,
        partner=distributor,
        meeting=meeting,
        title=title,
    )
    return item


def do_decide_agenda_item(item, *, status, decided_by):
    """Accept or decline a distributor's proposal; returns False if it was already decided.

    A conditional update: when two managers click at the same time, the first decides and
    the second changes nothing.
    """
    if status not in (AgendaItem.Status.ACCEPTED, AgendaItem.Status.DECLINED):
        raise ValueError(f"Not a decision: {status!r}")
    now = timezone.now()
    decided = AgendaItem.objects.filter(pk=item.pk, status=AgendaItem.Status.PROPOSED).update(
        status=status, decided_by=decided_by, decided_at=now
    )
    if decided:
        signal_inputs.model_updated(AgendaItem)
        item.status, item.decided_by, item.decided_at = status, decided_by, now
        record_changes([item], decided_by)
    return bool(decided)


def do_add_action_item(meeting, **fields):
    """Add an action item; `fields` name the distributor, owner side and owner, due date."""
    item = ActionItem(meeting=meeting, **fields)
    item.full_clean()
    item.save()
    return item


def do_set_action_item_status(item, status, *, by=None):
    """Set the status from our side; `by` is whoever marks it done."""
    done = status == ActionItem.Status.DONE
    item.status = status
    item.completed_at = timezone.now() if done else None
    item.completed_by = by if done else None
    item.save(update_fields=["status", "completed_at", "completed_by"])
    return item


def do_complete_action_item(item, *, completed_by, note=""):
    """A distributor's user marks one of their side's open items done, with a comment.

    Returns False when the item was no longer open (done already, or cancelled): a
    conditional update, so a double click or two colleagues at once complete it once.
    """
    distributor = completed_by.portal_distributor
    theirs = distributor is not None and item.distributor_id == distributor.pk
    if not theirs or item.owner_side != Side.DISTRIBUTOR:
        raise ValidationError(_("Only your side's action items can be marked done here."))
    now = timezone.now()
    completed = ActionItem.objects.filter(pk=item.pk, status=ActionItem.Status.OPEN).update(
        status=ActionItem.Status.DONE,
        completed_at=now,
        completed_by=completed_by,
        completion_note=note,
    )
    if not completed:
        return False
    signal_inputs.model_updated(ActionItem)
    item.status, item.completed_at = ActionItem.Status.DONE, now
    item.completed_by, item.completion_note = completed_by, note
    record_changes([item], completed_by)
    do_notify_account_manager(
        distributor,
        Reminder.Kind.ACTION_ITEM_DONE,
        # Reopened by us and done again is a new event: the time tells the two apart.
        f"action-item-{item.pk}-{now:%Y%m%d%H%M%S}",
        item.meeting.get_absolute_url() + f"#action-item-{item.pk}",
        ACTION_ITEM_DONE_MESSAGE,
        person=completed_by,
        partner=distributor,
        meeting=item.meeting,
        action=item.description,
    )
    return True
