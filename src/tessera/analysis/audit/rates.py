"""Shares, rates per 100,000 and their exact intervals, rounded once for every output.

Why one place: the CSV, the HTML report and the terminal must print the same figure, so the
audit rounds here (shares to 0.1 percentage points, rates to 0.01) and the renderers only format.

Why exact Poisson intervals: a count of offences or people in a year is treated as a Poisson
count, and the audit publishes rates from counts of 0 upwards, where approximations (Byar's,
Wilson's) drift from the true coverage. The exact (Garwood) interval comes from chi-squared
quantiles: lower = chi2(a/2, 2n)/2, upper = chi2(1 - a/2, 2n + 2)/2, as ONS and OHID publish.
"""

from __future__ import annotations

from scipy.stats import chi2

PER = 100_000
LEVEL_95 = 0.95


def share(part: int, whole: int) -> float | None:
    """`part` as a percentage of `whole`, or None when there is nothing to share."""
    return None if whole <= 0 else round(100 * part / whole, 1)


def rate_per_100k(count: int, population: int | None) -> float | None:
    """`count` per 100,000 of `population`, or None when the population is unknown."""
    if population is None or population <= 0:
        return None
    return round(PER * count / population, 2)


def poisson_interval(count: float, level: float = LEVEL_95) -> tuple[float, float]:
    """The exact two-sided interval at `level` for the mean of a Poisson count.

    For a count of 0 the lower bound is 0 and the 95% upper bound is 3.689; for 10 the 95%
    interval is 4.795 to 18.390. A fractional `count` (an expected count) gives the funnel
    plot's control limits around it.
    """
    if count < 0:
        raise ValueError(f"a count cannot be negative: {count}")
    tail = (1 - level) / 2
    lower = 0.0 if count == 0 else float(chi2.ppf(tail, 2 * count)) / 2
    upper = float(chi2.ppf(1 - tail, 2 * count + 2)) / 2
    return lower, upper


def rate_interval(count: int, population: int | None) -> tuple[float | None, float | None]:
    """The exact 95% interval of a rate per 100,000, or (None, None) without a population."""
    if population is None or population <= 0:
        return None, None
    lower, upper = poisson_interval(count)
    return round(PER * lower / population, 2), round(PER * upper / population, 2)
