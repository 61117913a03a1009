"""The quality report: one CSV per table and an HTML report in the audit's style."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from tessera.analysis.quality import QualityResult, score_warehouse
from tessera.publish.quality_report import render_report, write_quality
from tessera.warehouse.provenance import Provenance
from tessera.warehouse.pseudonym import PseudonymKey
from tests.analysis.quality_fixture import OFFENCES, deliver

SUPPLIED = Provenance(synthetic_files=0, supplied_files=3).sentence


@pytest.fixture(scope="module")
def quality_result(tmp_path_factory: pytest.TempPathFactory) -> QualityResult:
    """West Yorkshire's setting collapses in its second delivery; Cleveland delivers once."""
    folder = tmp_path_factory.mktemp("quality")
    warehouse, key = folder / "w.duckdb", PseudonymKey.from_secret(b"quality-report")
    deliver(folder, warehouse, key, batch="first", offences=OFFENCES, without_setting=0)
    deliver(folder, warehouse, key, batch="second", offences=OFFENCES, without_setting=30)
    deliver(folder, warehouse, key, batch="third", offences=5, without_setting=0,
            agency="cleveland")
    return score_warehouse(warehouse)


def test_every_table_is_written_as_csv_beside_the_report(quality_result: QualityResult,
                                                        tmp_path: Path) -> None:
    """Each table's CSV has its columns and one line per row; the report links to each."""
    outputs = write_quality(quality_result, tmp_path, provenance=SUPPLIED)
    assert outputs.report == tmp_path / "quality" / "report.html"
    html = outputs.report.read_text(encoding="utf-8")
    for name, table in quality_result.tables.items():
        with outputs.csvs[name].open(encoding="utf-8", newline="") as handle:
            lines = list(csv.reader(handle))
        assert tuple(lines[0]) == tuple(column.label for column in table.columns)
        assert len(lines) - 1 == len(table.rows)
        assert f'href="{name}.csv"' in html


def test_scores_csv_holds_each_agency_with_its_trend(quality_result: QualityResult,
                                                    tmp_path: Path) -> None:
    """Two agencies; West Yorkshire has two deliveries, the second scoring lower."""
    outputs = write_quality(quality_result, tmp_path, provenance=SUPPLIED)
    with outputs.csvs["agency_scores"].open(encoding="utf-8", newline="") as handle:
        rows = {r["Agency code"]: r for r in csv.DictReader(handle)}
    assert set(rows) == {"cleveland", "west-yorkshire"}
    trend = rows["west-yorkshire"]["Trend (delivery scores)"]
    first, second = (float(score) for score in trend.split(" → "))
    assert second < first and float(rows["west-yorkshire"]["Change"]) < 0
    assert rows["cleveland"]["Deliveries"] == "1" and rows["cleveland"]["Change"] == ""


def test_the_report_shows_the_method_the_falls_and_that_nothing_is_linked(
        quality_result: QualityResult) -> None:
    """The scoring rules, the flagged field, the chart and the not-linked-yet line."""
    html = render_report(quality_result, provenance=SUPPLIED)
    assert SUPPLIED in html
    assert "Data quality by supplying agency" in html and 'id="method"' in html
    assert "offence.setting" in html and 'id="consistency_flags-table"' in html
    assert 'id="chart-lowest-scores-caption"' in html and "<svg" in html
    assert 'id="not-linked"' in html
    assert "Cleveland Police" in html
