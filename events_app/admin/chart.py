"""The geometry of the dashboard's bar chart, computed here so that the template only writes
SVG elements at the numbers given (the chart is drawn on the server: no script, no library).

Coordinates are in the SVG's own units (its viewBox); the stylesheet stretches the drawing to
the page's width. The scale's top is a round number (1, 2 or 5 times a power of ten) at or
above the busiest day, so the single label on the axis reads naturally.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from events_app.admin.dashboard import DayCount

WIDTH = 600.0
HEIGHT = 200.0
GAP = 0.2  # of each day's slot left empty between bars


@dataclass(frozen=True)
class Bar:
    day: date
    count: int
    x: float
    y: float
    width: float
    height: float
    slot_x: float  # the whole day's slot: what a pointer hovers to read the bar's title
    slot_width: float


@dataclass(frozen=True)
class BarChart:
    bars: list[Bar]
    top: int  # the value at the top of the scale
    total: int
    busiest: DayCount | None  # None when every day is zero
    width: float = WIDTH
    height: float = HEIGHT


def nice_top(value: int) -> int:
    """The smallest of 1, 2, 5, 10, 20, 50, ... that is at least `value` (and at least 1)."""
    magnitude = 1
    while True:
        for step in (1, 2, 5):
            if step * magnitude >= value:
                return step * magnitude
        magnitude *= 10


def _round(value: float) -> float:
    return round(value, 2)  # shorter SVG, and nothing a screen could show


def bar_chart(days: Sequence[DayCount]) -> BarChart:
    counts = [day.count for day in days]
    top = nice_top(max(counts, default=0))
    slot = WIDTH / max(len(days), 1)
    bars = []
    for number, day in enumerate(days):
        height = HEIGHT * day.count / top
        bars.append(
            Bar(
                day=day.day,
                count=day.count,
                x=_round(number * slot + slot * GAP / 2),
                y=_round(HEIGHT - height),
                width=_round(slot * (1 - GAP)),
                height=_round(height),
                slot_x=_round(number * slot),
                slot_width=_round(slot),
            )
        )
    busiest = max(days, key=lambda day: (day.count, day.day), default=None)
    return BarChart(
        bars=bars,
        top=top,
        total=sum(counts),
        busiest=busiest if busiest is not None and busiest.count > 0 else None,
    )
