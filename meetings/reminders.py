"""The reminder scans: find what calls for a reminder, write each one once, e-mail it once.

The shape of healthchecks' `sendalerts`: the models compute their own state (cadences,
fiscal quarters, peak windows); a scan only turns the states that call for a reminder
into Reminder rows, in one transaction, inserting with ON CONFLICT DO NOTHING against the
model's unique keys (recipient, kind, distributor, period). A scan that runs again, or
at the same time as another, creates nothing twice. The rows a scan really inserted carry
its own scan id; after commit, one delivery task is queued for each of them.

Each scan takes `today` (the business day in Asia/Tokyo, from the beat task) and costs a
fixed number of queries however many distributors there are. Messages are written in the
recipient's language when the reminder is created, so the app and the e-mail say the same.
"""

import datetime as dt
import logging
import uuid
from collections import defaultdict

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext, ngettext
from kombu.exceptions import OperationalError as BrokerUnreachable

from distributors.models import Distributor, Feedback
from milestones.models import Milestone, MilestoneEvaluation
from prm import japan_calendar, roles

from .cadences import CadenceKind, CadenceStatus, cadence_states, with_cadence_dates
from .models import NotificationPreference, Reminder, Touchpoint

logger = logging.getLogger(__name__)

CADENCE_REMINDERS = {
    CadenceKind.ALIGNMENT: Reminder.Kind.ALIGNMENT_DUE,
    CadenceKind.TOUCHPOINT: Reminder.Kind.TOUCHPOINT_DUE,
    CadenceKind.SENIOR_CONTACT: Reminder.Kind.SENIOR_CONTACT_DUE,
}

# The partners whose stock and trucks a peak season strains.
PEAK_ROLES = (
    Distributor.Role.PRIMARY_WHOLESALER,
    Distributor.Role.SECONDARY_WHOLESALER,
    Distributor.Role.SUB_WHOLESALER,
    *Distributor.LOGISTICS_ROLES,
)

ACHIEVED = (MilestoneEvaluation.Outcome.EXCEEDED, MilestoneEvaluation.Outcome.ACHIEVED)
UNFINISHED = (Milestone.Status.PLANNED, Milestone.Status.IN_PROGRESS)


def language_of(user):
    """The language to write to `user` in: their own, else the site's.

    Reminders go to our staff, who have no contact's language to fall back on; reading
    only the field keeps a scan free of a query per recipient.
    """
    return user.language or settings.LANGUAGE_CODE


def _in_rhythm():
    """Distributors whose cadences run: not archived, not paused or ended."""
    return Distributor.objects.active().exclude(
        status__in=(Distributor.Status.PAUSED, Distributor.Status.ENDED)
    )


def _managed():
    """Distributors in rhythm with an account manager, with their cadence dates (one query)."""
    return with_cadence_dates(
        _in_rhythm()
        .filter(account_manager__isnull=False)
        .select_related("account_manager", "executive_sponsor")
        .order_by("name_en", "pk")
    )


def _create(reminders):
    """Save the reminders that do not exist yet; queue their delivery after commit.

    Called in the scan's transaction. Two queries whatever their number (on SQLite, Django
    splits the insert into batches of 999 parameters). Returns the new reminders' ids.
    """
    scan_id = uuid.uuid4()
    for reminder in reminders:
        reminder.scan_id = scan_id
    # In key order: two concurrent scans then wait for each other's rows one by one instead
    # of each holding a row the other waits for (a deadlock on PostgreSQL).
    reminders.sort(key=lambda r: (r.recipient_id, r.distributor_id or 0, r.kind, r.period))
    # INSERT ... ON CONFLICT DO NOTHING: the rows that exist already are skipped.
    Reminder.objects.bulk_create(reminders, ignore_conflicts=True)
    created = list(Reminder.objects.filter(scan_id=scan_id).values_list("pk", flat=True))
    transaction.on_commit(lambda: queue_delivery(created))
    return created


def queue_delivery(reminder_ids):
    """Queue one delivery task per reminder; if the broker is down, leave them pending."""
    from .tasks import deliver_reminder  # tasks.py imports this module

    for queued, reminder_id in enumerate(reminder_ids):
        try:
            deliver_reminder.delay(reminder_id)
        except BrokerUnreachable:
            # The reminders are saved, and the sweeper queues them once the broker is back.
            logger.warning(
                "Broker unreachable: %d reminder(s) left pending for the sweeper.",
                len(reminder_ids) - queued,
                exc_info=True,
            )
            return


def do_notify_account_manager(distributor, kind, key, link, message, **params):
    """Tell `distributor`'s account manager what its people did in the portal.

    One reminder per event: `key` names the event ("agenda-31"), so doing it twice (a
    double click, a retried request) notifies once. `message` is a lazy string formatted
    with `params` in the manager's language. Delivered after commit like any reminder;
    returns the new reminder's id, or None when there is nobody to tell or it exists.
    """
    manager = distributor.account_manager
    if manager is None or not manager.is_active:
        return None
    with translation.override(language_of(manager)):
        text = str(message) % {name: str(value) for name, value in params.items()}
    reminder = Reminder(
        kind=kind,
        distributor=distributor,
        recipient=manager,
        period=key,
        link=link,
        message=text,
    )
    created = _create([reminder])
    return created[0] if created else None


@transaction.atomic
def do_scan_cadences(today):
    """A reminder for each cadence due soon or overdue, to the distributor's account manager.

    Period: the due date. Once a cadence has been overdue for longer than
    PRM_ESCALATE_AFTER_DAYS, the executive sponsor gets one of their own.
    """
    reminders = []
    for distributor in _managed():
        manager, sponsor = distributor.account_manager, distributor.executive_sponsor
        for state in cadence_states(distributor, today).values():
            if state.status == CadenceStatus.ON_TRACK:
                continue
            due = state.due_on.isoformat()
            with translation.override(language_of(manager)):
                reminders.append(
                    Reminder(
                        kind=CADENCE_REMINDERS[state.kind],
                        recipient=manager,
                        distributor=distributor,
                        period=due,
                        due_on=state.due_on,
                        message=state.reason,
                    )
                )
            overdue_days = (today - state.due_on).days
            if sponsor is None or overdue_days <= settings.PRM_ESCALATE_AFTER_DAYS:
                continue
            with translation.override(language_of(sponsor)):
                escalation = ngettext(
                    "Overdue for %(days)d day. You receive this as the executive sponsor; "
                    "%(manager)s is the account manager.",
                    "Overdue for %(days)d days. You receive this as the executive sponsor; "
                    "%(manager)s is the account manager.",
                    overdue_days,
                ) % {"days": overdue_days, "manager": manager}
                reminders.append(
                    Reminder(
                        kind=Reminder.Kind.CADENCE_ESCALATED,
                        recipient=sponsor,
                        distributor=distributor,
                        period=f"{state.kind}-{due}",
                        due_on=state.due_on,
                        message=f"{state.reason}\n{escalation}",
                    )
                )
    return _create(reminders)


def _first_businessdate_format(day):
    while not japan_calendar.is_business_day(day):
        day += dt.timedelta(days=1)
    return day


def _asked_in(quarter, state):
    """What the cadence of `state` asks for in `quarter`, in words, or None."""
    due_dates = [state.due_on]
    # After an overdue contact, the next is counted from today, when it can happen at last.
    while (following := state.interval.after(max(due_dates[-1], state.as_of))) <= quarter.end:
        due_dates.append(following)
    count = len(due_dates)
    values = {"kind": state.kind.label, "count": count, "due": date_format(state.due_on)}
    if state.status == CadenceStatus.OVERDUE:
        text = ngettext(
            "%(kind)s: overdue since %(due)s",
            "%(kind)s: %(count)d, the first overdue since %(due)s",
            count,
        )
    elif state.due_on <= quarter.end:
        text = ngettext(
            "%(kind)s: one, by %(due)s", "%(kind)s: %(count)d, the first by %(due)s", count
        )
    else:
        return None
    return text % values


@transaction.atomic
def do_plan_quarter(today):
    """From the first business day of a fiscal quarter, one reminder per account manager.

    It lists their distributors and the touchpoints and meetings the cadences ask for this
    quarter. Period: the quarter, e.g. "FY2026-Q2". Made on any later day of the quarter
    too, for a manager who was missed (a new one, or a day the scan did not run).
    """
    quarter = japan_calendar.fiscal_quarter(today)
    if today < _first_businessdate_format(quarter.start):
        return []
    portfolios = defaultdict(list)
    for distributor in _managed():
        portfolios[distributor.account_manager].append(distributor)
    reminders = []
    for manager, distributors in portfolios.items():
        with translation.override(language_of(manager)):
            lines = [
                gettext(
                    "%(quarter)s runs from %(start)s to %(end)s. "
                    "What the cadences ask for with each of your distributors:"
                )
                % {
                    "quarter": quarter,
                    "start": date_format(quarter.start),
                    "end": date_format(quarter.end),
                }
            ]
            for distributor in distributors:
                asks = [_asked_in(quarter, s) for s in cadence_states(distributor, today).values()]
                asks = [ask for ask in asks if ask] or [gettext("nothing due this quarter")]
                lines.append(f"- {distributor}: {'; '.join(asks)}")
            reminders.append(
                Reminder(
                    kind=Reminder.Kind.QUARTER_PLANNING,
                    recipient=manager,
                    period=quarter.key,
                    due_on=quarter.start,
                    message="\n".join(lines),
                )
            )
    return _create(reminders)


@transaction.atomic
def do_warn_seasonal_peaks(today):
    """PRM_SEASONAL_PEAK_LEAD_DAYS before a peak window, one reminder per account manager.

    It lists their wholesale and logistics partners, to agree inventory and shipping plans
    with before the peak. Period: the window, e.g. "2027-golden-week". Made on any day
    from then until the window starts, for a manager who was missed.
    """
    windows = [
        window
        for window in japan_calendar.next_peak_windows(today, len(settings.PRM_PEAK_WINDOWS))
        if window.remind_on <= today
    ]
    if not windows:
        return []
    portfolios = defaultdict(list)
    partners = (
        _in_rhythm()
        .filter(account_manager__isnull=False, role__in=PEAK_ROLES)
        .select_related("account_manager")
        .order_by("name_en", "pk")
    )
    for distributor in partners:
        portfolios[distributor.account_manager].append(distributor)
    reminders = []
    for window in windows:
        for manager, distributors in portfolios.items():
            with translation.override(language_of(manager)):
                heading = gettext(
                    "%(peak)s runs from %(start)s to %(end)s. Agree inventory and shipping "
                    "plans with these partners before it starts:"
                ) % {
                    "peak": window,
                    "start": date_format(window.start),
                    "end": date_format(window.end),
                }
                lines = [f"- {d} ({d.get_role_display()})" for d in distributors]
                reminders.append(
                    Reminder(
                        kind=Reminder.Kind.SEASONAL_PEAK,
                        recipient=manager,
                        period=window.period,
                        due_on=window.start,
                        message="\n".join([heading, *lines]),
                    )
                )
    return _create(reminders)


def _section(title, lines):
    return "\n".join([f"{title} ({len(lines)})", *(lines or [gettext("None.")])])


@transaction.atomic
def do_send_executive_digest(today):
    """One digest per executive per ISO week, covering the seven days before `today`.

    Overdue relationships, new concerns from touchpoints and feedback, and milestones
    achieved or missed. Period: the ISO week of `today`, e.g. "2026-W23".
    """
    year, week, _weekday = today.isocalendar()
    since = today - dt.timedelta(days=7)
    business_tz = timezone.get_default_timezone()
    logged = {
        "created_at__gte": dt.datetime.combine(since, dt.time.min, tzinfo=business_tz),
        "created_at__lt": dt.datetime.combine(today, dt.time.min, tzinfo=business_tz),
    }
    overdue = []
    for distributor in with_cadence_dates(_in_rhythm().order_by("name_en")):
        states = cadence_states(distributor, today).values()
        late = [state for state in states if state.status == CadenceStatus.OVERDUE]
        if late:
            overdue.append((distributor, late))
    concerns = list(
        Touchpoint.objects.filter(mood=Touchpoint.Mood.CONCERN, **logged)
        .select_related("distributor")
        .order_by("occurred_on")
    )
    concern_feedback = list(
        Feedback.objects.filter(kind=Feedback.Kind.CONCERN, **logged)
        .select_related("distributor")
        .order_by("created_at")
    )
    achieved = list(
        MilestoneEvaluation.objects.filter(
            outcome__in=ACHIEVED, evaluated_on__gte=since, evaluated_on__lt=today
        )
        .select_related("milestone__goal__distributor")
        .order_by("evaluated_on")
    )
    missed = list(
        Milestone.objects.filter(
            status__in=UNFINISHED, target_date__gte=since, target_date__lt=today
        )
        .select_related("goal__distributor")
        .order_by("target_date")
    )
    executives = get_user_model().objects.filter(groups__name=roles.EXECUTIVE, is_active=True)
    reminders = []
    for executive in executives:
        with translation.override(language_of(executive)):
            heading = gettext("The week from %(start)s to %(end)s.") % {
                "start": date_format(since),
                "end": date_format(today - dt.timedelta(days=1)),
            }
            sections = [
                heading,
                _section(
                    gettext("Overdue relationships"),
                    [
                        f"- {distributor}: "
                        + "; ".join(
                            gettext("%(kind)s overdue since %(due)s")
                            % {"kind": state.kind.label, "due": date_format(state.due_on)}
                            for state in late
                        )
                        for distributor, late in overdue
                    ],
                ),
                _section(
                    gettext("New concerns"),
                    [
                        f"- {tp.distributor}: "
                        + gettext("%(kind)s on %(day)s, mood: concern")
                        % {"kind": tp.get_kind_display(), "day": date_format(tp.occurred_on)}
                        for tp in concerns
                    ]
                    + [
                        f"- {feedback.distributor}: "
                        + gettext("feedback “%(subject)s”") % {"subject": feedback.subject}
                        for feedback in concern_feedback
                    ],
                ),
                _section(
                    gettext("Milestones achieved"),
                    [
                        f"- {ev.milestone.goal.distributor}: {ev.milestone} "
                        f"({ev.get_outcome_display()}, {date_format(ev.evaluated_on)})"
                        for ev in achieved
                    ],
                ),
                _section(
                    gettext("Milestones missed"),
                    [
                        f"- {milestone.goal.distributor}: {milestone} "
                        + gettext("(target date %(day)s)")
                        % {"day": date_format(milestone.target_date)}
                        for milestone in missed
                    ],
                ),
            ]
            reminders.append(
                Reminder(
                    kind=Reminder.Kind.EXECUTIVE_DIGEST,
                    recipient=executive,
                    period=f"{year}-W{week:02d}",
                    message="\n\n".join(sections),
                )
            )
    return _create(reminders)


def do_sweep_pending_reminders():
    """Queue a delivery for each reminder left pending or claimed by a dead worker.

    A reminder stays pending when the broker was down as it was created, or after a failed
    attempt; a claim goes stale when its worker died while sending. Returns their ids.
    """
    stuck = list(Reminder.objects.deliverable(timezone.now()).values_list("pk", flat=True))
    queue_delivery(stuck)
    return stuck


def email_for(reminder):
    """The e-mail for `reminder` in its recipient's language, plain text and HTML.

    None when the recipient gets no e-mail: no address, or e-mail turned off for this kind
    of reminder (it still shows in the app).
    """
    recipient = reminder.recipient
    turned_off = NotificationPreference.objects.filter(
        user=recipient, kind=reminder.kind, email=False
    )
    if not recipient.email or turned_off.exists():
        return None
    with translation.override(language_of(recipient)):
        context = {
            "reminder": reminder,
            "recipient": recipient,
            "url": settings.PRM_SITE_URL.rstrip("/") + reminder.get_absolute_url(),
        }
        subject = gettext("[PRM] %(kind)s: %(subject)s") % {
            "kind": reminder.get_kind_display(),
            "subject": reminder.distributor or reminder.period,
        }
        email = EmailMultiAlternatives(
            subject, render_to_string("emails/reminder.txt", context), to=[recipient.email]
        )
        email.attach_alternative(render_to_string("emails/reminder.html", context), "text/html")
    return email
