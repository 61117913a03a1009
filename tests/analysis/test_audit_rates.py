"""Exact Poisson intervals on rates, against values published in tables of the exact
(Garwood) interval."""

from __future__ import annotations

import pytest

from tessera.analysis.audit.rates import poisson_interval, rate_interval


@pytest.mark.parametrize(("count", "low", "high"), [
    (0, 0.0, 3.689),
    (1, 0.0253, 5.572),
    (10, 4.795, 18.390),
    (20, 12.217, 30.888),
    (100, 81.364, 121.627),
])
def test_exact_95_percent_interval(count: int, low: float, high: float) -> None:
    lower, upper = poisson_interval(count)
    assert lower == pytest.approx(low, abs=5e-4)
    assert upper == pytest.approx(high, abs=5e-4)


def test_wider_level_gives_a_wider_interval() -> None:
    """The 99.8% interval (the funnel plot's outer limit) contains the 95% one."""
    narrow, wide = poisson_interval(50), poisson_interval(50, 0.998)
    assert wide[0] < narrow[0] < 50 < narrow[1] < wide[1]


def test_a_negative_count_is_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        poisson_interval(-1)


def test_rate_interval_per_100000() -> None:
    """A rate's interval is the count's interval over the population, rounded once."""
    low, high = poisson_interval(100)
    assert rate_interval(100, 1_000_000) == (round(low / 10, 2), round(high / 10, 2))
    assert rate_interval(0, 200_000) == (0.0, round(3.6888794 / 2, 2))
    assert rate_interval(3, None) == (None, None)
    assert rate_interval(3, 0) == (None, None)
