"""Every computed measure against an independent recount of the raw warehouse rows
(`performance_fixture.recount`, plain Python sharing no code with the framework's SQL)."""

from __future__ import annotations

from datetime import date

import pytest

from tessera.analysis.performance import NATIONAL, PerformanceResult, run_performance
from tessera.analysis.performance.figures import QUARTERS_A_YEAR
from tessera.errors import AnalysisError
from tessera.warehouse.engine import Engine
from tests.analysis.performance.performance_fixture import FORCES, recount


def test_the_period_is_whole_quarters_of_the_offences_held(perf_result: PerformanceResult) -> None:
    """Offences recorded over 2022-2023 give eight quarters from 1 January 2022."""
    assert perf_result.start == date(2022, 1, 1) and perf_result.end == date(2023, 12, 31)
    assert len(perf_result.quarters) == 8
    assert sorted(f.code for f in perf_result.forces) == sorted(FORCES)


def test_every_count_and_median_agrees_with_the_recount(perf_engine: Engine,
                                                        perf_result: PerformanceResult) -> None:
    """Numerator, denominator and value of each measure, per force, as recounted by hand."""
    truth = recount(perf_engine, perf_result.start, perf_result.end)
    checked = 0
    for force in perf_result.forces:
        expected = truth.get(force.code, {})
        for measure in perf_result.computed:
            figure = perf_result.figures[(force.code, measure.id)].figure
            if measure.kind == "median":
                assert figure.numerator == expected.get(measure.denominator, 0), measure.id
                assert figure.value == expected.get(measure.numerator), measure.id
            elif measure.kind == "share":
                part = expected.get(measure.numerator, 0)
                whole = expected.get(measure.denominator, 0)
                assert (figure.numerator, figure.denominator) == (part, whole), measure.id
                if whole:
                    assert figure.value == round(100 * part / whole, 1)
            else:
                assert figure.numerator == expected.get(measure.numerator, 0), measure.id
            checked += 1
    assert checked == 3 * 15


def test_the_rate_is_per_10000_children_a_year(perf_result: PerformanceResult) -> None:
    """P1: recorded CSA offences over child-years of the area, times 10,000."""
    force = perf_result.force("west-yorkshire")
    figure = perf_result.figures[("west-yorkshire", "P1")].figure
    years = len(perf_result.quarters) / QUARTERS_A_YEAR
    assert force.children is not None
    assert figure.value == round(figure.numerator * 10_000 / (force.children * years), 2)
    assert figure.low is not None and figure.high is not None
    assert figure.low < figure.value < figure.high


def test_the_national_figures_are_the_sums_of_the_forces(perf_result: PerformanceResult) -> None:
    """England and Wales counts are the forces' counts added, never averaged."""
    for measure in perf_result.computed:
        national = perf_result.figures[(NATIONAL, measure.id)].figure
        assert national.numerator == sum(
            perf_result.figures[(f.code, measure.id)].figure.numerator
            for f in perf_result.forces), measure.id


def test_a_quarter_series_adds_up_to_the_period(perf_result: PerformanceResult) -> None:
    """The eight quarters of each force's numerator add up to its period numerator."""
    for (code, measure_id), found in perf_result.figures.items():
        if found.measure.kind != "median":
            assert sum(f.numerator for _, f in found.series) == found.figure.numerator, (
                code, measure_id)


def test_a_narrower_period_counts_only_its_quarters(perf_engine: Engine) -> None:
    """--from and --to widen to whole quarters and count nothing outside them."""
    result = run_performance(perf_engine, date(2022, 2, 10), date(2022, 8, 1))
    assert (result.start, result.end) == (date(2022, 1, 1), date(2022, 9, 30))
    truth = recount(perf_engine, result.start, result.end)
    assert result.figures[("lancashire", "P1")].figure.numerator == truth.get(
        "lancashire", {}).get("csa_recorded", 0)


def test_measures_with_no_source_have_no_figures(perf_result: PerformanceResult) -> None:
    """Review requests, profile currency and the others without a source are never computed."""
    missing = [m.id for m in perf_result.measures if not m.computed]
    assert missing == ["P12", "P13", "P14", "P15"]
    assert not [key for key in perf_result.figures if key[1] in missing]


def test_a_reversed_period_is_a_clear_error(perf_engine: Engine) -> None:
    """--from after --to fails with one line naming both."""
    with pytest.raises(AnalysisError, match="--from 2023-10-01 is after --to 2022-03-31"):
        run_performance(perf_engine, date(2023, 12, 1), date(2022, 1, 5))


def test_an_empty_warehouse_is_a_clear_error(engine: Engine) -> None:
    """A warehouse with no tables says to run ingest."""
    with pytest.raises(AnalysisError, match="run 'tessera ingest' first"):
        run_performance(engine)
