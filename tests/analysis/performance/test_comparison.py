"""A force beside England and Wales (funnel limits) and beside its peers."""

from __future__ import annotations

from tessera.analysis.performance import load_measures
from tessera.analysis.performance.comparison import (
    NOT_COMPARED,
    funnel_limits,
    funnel_verdict,
    peer_verdict,
)
from tessera.analysis.performance.figures import Figure

MEASURES = {m.id: m for m in load_measures()}
NATIONAL_SHARE = Figure(1000, 10000, None, 10.0, 9.4, 10.6)


def _share(part: int, whole: int) -> Figure:
    return Figure(part, whole, None, round(100 * part / whole, 1), None, None)


def test_a_share_far_above_the_national_is_called_above() -> None:
    """30 of 100 against 10%: beyond the 99.8% limits."""
    assert funnel_verdict(MEASURES["P4"], _share(30, 100), NATIONAL_SHARE) == (
        "above England and Wales (beyond 99.8%)")


def test_a_share_near_the_national_is_within() -> None:
    """11 of 100 against 10%: within the 95% limits; the limits narrow as the base grows."""
    assert funnel_verdict(MEASURES["P4"], _share(11, 100), NATIONAL_SHARE) == "within 95%"
    small = funnel_limits(MEASURES["P4"], NATIONAL_SHARE, 50.0)
    large = funnel_limits(MEASURES["P4"], NATIONAL_SHARE, 5000.0)
    assert small is not None and large is not None
    assert small.limits[0.998][1] - small.limits[0.998][0] > (
        large.limits[0.998][1] - large.limits[0.998][0])


def test_a_rate_uses_child_years() -> None:
    """90 offences in 10,000 child-years against 50 per 10,000 a year: above."""
    national = Figure(5000, None, 1_000_000.0, 50.0, 48.6, 51.4)
    figure = Figure(90, None, 10_000.0, 90.0, 72.4, 110.6)
    assert funnel_verdict(MEASURES["P1"], figure, national).startswith("above")


def test_counts_and_medians_are_not_compared() -> None:
    """No base, no funnel."""
    assert funnel_verdict(MEASURES["P3"], Figure(5, None, None, 5.0, 1.6, 11.7),
                          Figure(50, None, None, 50.0, 37.1, 65.9)) == NOT_COMPARED
    assert funnel_verdict(MEASURES["P8a"], Figure(40, None, None, 80.0, 60.0, 99.0),
                          Figure(900, None, None, 84.0, 80.0, 89.0)) == NOT_COMPARED


def test_peers_are_different_only_beyond_the_interval() -> None:
    """Above or below only when the force's interval excludes the peers' figure."""
    figure = Figure(20, 100, None, 20.0, 13.3, 28.9)
    assert peer_verdict(figure, Figure(50, 500, None, 10.0, 7.7, 12.9)) == "above peers"
    assert peer_verdict(figure, Figure(90, 500, None, 18.0, 14.9, 21.6)) == "similar to peers"
    assert peer_verdict(figure, Figure(200, 500, None, 40.0, 35.8, 44.3)) == "below peers"
    assert peer_verdict(figure, None) == NOT_COMPARED
