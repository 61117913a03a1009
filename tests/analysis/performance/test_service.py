"""Every computed measure against an independent recount of the raw warehouse rows
(`performance_fixture.recount`, plain Python sharing no code with the framework's SQL)."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from tessera.analysis.performance import NATIONAL, PerformanceResult, run_performance
from tessera.analysis.performance.figures import QUARTERS_A_YEAR
from tessera.errors import AnalysisError
from tessera.warehouse.engine import Engine
from tessera.warehouse.profile_releases import record_profile_releases
from tests.analysis.performance.performance_fixture import (
    FORCES,
    populate_performance_fixture,
    recount,
)


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
    assert checked == 3 * 18


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
    """The charged offence has no source and is never computed; profile currency is computed
    as at a day, not by quarter."""
    missing = [m.id for m in perf_result.measures if m.no_source]
    assert missing == ["P15"]
    assert [m.id for m in perf_result.measures if m.status == "as at"] == ["P14"]
    assert not [key for key in perf_result.figures if key[1] in [*missing, "P14"]]


def test_profile_currency_is_days_since_each_forces_latest_profile_as_at_the_day() -> None:
    """P14: West Yorkshire published a profile in 2024 and a newer one 30 days before the day
    asked about; Lancashire one 366 days before and another after the day (not yet made, so
    not counted); City of London none. Without the record, every force is never."""
    with Engine.open(None) as engine:
        populate_performance_fixture(engine)
        bare = run_performance(engine, as_at=date(2025, 6, 30))
        record_profile_releases(engine, ["west-yorkshire", "lancashire"], date(2022, 1, 1),
                                date(2022, 12, 31), datetime(2024, 6, 29, 23, 59))
        record_profile_releases(engine, ["west-yorkshire"], date(2023, 1, 1),
                                date(2023, 12, 31), datetime(2025, 5, 31, 8))
        record_profile_releases(engine, ["lancashire"], date(2023, 1, 1), date(2023, 12, 31),
                                datetime(2025, 7, 1, 8))
        result = run_performance(engine, as_at=date(2025, 6, 30))
    assert {c.force_code: c.days for c in bare.currency} == dict.fromkeys(FORCES)
    found = {c.force_code: c for c in result.currency}
    assert [c.force_code for c in result.currency] == [f.code for f in result.forces]
    assert (found["west-yorkshire"].days, found["west-yorkshire"].current) == (30, True)
    assert found["west-yorkshire"].period == "2023-01-01 to 2023-12-31"
    assert (found["lancashire"].days, found["lancashire"].current) == (366, False)
    assert found["lancashire"].published == date(2024, 6, 29)
    assert (found["city-of-london"].published, found["city-of-london"].current) == (None, False)


def test_a_reversed_period_is_a_clear_error(perf_engine: Engine) -> None:
    """--from after --to fails with one line naming both."""
    with pytest.raises(AnalysisError, match="--from 2023-10-01 is after --to 2022-03-31"):
        run_performance(perf_engine, date(2023, 12, 1), date(2022, 1, 5))


def test_an_empty_warehouse_is_a_clear_error(engine: Engine) -> None:
    """A warehouse with no tables says to run ingest."""
    with pytest.raises(AnalysisError, match="run 'tessera ingest' first"):
        run_performance(engine)


def test_review_requests_are_counted_by_force_and_quarter_of_receipt(
        perf_engine: Engine) -> None:
    """P13a from the casework store's requests: two for West Yorkshire in 2022 Q2, one for
    Lancashire in 2023 Q4; one naming no force, one naming a force with no offences and one
    received after the period are counted nowhere, England and Wales included."""
    reviews = [("west-yorkshire", date(2022, 4, 2)), ("west-yorkshire", date(2022, 6, 30)),
               ("lancashire", date(2023, 12, 31)), (None, date(2022, 5, 1)),
               ("kent", date(2022, 5, 1)), ("lancashire", date(2024, 1, 1))]
    result = run_performance(perf_engine, casework={"review_requests": reviews})
    p13 = {code: result.figures[(code, "P13a")] for code in (*FORCES, NATIONAL)}
    assert {code: found.figure.numerator for code, found in p13.items()} == {
        "west-yorkshire": 2, "lancashire": 1, "city-of-london": 0, NATIONAL: 3}
    quarters = dict(p13["west-yorkshire"].series)
    assert quarters[date(2022, 4, 1)].numerator == 2
    assert sum(f.numerator for f in quarters.values()) == 2


def test_look_again_referrals_are_counted_and_an_unknown_count_refused(
        perf_engine: Engine) -> None:
    """P12: a Lancashire referral in 2023 Q1 is Lancashire's and England and Wales's; a count
    no measure names is an error, not a figure silently dropped."""
    result = run_performance(perf_engine, casework={
        "look_again_referrals": [("lancashire", date(2023, 2, 14))]})
    assert result.figures[("lancashire", "P12")].figure.numerator == 1
    assert result.figures[(NATIONAL, "P12")].figure.numerator == 1
    assert result.figures[("west-yorkshire", "P12")].figure.numerator == 0
    with pytest.raises(AnalysisError, match="no measure counts 'referals'"):
        run_performance(perf_engine, casework={"referals": []})


def test_reviews_upheld_are_a_share_of_those_decided(perf_engine: Engine) -> None:
    """P13b: of three West Yorkshire reviews decided in 2023, two upheld: 66.7%, with its
    Wilson interval; Lancashire decided none, so no figure."""
    decided = [("west-yorkshire", date(2023, 3, 1)), ("west-yorkshire", date(2023, 5, 1)),
               ("west-yorkshire", date(2023, 8, 1))]
    result = run_performance(perf_engine, casework={"reviews_decided": decided,
                                                    "reviews_upheld": decided[:2]})
    found = result.figures[("west-yorkshire", "P13b")].figure
    assert (found.numerator, found.denominator, found.value) == (2, 3, 66.7)
    assert found.low is not None and found.high is not None and found.low < 66.7 < found.high
    assert result.figures[("lancashire", "P13b")].figure.value is None
