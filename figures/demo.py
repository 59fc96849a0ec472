"""Demo figures: 24 months for each demo distributor, deterministic and bulk-created.

Called by `distributors.demo.seed_demo` for the first network. Each distributor draws from
its own `random.Random` seeded with its code, so the values are the same on every run; the
months are counted back from `today`, like the rest of the demo.
"""

import datetime as dt
import math
import random
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.utils import timezone

from .models import FigureKind, FigureRevision, FigureSource, PerformanceFigure

MONTHS = 24

# A typical month of each figure, and how much it moves: (base, spread, seasonal swing).
TYPICAL = {
    "sell_in_amount": (12_000_000, 0.12, 0.25),
    "sell_in_units": (4_000, 0.12, 0.25),
    "sell_through_amount": (11_000_000, 0.10, 0.3),
    "sell_through_units": (3_700, 0.10, 0.3),
    "inventory_weeks": (6, 0.2, 0.1),
    "new_retail_doors": (4, 0.6, 0.0),
    "on_time_delivery": (96, 0.015, 0.0),
    "damage_claims": (3, 0.6, 0.3),
    "lead_time_days": (2.5, 0.15, 0.1),
    "temperature_excursions": (1, 0.9, 0.5),
}


def _value(rng, kind, month, size):
    base, spread, swing = TYPICAL.get(kind.code, (100, 0.2, 0.0))
    # December and March peak (year-end gifts, fiscal year-end), August dips (Obon).
    season = 1 + swing * (
        0.5 * math.cos((month.month - 12) * math.pi / 6) - 0.2 * (month.month == 8)
    )
    value = base * season * (1 + rng.gauss(0, spread))
    if kind.unit in ("jpy", "units"):
        value *= size
    if kind.unit == "percent":
        return Decimal(f"{min(100.0, max(80.0, value)):.1f}")
    if kind.unit in ("count", "units", "jpy"):
        return Decimal(max(0, round(value)))
    return Decimal(f"{max(0.0, value):.1f}")


def seed_figures(distributors, *, today, now=None):
    """Figures for the last MONTHS closed months of each of `distributors`; returns how many.

    A distributor that has figures already is left alone, so seeding twice adds nothing.
    """
    now = now or timezone.now()
    kinds = list(FigureKind.objects.all())
    this_month = today.replace(day=1)
    months = [this_month - relativedelta(months=back) for back in range(MONTHS, 0, -1)]
    done = set(
        PerformanceFigure.objects.filter(distributor__in=distributors).values_list(
            "distributor_id", flat=True
        )
    )
    figures = []
    for distributor in distributors:
        if distributor.pk in done:
            continue
        rng = random.Random(f"figures:{distributor.code}")
        size = rng.uniform(0.3, 3.0)
        for kind in kinds:
            if distributor.role not in kind.distributor_roles:
                continue
            for month in months:
                entered = dt.datetime.combine(
                    month + relativedelta(months=1, days=7), dt.time(1, 0), tzinfo=dt.UTC
                )
                figure = PerformanceFigure(
                    distributor=distributor,
                    kind=kind,
                    month=month,
                    value=_value(rng, kind, month, size),
                    source=FigureSource.STAFF,
                    entered_by_id=distributor.account_manager_id,
                )
                figures.append((figure, min(entered, now)))
    # created_at and updated_at are stamped "now"; the revision tells when it was entered.
    PerformanceFigure.objects.bulk_create([figure for figure, _at in figures], batch_size=1000)
    FigureRevision.objects.bulk_create(
        [
            FigureRevision(
                figure=figure,
                new_value=figure.value,
                source=figure.source,
                changed_by_id=figure.entered_by_id,
                changed_at=entered,
            )
            for figure, entered in figures
        ],
        batch_size=1000,
    )
    return len(figures)
