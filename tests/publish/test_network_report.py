"""The network report: one CSV per table and an HTML report in the audit's style."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from tessera.analysis.network import NetworkResult, run_network
from tessera.publish.network_report import HTML_ROWS, shortened, write_network
from tessera.publish.terminal import render_network
from tessera.warehouse.engine import Engine
from tessera.warehouse.provenance import Provenance
from tests.analysis.network.network_fixture import NetworkWarehouse
from tests.publish.test_terminal import assert_fits_80_columns, printed

SYNTHETIC = Provenance(synthetic_files=3, supplied_files=0).sentence


@pytest.fixture
def result() -> Iterator[NetworkResult]:
    """The audit fixture with a group tied by a phone."""
    with Engine.open(None) as engine:
        net = NetworkWarehouse(engine)
        net.crime("RP-1", "RV1", ["RA1m", "RA2m"], on=date(2023, 3, 1))
        net.crime("RP-2", "RV2", ["RA3m"], on=date(2023, 5, 1))
        net.shares("RA2m", "phone", "07700 900321", seen=date(2023, 1, 1))
        net.shares("RA3m", "phone", "07700 900321", seen=date(2023, 4, 1))
        net.link_ids()
        yield run_network(engine)


def test_every_table_is_written_as_csv_beside_the_report(result: NetworkResult,
                                                        tmp_path: Path) -> None:
    """Each table's CSV has its columns and rows; the report carries the provenance, says
    it is restricted and links each CSV."""
    outputs = write_network(result, tmp_path, provenance=SYNTHETIC)
    html = outputs.report.read_text(encoding="utf-8")
    assert SYNTHETIC in html and "not for publication" in html
    for name, table in result.tables.items():
        with outputs.csvs[name].open(encoding="utf-8", newline="") as handle:
            lines = list(csv.reader(handle))
        assert tuple(lines[0]) == tuple(column.label for column in table.columns)
        assert len(lines) == len(table.rows) + 1
        assert f'href="{name}.csv"' in html


def test_a_long_table_is_shortened_in_the_report_only(result: NetworkResult) -> None:
    """More rows than the report shows: the first ones, and a note that the CSV has all."""
    table = result.tables["growth"]
    long = replace(table, rows=tuple((f"C-{n:04d}", "2023-Q1", 1, 1, 0)
                                     for n in range(HTML_ROWS + 5)))
    short = shortened(long)
    assert len(short.rows) == HTML_ROWS
    assert any("the CSV has all" in note for note in short.notes)


def test_the_terminal_tables_fit_80_columns(result: NetworkResult) -> None:
    """`tessera network` prints the main columns of the communities and key people and leaves
    the rest (forces, objects, dates, eigenvector) to the CSV and report: none is cropped."""
    text = printed(*render_network(result), width=80)
    assert_fits_80_columns(text)
    assert "All columns are in the CSV and the HTML report." in text
