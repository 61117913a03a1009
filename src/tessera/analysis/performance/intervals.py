"""Intervals of the framework's figures, one kind per kind of measure.

Why these: a rate is a Poisson count over a population, so it takes the audit's exact
(Garwood) interval (`analysis.audit.rates.poisson_interval`, reused, not copied); a share is a
binomial proportion, for which the Wilson score interval keeps its coverage near 95% even for
small counts and shares near 0 or 100% (Brown, Cai and DasGupta 2001), where the textbook
Wald interval fails; a median takes the distribution-free interval from order statistics
(the binomial(n, 1/2) ranks; Conover, Practical Nonparametric Statistics, 3.2), which assumes
nothing about the shape of the times.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from functools import lru_cache
from statistics import NormalDist

from scipy.stats import binom

from tessera.analysis.audit.rates import LEVEL_95
from tessera.analysis.audit.rates import poisson_interval as _poisson_interval

__all__ = ["median_interval", "poisson_interval", "weighted_median", "wilson_interval"]


@lru_cache(maxsize=65_536)
def poisson_interval(count: float, level: float = LEVEL_95) -> tuple[float, float]:
    """The audit's exact Poisson interval, remembered: the framework asks for the same small
    counts thousands of times (every force, quarter and measure)."""
    return _poisson_interval(count, level)


@lru_cache(maxsize=8)
def _z(level: float) -> float:
    return NormalDist().inv_cdf(1 - (1 - level) / 2)


def wilson_interval(part: int, whole: int, level: float = LEVEL_95) -> tuple[float, float]:
    """The Wilson score interval of the proportion `part / whole`, as fractions 0 to 1."""
    if whole <= 0 or not 0 <= part <= whole:
        raise ValueError(f"no proportion of {part} in {whole}")
    z = _z(level)
    p = part / whole
    centre = (p + z * z / (2 * whole)) / (1 + z * z / whole)
    half = z * math.sqrt(p * (1 - p) / whole + z * z / (4 * whole * whole)) / (1 + z * z / whole)
    return max(0.0, centre - half), min(1.0, centre + half)


def _ordered(counts: Mapping[int, int]) -> list[tuple[int, int]]:
    return sorted((value, n) for value, n in counts.items() if n > 0)


def _value_at(ordered: list[tuple[int, int]], rank: int) -> int:
    """The `rank`-th smallest value (1-based) of a histogram sorted by value."""
    seen = 0
    for value, n in ordered:
        seen += n
        if seen >= rank:
            return value
    raise ValueError(f"rank {rank} beyond {seen} values")


def weighted_median(counts: Mapping[int, int]) -> float | None:
    """The median of a histogram {value: how many}; None when it is empty."""
    ordered = _ordered(counts)
    total = sum(n for _, n in ordered)
    if total == 0:
        return None
    low, high = _value_at(ordered, (total + 1) // 2), _value_at(ordered, total // 2 + 1)
    return (low + high) / 2


def median_interval(counts: Mapping[int, int],
                    level: float = LEVEL_95) -> tuple[float | None, float | None]:
    """The distribution-free interval of the median: the order statistics of ranks r and
    n + 1 - r, with r the largest rank whose binomial(n, 1/2) tail stays below (1 - level)/2.

    With fewer than 6 values no rank gives 95% coverage, and the interval is the whole range
    (the smallest and largest values), which is said as it is, never narrowed.
    """
    ordered = _ordered(counts)
    total = sum(n for _, n in ordered)
    if total == 0:
        return None, None
    rank = _median_rank(total, level)
    return float(_value_at(ordered, rank + 1)), float(_value_at(ordered, total - rank))


@lru_cache(maxsize=65_536)
def _median_rank(total: int, level: float) -> int:
    """The largest k with P(binomial(total, 1/2) <= k) <= (1 - level) / 2, at least 0."""
    rank = int(binom.ppf((1 - level) / 2, total, 0.5))
    if binom.cdf(rank, total, 0.5) > (1 - level) / 2:
        rank -= 1
    return max(rank, 0)
