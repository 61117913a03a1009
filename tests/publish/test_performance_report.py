"""The performance framework through disclosure control and out to pages and workbooks, on
the generated warehouse of `tests/analysis/performance`."""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from datetime import date

import pytest

from tessera.analysis.performance import NATIONAL, PerformanceResult, run_performance
from tessera.publish.disclosure import DisclosureRule
from tessera.publish.editions import Symbol
from tessera.publish.performance_disclosure import (
    PerformanceRelease,
    disclose_performance,
    performance_tables,
    restricted_quarters,
)
from tessera.publish.performance_report import PerformanceFiles, write_performance
from tessera.publish.tabulation import Relation
from tessera.warehouse.engine import Engine
from tests.analysis.performance.performance_fixture import populate_performance_fixture

pytestmark = pytest.mark.slow  # builds a warehouse, runs the LP audit and draws the charts


@pytest.fixture(scope="module")
def result() -> Iterator[PerformanceResult]:
    """The framework over the generated warehouse."""
    with Engine.open(None) as engine:
        populate_performance_fixture(engine)
        yield run_performance(engine)


@pytest.fixture(scope="module")
def release(result: PerformanceResult) -> PerformanceRelease:
    """The published release, protected and LP-audited."""
    return disclose_performance(result)


@pytest.fixture(scope="module")
def files(result: PerformanceResult, tmp_path_factory: pytest.TempPathFactory
          ) -> PerformanceFiles:
    """Everything `tessera performance` writes."""
    return write_performance(result, tmp_path_factory.mktemp("performance"),
                             provenance="Synthetic data.", published_on=date(2026, 11, 30))


def _shown(release: PerformanceRelease, table: str, column: str) -> list[object]:
    return release.edition.tables[table].column(column)


def test_no_count_of_one_to_nine_is_published(release: PerformanceRelease) -> None:
    """Numerators and denominators of the published tables show no count from 1 to 9."""
    counts = [v for name in ("force_measures", "national_quarters")
              for column in ("numerator", "denominator")
              for v in _shown(release, name, column) if isinstance(v, int)]
    assert counts and not [v for v in counts if 0 < v < 10]
    assert release.protection.primary, "the fixture has small counts to hide"


def test_the_lp_audit_leaves_every_hidden_small_count_its_range(
        release: PerformanceRelease) -> None:
    """Every protected cell's audited range covers the range the rule requires."""
    for ref, (low, high) in release.protection.required.items():
        found = release.protection.ranges[ref]
        assert found[0] <= low + 1e-6 and found[1] >= high - 1e-6, ref


def test_every_declared_relation_holds(result: PerformanceResult) -> None:
    """National = sum of forces, period = sum of quarters, shared counts equal: checked on
    the figures themselves."""
    tables, relations = performance_tables(result)
    values = {ref: value for table in tables for ref, _, value in table.count_cells()}
    assert len(relations) > 50
    for relation in relations:
        assert isinstance(relation, Relation)
        assert values[relation.total] == sum(values[p] for p in relation.parts), relation


def test_a_figure_is_hidden_with_its_counts(release: PerformanceRelease) -> None:
    """A value whose numerator or denominator is [c] is [c] (or [u]), never a number."""
    table = release.edition.tables["force_measures"]
    hidden = 0
    for row in table.rows:
        record = dict(zip([c.key for c in table.table.columns], row, strict=True))
        if Symbol.CONFIDENTIAL in (record["numerator"], record["denominator"]):
            hidden += 1
            for key in ("value", "interval_low", "interval_high", "trend", "peer_comparison",
                        "funnel"):
                assert record[key] in (Symbol.CONFIDENTIAL, None), (record, key)
    assert hidden


def test_a_rate_from_few_events_is_low_reliability(result: PerformanceResult) -> None:
    """With every count shown (smallest shown 1), a count from under 20 events is [u]."""
    release = disclose_performance(result, DisclosureRule(smallest_shown=1))
    table = release.edition.tables["force_measures"]
    rows = [dict(zip([c.key for c in table.table.columns], r, strict=True)) for r in table.rows]
    small = [r for r in rows if r["measure_id"] == "P3" and isinstance(r["numerator"], int)
             and r["numerator"] < 20]
    assert small and all(r["value"] == Symbol.LOW_RELIABILITY for r in small)


def test_the_dashboard_pages_and_workbook_are_written(files: PerformanceFiles,
                                                     result: PerformanceResult) -> None:
    """index.html lists every force and every measure (those with no source as such); each
    force has a page; the ODS workbook holds the four published tables."""
    dashboard = files.dashboard.read_text(encoding="utf-8")
    for force in result.forces:
        assert f'href="{force.code}.html"' in dashboard
        assert files.force_pages[force.code].exists()
    for measure in result.measures:
        assert measure.name in dashboard
    assert dashboard.count("no source yet") >= 1
    assert "WE4" in dashboard and "[c]" in dashboard
    page = files.force_pages["city-of-london"].read_text(encoding="utf-8")
    assert "City of London Police" in page and "Peer group:" in page
    assert page.count(": no source yet (") == 1
    assert 'id="profile_currency"' in page and ">never<" in page
    yorkshire = result.force("west-yorkshire")
    text = " ".join(files.force_pages["west-yorkshire"].read_text(encoding="utf-8").split())
    assert f"{yorkshire.density:,} residents per square kilometre" in text
    with zipfile.ZipFile(files.ods) as workbook:
        content = workbook.read("content.xml").decode("utf-8")
    for sheet in ("Measures", "Force measures", "National quarters", "Profile currency"):
        assert f'table:name="{sheet}"' in content
    assert NATIONAL not in files.restricted.read_text(encoding="utf-8").splitlines()[0]


def test_the_restricted_quarters_are_unsuppressed(files: PerformanceFiles) -> None:
    """The restricted file has every force's quarters with their small counts."""
    text = files.restricted.read_text(encoding="utf-8")
    assert "[c]" not in text and "city-of-london" in text


def test_control_limits_are_on_the_scale_of_the_values(result: PerformanceResult) -> None:
    """A share's centre line is a percentage, the period's own share; a rate's is per 10,000
    children a year, like its quarterly values."""
    quarters = restricted_quarters(result).records()
    for measure_id in ("P1", "P2", "P4"):
        period = result.figures[(NATIONAL, measure_id)].figure.value
        rows = [r for r in quarters if r["force_code"] == NATIONAL
                and r["measure_id"] == measure_id]
        centre = rows[0]["centre"]
        assert isinstance(centre, float) and isinstance(period, float)
        assert abs(centre - period) <= 0.05 * max(period, 1.0), measure_id
        assert all(r["lower_limit"] <= centre <= r["upper_limit"] for r in rows)  # type: ignore[operator]
