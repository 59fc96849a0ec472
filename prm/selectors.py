"""Reads that span the apps: the landing pages of each role."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import CharField, Count, Exists, F, IntegerField, OuterRef, Subquery, Value
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from distributors.models import Distributor, Feedback, SharedPlanAcknowledgement
from meetings.cadences import CadenceState, CadenceStatus, cadence_states, with_cadence_dates
from meetings.models import ActionItem, AgendaItem, AlignmentMeeting
from milestones.models import Goal, GoalAgreement
from prm import signal_inputs
from prm.choices import Side
from prm.models import User

# Home looks two weeks ahead for meetings and two weeks back for portal activity.
HORIZON_DAYS = 14
# Enough to act on from Home; the inbox and the meeting pages hold the rest.
LIST_LIMIT = 10
# The longest lists of My week (a portfolio of hundreds of distributors has thousands of
# open action items) show this many of the most urgent, with how many there are in all: a
# page listing them all was too heavy to load and too long to read.
SHORTLIST_LIMIT = 20


@dataclass(frozen=True)
class Shortlist:
    """The first `entries` of a list, most urgent first, and how many it has in all."""

    entries: list
    total: int

    def __iter__(self):
        return iter(self.entries)

    def __len__(self):
        return len(self.entries)

    @property
    def has_more(self):
        return self.total > len(self.entries)


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
    mine = Distributor.objects.active().filter(account_manager=user)
    # Cadence states are computed in Python from the dates one query reads for every
    # distributor: all rows are read, only the first are shown, and only those are kept
    # until what the cadences read changes (prm/signal_inputs.py).
    cadences = signal_inputs.cached(
        "cadence_shortlists",
        (user.pk, today),
        lambda: {name: _shortlist(rows) for name, rows in cadence_overview(mine, today).items()},
    )
    # The lists are kept too, until what they read changes: six queries and 25 ms at
    # scale 50 otherwise. The portal's sentences are written in the reader's language.
    lists = signal_inputs.cached(
        "my_week_lists", (user.pk, today, get_language()), lambda: my_week_lists(user, mine)
    )
    return {**cadences, **lists, "today": today}


def my_week_lists(user, mine):
    """My week's lists but the cadences, read at once: `mine` are the user's distributors."""
    now = timezone.now()
    return {
        "meetings": list(
            AlignmentMeeting.objects.filter(
                distributors__in=mine,
                status=AlignmentMeeting.Status.PLANNED,
                starts_at__gte=now,
                starts_at__lt=now + timedelta(days=HORIZON_DAYS),
            )
            .distinct()
            .prefetch_related("distributors")
            .order_by("starts_at")
        ),
        "action_items": open_action_items(user),
        "new_feedback": list(
            Feedback.objects.filter(distributor__in=mine, status=Feedback.Status.NEW)
            .select_related("distributor")
            .order_by("-created_at")[:LIST_LIMIT]
        ),
        "agenda_proposals": list(agenda_proposals(mine)),
        "portal_activity": portal_activity(mine, since=now - timedelta(days=HORIZON_DAYS)),
    }


def agenda_proposals(distributors):
    """The first open proposals of `distributors`' users, for the soonest planned meetings.

    AgendaItem records no time, so they are listed by meeting date (a meeting's together)
    instead of joining the dated activity below.
    """
    proposals = AgendaItem.objects.filter(
        proposer_side=Side.DISTRIBUTOR, status=AgendaItem.Status.PROPOSED
    )
    # The first meetings with one, then their proposals: the database walks the planned
    # meetings by date and stops after a few, where sorting every open proposal of a
    # portfolio of 1,250 distributors by its meeting's date took 12 ms (2 ms now).
    soonest = (
        AlignmentMeeting.objects.filter(
            Exists(
                AlignmentMeeting.distributors.through.objects.filter(
                    alignmentmeeting=OuterRef("pk"), distributor__in=distributors
                )
            ),
            Exists(proposals.filter(meeting=OuterRef("pk"))),
            status=AlignmentMeeting.Status.PLANNED,
        )
        .order_by("starts_at", "pk")
        .values("pk")[:LIST_LIMIT]
    )
    return (
        proposals.filter(meeting__in=soonest)
        .select_related("meeting", "proposed_by")
        .order_by("meeting__starts_at", "meeting_id", "position", "pk")[:LIST_LIMIT]
    )


def my_action_items(user):
    """All of `user`'s open action items: overdue first (the earliest due dates), undated
    last. The meeting or touchpoint an item came from is its page.

    My week shows the first of them (`open_action_items`), their own page all of them.
    """
    return (
        ActionItem.objects.filter(owner_user=user, status=ActionItem.Status.OPEN)
        .select_related("distributor")
        .order_by(F("due_on").asc(nulls_last=True), "pk")
    )


def open_action_items(user):
    """The first of `user`'s open action items (`my_action_items`).

    Their number is counted in the same query, one query less on a page kept within a
    budget of queries: by a subquery the database runs once, through the index of open
    items by owner, rather than COUNT(*) OVER (), which joins every open item to its
    meeting and distributor before the LIMIT.
    """
    mine = my_action_items(user)
    count = mine.order_by().values("owner_user").annotate(n=Count("*")).values("n")
    items = list(mine.annotate(open_count=Subquery(count))[:SHORTLIST_LIMIT])
    return Shortlist(items, items[0].open_count if items else 0)


def _shortlist(rows):
    return Shortlist(rows[:SHORTLIST_LIMIT], len(rows))


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
