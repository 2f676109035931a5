"""Chart geometry for the diary pages: weekly cramps (bars) and weekly mean severity (a line).

The pages draw these as inline SVG with presentation attributes and real ``<text>``, so the
Content-Security-Policy (no inline styles or scripts) holds and screen readers can read the
labels; every chart has a table with the same numbers beside it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from crampcheck.diary.analytics import EpisodeData, night_of

WIDTH = 420
HEIGHT = 200
LEFT = 30  # room for the axis labels
BOTTOM = 36
TOP = 12
RIGHT = 18


@dataclass(frozen=True)
class Week:
    monday: date
    count: int
    mean_severity: float | None


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    week: Week


@dataclass(frozen=True)
class Tick:
    y: float
    label: str


@dataclass(frozen=True)
class Chart:
    """Everything a template needs to draw one chart."""

    width: int
    height: int
    left: int
    base: float  # y of the x axis
    bars: tuple[Bar, ...]
    points: tuple[tuple[float, float, Week], ...]  # (x, y, week) for the severity line
    ticks: tuple[Tick, ...]
    labels: tuple[tuple[float, str], ...]  # (x, text) under the axis

    @property
    def polyline(self) -> str:
        return " ".join(f"{x:.1f},{y:.1f}" for x, y, _ in self.points)


def weekly(episodes: list[EpisodeData], today: date, weeks: int = 26) -> list[Week]:
    """The last ``weeks`` weeks (Monday first) to ``today``: cramps and mean severity by night."""
    last_monday = today - timedelta(days=today.weekday())
    first = last_monday - timedelta(weeks=weeks - 1)
    counts: dict[date, int] = defaultdict(int)
    scores: dict[date, list[int]] = defaultdict(list)
    for e in episodes:
        night = night_of(e.started_at)
        if not first <= night <= today:
            continue
        monday = night - timedelta(days=night.weekday())
        counts[monday] += 1
        if e.severity is not None:
            scores[monday].append(e.severity)
    out = []
    for i in range(weeks):
        monday = first + timedelta(weeks=i)
        s = scores.get(monday)
        out.append(Week(monday, counts.get(monday, 0), sum(s) / len(s) if s else None))
    return out


def _nice_max(value: float) -> int:
    for top in (2, 4, 5, 8, 10, 15, 20, 25, 30, 40, 50, 75, 100):
        if value <= top:
            return top
    return int(value) + 1


def _x_labels(weeks: list[Week], step: float) -> tuple[tuple[float, str], ...]:
    every = max(1, len(weeks) // 5)
    return tuple(
        (LEFT + step * (i + 0.5), f"{w.monday:%d %b}")
        for i, w in enumerate(weeks)
        if i % every == 0 or (i == len(weeks) - 1 and len(weeks) % every == 1)
    )


def frequency_chart(weeks: list[Week]) -> Chart:
    top = _nice_max(max((w.count for w in weeks), default=0))
    plot_h = HEIGHT - BOTTOM - TOP
    base = TOP + plot_h
    step = (WIDTH - LEFT - RIGHT) / max(1, len(weeks))
    bars = tuple(
        Bar(
            x=LEFT + step * i + step * 0.15,
            y=base - plot_h * w.count / top,
            width=step * 0.7,
            height=plot_h * w.count / top,
            week=w,
        )
        for i, w in enumerate(weeks)
    )
    ticks = tuple(Tick(base - plot_h * v / top, str(v)) for v in (0, top // 2, top))
    return Chart(WIDTH, HEIGHT, LEFT, base, bars, (), ticks, _x_labels(weeks, step))


def severity_chart(weeks: list[Week]) -> Chart:
    plot_h = HEIGHT - BOTTOM - TOP
    base = TOP + plot_h
    step = (WIDTH - LEFT - RIGHT) / max(1, len(weeks))
    points = tuple(
        (LEFT + step * (i + 0.5), base - plot_h * w.mean_severity / 10, w)
        for i, w in enumerate(weeks)
        if w.mean_severity is not None
    )
    ticks = tuple(Tick(base - plot_h * v / 10, str(v)) for v in (0, 5, 10))
    return Chart(WIDTH, HEIGHT, LEFT, base, (), points, ticks, _x_labels(weeks, step))
