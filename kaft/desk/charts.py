"""Charts as server-drawn SVG, for the privacy officer's dashboard: no script, no style attribute.

This module only does the geometry (where each bar, point and tick goes, in a fixed view box);
``desk/_chart.html`` writes the SVG with a ``<title>`` and ``<desc>``, and the dashboard gives the
same numbers as a table and as CSV. Colours come from classes in ``desk.css`` (``chart-series-N``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

WIDTH = 640
HEIGHT = 240
LEFT = 44  # room for the numbers of the axis
BOTTOM = 28  # room for the week labels
TOP = 10
RIGHT = 10
ROW = 26  # one bar of a horizontal bar chart
NAME_WIDTH = 200  # the names beside horizontal bars
SERIES_CLASSES = 8


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    value: int


@dataclass(frozen=True)
class Tick:
    at: float  # y (value axis) or x (category axis)
    text: str


@dataclass(frozen=True)
class Series:
    name: str
    points: str  # for <polyline points="...">
    css: str
    dots: list[tuple[float, float, str]] = field(default_factory=list)


@dataclass(frozen=True)
class Chart:
    kind: str  # "bars", "hbars" or "lines"
    key: str  # unique on the page: ids of title and description
    title: str
    desc: str
    width: int
    height: int
    bars: list[Bar] = field(default_factory=list)
    series: list[Series] = field(default_factory=list)
    value_ticks: list[Tick] = field(default_factory=list)
    label_ticks: list[Tick] = field(default_factory=list)
    plot_left: float = LEFT
    plot_bottom: float = HEIGHT - BOTTOM
    plot_right: float = WIDTH - RIGHT


def nice_top(largest: int) -> int:
    """The top of the value axis: at least 1, rounded up to 1, 2 or 5 times a power of ten."""
    top = 1
    while True:
        for step in (1, 2, 5):
            if step * top >= largest:
                return step * top
        top *= 10


def _value_ticks(top: int, y_of: float, span: float) -> list[Tick]:
    values = sorted({0, top // 2, top}) if top > 1 else [0, 1]
    return [Tick(y_of - span * v / top, str(v)) for v in values]


def bar_chart(
    *, key: str, title: str, desc: str, labels: Sequence[str], values: Sequence[int], every: int
) -> Chart:
    """Vertical bars, one per label (a week); every ``every``-th label is written under it."""
    top = nice_top(max(values, default=0))
    bottom = HEIGHT - BOTTOM
    span = bottom - TOP
    slot = (WIDTH - LEFT - RIGHT) / max(len(values), 1)
    bars, ticks = [], []
    for n, (label, value) in enumerate(zip(labels, values, strict=True)):
        height = span * value / top
        x = LEFT + n * slot
        bars.append(
            Bar(
                round(x + slot * 0.15, 1),
                round(bottom - height, 1),
                round(slot * 0.7, 1),
                round(height, 1),
                label,
                value,
            )
        )
        if n % every == 0:
            ticks.append(Tick(round(x + slot / 2, 1), label))
    return Chart(
        "bars",
        key,
        title,
        desc,
        WIDTH,
        HEIGHT,
        bars=bars,
        value_ticks=_value_ticks(top, bottom, span),
        label_ticks=ticks,
    )


def hbar_chart(
    *, key: str, title: str, desc: str, labels: Sequence[str], values: Sequence[int]
) -> Chart:
    """Horizontal bars, one per label (a recipient), the name left of its bar."""
    top = nice_top(max(values, default=0))
    span = WIDTH - NAME_WIDTH - RIGHT - 40  # room for the number after the bar
    height = TOP + ROW * max(len(values), 1) + 4
    bars = [
        Bar(NAME_WIDTH, TOP + n * ROW + 4, round(span * value / top, 1), ROW - 8, label, value)
        for n, (label, value) in enumerate(zip(labels, values, strict=True))
    ]
    return Chart("hbars", key, title, desc, WIDTH, height, bars=bars, plot_left=NAME_WIDTH)


def line_chart(
    *,
    key: str,
    title: str,
    desc: str,
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[int]]],
    every: int,
) -> Chart:
    """One line per series over the labels (weeks); the legend is the page's, by class."""
    largest = max((v for _name, values in series for v in values), default=0)
    top = nice_top(largest)
    bottom = HEIGHT - BOTTOM
    span = bottom - TOP
    count = max(len(labels), 1)
    slot = (WIDTH - LEFT - RIGHT) / count

    def x_of(n: int) -> float:
        return round(LEFT + n * slot + slot / 2, 1)

    lines = []
    for index, (name, values) in enumerate(series):
        points = [(x_of(n), round(bottom - span * v / top, 1)) for n, v in enumerate(values)]
        lines.append(
            Series(
                name,
                " ".join(f"{x},{y}" for x, y in points),
                f"chart-series-{index % SERIES_CLASSES}",
                [
                    (x, y, f"{name}, {labels[n]}: {values[n]}")
                    for n, (x, y) in enumerate(points)
                    if values[n]
                ],
            )
        )
    ticks = [Tick(x_of(n), label) for n, label in enumerate(labels) if n % every == 0]
    return Chart(
        "lines",
        key,
        title,
        desc,
        WIDTH,
        HEIGHT,
        series=lines,
        value_ticks=_value_ticks(top, bottom, span),
        label_ticks=ticks,
    )
