"""Statistical process control: is a force's quarterly series stable, or has something
changed? A change is called only when one of the Western Electric rules says so.

Why control charts and not a line through the points: every quarterly figure moves by chance,
and a manager who reacts to each rise and fall chases noise. A control chart draws the centre
line and the limits chance alone would give (3 sigma), and the rules below name the patterns
that chance alone rarely makes. Each point is scored as its distance from the centre in its
own sigmas, so the same rules serve charts whose limits vary with the quarter's size:
- p-chart for shares: centre p = sum of numerators / sum of denominators, sigma of a point
  sqrt(p (1 - p) / n) for its denominator n;
- u-chart for rates and counts: centre u = events / exposure, sigma sqrt(u / exposure) (a
  count is a rate per quarter, exposure 1: the c-chart);
- XmR (individuals) chart for medians: centre the mean of the points, sigma the mean moving
  range / 1.128 (d2 for n = 2).
Rules (Western Electric Statistical Quality Control Handbook, 1956, and Nelson 1984,
J. Quality Technology 16(4), rules 1, 5, 6 and 2):
  WE1 one point beyond 3 sigma;
  WE2 two of three consecutive points beyond 2 sigma on the same side;
  WE3 four of five consecutive points beyond 1 sigma on the same side;
  WE4 eight consecutive points on the same side of the centre line.
The centre and sigma come from the whole series shown (a phase-one chart); with fewer than
`MIN_POINTS` points no rule is applied and the chart says so.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

ChartKind = Literal["p", "u", "xmr"]
MIN_POINTS = 4
"""Fewer quarters than this make no chart: the centre line itself would be noise."""
D2 = 1.128
"""The mean moving range of two normal values in standard deviations."""

RULES: dict[str, str] = {
    "WE1": "one point beyond the 3-sigma limits",
    "WE2": "two of three consecutive points beyond 2 sigma on the same side",
    "WE3": "four of five consecutive points beyond 1 sigma on the same side",
    "WE4": "eight consecutive points on the same side of the centre line",
}
"""The special-cause rules, by id, as the report and docs/performance.md state them."""


@dataclass(frozen=True)
class Observation:
    """One period's figure for the chart: numerator and its base (denominator or exposure) for
    p- and u-charts, or the value itself for an XmR chart (base 1)."""

    label: str
    value: float
    base: float = 1.0


@dataclass(frozen=True)
class Point:
    """One plotted point with its limits and the rules that flagged it."""

    label: str
    value: float
    lower: float
    upper: float
    rules: tuple[str, ...]


@dataclass(frozen=True)
class Signal:
    """A special cause: which rule, over which points (first and last label), which way."""

    rule: str
    first: str
    last: str
    direction: Literal["up", "down"]

    def text(self) -> str:
        """One sentence for a report."""
        span = self.first if self.first == self.last else f"{self.first} to {self.last}"
        return f"{RULES[self.rule]} ({span}, {'higher' if self.direction == 'up' else 'lower'})"


@dataclass(frozen=True)
class ControlChart:
    """A series with its centre line, per-point limits and the special causes found."""

    kind: ChartKind
    centre: float | None
    points: tuple[Point, ...]
    signals: tuple[Signal, ...]

    @property
    def verdict(self) -> str:
        """What the chart says, in a few words, for tables."""
        if self.centre is None:
            return f"too few quarters (under {MIN_POINTS})"
        if not self.signals:
            return "no special cause"
        return "; ".join(signal.text() for signal in self.signals)


def control_chart(kind: ChartKind, series: Sequence[Observation]) -> ControlChart:
    """The control chart of `series` (in time order) and the special causes in it.

    For a p- or u-chart each observation is (numerator, base); a point with base 0 has no
    figure and is left out. For an XmR chart each observation's value is the figure.
    """
    usable = [o for o in series if o.base > 0]
    if len(usable) < MIN_POINTS:
        return ControlChart(kind, None, tuple(
            Point(o.label, _figure(kind, o), math.nan, math.nan, ()) for o in usable), ())
    centre, sigmas = _centre_and_sigmas(kind, usable)
    values = [_figure(kind, o) for o in usable]
    scores = [0.0 if sigma == 0 else (value - centre) / sigma
              for value, sigma in zip(values, sigmas, strict=True)]
    signals = special_causes(scores)
    labels = [o.label for o in usable]
    flagged: dict[int, list[str]] = {}
    for signal, members in signals:
        for index in members:
            flagged.setdefault(index, []).append(signal)
    points = tuple(
        Point(label, value, _lower(kind, centre - 3 * sigma), centre + 3 * sigma,
              tuple(dict.fromkeys(flagged.get(i, []))))
        for i, (label, value, sigma) in enumerate(zip(labels, values, sigmas, strict=True)))
    found = tuple(Signal(rule, labels[members[0]], labels[members[-1]],
                         "up" if scores[members[-1]] > 0 else "down")
                  for rule, members in _merged(signals))
    return ControlChart(kind, centre, points, found)


def _figure(kind: ChartKind, observation: Observation) -> float:
    return observation.value if kind == "xmr" else observation.value / observation.base


def _lower(kind: ChartKind, limit: float) -> float:
    """Shares, rates and days cannot be negative."""
    return max(limit, 0.0)


def _centre_and_sigmas(kind: ChartKind, series: Sequence[Observation]
                       ) -> tuple[float, list[float]]:
    if kind == "xmr":
        values = [o.value for o in series]
        centre = sum(values) / len(values)
        ranges = [abs(b - a) for a, b in itertools.pairwise(values)]
        sigma = (sum(ranges) / len(ranges)) / D2
        return centre, [sigma] * len(values)
    centre = sum(o.value for o in series) / sum(o.base for o in series)
    if kind == "p":
        return centre, [math.sqrt(centre * (1 - centre) / o.base) for o in series]
    return centre, [math.sqrt(centre / o.base) for o in series]


def special_causes(scores: Sequence[float]) -> list[tuple[str, list[int]]]:
    """Every run of points (by index) that breaks a rule, for scores in sigmas from the centre.

    Each rule is checked at every point as the last of its window, so a long run gives one
    finding per point it extends; `_merged` joins them for reporting.
    """
    found: list[tuple[str, list[int]]] = []
    for end in range(len(scores)):
        if abs(scores[end]) > 3:
            found.append(("WE1", [end]))
        for rule, window, need, beyond in (("WE2", 3, 2, 2.0), ("WE3", 5, 4, 1.0)):
            if end + 1 >= window:
                span = list(range(end + 1 - window, end + 1))
                for side in (1, -1):
                    hits = [i for i in span if side * scores[i] > beyond]
                    if len(hits) >= need and side * scores[end] > beyond:
                        found.append((rule, hits))
        if end + 1 >= 8:
            span = list(range(end - 7, end + 1))
            for side in (1, -1):
                if all(side * scores[i] > 0 for i in span):
                    found.append(("WE4", span))
    return found


def _merged(signals: Sequence[tuple[str, list[int]]]) -> list[tuple[str, list[int]]]:
    """Overlapping findings of the same rule joined into one run."""
    merged: list[tuple[str, list[int]]] = []
    for rule, members in sorted(signals, key=lambda s: (s[0], s[1][0])):
        if merged and merged[-1][0] == rule and members[0] <= merged[-1][1][-1]:
            merged[-1] = (rule, sorted(set(merged[-1][1]) | set(members)))
        else:
            merged.append((rule, list(members)))
    return merged
