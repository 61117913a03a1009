"""The control charts and their special-cause rules on hand-written series: a change is
called only when a rule says so."""

from __future__ import annotations

from tessera.analysis.performance.spc import MIN_POINTS, Observation, control_chart


def _rules(chart_points: tuple[object, ...]) -> set[str]:
    return {rule for point in chart_points for rule in point.rules}  # type: ignore[attr-defined]


def test_a_stable_series_is_not_called() -> None:
    """Shares of 100 wandering within one sigma of their centre: no rule, no signal."""
    series = [Observation(f"q{i}", v, 100) for i, v in enumerate(
        (10, 12, 9, 11, 10, 13, 8, 11, 10, 9, 12, 10))]
    chart = control_chart("p", series)
    assert chart.signals == () and chart.verdict == "no special cause"
    assert chart.centre is not None and abs(chart.centre - 125 / 1200) < 1e-12


def test_a_point_beyond_three_sigma_is_called() -> None:
    """One quarter of 30% among quarters of about 10% breaks rule WE1 at that quarter."""
    series = [Observation(f"q{i}", v, 100) for i, v in enumerate(
        (10, 11, 9, 10, 30, 10, 11, 9, 10, 10))]
    chart = control_chart("p", series)
    assert [s.rule for s in chart.signals] == ["WE1"]
    assert chart.signals[0].first == "q4" and chart.signals[0].direction == "up"
    assert chart.points[4].rules == ("WE1",) and chart.points[4].value > chart.points[4].upper


def test_a_run_of_eight_on_one_side_is_called() -> None:
    """Eight quarters below the centre then eight above: rule WE4 twice, one run each side."""
    values = (5, 6, 5, 6, 5, 6, 5, 6, 7.2, 7.4, 7.2, 7.4, 7.2, 7.4, 7.2, 7.4)
    chart = control_chart("xmr", [Observation(f"q{i}", v) for i, v in enumerate(values)])
    runs = [(s.first, s.last, s.direction) for s in chart.signals if s.rule == "WE4"]
    assert runs == [("q0", "q7", "down"), ("q8", "q15", "up")]
    assert "WE1" not in {s.rule for s in chart.signals}


def test_two_of_three_beyond_two_sigma_is_called() -> None:
    """Shares of 100 either side of 14%, then two of three at 23% (over 2 sigma, under 3):
    rule WE2 and no other."""
    values = (16, 12) * 6 + (23, 12, 23)
    chart = control_chart("p", [Observation(f"q{i}", v, 100) for i, v in enumerate(values)])
    assert [(s.rule, s.first, s.last) for s in chart.signals] == [("WE2", "q12", "q14")]
    assert "WE2" in chart.points[14].rules


def test_too_few_quarters_make_no_chart() -> None:
    """Under MIN_POINTS quarters there is no centre line and no rule is applied."""
    chart = control_chart("p", [Observation(f"q{i}", 50, 100) for i in range(MIN_POINTS - 1)])
    assert chart.centre is None and chart.signals == ()
    assert chart.verdict.startswith("too few quarters")


def test_a_quarter_with_no_base_is_left_out() -> None:
    """A quarter with no outcomes has no share: it is not a zero on the chart."""
    series = [Observation("a", 5, 50), Observation("b", 0, 0), *(
        Observation(f"q{i}", 5, 50) for i in range(6))]
    chart = control_chart("p", series)
    assert [p.label for p in chart.points][:2] == ["a", "q0"]
