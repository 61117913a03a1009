"""Turning counts into the framework's figures: each measure's value and 95% interval from a
tally of counts (and, for medians, of days), the same way for a force, a peer group or
England and Wales, for one quarter or the whole period.

Why tallies: the pooled figure of a group of forces is the figure of their summed counts,
never an average of their figures, so every comparison adds tallies first.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from tessera.analysis.performance.intervals import (
    median_interval,
    poisson_interval,
    weighted_median,
    wilson_interval,
)
from tessera.analysis.performance.measures import PER_CHILDREN, Measure

QUARTERS_A_YEAR = 4


@dataclass
class Tally:
    """Counts by name (`csa_recorded`, `outcome_1`, ...) and histograms of days by name
    (`days_to_outcome`, `days_to_charge`) for one force or group and one span of time."""

    counts: Counter[str] = field(default_factory=Counter)
    days: dict[str, Counter[int]] = field(default_factory=dict)

    def add(self, other: Tally) -> None:
        """Add `other`'s counts and days to this tally."""
        self.counts.update(other.counts)
        for name, histogram in other.days.items():
            self.days.setdefault(name, Counter()).update(histogram)

    def count(self, name: str) -> int:
        """The count called `name` (0 if none was counted)."""
        return int(self.counts.get(name, 0))


def summed(tallies: Iterable[Tally]) -> Tally:
    """One tally of all of `tallies`."""
    total = Tally()
    for tally in tallies:
        total.add(tally)
    return total


@dataclass(frozen=True)
class Figure:
    """A measure's figure for one force or group and span: the count it is made of
    (`numerator`; for a median, how many times it is the median of), the denominator of a
    share or median, the child-years of a rate, and the value with its 95% interval (None
    when there is nothing to divide by)."""

    numerator: int
    denominator: int | None
    exposure: float | None
    value: float | None
    low: float | None
    high: float | None


def measure_figure(measure: Measure, tally: Tally, children: int | None,
                   quarters: int) -> Figure:
    """`measure` over `tally`, which covers `quarters` quarters of an area of `children`
    residents under 18 (None: no area, so no rate)."""
    if measure.kind == "rate":
        count = tally.count(measure.numerator)
        if not children:
            return Figure(count, None, None, None, None, None)
        exposure = children * quarters / QUARTERS_A_YEAR
        low, high = poisson_interval(count)
        per = PER_CHILDREN / exposure
        return Figure(count, None, exposure, round(count * per, 2), round(low * per, 2),
                      round(high * per, 2))
    if measure.kind == "share":
        part, whole = tally.count(measure.numerator), tally.count(measure.denominator)
        if whole == 0:
            return Figure(part, whole, None, None, None, None)
        low, high = wilson_interval(part, whole)
        return Figure(part, whole, None, round(100 * part / whole, 1), round(100 * low, 1),
                      round(100 * high, 1))
    if measure.kind == "median":
        histogram = tally.days.get(measure.numerator, Counter())
        n = tally.count(measure.denominator)
        value = weighted_median(histogram)
        low_days, high_days = median_interval(histogram)
        return Figure(n, None, None, value, low_days, high_days)
    count = tally.count(measure.numerator)
    low, high = poisson_interval(count)
    return Figure(count, None, None, float(count), round(low, 2), round(high, 2))
