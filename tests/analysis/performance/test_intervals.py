"""The framework's intervals against values worked out by hand or published."""

from __future__ import annotations

from collections import Counter

import pytest

from tessera.analysis.performance.intervals import (
    median_interval,
    poisson_interval,
    weighted_median,
    wilson_interval,
)


def test_wilson_matches_published_values() -> None:
    """5 of 10: 0.2366 to 0.7634; 0 of 10: 0 to 0.2775 (Newcombe 1998, table I)."""
    low, high = wilson_interval(5, 10)
    assert (round(low, 4), round(high, 4)) == (0.2366, 0.7634)
    low, high = wilson_interval(0, 10)
    assert round(low, 12) == 0 and round(high, 4) == 0.2775


def test_wilson_refuses_an_impossible_share() -> None:
    """More successes than trials is an error, not a figure."""
    with pytest.raises(ValueError):
        wilson_interval(11, 10)


def test_the_poisson_interval_is_the_audits() -> None:
    """10 events: 4.795 to 18.390, as the audit publishes."""
    low, high = poisson_interval(10)
    assert (round(low, 3), round(high, 3)) == (4.795, 18.39)


def test_the_median_interval_takes_order_statistics() -> None:
    """Ten values 1..10: median 5.5; P(B(10, 1/2) <= 1) = 0.011 <= 0.025 < P(<= 2), so the
    interval is the 2nd to the 9th value."""
    days = Counter(range(1, 11))
    assert weighted_median(days) == 5.5
    assert median_interval(days) == (2.0, 9.0)


def test_a_histogram_counts_each_value_as_often_as_it_occurs() -> None:
    """Three 4s and one 100: the median is 4."""
    assert weighted_median(Counter({4: 3, 100: 1})) == 4.0
    assert weighted_median(Counter()) is None
    assert median_interval(Counter()) == (None, None)
