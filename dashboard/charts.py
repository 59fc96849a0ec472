"""Bar charts drawn on the server as SVG geometry: no JavaScript, and print-friendly.

A chart is only a picture of figures the page also gives in a table, so it is marked up as
one image with a title; the table under it is what assistive technologies read.
"""

import math
from dataclasses import dataclass, field

WIDTH, HEIGHT = 640, 240
LEFT, RIGHT, TOP, BOTTOM = 44, 8, 12, 36


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    value: float
    label: str
    css: str


@dataclass
class Group:
    label: str
    x: float  # the centre, for the label
    bars: list = field(default_factory=list)
    missing: bool = False


@dataclass
class Chart:
    id: str
    title: str
    groups: list
    ticks: list  # (y, text)
    legend: list  # (label, css)
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right: int = WIDTH - RIGHT
    baseline: int = HEIGHT - BOTTOM


def nice_ceiling(value):
    """The smallest of 1, 2, 5 × 10^n (n ≥ 0) at or above `value`, at least 1."""
    if value <= 1:
        return 1
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if step * power >= value:
            return step * power
    return 10 * power  # pragma: no cover


def stacked_bars(chart_id, title, categories, series, *, percent=False):
    """A chart with one stacked bar per category.

    `series`: (label, css class, values) with one value per category; a category whose
    values are all None is drawn as "no data".
    """
    totals = [
        sum(values[i] or 0 for _label, _css, values in series) for i in range(len(categories))
    ]
    # Four gridline steps of a round size.
    top = 100 if percent else 4 * nice_ceiling(max(totals, default=0) / 4)
    plot_height = HEIGHT - TOP - BOTTOM
    plot_width = WIDTH - LEFT - RIGHT
    slot = plot_width / max(len(categories), 1)
    bar_width = slot * 0.6
    groups = []
    for i, category in enumerate(categories):
        x = LEFT + slot * i + (slot - bar_width) / 2
        group = Group(category, LEFT + slot * i + slot / 2)
        group.missing = all(values[i] is None for _label, _css, values in series)
        y = HEIGHT - BOTTOM
        for label, css, values in series:
            value = values[i] or 0
            height = plot_height * value / top if top else 0
            y -= height
            if value:
                group.bars.append(Bar(x, y, bar_width, height, values[i], label, css))
        groups.append(group)
    ticks = []
    for step in range(5):
        value = top * step / 4
        text = f"{value:g} %" if percent else f"{value:g}"
        ticks.append((HEIGHT - BOTTOM - plot_height * step / 4, text))
    legend = [(label, css) for label, css, _values in series]
    return Chart(chart_id, title, groups, ticks, legend)
