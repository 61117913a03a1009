"""Shares, rates per 100,000 and their intervals, rounded once for every output.

Why one place: the CSV, the HTML report and the terminal must print the same figure, so the
audit rounds here (shares to 0.1 percentage points, rates to 0.01) and the renderers only format.
"""

from __future__ import annotations

import math

PER = 100_000
Z_95 = 1.959964


def share(part: int, whole: int) -> float | None:
    """`part` as a percentage of `whole`, or None when there is nothing to share."""
    return None if whole <= 0 else round(100 * part / whole, 1)


def rate_per_100k(count: int, population: int | None) -> float | None:
    """`count` per 100,000 of `population`, or None when the population is unknown."""
    if population is None or population <= 0:
        return None
    return round(PER * count / population, 2)


def poisson_interval(count: int) -> tuple[float, float]:
    """An approximate 95% interval for a Poisson count (Byar's method, as used by PHE).

    Why Byar: it is close to the exact interval from counts of about 10 upwards and needs no
    statistics library; for a count of 0 the lower bound is 0 and the upper is the exact 3.69.
    """
    if count == 0:
        return 0.0, 3.689
    lower = count * (1 - 1 / (9 * count) - Z_95 / (3 * math.sqrt(count))) ** 3
    upper_n = count + 1
    upper = upper_n * (1 - 1 / (9 * upper_n) + Z_95 / (3 * math.sqrt(upper_n))) ** 3
    return max(lower, 0.0), upper


def rate_interval(count: int, population: int | None) -> tuple[float | None, float | None]:
    """The 95% interval of a rate per 100,000, or (None, None) without a population."""
    if population is None or population <= 0:
        return None, None
    lower, upper = poisson_interval(count)
    return round(PER * lower / population, 2), round(PER * upper / population, 2)
