"""Reads that span the apps: the landing pages of each role."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import CharField, F, IntegerField, Value
from django.utils import timezone
from django.utils.translation import gettext as _

from distributors.models import Distributor, Feedback, SharedPlanAcknowledgement
from meetings.cadences import CadenceState, CadenceStatus, cadence_states, with_cadence_dates
from meetings.models import ActionItem, AgendaItem, AlignmentMeeting
from milestones.models import Goal, GoalAgreement
from prm.choices import Side
from prm.models import User

# Home looks two weeks ahead for meetings and two weeks back for portal activity.
HORIZON_DAYS = 14
# Enough to act on from Home; the inbox and the meeting pages hold the rest.
LIST_LIMIT = 10


@dataclass(frozen=True)
class DueDistributor:
    distributor: Distributor
    states: list[CadenceState]


@dataclass(frozen=True)
class Activity:
    """Something a distributor's user did in the portal."""

    at: datetime
    distributor: Distributor
    text: str
    url: str


def my_week(user, *, today=None):
    """What an account manager needs on Monday morning, for their own portfolio."""
    today = today or timezone.localdate()
    now = timezone.now()
    mine = Distributor.objects.active().filter(account_manager=user)
    return {
        **cadence_overview(mine, today),
        "meetings": AlignmentMeeting.objects.filter(
            distributors__in=mine,
            status=AlignmentMeeting.Status.PLANNED,
            starts_at__gte=now,
            starts_at__lt=now + timedelta(days=HORIZON_DAYS),
        )
        .distinct()
        .prefetch_related("distributors")
        .order_by("starts_at"),
        # The meeting or touchpoint an item came from is its page.
        "action_items": ActionItem.objects.filter(owner_user=user, status=ActionItem.Status.OPEN)
        .select_related("distributor", "meeting", "touchpoint")
        .order_by(F("due_on").asc(nulls_last=True), "pk"),
        "new_feedback": Feedback.objects.filter(distributor__in=mine, status=Feedback.Status.NEW)
        .select_related("distributor")
        .order_by("-created_at")[:LIST_LIMIT],
        # AgendaItem records no time, so open proposals are listed by meeting date instead
        # of joining the dated activity below.
        "agenda_proposals": AgendaItem.objects.filter(
            meeting__in=AlignmentMeeting.objects.filter(
                distributors__in=mine, status=AlignmentMeeting.Status.PLANNED
            ),
            proposer_side=Side.DISTRIBUTOR,
            status=AgendaItem.Status.PROPOSED,
        )
        .select_related("meeting", "proposed_by")
        .order_by("meeting__starts_at", "pk")[:LIST_LIMIT],
        "portal_activity": portal_activity(mine, since=now - timedelta(days=HORIZON_DAYS)),
        "today": today,
    }


def cadence_overview(distributors, today):
    """`distributors` with contact due soon or overdue (most urgent first), and the others.

    One query for all of them: `with_cadence_dates` annotates the last qualifying events.
    """
    due, nothing_due = [], []
    for row in with_cadence_dates(distributors.order_by("name_en")):
        states = []
        # Paused and ended relationships have no rhythm to keep.
        if row.status not in (Distributor.Status.PAUSED, Distributor.Status.ENDED):
            states = [
                state
                for state in cadence_states(row, today).values()
                if state.status != CadenceStatus.ON_TRACK
            ]
        if states:
            due.append(DueDistributor(row, states))
        else:
            nothing_due.append(row)
    due.sort(key=lambda row: min(state.due_on for state in row.states))
    return {"due_distributors": due, "nothing_due": nothing_due}


def portal_activity(distributors, *, since):
    """Goal acceptances and plan readings by the users of `distributors`, newest first.

    One UNION ALL of both, in the columns the list shows, rather than a query each.
    """
    kind = CharField()
    acceptances = (
        GoalAgreement.objects.filter(
            side=Side.DISTRIBUTOR, goal__distributor__in=distributors, accepted_at__gte=since
        )
        .annotate(what=Value("acceptance", kind))
        .values_list(
            "what",
            "accepted_at",
            "goal_id",
            "goal__title",
            "version",
            "accepted_by__first_name",
            "accepted_by__last_name",
            "accepted_by__username",
            "goal__distributor_id",
            "goal__distributor__name_en",
            "goal__distributor__name_ja",
        )
    )
    readings = (
        SharedPlanAcknowledgement.objects.filter(
            user__portal_contact__distributor__in=distributors, acknowledged_at__gte=since
        )
        .annotate(what=Value("reading", kind))
        .values_list(
            "what",
            "acknowledged_at",
            "plan_id",
            "plan__title",
            Value(None, IntegerField()),
            "user__first_name",
            "user__last_name",
            "user__username",
            "user__portal_contact__distributor_id",
            "user__portal_contact__distributor__name_en",
            "user__portal_contact__distributor__name_ja",
        )
    )
    # Acceptances first at the same moment, as the lists were joined before.
    rows = acceptances.order_by().union(readings.order_by(), all=True)
    rows = rows.order_by("-accepted_at", "what")
    activity = []
    for row in rows[:LIST_LIMIT]:
        what, at, pk, title, version, first, last, username, of, name_en, name_ja = row
        who = User(first_name=first, last_name=last, username=username) if username else None
        distributor = Distributor(pk=of, name_en=name_en, name_ja=name_ja)
        if what == "acceptance":
            text = _("%(who)s accepted version %(version)s of the goal “%(goal)s”.") % {
                "who": who or _("Someone at the distributor"),
                "version": version,
                "goal": title,
            }
            url = Goal(pk=pk).get_absolute_url()
        else:
            text = _("%(who)s read the shared plan “%(plan)s”.") % {
                "who": who,
                "plan": title,
            }
            # Shared plans have no staff page yet: the distributor's page is the closest.
            url = distributor.get_absolute_url()
        activity.append(Activity(at=at, distributor=distributor, text=text, url=url))
    return activity
