"""The rule for a fall against earlier deliveries: beyond chance, and large enough to matter."""

from __future__ import annotations

import pytest

from tessera.analysis.quality.consistency import completeness_comparison, volume_comparison


@pytest.mark.parametrize(("description", "earlier", "now", "flagged"), [
    ("a collapse over 40 rows is beyond chance", (40, 40), (10, 40), True),
    ("five points over 40 rows is within chance", (36, 40), (34, 40), False),
    ("two points over 10,000 rows is beyond chance but too small to matter",
     (9_000, 10_000), (8_800, 10_000), False),
    ("ten points over 10,000 rows is both", (9_000, 10_000), (8_000, 10_000), True),
    ("a rise is never flagged", (10, 40), (40, 40), False),
])
def test_completeness_falls(description: str, earlier: tuple[int, int], now: tuple[int, int],
                            flagged: bool) -> None:
    """Each case flags, or not, as its description says."""
    comparison = completeness_comparison("offence.setting", *earlier, *now)
    assert comparison is not None
    assert comparison.flagged is flagged, description


def test_completeness_z_is_the_pooled_two_proportion_statistic() -> None:
    """36/40 then 20/40: pooled 0.7, z = (0.5 - 0.9) / sqrt(0.7 * 0.3 * (1/40 + 1/40))."""
    comparison = completeness_comparison("f", 36, 40, 20, 40)
    assert comparison is not None and comparison.z == pytest.approx(-3.9036, abs=1e-4)


def test_nothing_to_compare_gives_no_comparison() -> None:
    """A field that applied to no row before, or now, cannot be compared."""
    assert completeness_comparison("f", 0, 0, 3, 4) is None
    assert completeness_comparison("f", 3, 4, 0, 0) is None
    assert volume_comparison("offence", [], 10) is None


@pytest.mark.parametrize(("description", "earlier", "now", "flagged"), [
    ("a halving of 100 rows a delivery", [100, 100], 50, True),
    ("five fewer of 100 is Poisson noise", [100], 95, False),
    ("8% fewer of 100,000 is beyond chance but under the 10% that matters", [100_000], 92_000,
     False),
    ("more rows are never flagged", [10], 100, False),
])
def test_volume_falls(description: str, earlier: list[int], now: int, flagged: bool) -> None:
    """Each case flags, or not, as its description says."""
    comparison = volume_comparison("offence", earlier, now)
    assert comparison is not None
    assert comparison.flagged is flagged, description
