"""Timeliness and the overall score, as docs/quality.md states them."""

from __future__ import annotations

import pytest

from tessera.analysis.quality.scores import WEIGHTS, consistency, overall, timeliness


@pytest.mark.parametrize(("lag", "expected"), [
    (-3, 1.0), (31, 1.0), (198, 0.5), (365, 0.0), (900, 0.0), (None, None)])
def test_timeliness_falls_in_a_line_from_a_month_to_a_year(lag: int | None,
                                                           expected: float | None) -> None:
    """Full marks within 31 days, none from 365, halfway at 198 (31 + 334 / 2)."""
    assert timeliness(lag) == expected


def test_weights_add_up_to_one() -> None:
    """The weights are shares of the score."""
    assert sum(WEIGHTS.values()) == pytest.approx(1.0)


def test_unknown_dimensions_are_left_out_and_the_rest_reweighted() -> None:
    """Completeness 1 and validity 0.5 only: 100 * (0.3 + 0.15) / 0.6 = 75."""
    assert overall({"completeness": 1.0, "validity": 0.5, "timeliness": None,
                    "consistency": None, "linkage": None}) == pytest.approx(75.0)
    assert overall({"completeness": None}) is None


def test_each_fall_halves_consistency() -> None:
    """No fall (or a first delivery): 1; one fall: 0.5; two: 0.25."""
    assert [consistency(n) for n in (0, 1, 2)] == [1.0, 0.5, 0.25]
