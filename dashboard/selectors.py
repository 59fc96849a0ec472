"""Reads of the executive dashboard, across distributors, meetings and milestones.

Every read here makes a fixed number of SQL queries however many distributors there are:
the signals of all distributors come from one annotated distributor query and three
grouped queries (feedback, touchpoint moods, milestones); the trends are one aggregate per
figure over all quarters; the summary of one distributor reads its signals' figures as
columns of its own row, and its recent entries in one UNION ALL.
"""

import datetime as dt
import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from urllib.parse import urlencode

from django.db.models import (
    CharField,
    Count,
    DateField,
    DateTimeField,
    Exists,
    F,
    IntegerField,
    Min,
    OuterRef,
    Q,
    Subquery,
    TextField,
    Value,
    prefetch_related_objects,
)
from django.db.models.functions import Cast, Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, ngettext

from distributors.models import Contact, Distributor, Feedback, from_our_side
from distributors.selectors import contacts_by_seniority, goals_with_progress, in_quarter
from meetings.cadences import CadenceKind, cadence_states, with_cadence_dates
from meetings.models import AlignmentMeeting, Touchpoint
from milestones.models import Goal, Milestone, MilestoneEvaluation
from prm import japan_calendar, signal_inputs
from prm.japan_calendar import business_midnight
from prm.models import User

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
MOOD_SPANS = ("recent", "previous", "lately")


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


# The query string of each signal's drill-down: the timeline's entries behind it.
TIMELINE_QUERIES = {
    key: urlencode([("kind", kind) for kind in kinds])
    for key, kinds in signals.TIMELINE_KINDS.items()
}


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
        timeline = reverse("distributors:timeline", args=[self.distributor.pk])
        return [
            (key, signal, f"{timeline}?{TIMELINE_QUERIES[key]}")
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


def feedback_in_window(feedback, since):
    """`feedback` sent since `since` or still open, each with `first_reply_at`: the moment
    of its first reply from our side.

    A grouped join of the replies rather than a subquery per item: the database reads the
    replies once for thousands of items.
    """
    return feedback.filter(
        Q(created_at__gte=business_midnight(since)) | Q(status__in=OPEN_FEEDBACK)
    ).annotate(first_reply_at=Min("replies__created_at", filter=from_our_side(through="replies__")))


def _feedback_figures(distributor_ids, since, now):
    """Per distributor: open items, open concerns, first reply times, the longest wait, in
    one query over `feedback_in_window`."""
    rows = (
        feedback_in_window(Feedback.objects.filter(distributor__in=distributor_ids), since)
        .order_by()
        .values_list("distributor_id", "kind", "status", "created_at", "first_reply_at")
    )
    return _fold_feedback(rows, since, now)


def _fold_feedback(rows, since, now):
    """{distributor id: _FeedbackFigures} of (distributor id, kind, status, created_at,
    first_reply_at) rows of `feedback_in_window`."""
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


def _mood_spans(today, days=signals.MOOD_WINDOW_DAYS):
    """The touchpoints the mood signal reads (a Q), and its three spans within them:
    the recent and the previous `days` days, and the last `CONCERN_WINDOW_DAYS` days."""
    recent_from = today - dt.timedelta(days=days - 1)
    previous_from = recent_from - dt.timedelta(days=days)
    lately_from = today - dt.timedelta(days=signals.CONCERN_WINDOW_DAYS - 1)
    spans = dict(
        zip(
            MOOD_SPANS,
            (
                Q(occurred_on__gte=recent_from),
                Q(occurred_on__lt=recent_from),
                Q(occurred_on__gte=lately_from),
            ),
            strict=True,
        )
    )
    return Q(occurred_on__gte=previous_from, occurred_on__lte=today), spans


def _mood_counts(distributor_ids, today):
    """Per distributor: (recent, previous, lately) MoodCounts over the spans of `_mood_spans`."""
    window, spans = _mood_spans(today)
    rows = (
        Touchpoint.objects.filter(window, distributor__in=distributor_ids)
        .order_by()
        .values("distributor_id", "mood")
        .annotate(**{span: Count("pk", filter=q) for span, q in spans.items()})
    )
    counts = defaultdict(lambda: {span: {} for span in spans})
    for row in rows:
        for span in spans:
            counts[row["distributor_id"]][span][row["mood"]] = row[span]
    return {pk: _moods(by_span) for pk, by_span in counts.items()}


def _moods(by_span):
    return tuple(MoodCounts(**by_span[span]) for span in MOOD_SPANS)


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

    Four queries whatever their number (plus what `distributors` prefetches).
    """
    today = today or japan_calendar.today()
    now = now or timezone.now()
    since = signal_window_start(today)
    ids = distributors.order_by().values("pk")
    rows = list(with_cadence_dates(distributors).order_by("name_en", "pk"))
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
    """Distributors matching the dashboard's filters (active ones unless `archived`), with
    the account manager the portfolio sorts and groups by."""
    distributors = Distributor.objects.all() if archived else Distributor.objects.active()
    distributors = distributors.select_related("account_manager")
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


def _filters_key(filters):
    return tuple(sorted((name, getattr(value, "pk", value)) for name, value in filters.items()))


class KeptRelationships(signal_inputs.KeptList):
    """The rows of `portfolio_relationships`, with what the portfolio computes from them
    for every reader alike, its orders and its counts, kept with them: sorting 2,000 rows
    and counting their signals took about half of the page's 34 ms."""

    @property
    def summary(self):
        return self.derived(
            "summary",
            lambda rows: PortfolioSummary(
                level_counts=level_counts(rows),
                by_status=_count_by(rows, "status"),
                by_role=_count_by(rows, "role"),
                needs_attention=sum(not row.on_track for row in rows),
            ),
        )

    def shown(self, *, signal="", level="", standing="", sort="attention", descending=None):
        """The rows at `level` (of `signal`) and `standing`, sorted (`sort_relationships`)
        in the active language (roles sort by their name in it)."""
        return self.derived(
            ("shown", get_language(), signal, level, standing, sort, descending),
            lambda rows: sort_relationships(
                only_standing(only_level(rows, signal, level), standing), sort, descending
            ),
        )


@dataclass(frozen=True)
class PortfolioSummary:
    level_counts: dict  # {signal key: {level: count}}
    by_status: dict  # {status: count}
    by_role: dict  # {role: count}
    needs_attention: int


def _count_by(rows, attribute):
    counted = defaultdict(int)
    for row in rows:
        counted[getattr(row.distributor, attribute)] += 1
    return dict(counted)


def portfolio_relationships(filters, today=None):
    """`relationships()` of the distributors the dashboard's `filters` (the keyword arguments
    of `filtered_distributors`) select, kept until what they are computed from changes
    (prm/signal_inputs.py), as KeptRelationships. The rows are shared: callers add to
    them only what is the same for every reader in a language (prefetched prefectures,
    texts and rows written per language), never change them."""
    today = today or japan_calendar.today()
    return signal_inputs.cached(
        "relationships",
        (today, _filters_key(filters)),
        lambda: KeptRelationships(relationships(filtered_distributors(**filters), today)),
    )


def with_prefectures(rows):
    """`rows` with their distributors' prefectures, in one query: for the rows a page or an
    export shows, rather than the thousands the portfolio counts."""
    prefetch_related_objects([row.distributor for row in rows], "prefectures")
    return rows


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
        # The same span as the activity list the figure links to.
        span = in_quarter(lookup, quarter, is_date=not lookup.endswith("_at"))
        if by is None:
            aggregates[f"q{index}"] = Count("pk", filter=span)
        else:
            for value in values:
                aggregates[f"q{index}_{value}"] = Count("pk", filter=span & Q(**{by: value}))
    return queryset.order_by().aggregate(**aggregates)


def recorded_on_track(day):
    """The ids of the distributors the nightly snapshot of `day` recorded on track, as the
    trends count them (paused and ended relationships left out)."""
    return (
        SignalSnapshot.objects.filter(taken_on=day, on_track=True)
        .exclude(lifecycle_status__in=UNTRACKED_STATUSES)
        .values("distributor_id")
    )


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


def portfolio_trends(filters, today=None):
    """`trends()` of the distributors the dashboard's `filters` select, archived ones
    included, kept until what they count changes (prm/signal_inputs.py), as a KeptList.
    The figures are shared: callers change copies, or keep what they derive with them."""
    today = today or japan_calendar.today()
    return signal_inputs.cached(
        "trends",
        (today, _filters_key(filters)),
        lambda: signal_inputs.KeptList(
            trends(filtered_distributors(archived=True, **filters), today)
        ),
    )


# --- one distributor: the summary -----------------------------------------------------------


def summary_distributors(today=None):
    """Distributors as the summary reads one: with what its signals count (cadence dates,
    touchpoint moods, milestones) as columns of its own row."""
    distributors = Distributor.objects.select_related(
        "upstream", "account_manager", "executive_sponsor"
    ).prefetch_related("prefectures")
    return with_signal_counts(with_cadence_dates(distributors), today or japan_calendar.today())


def _count(rows, per, condition):
    """How many of `rows` (of the outer distributor through `per`) match `condition`, as a
    subquery: 0 when none does."""
    counted = rows.order_by().values(per).annotate(n=Count("pk", filter=condition)).values("n")
    return Coalesce(Subquery(counted), 0)


def with_signal_counts(distributors, today):
    """Annotate `distributors` with the touchpoint moods (`mood_<span>_<mood>`) and the
    milestones (`milestones_achieved`, `milestones_missed`) their signals count: for a
    single distributor, where the grouped queries of `relationships` cost a query each."""
    since = signal_window_start(today)
    window, spans = _mood_spans(today)
    touchpoints = Touchpoint.objects.filter(window, distributor=OuterRef("pk"))
    milestones = Milestone.objects.filter(goal__distributor=OuterRef("pk"))
    moods = {
        f"mood_{span}_{mood}": _count(touchpoints, "distributor", condition & Q(mood=mood))
        for span, condition in spans.items()
        for mood in Touchpoint.Mood.values
    }
    return distributors.annotate(
        **moods,
        milestones_achieved=_count(
            milestones, "goal__distributor", achieved_milestones(since, today)
        ),
        milestones_missed=_count(milestones, "goal__distributor", missed_milestones(since, today)),
    )


def _relationship_of(row, feedback_rows, today, now):
    """The Relationship of a row of `summary_distributors`, with `feedback_rows` as
    `_fold_feedback` takes them."""
    moods = {
        span: {mood: getattr(row, f"mood_{span}_{mood}") for mood in Touchpoint.Mood.values}
        for span in MOOD_SPANS
    }
    since = signal_window_start(today)
    return Relationship(
        row,
        signals_of(
            row,
            today=today,
            since=since,
            feedback=_fold_feedback(feedback_rows, since, now)[row.pk],
            moods=_moods(moods),
            milestones=(row.milestones_achieved, row.milestones_missed),
        ),
    )


SUMMARY_EVALUATIONS = 5
SUMMARY_TOUCHPOINTS = 8
# The columns of the summary's UNION ALL of its lists, beside its kind and pk.
ENTRY_COLUMNS = {
    "entry_ref": IntegerField(),
    "entry_day": DateField(),
    "entry_at": DateTimeField(),
    "entry_later_at": DateTimeField(),
    "entry_code": CharField(),
    "entry_state": CharField(),
    "entry_title": CharField(),
    "entry_title_more": CharField(),
    "entry_text": TextField(),
    "entry_more_text": TextField(),
}


def _entries(rows, kind, pk="pk", **columns):
    """`rows` in the columns of the summary's UNION: those of `columns` (field names), the
    others NULL, typed so that each branch of the UNION agrees with the others."""
    annotations = {"entry_kind": Value(kind, CharField()), "entry_pk": F(pk)}
    for name, output_field in ENTRY_COLUMNS.items():
        if name in columns:
            annotations[name] = F(columns[name])
        else:
            annotations[name] = Cast(Value(None), output_field=output_field)
    return rows.order_by().annotate(**annotations).values(*annotations)


def _summary_entries(distributor, since):
    """The summary's lists of `distributor` in one UNION ALL: its last evaluations, its
    last touchpoints with the people met and ours, and its feedback as the signal reads it
    (`feedback_in_window`). (evaluations, touchpoints, feedback), unsaved objects with
    what the page shows; each touchpoint with `contacts_met` and `our_people`."""
    latest = (
        MilestoneEvaluation.objects.filter(milestone__goal__distributor=distributor)
        .order_by("-evaluated_on", "-pk")
        .values("pk")[:SUMMARY_EVALUATIONS]
    )
    recent = distributor.touchpoints.order_by("-occurred_on", "-created_at", "-pk").values("pk")[
        :SUMMARY_TOUCHPOINTS
    ]
    parts = [
        _entries(
            MilestoneEvaluation.objects.filter(pk__in=latest),
            "evaluation",
            entry_ref="milestone_id",
            entry_day="evaluated_on",
            entry_code="outcome",
            entry_title="milestone__title",
            entry_text="narrative",
            entry_more_text="learning",
        ),
        _entries(
            Touchpoint.objects.filter(pk__in=recent),
            "touchpoint",
            entry_day="occurred_on",
            entry_at="created_at",
            entry_code="kind",
            entry_state="mood",
            entry_text="notes",
            entry_more_text="unspoken_concerns",
        ),
        _entries(
            Touchpoint.contacts.through.objects.filter(touchpoint__in=recent),
            "contact",
            pk="contact_id",
            entry_ref="touchpoint_id",
            entry_title="contact__name_latin",
            entry_title_more="contact__name_kanji",
        ),
        _entries(
            Touchpoint.staff.through.objects.filter(touchpoint__in=recent),
            "staff",
            pk="user_id",
            entry_ref="touchpoint_id",
            entry_title="user__first_name",
            entry_title_more="user__last_name",
            entry_text="user__username",
        ),
        _entries(
            feedback_in_window(distributor.feedback.all(), since),
            "feedback",
            entry_at="created_at",
            entry_later_at="first_reply_at",
            entry_code="kind",
            entry_state="status",
            entry_title="subject",
        ),
    ]
    evaluations, touchpoints, feedback = [], {}, []
    contacts, staff = defaultdict(list), defaultdict(list)
    for row in parts[0].union(*parts[1:], all=True):
        kind, pk = row["entry_kind"], row["entry_pk"]
        if kind == "evaluation":
            evaluations.append(
                MilestoneEvaluation(
                    pk=pk,
                    outcome=row["entry_code"],
                    evaluated_on=row["entry_day"],
                    narrative=row["entry_text"],
                    learning=row["entry_more_text"],
                    milestone=Milestone(pk=row["entry_ref"], title=row["entry_title"]),
                )
            )
        elif kind == "touchpoint":
            touchpoints[pk] = Touchpoint(
                pk=pk,
                distributor=distributor,
                occurred_on=row["entry_day"],
                created_at=row["entry_at"],
                kind=row["entry_code"],
                mood=row["entry_state"],
                notes=row["entry_text"],
                unspoken_concerns=row["entry_more_text"],
            )
        elif kind == "contact":
            contacts[row["entry_ref"]].append(
                Contact(pk=pk, name_latin=row["entry_title"], name_kanji=row["entry_title_more"])
            )
        elif kind == "staff":
            staff[row["entry_ref"]].append(
                User(
                    pk=pk,
                    first_name=row["entry_title"],
                    last_name=row["entry_title_more"],
                    username=row["entry_text"],
                )
            )
        else:
            item = Feedback(
                pk=pk,
                distributor=distributor,
                created_at=row["entry_at"],
                kind=row["entry_code"],
                status=row["entry_state"],
                subject=row["entry_title"],
            )
            item.first_reply_at = row["entry_later_at"]
            feedback.append(item)
    for pk, touchpoint in touchpoints.items():
        # The order of the models' own: contacts by name, our people as they were added.
        touchpoint.contacts_met = sorted(contacts[pk], key=lambda c: (c.name_latin, c.pk))
        touchpoint.our_people = sorted(staff[pk], key=lambda user: user.pk)
    return (
        sorted(evaluations, key=lambda e: (e.evaluated_on, e.pk), reverse=True),
        sorted(
            touchpoints.values(), key=lambda t: (t.occurred_on, t.created_at, t.pk), reverse=True
        ),
        sorted(feedback, key=lambda item: (item.created_at, item.pk)),
    )


@dataclass
class NetworkNode:
    distributor: Distributor
    children: list
    current: bool = False
    more: int = 0  # children left out below the depth shown


def network_position(distributor, depth=3):
    """The chain of upstream distributors (top first) and the tree of downstream ones.

    One query: every active distributor's link and what the tree shows of it. Downstream
    goes `depth` levels deep; deeper ones are counted in `more`.
    """
    links = Distributor.objects.filter(
        Q(archived_at__isnull=True) | Q(pk=distributor.upstream_id)
    ).values_list("pk", "upstream_id", "name_en", "role", "status")
    upstream_of, children, nodes = {}, defaultdict(list), {}
    for pk, upstream_id, name_en, role, status in links:
        upstream_of[pk] = upstream_id
        if upstream_id:
            children[upstream_id].append(pk)
        nodes[pk] = Distributor(pk=pk, name_en=name_en, role=role, status=status)
    nodes[distributor.pk] = distributor
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
    objects = {pk: nodes[pk] for pk in shown if pk in nodes}

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


def distributor_summary(distributor, today=None, now=None):
    """What an executive reads before meeting `distributor` (a row of
    `summary_distributors`); a fixed number of queries."""
    today = today or japan_calendar.today()
    now = now or timezone.now()
    since = signal_window_start(today)
    evaluations, touchpoints, feedback = _summary_entries(distributor, since)
    feedback_rows = [
        (distributor.pk, item.kind, item.status, item.created_at, item.first_reply_at)
        for item in feedback
    ]
    return {
        "relationship": _relationship_of(distributor, feedback_rows, today, now),
        "signal_since": since,
        "goals": goals_with_progress(distributor),
        "evaluations": evaluations,
        "touchpoints": touchpoints,
        "open_feedback": [item for item in feedback if item.status in OPEN_FEEDBACK],
        "seniorities": Contact.Seniority,
        **contacts_by_seniority(distributor),
        **network_position(distributor),
    }
