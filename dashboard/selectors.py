"""Reads of the executive dashboard, across distributors, meetings and milestones.

Every read here makes a fixed number of SQL queries however many distributors there are:
the signals of all distributors come from one annotated distributor query and three
grouped queries (feedback, touchpoint moods, milestones); the trends are one aggregate per
figure over all quarters; the summary of one distributor reads each of its lists once.
"""

import datetime as dt
import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, Exists, Min, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import ngettext

from distributors.models import Contact, Distributor, Feedback, FeedbackReply
from distributors.selectors import contacts_by_seniority, goals_with_progress
from meetings.cadences import CadenceKind, cadence_states, with_cadence_dates
from meetings.models import AlignmentMeeting, Touchpoint
from milestones.models import Goal, Milestone, MilestoneEvaluation
from prm import japan_calendar

from . import signals
from .models import SignalSnapshot
from .signals import Level, MoodCounts, SignalKey

# Relationships that keep no rhythm of contact: their cadences give no signal, and the share
# "on track" is counted without them.
UNTRACKED_STATUSES = (Distributor.Status.PAUSED, Distributor.Status.ENDED)
OPEN_FEEDBACK = (
    Feedback.Status.NEW,
    Feedback.Status.ACKNOWLEDGED,
    Feedback.Status.IN_PROGRESS,
)
ACHIEVED_OUTCOMES = (
    MilestoneEvaluation.Outcome.ACHIEVED,
    MilestoneEvaluation.Outcome.EXCEEDED,
)
TREND_QUARTERS = 8


def business_midnight(day):
    """The start of `day` in the business time zone, as an aware datetime."""
    return dt.datetime.combine(day, dt.time.min, tzinfo=ZoneInfo(settings.TIME_ZONE))


def signal_window_start(today):
    """The first day of the previous fiscal quarter: milestones and feedback are read since."""
    current = japan_calendar.fiscal_quarter(today)
    return japan_calendar.fiscal_quarter(current.start - dt.timedelta(days=1)).start


def last_quarters(today, count=TREND_QUARTERS):
    """The `count` fiscal quarters up to the one of `today`, oldest first."""
    quarters = [japan_calendar.fiscal_quarter(today)]
    while len(quarters) < count:
        quarters.insert(0, japan_calendar.fiscal_quarter(quarters[0].start - dt.timedelta(days=1)))
    return quarters


# --- the signals of many relationships ------------------------------------------------------


def timeline_url(distributor_pk, kinds):
    url = reverse("distributors:timeline", args=[distributor_pk])
    return f"{url}?{urlencode([('kind', kind) for kind in kinds])}"


@dataclass
class Relationship:
    """One distributor with its signals, keyed by SignalKey, in column order."""

    distributor: Distributor
    signals: dict

    @cached_property
    def reds(self):
        return sum(signal.level == Level.RED for signal in self.signals.values())

    @cached_property
    def ambers(self):
        return sum(signal.level == Level.AMBER for signal in self.signals.values())

    @property
    def on_track(self):
        """No signal is red."""
        return not self.reds

    @property
    def standing(self):
        """The relationship as a whole: red with a red signal, amber with an amber and no
        red, else green."""
        if self.reds:
            return Level.RED
        return Level.AMBER if self.ambers else Level.GREEN

    @property
    def attention_key(self):
        return (self.reds, self.ambers, sum(s.severity for s in self.signals.values()))

    @property
    def cells(self):
        """(key, signal, drill-down URL) for each signal, in column order."""
        return [
            (key, signal, timeline_url(self.distributor.pk, signals.TIMELINE_KINDS[key]))
            for key, signal in self.signals.items()
        ]

    @property
    def attention_text(self):
        if not self.reds and not self.ambers:
            return Level.GREEN.label
        return ngettext(
            "%(reds)d red, %(ambers)d amber", "%(reds)d red, %(ambers)d amber", self.reds
        ) % {"reds": self.reds, "ambers": self.ambers}


@dataclass
class _FeedbackFigures:
    open_count: int = 0
    open_concerns: int = 0
    first_replies: list = field(default_factory=list)
    oldest_unanswered: dt.timedelta | None = None


def _feedback_figures(distributor_ids, since, now):
    """Per distributor: open items, open concerns, first reply times, the longest wait.

    One query over the feedback sent since `since` or still open, each with the moment of
    its first reply from our side (an author who is no distributor's contact).
    """
    ours = FeedbackReply.objects.from_our_side().filter(feedback=OuterRef("pk"))
    first_reply = Subquery(
        ours.order_by().values("feedback").annotate(first=Min("created_at")).values("first")
    )
    rows = (
        Feedback.objects.filter(distributor__in=distributor_ids)
        .filter(Q(created_at__gte=business_midnight(since)) | Q(status__in=OPEN_FEEDBACK))
        .annotate(first_reply_at=first_reply)
        .order_by()
        .values_list("distributor_id", "kind", "status", "created_at", "first_reply_at")
    )
    figures = defaultdict(_FeedbackFigures)
    since_at = business_midnight(since)
    for distributor_id, kind, status, created_at, first_reply_at in rows:
        row = figures[distributor_id]
        is_open = status in OPEN_FEEDBACK
        if is_open:
            row.open_count += 1
            if kind == Feedback.Kind.CONCERN:
                row.open_concerns += 1
        if first_reply_at is not None and created_at >= since_at:
            row.first_replies.append(first_reply_at - created_at)
        elif first_reply_at is None and is_open:
            wait = now - created_at
            if row.oldest_unanswered is None or wait > row.oldest_unanswered:
                row.oldest_unanswered = wait
    return figures


def _mood_counts(distributor_ids, today, days=signals.MOOD_WINDOW_DAYS):
    """Per distributor: (recent, previous) MoodCounts over two spans of `days` days, and the
    touchpoints with concern of the last `CONCERN_WINDOW_DAYS` days."""
    recent_from = today - dt.timedelta(days=days - 1)
    previous_from = recent_from - dt.timedelta(days=days)
    lately_from = today - dt.timedelta(days=signals.CONCERN_WINDOW_DAYS - 1)
    rows = (
        Touchpoint.objects.filter(
            distributor__in=distributor_ids,
            occurred_on__gte=previous_from,
            occurred_on__lte=today,
        )
        .order_by()
        .values("distributor_id", "mood")
        .annotate(
            recent=Count("pk", filter=Q(occurred_on__gte=recent_from)),
            previous=Count("pk", filter=Q(occurred_on__lt=recent_from)),
            lately=Count("pk", filter=Q(occurred_on__gte=lately_from)),
        )
    )
    counts = defaultdict(lambda: ({}, {}, {}))
    for row in rows:
        recent, previous, lately = counts[row["distributor_id"]]
        recent[row["mood"]] = row["recent"]
        previous[row["mood"]] = row["previous"]
        lately[row["mood"]] = row["lately"]
    return {
        pk: (MoodCounts(**recent), MoodCounts(**previous), MoodCounts(**lately))
        for pk, (recent, previous, lately) in counts.items()
    }


def achieved_evaluations():
    return MilestoneEvaluation.objects.filter(
        milestone=OuterRef("pk"), outcome__in=ACHIEVED_OUTCOMES
    )


def missed_milestones(since, today):
    """Milestones whose target date in [since, today) passed without an achieved evaluation."""
    return (
        Q(target_date__gte=since, target_date__lt=today)
        & ~Q(status=Milestone.Status.CANCELLED)
        & ~Q(goal__status=Goal.Status.DROPPED)
        & ~Q(Exists(achieved_evaluations().filter(evaluated_on__lte=today)))
    )


def achieved_milestones(since, today):
    """Milestones with an achieved or exceeded evaluation dated in [since, today]."""
    return Q(
        Exists(achieved_evaluations().filter(evaluated_on__gte=since, evaluated_on__lte=today))
    )


def _milestone_counts(distributor_ids, since, today):
    """Per distributor: (achieved, missed) milestones since `since`, in one grouped query."""
    rows = (
        Milestone.objects.filter(goal__distributor__in=distributor_ids)
        .order_by()
        .values("goal__distributor_id")
        .annotate(
            achieved=Count("pk", filter=achieved_milestones(since, today)),
            missed=Count("pk", filter=missed_milestones(since, today)),
        )
    )
    return {row["goal__distributor_id"]: (row["achieved"], row["missed"]) for row in rows}


def relationships(distributors, today=None, now=None):
    """The distributors of `distributors` with their signals, as Relationship, by name.

    Four queries whatever their number (plus one for their prefectures).
    """
    today = today or japan_calendar.today()
    now = now or timezone.now()
    since = signal_window_start(today)
    ids = distributors.order_by().values("pk")
    rows = list(
        with_cadence_dates(distributors)
        .select_related("account_manager")
        .prefetch_related("prefectures")
        .order_by("name_en", "pk")
    )
    feedback = _feedback_figures(ids, since, now)
    moods = _mood_counts(ids, today)
    milestones = _milestone_counts(ids, since, today)
    empty_moods = (MoodCounts(), MoodCounts(), MoodCounts())
    result = []
    for row in rows:
        result.append(
            Relationship(
                row,
                signals_of(
                    row,
                    today=today,
                    since=since,
                    feedback=feedback.get(row.pk, _FeedbackFigures()),
                    moods=moods.get(row.pk, empty_moods),
                    milestones=milestones.get(row.pk, (0, 0)),
                ),
            )
        )
    return result


def signals_of(row, *, today, since, feedback, moods, milestones):
    """Every signal of one distributor row from `with_cadence_dates`, from gathered figures."""
    if row.status in UNTRACKED_STATUSES:
        cadence = dict.fromkeys(
            (SignalKey.ALIGNMENT, SignalKey.TOUCHPOINT, SignalKey.SENIOR_CONTACT),
            signals.untracked_signal(),
        )
    else:
        states = cadence_states(row, today)
        cadence = {
            SignalKey.ALIGNMENT: signals.cadence_signal(states[CadenceKind.ALIGNMENT]),
            SignalKey.TOUCHPOINT: signals.cadence_signal(states[CadenceKind.TOUCHPOINT]),
            SignalKey.SENIOR_CONTACT: signals.senior_contact_signal(
                states[CadenceKind.SENIOR_CONTACT]
            ),
        }
    achieved, missed = milestones
    recent, previous, lately = moods
    median = statistics.median(feedback.first_replies) if feedback.first_replies else None
    return {
        SignalKey.ALIGNMENT: cadence[SignalKey.ALIGNMENT],
        SignalKey.TOUCHPOINT: cadence[SignalKey.TOUCHPOINT],
        SignalKey.SENIOR_CONTACT: cadence[SignalKey.SENIOR_CONTACT],
        SignalKey.MILESTONES: signals.milestone_signal(
            achieved=achieved, missed=missed, since=since
        ),
        SignalKey.FEEDBACK: signals.feedback_signal(
            open_count=feedback.open_count,
            median_first_reply=median,
            oldest_unanswered=feedback.oldest_unanswered,
            since=since,
        ),
        SignalKey.MOOD: signals.mood_signal(recent, previous),
        SignalKey.CONCERNS: signals.concerns_signal(
            open_concern_feedback=feedback.open_concerns, concern_touchpoints=lately.concern
        ),
    }


# --- the portfolio: filters, sorting, counts ------------------------------------------------


def filtered_distributors(
    *, prefecture=None, region="", role="", status="", account_manager=None, archived=False
):
    """Distributors matching the dashboard's filters (active ones unless `archived`)."""
    distributors = Distributor.objects.all() if archived else Distributor.objects.active()
    if prefecture:
        distributors = distributors.filter(prefectures=prefecture)
    if region:
        # A subquery, not a join: a distributor covering two prefectures of the region is
        # one row.
        distributors = distributors.filter(
            pk__in=Distributor.objects.filter(prefectures__region=region).values("pk")
        )
    if role:
        distributors = distributors.filter(role=role)
    if status:
        distributors = distributors.filter(status=status)
    if account_manager:
        distributors = distributors.filter(account_manager=account_manager)
    return distributors


def only_level(rows, signal="", level=""):
    """The rows where `signal` (or, without one, any signal) stands at `level`."""
    if not level:
        return rows
    keys = [signal] if signal else SignalKey.values
    return [row for row in rows if any(row.signals[key].level == level for key in keys)]


def only_standing(rows, standing=""):
    """The rows whose relationship as a whole stands at `standing` (see Relationship)."""
    if not standing:
        return rows
    return [row for row in rows if row.standing == standing]


STATUS_ORDER = {value: index for index, value in enumerate(Distributor.Status.values)}
TEXT_COLUMNS = ("name", "role", "status", "account_manager")


def _sort_key(column):
    if column == "name":
        return lambda row: row.distributor.name_en.casefold()
    if column == "role":
        return lambda row: str(row.distributor.get_role_display()).casefold()
    if column == "status":
        return lambda row: STATUS_ORDER.get(row.distributor.status, 99)
    if column == "account_manager":
        return lambda row: str(row.distributor.account_manager or "").casefold()
    if column in SignalKey.values:
        return lambda row: (row.signals[column].severity, row.signals[column].sort_value)
    return lambda row: row.attention_key


def default_descending(column):
    """Signals and "needs attention" sort worst first; names and labels from A."""
    return column not in TEXT_COLUMNS


def sort_relationships(rows, column="attention", descending=None):
    """`rows` sorted by a column; ties by name. Signals sort by level, then by how far off."""
    if descending is None:
        descending = default_descending(column)
    rows = sorted(rows, key=lambda row: (row.distributor.name_en.casefold(), row.distributor.pk))
    return sorted(rows, key=_sort_key(column), reverse=descending)


def level_counts(rows):
    """{signal key: {level: count}} over `rows`."""
    counts = {key: dict.fromkeys(Level.values, 0) for key in SignalKey.values}
    for row in rows:
        for key, signal in row.signals.items():
            counts[key][signal.level] += 1
    return counts


def counts_by(rows, attribute, choices):
    """[(value, label, count)] for every choice, counting `rows` by a distributor attribute."""
    counted = defaultdict(int)
    for row in rows:
        counted[getattr(row.distributor, attribute)] += 1
    return [(value, label, counted[value]) for value, label in choices]


# --- account managers -----------------------------------------------------------------------


@dataclass
class Portfolio:
    manager: object  # a User, or None for the distributors without one
    rows: list

    @property
    def reds(self):
        return sum(row.standing == Level.RED for row in self.rows)

    @property
    def ambers(self):
        return sum(row.standing == Level.AMBER for row in self.rows)

    @property
    def greens(self):
        return sum(row.standing == Level.GREEN for row in self.rows)

    @property
    def level_counts(self):
        return level_counts(self.rows)

    @property
    def first_rows(self):
        """The relationships most in need of attention, for the page; the rest are a link."""
        return self.rows[:PORTFOLIO_ROWS_SHOWN]


# Per account manager, the page lists this many relationships; the portfolio has them all.
PORTFOLIO_ROWS_SHOWN = 10


def by_account_manager(rows):
    """Relationships grouped by account manager, the most in need of attention first."""
    groups = defaultdict(list)
    for row in rows:
        groups[row.distributor.account_manager].append(row)
    portfolios = [
        Portfolio(manager, sort_relationships(members)) for manager, members in groups.items()
    ]
    return sorted(
        portfolios,
        key=lambda p: (-p.reds, -p.ambers, p.manager is None, str(p.manager or "").casefold()),
    )


# --- trends ---------------------------------------------------------------------------------


@dataclass
class QuarterFigures:
    quarter: japan_calendar.FiscalQuarter
    touchpoints: int
    meetings: int
    outcomes: dict  # outcome value: count
    feedback: dict  # kind value: count
    on_track: int | None  # relationships on track on the last snapshot day of the quarter
    tracked: int | None  # relationships in that snapshot (None: no snapshot that quarter)
    snapshot_on: dt.date | None

    @property
    def on_track_share(self):
        if not self.tracked:
            return None
        return self.on_track / self.tracked


def _per_quarter(queryset, quarters, lookup, *, by=None, values=()):
    """One aggregate over `quarters` (and each of `values` of the field `by`)."""
    aggregates = {}
    for index, quarter in enumerate(quarters):
        if lookup.endswith("_at"):
            span = Q(**{f"{lookup}__gte": business_midnight(quarter.start)}) & Q(
                **{f"{lookup}__lt": business_midnight(quarter.end + dt.timedelta(days=1))}
            )
        else:
            span = Q(**{f"{lookup}__gte": quarter.start, f"{lookup}__lte": quarter.end})
        if by is None:
            aggregates[f"q{index}"] = Count("pk", filter=span)
        else:
            for value in values:
                aggregates[f"q{index}_{value}"] = Count("pk", filter=span & Q(**{by: value}))
    return queryset.order_by().aggregate(**aggregates)


def trends(distributors, today=None, count=TREND_QUARTERS):
    """Per fiscal quarter, oldest first, for the last `count` quarters: QuarterFigures.

    Five queries: touchpoints, held meetings, milestone outcomes (by evaluation date),
    feedback by kind (by the day it was sent), and the share on track from the nightly
    snapshots (the last snapshot day of each quarter; paused and ended relationships are
    left out of the share).
    """
    today = today or japan_calendar.today()
    quarters = last_quarters(today, count)
    ids = distributors.order_by().values("pk")
    touchpoints = _per_quarter(
        Touchpoint.objects.filter(distributor__in=ids), quarters, "occurred_on"
    )
    # An advisory board with several of the distributors counts once.
    meetings = _per_quarter(
        AlignmentMeeting.objects.filter(
            status=AlignmentMeeting.Status.HELD,
            pk__in=AlignmentMeeting.objects.filter(distributors__in=ids).values("pk"),
        ),
        quarters,
        "starts_at",
    )
    outcomes = _per_quarter(
        MilestoneEvaluation.objects.filter(milestone__goal__distributor__in=ids),
        quarters,
        "evaluated_on",
        by="outcome",
        values=MilestoneEvaluation.Outcome.values,
    )
    feedback = _per_quarter(
        Feedback.objects.filter(distributor__in=ids),
        quarters,
        "created_at",
        by="kind",
        values=Feedback.Kind.values,
    )
    snapshots = (
        SignalSnapshot.objects.filter(
            distributor__in=ids, taken_on__gte=quarters[0].start, taken_on__lte=today
        )
        .exclude(lifecycle_status__in=UNTRACKED_STATUSES)
        .order_by()
        .values("taken_on")
        .annotate(tracked=Count("pk"), on_track=Count("pk", filter=Q(on_track=True)))
    )
    last_day = {}
    for row in snapshots:
        quarter = japan_calendar.fiscal_quarter(row["taken_on"])
        if quarter not in last_day or row["taken_on"] > last_day[quarter]["taken_on"]:
            last_day[quarter] = row
    figures = []
    for index, quarter in enumerate(quarters):
        snapshot = last_day.get(quarter)
        figures.append(
            QuarterFigures(
                quarter=quarter,
                touchpoints=touchpoints[f"q{index}"],
                meetings=meetings[f"q{index}"],
                outcomes={
                    value: outcomes[f"q{index}_{value}"]
                    for value in MilestoneEvaluation.Outcome.values
                },
                feedback={value: feedback[f"q{index}_{value}"] for value in Feedback.Kind.values},
                on_track=snapshot["on_track"] if snapshot else None,
                tracked=snapshot["tracked"] if snapshot else None,
                snapshot_on=snapshot["taken_on"] if snapshot else None,
            )
        )
    return figures


# --- one distributor: the summary -----------------------------------------------------------


def summary_distributors():
    return Distributor.objects.select_related(
        "upstream", "account_manager", "executive_sponsor"
    ).prefetch_related("prefectures", "product_categories")


@dataclass
class NetworkNode:
    distributor: Distributor
    children: list
    current: bool = False
    more: int = 0  # children left out below the depth shown


def network_position(distributor, depth=3):
    """The chain of upstream distributors (top first) and the tree of downstream ones.

    Two queries: every active link of the network, then the distributors shown. Downstream
    goes `depth` levels deep; deeper ones are counted in `more`.
    """
    links = Distributor.objects.filter(
        Q(archived_at__isnull=True) | Q(pk=distributor.upstream_id)
    ).values_list("pk", "upstream_id")
    upstream_of, children = {}, defaultdict(list)
    for pk, upstream_id in links:
        upstream_of[pk] = upstream_id
        if upstream_id:
            children[upstream_id].append(pk)
    chain, seen = [], {distributor.pk}
    current = distributor.upstream_id
    while current and current not in seen:
        chain.insert(0, current)
        seen.add(current)
        current = upstream_of.get(current)
    shown = set(chain) | {distributor.pk}
    level, frontier = 0, [distributor.pk]
    while frontier and level < depth:
        frontier = [
            child for pk in frontier for child in children.get(pk, []) if child not in shown
        ]
        shown.update(frontier)
        level += 1
    objects = Distributor.objects.filter(pk__in=shown).in_bulk()

    def node(pk, level):
        kids = children.get(pk, [])
        if level >= depth:
            return NetworkNode(objects[pk], [], more=len(kids))
        return NetworkNode(
            objects[pk],
            sorted(
                (node(kid, level + 1) for kid in kids if kid in objects and kid not in chain),
                key=lambda n: n.distributor.name_en.casefold(),
            ),
        )

    tree = node(distributor.pk, 0)
    tree.current = True
    return {"upstream_chain": [objects[pk] for pk in chain if pk in objects], "tree": tree}


def distributor_summary(distributor, today=None):
    """What an executive reads before meeting `distributor`; a fixed number of queries."""
    today = today or japan_calendar.today()
    relationship = relationships(Distributor.objects.filter(pk=distributor.pk), today)[0]
    evaluations = (
        MilestoneEvaluation.objects.filter(milestone__goal__distributor=distributor)
        .select_related("milestone__goal")
        .order_by("-evaluated_on", "-pk")[:5]
    )
    touchpoints = (
        distributor.touchpoints.prefetch_related("contacts", "staff")
        .select_related("logged_by")
        .order_by("-occurred_on", "-created_at")[:8]
    )
    ours = FeedbackReply.objects.from_our_side().filter(feedback=OuterRef("pk"))
    open_feedback = (
        distributor.feedback.filter(status__in=OPEN_FEEDBACK)
        .annotate(
            first_reply_at=Subquery(
                ours.order_by().values("feedback").annotate(first=Min("created_at")).values("first")
            )
        )
        .order_by("created_at")
    )
    return {
        "relationship": relationship,
        "signal_since": signal_window_start(today),
        "goals": goals_with_progress(distributor),
        "evaluations": evaluations,
        "touchpoints": touchpoints,
        "open_feedback": open_feedback,
        "seniorities": Contact.Seniority,
        **contacts_by_seniority(distributor),
        **network_position(distributor),
    }
