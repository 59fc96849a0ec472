"""Reading figures: the trend of a distributor's last months beside what was said and done.

There is no ranking here, on purpose: figures are read one distributor at a time, as context
for the dialogue with it.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.db.models import CharField, Count, DateField, Prefetch, Value
from django.db.models.functions import Cast, TruncDate
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from distributors.models import DistributorRole
from meetings.models import AlignmentMeeting, Touchpoint, TouchpointKind
from milestones.models import Milestone
from prm import japan_calendar

from .charts import trend_chart
from .models import FigureImport, FigureKind, FigureRevision, PerformanceFigure

TREND_MONTHS = 24


@dataclass(frozen=True)
class FigureEntry:
    distributor_id: int
    kind_id: int
    month: dt.date
    category_id: int | None
    value: Decimal

    @property
    def key(self):
        return (self.distributor_id, self.kind_id, self.month, self.category_id)


def existing_figures(entries, *, for_update=False):
    """The figures already stored for `entries`' keys, by key: one query.

    `for_update` locks them (on PostgreSQL) until the end of the transaction.
    """
    if not entries:
        return {}
    months = [entry.month for entry in entries]
    figures = PerformanceFigure.objects.filter(
        distributor_id__in={entry.distributor_id for entry in entries},
        kind_id__in={entry.kind_id for entry in entries},
        month__gte=min(months),
        month__lte=max(months),
    ).only("pk", "distributor_id", "kind_id", "month", "category_id", "value")
    if for_update:
        figures = figures.select_for_update()
    return {
        (figure.distributor_id, figure.kind_id, figure.month, figure.category_id): figure
        for figure in figures
    }


def entries_of(rows):
    return [
        FigureEntry(
            row["distributor_id"],
            row["kind_id"],
            dt.date.fromisoformat(row["month"]),
            row["category_id"],
            Decimal(row["value"]),
        )
        for row in rows
    ]


def trend_months(today, count=TREND_MONTHS):
    """The first days of the last `count` months, oldest first, ending with this month."""
    this_month = today.replace(day=1)
    return [this_month - relativedelta(months=count - 1 - index) for index in range(count)]


@dataclass
class MonthEvents:
    touchpoints: list = field(default_factory=list)
    meetings: list = field(default_factory=list)
    milestones: list = field(default_factory=list)

    def __bool__(self):
        return bool(self.touchpoints or self.meetings or self.milestones)

    def summary(self):
        parts = []
        if self.touchpoints:
            parts.append(
                ngettext("%(count)d touchpoint", "%(count)d touchpoints", len(self.touchpoints))
                % {"count": len(self.touchpoints)}
            )
        if self.meetings:
            parts.append(
                ngettext("%(count)d meeting", "%(count)d meetings", len(self.meetings))
                % {"count": len(self.meetings)}
            )
        if self.milestones:
            parts.append(
                ngettext("%(count)d milestone", "%(count)d milestones", len(self.milestones))
                % {"count": len(self.milestones)}
            )
        return ", ".join(parts)


@dataclass
class KindTrend:
    kind: FigureKind
    values: list  # one per month, None where there is none
    chart: object = None


@dataclass
class MonthRow:
    month: dt.date
    values: list  # one per kind of the trend
    events: MonthEvents


@dataclass
class Trends:
    months: list
    kinds: list  # KindTrend, only the kinds with a value in the period
    rows: list  # MonthRow, newest first: the accessible table

    def __bool__(self):
        return bool(self.kinds)


def month_events(distributor, user, months):
    """What was done with `distributor` in `months`, by month: one query.

    Read through `visible_to(user)`, so that the portal shows meetings and milestones but
    not our own touchpoint notes.
    """
    start, end = months[0], months[-1] + relativedelta(months=1)
    text = CharField()
    touchpoints = (
        Touchpoint.objects.visible_to(user)
        .filter(distributor=distributor, occurred_on__gte=start, occurred_on__lt=end)
        .annotate(day=Cast("occurred_on", DateField()), what=Value("touchpoint", text))
        .values_list("day", "what", "kind")
        .order_by()
    )
    meetings = (
        AlignmentMeeting.objects.visible_to(user)
        .filter(distributors=distributor, starts_at__date__gte=start, starts_at__date__lt=end)
        .exclude(status=AlignmentMeeting.Status.CANCELLED)
        .annotate(day=TruncDate("starts_at"), what=Value("meeting", text))
        .values_list("day", "what", "title")
        .order_by()
    )
    milestones = (
        Milestone.objects.visible_to(user)
        .filter(goal__distributor=distributor, target_date__gte=start, target_date__lt=end)
        .annotate(day=Cast("target_date", DateField()), what=Value("milestone", text))
        .values_list("day", "what", "title")
        .order_by()
    )
    by_month = defaultdict(MonthEvents)
    kinds = dict(TouchpointKind.choices)
    for day, what, label in touchpoints.union(meetings, milestones, all=True):
        events = by_month[day.replace(day=1)]
        if what == "touchpoint":
            events.touchpoints.append(kinds.get(label, label))
        elif what == "meeting":
            events.meetings.append(label)
        else:
            events.milestones.append(label)
    return by_month


def _monthly_values(figures, months):
    """Each kind's value per month: the total when there is one, else the sum of categories."""
    totals, sums = {}, defaultdict(int)
    kinds = {}
    for figure in figures:
        kinds[figure.kind_id] = figure.kind
        key = (figure.kind_id, figure.month)
        if figure.category_id is None:
            totals[key] = figure.value
        else:
            sums[key] += figure.value
    ordered = sorted(kinds.values(), key=lambda kind: (kind.position, kind.name_en))
    return [
        KindTrend(
            kind,
            [totals.get((kind.pk, month), sums.get((kind.pk, month))) for month in months],
        )
        for kind in ordered
    ]


def distributor_trends(distributor, user, today=None, count=TREND_MONTHS):
    """The last `count` months of `distributor`'s figures that `user` may see, with charts,
    beside the touchpoints, meetings and milestones of the same months. Two queries."""
    months = trend_months(today or japan_calendar.today(), count)
    figures = (
        PerformanceFigure.objects.visible_to(user)
        .filter(distributor=distributor, month__gte=months[0], month__lte=months[-1])
        .select_related("kind")
    )
    kinds = _monthly_values(figures, months)
    if not kinds:
        return Trends(months, [], [])
    events = month_events(distributor, user, months)
    marks = [events[month].summary() if month in events else "" for month in months]
    for kind in kinds:
        kind.chart = trend_chart(
            f"trend-{distributor.pk}-{kind.kind.code}",
            _("%(figure)s, last %(count)d months") % {"figure": kind.kind.name, "count": count},
            months,
            kind.values,
            marks,
        )
    rows = [
        MonthRow(
            month,
            [kind.values[index] for kind in kinds],
            events.get(month, MonthEvents()),
        )
        for index, month in reversed(list(enumerate(months)))
    ]
    return Trends(months, kinds, rows)


def figures_of(distributor, user):
    """All of `distributor`'s figures `user` may see, newest month first, each with its
    revisions (who, when, from what to what): two queries."""
    revisions = FigureRevision.objects.select_related("changed_by")
    return (
        PerformanceFigure.objects.visible_to(user)
        .filter(distributor=distributor)
        .select_related("kind", "category", "entered_by")
        .prefetch_related(Prefetch("revisions", queryset=revisions))
        .order_by("-month", "kind__position", "kind__name_en", "category__name_en")
    )


def kinds_for(distributor, user):
    """The figure kinds `user` may enter for `distributor`: those of its role, first."""
    kinds = list(FigureKind.objects.visible_to(user))
    return sorted(kinds, key=lambda kind: distributor.role not in kind.distributor_roles)


def imports_of(user):
    return FigureImport.objects.filter(uploaded_by=user).defer("rows", "errors")[:20]


def import_of(user, pk):
    """`user`'s own import, else None: an import is its uploader's until it is saved."""
    return FigureImport.objects.filter(uploaded_by=user, pk=pk).first()


def preview_rows(figure_import):
    """Each row of the import as it will be saved: new, changed from what, or unchanged."""
    entries = entries_of(figure_import.rows)
    existing = existing_figures(entries)
    rows = []
    for row, entry in zip(figure_import.rows, entries, strict=True):
        figure = existing.get(entry.key)
        if figure is None:
            state, previous = "new", None
        elif figure.value == entry.value:
            state, previous = "unchanged", figure.value
        else:
            state, previous = "changed", figure.value
        rows.append({**row, "value": entry.value, "state": state, "previous": previous})
    return rows


def kinds_with_counts():
    """Every figure kind with how many values are stored of it, for how many distributors,
    and the names of the roles that use it: one query."""
    kinds = list(
        FigureKind.objects.annotate(
            values_stored=Count("figures"),
            distributors=Count("figures__distributor", distinct=True),
        ).order_by("position", "name_en")
    )
    labels = dict(DistributorRole.choices)
    for kind in kinds:
        kind.role_labels = [labels.get(role, role) for role in kind.distributor_roles]
    return kinds
