"""The executive dashboard's pages: thin views over dashboard/selectors.py."""

import copy
from functools import partial
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext_lazy as _

from distributors import selectors as distributor_selectors
from distributors.models import Distributor, Feedback
from distributors.selectors import ArchivedFilter, TimelineKind
from figures import selectors as figure_selectors
from milestones.models import MilestoneEvaluation
from prm import japan_calendar
from prm.permissions import staff_member_required

from . import charts, exports, selectors
from .forms import PortfolioFilterForm
from .signals import Level, SignalKey

PAGE_SIZE = 50

COLUMN_LABELS = {
    "name": _("Distributor"),
    "status": _("Status"),
    **dict(SignalKey.choices),
    "attention": _("Attention"),
}


def workspace_list_url(filters, **overrides):
    """The workspace's distributor list with the dashboard's filters (and `overrides`)."""
    params = {"scope": "all"}
    for key, value in {**filters, **overrides}.items():
        if value:
            params[key] = getattr(value, "pk", value)
    return f"{reverse('distributors:list')}?{urlencode(params)}"


def activity_url(filters, **params):
    """The workspace's activity list with the dashboard's filters and `params`."""
    query = {}
    for key, value in {**filters, **params}.items():
        if value:
            query[key] = getattr(value, "pk", value)
    return f"{reverse('distributors:activity')}?{urlencode(query)}"


def _drill_down(filters, count, quarter, kind, *, outcome="", feedback_kind="", held_only=False):
    """A count of the trends with the activity list behind it and what it counts, in words
    (the link's accessible name)."""
    return {
        "count": count,
        "url": activity_url(
            filters,
            kind=kind,
            quarter=quarter.key,
            outcome=outcome,
            feedback_kind=feedback_kind,
            held=int(held_only),
        ),
        "label": distributor_selectors.activity_summary(
            count,
            [kind],
            quarter=quarter,
            outcome=outcome,
            feedback_kind=feedback_kind,
            held_only=held_only,
        ),
    }


def _on_track_drill_down(filters, row):
    """The quarter's "on track" count with the distributor list of those its snapshot day
    recorded on track."""
    return {
        "count": row.on_track,
        "url": workspace_list_url(
            filters, archived=ArchivedFilter.INCLUDE, on_track_on=row.snapshot_on.isoformat()
        ),
        "label": ngettext(
            "%(count)s relationship on track on %(day)s",
            "%(count)s relationships on track on %(day)s",
            row.on_track,
        )
        % {"count": row.on_track, "day": date_format(row.snapshot_on, "j M Y")},
    }


def _columns(sort, descending):
    """The table's column headers: label, the sort link's parameters, aria-sort."""
    columns = []
    for key, label in COLUMN_LABELS.items():
        active = key == sort
        if active:
            next_descending = not descending
        else:
            next_descending = selectors.default_descending(key)
        columns.append(
            {
                "key": key,
                "label": label,
                "active": active,
                "aria_sort": ("descending" if descending else "ascending") if active else "",
                "dir": "desc" if next_descending else "asc",
                "is_signal": key in SignalKey.values,
            }
        )
    return columns


def _filtered(request):
    form = PortfolioFilterForm(request.GET)
    filters = form.filters()
    return form, filters, selectors.portfolio_relationships(filters)


@staff_member_required
def portfolio(request):
    form, filters, rows = _filtered(request)
    level_filter = form.level_filter()
    standing = form.standing_filter()
    sort, descending = form.sorting()
    if descending is None:
        descending = selectors.default_descending(sort)
    shown = rows.shown(
        **level_filter,
        standing=standing[0] if standing else "",
        sort=sort,
        descending=descending,
    )
    page = Paginator(shown, PAGE_SIZE).get_page(request.GET.get("page"))
    selectors.with_prefectures(page.object_list)
    summary = rows.summary
    return render(
        request,
        "dashboard/portfolio.html",
        {
            "form": form,
            "filters": filters,
            "page": page,
            "total": len(rows),
            "shown": len(shown),
            "needs_attention": summary.needs_attention,
            "by_status": [
                (
                    value,
                    label,
                    summary.by_status.get(value, 0),
                    workspace_list_url(filters, status=value),
                )
                for value, label in Distributor.Status.choices
            ],
            "by_role": [
                (
                    value,
                    label,
                    summary.by_role.get(value, 0),
                    workspace_list_url(filters, role=value),
                )
                for value, label in Distributor.Role.choices
            ],
            "signal_counts": [
                (
                    key,
                    label,
                    [(level, summary.level_counts[key][level]) for level in Level.values],
                )
                for key, label in SignalKey.choices
            ],
            "levels": Level.choices,
            "columns": _columns(sort, descending),
            "level_filter": level_filter,
            "standing": standing,
            "workspace_url": workspace_list_url(filters),
            "since": selectors.signal_window_start(japan_calendar.today()),
        },
    )


@staff_member_required
def account_managers(request):
    form, filters, rows = _filtered(request)
    portfolios = selectors.by_account_manager(rows)
    for portfolio in portfolios:
        manager = portfolio.manager
        portfolio.list_url = workspace_list_url(filters, account_manager=manager)
    return render(
        request,
        "dashboard/account_managers.html",
        {"form": form, "portfolios": portfolios, "signal_keys": SignalKey.choices},
    )


def _with_links(filters, kept):
    """Copies of the kept figures with their drill-down links."""
    figures = [copy.copy(row) for row in kept]
    for row in figures:
        row.touchpoints_link = _drill_down(
            filters, row.touchpoints, row.quarter, TimelineKind.TOUCHPOINT
        )
        row.meetings_link = _drill_down(
            filters, row.meetings, row.quarter, TimelineKind.MEETING, held_only=True
        )
        row.outcome_links = [
            (
                value,
                _drill_down(filters, count, row.quarter, TimelineKind.EVALUATION, outcome=value),
            )
            for value, count in row.outcomes.items()
        ]
        row.feedback_links = [
            (
                value,
                _drill_down(
                    filters, count, row.quarter, TimelineKind.FEEDBACK, feedback_kind=value
                ),
            )
            for value, count in row.feedback.items()
        ]
        if row.tracked:
            row.on_track_link = _on_track_drill_down(filters, row)
    return figures


def _trends_page(filters, kept):
    """What the trends page shows of the kept figures in the active language: copies of
    them with their drill-down links, and the charts, drawn."""
    figures = _with_links(filters, kept)
    categories = [str(row.quarter) for row in figures]
    outcome_css = ["exceeded", "achieved", "partly", "not-yet"]
    kind_css = ["market", "improvement", "idea", "concern"]
    page = {
        "figures": figures,
        "activity_chart": charts.stacked_bars(
            "activity",
            _("Touchpoints and held meetings per quarter"),
            categories,
            [
                (_("Touchpoints"), "touchpoints", [row.touchpoints for row in figures]),
                (_("Meetings held"), "meetings", [row.meetings for row in figures]),
            ],
        ),
        "outcome_chart": charts.stacked_bars(
            "outcomes",
            _("Milestone evaluations per quarter, by outcome"),
            categories,
            [
                (label, css, [row.outcomes[value] for row in figures])
                for (value, label), css in zip(
                    MilestoneEvaluation.Outcome.choices, outcome_css, strict=True
                )
            ],
        ),
        "feedback_chart": charts.stacked_bars(
            "feedback",
            _("Feedback received per quarter, by kind"),
            categories,
            [
                (label, css, [row.feedback[value] for row in figures])
                for (value, label), css in zip(Feedback.Kind.choices, kind_css, strict=True)
            ],
        ),
        "on_track_chart": charts.stacked_bars(
            "on-track",
            _("Share of relationships on track, from the nightly snapshots"),
            categories,
            [
                (
                    _("On track"),
                    "on-track",
                    [
                        None if row.on_track_share is None else round(row.on_track_share * 100)
                        for row in figures
                    ],
                )
            ],
            percent=True,
        ),
    }
    page["drawn"] = {
        name: render_to_string("dashboard/_chart.html", {"chart": page[name]})
        for name in ("activity_chart", "outcome_chart", "feedback_chart", "on_track_chart")
    }
    return page


@staff_member_required
def trends(request):
    form = PortfolioFilterForm(request.GET)
    filters = form.filters()
    # Kept with the figures, in each language: 80 links and four charts took 12 of the
    # page's 32 ms.
    page = selectors.portfolio_trends(filters).derived(
        ("page", get_language()), partial(_trends_page, filters)
    )
    context = {
        "form": form,
        "outcomes": MilestoneEvaluation.Outcome.choices,
        "kinds": Feedback.Kind.choices,
        **page,
    }
    return render(request, "dashboard/trends.html", context)


@staff_member_required
def summary(request, pk):
    distributor = get_object_or_404(selectors.summary_distributors(), pk=pk)
    return render(
        request,
        "dashboard/summary.html",
        {
            "distributor": distributor,
            "trends": figure_selectors.distributor_trends(distributor, request.user),
            **selectors.distributor_summary(distributor),
        },
    )


def _export_rows(request):
    form, _filters, rows = _filtered(request)
    standing = form.standing_filter()
    sort, descending = form.sorting()
    rows = rows.shown(
        **form.level_filter(),
        standing=standing[0] if standing else "",
        sort=sort,
        descending=descending,
    )
    return selectors.with_prefectures(rows)


@staff_member_required
def export_csv(request):
    return exports.csv_response(_export_rows(request))


@staff_member_required
def export_xlsx(request):
    return exports.xlsx_response(_export_rows(request))
