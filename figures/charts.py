"""Small trend lines of one figure over the last months, drawn on the server as SVG.

As with dashboard/charts.py, the picture is one image with a title; the table beside it gives
the same figures to assistive technologies. Below the time axis, a mark for each month in
which we met or talked with the distributor, or a milestone fell due, so that a dip reads
together with what was said and done.
"""

from dataclasses import dataclass, field

from dashboard.charts import nice_ceiling

WIDTH, HEIGHT = 640, 170
LEFT, RIGHT, TOP, BOTTOM = 64, 10, 10, 46


@dataclass
class Point:
    x: float
    y: float
    value: object
    month: object


@dataclass
class TrendChart:
    id: str
    title: str
    segments: list  # lists of Points: a month without a value breaks the line
    ticks: list  # (y, text)
    labels: list  # (x, text): the month names along the axis
    marks: list  # (x, text): months with touchpoints, meetings or milestones
    points: list = field(default_factory=list)
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right: int = WIDTH - RIGHT
    baseline: int = HEIGHT - BOTTOM


def _scale(values):
    low = min(min(values), 0)
    high = max(max(values), 0)
    top = nice_ceiling(float(high)) if high > 0 else 0
    bottom = -nice_ceiling(float(-low)) if low < 0 else 0
    if top == bottom:
        top = 1
    return bottom, top


def _tick_text(value):
    if abs(value) >= 1_000_000:
        return f"{value / 1_000_000:g}M"
    if abs(value) >= 10_000:
        return f"{value / 1_000:g}k"
    return f"{value:g}"


def trend_chart(chart_id, title, months, values, marks):
    """A line over `months` (dates) of `values` (None where there is none).

    `marks`: the text of each month's events (empty where nothing happened).
    """
    plot_width = WIDTH - LEFT - RIGHT
    plot_height = HEIGHT - TOP - BOTTOM
    slot = plot_width / max(len(months), 1)
    present = [value for value in values if value is not None]
    bottom, top = _scale(present or [0])

    def y_of(value):
        return TOP + plot_height * (top - float(value)) / (top - bottom)

    segments, current, points = [], [], []
    for index, (month, value) in enumerate(zip(months, values, strict=True)):
        if value is None:
            if current:
                segments.append(current)
            current = []
            continue
        point = Point(LEFT + slot * index + slot / 2, y_of(value), value, month)
        current.append(point)
        points.append(point)
    if current:
        segments.append(current)
    ticks = [(y_of(value), _tick_text(value)) for value in (bottom, (bottom + top) / 2, top)]
    labels = [
        (LEFT + slot * index + slot / 2, f"{month:%Y-%m}")
        for index, month in enumerate(months)
        if index % 6 == 0 or index == len(months) - 1
    ]
    event_marks = [
        (LEFT + slot * index + slot / 2, text) for index, text in enumerate(marks) if text
    ]
    return TrendChart(chart_id, title, segments, ticks, labels, event_marks, points)
