"""Forces against the national rate: funnel-plot limits, the forces named outside them, and
the chi-squared test of all forces at once."""

from __future__ import annotations

import pytest
from scipy.stats import chisquare

from tessera.analysis.audit.funnel import (
    AreaCount,
    compare_areas,
    comparison_notes,
    control_limits,
)
from tessera.analysis.audit.rates import poisson_interval


def test_limits_are_the_exact_interval_of_the_expected_count() -> None:
    """A rate of 10 per 100,000 in a million people expects 100 events; the 95% limits are
    the exact Poisson limits of 100 (81.36 to 121.63), as rates."""
    low, high = control_limits(10.0, 1_000_000, 0.95)
    expected_low, expected_high = poisson_interval(100)
    assert (low, high) == pytest.approx((expected_low / 10, expected_high / 10))
    assert low == pytest.approx(8.136, abs=1e-3) and high == pytest.approx(12.163, abs=1e-3)


def test_limits_narrow_as_the_population_grows_and_widen_with_the_level() -> None:
    small, large = control_limits(10.0, 50_000, 0.95), control_limits(10.0, 5_000_000, 0.95)
    assert small[0] < large[0] < 10.0 < large[1] < small[1]
    inner, outer = control_limits(10.0, 500_000, 0.95), control_limits(10.0, 500_000, 0.998)
    assert outer[0] < inner[0] and inner[1] < outer[1]


def _areas(counts: dict[str, tuple[int, int]]) -> list[AreaCount]:
    return [AreaCount(label, count, population) for label, (count, population) in counts.items()]


def test_an_area_far_above_the_rest_is_named_outside_both_limits() -> None:
    areas = _areas({"North": (100, 1_000_000), "South": (98, 1_000_000),
                    "East": (52, 500_000), "West": (40, 100_000)})
    comparison = compare_areas(areas)
    assert comparison is not None
    assert comparison.outside[0.95] == ("West",)
    assert comparison.outside[0.998] == ("West",)
    assert comparison.p_value < 0.001
    assert comparison.national_rate == pytest.approx(100_000 * 290 / 2_600_000)


def test_areas_at_the_same_rate_are_consistent_with_chance() -> None:
    areas = _areas({"North": (100, 1_000_000), "South": (101, 1_000_000),
                    "East": (49, 500_000), "City": (1, 8_000)})
    comparison = compare_areas(areas)
    assert comparison is not None
    assert comparison.outside == {0.95: (), 0.998: ()}
    assert comparison.p_value > 0.5
    notes = comparison_notes(comparison, "forces")
    assert "no more than chance would explain" in notes[0]
    assert notes[1:] == ("Outside the 95% control limits of the funnel plot: none.",
                         "Outside the 99.8% control limits of the funnel plot: none.")


def test_chi_squared_agrees_with_scipy() -> None:
    """The statistic is Pearson's, with expected counts in proportion to population."""
    counts = {"A": (120, 1_200_000), "B": (80, 1_000_000), "C": (30, 250_000),
              "D": (5, 90_000)}
    comparison = compare_areas(_areas(counts))
    observed = [c for c, _ in counts.values()]
    people = sum(p for _, p in counts.values())
    expected = [sum(observed) * p / people for _, p in counts.values()]
    reference = chisquare(observed, expected)
    assert comparison is not None and comparison.degrees_of_freedom == 3
    assert comparison.statistic == pytest.approx(reference.statistic)
    assert comparison.p_value == pytest.approx(reference.pvalue)


def test_nothing_to_compare() -> None:
    """Areas without a population (British Transport Police) are left out of the test."""
    assert compare_areas(_areas({"BTP": (40, 0), "Only": (10, 100_000)})) is None
    assert compare_areas(_areas({"A": (0, 100_000), "B": (0, 200_000)})) is None
    assert comparison_notes(None, "forces") == (
        "Fewer than two forces with a population and any events: no comparison.",)
