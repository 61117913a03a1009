"""`tessera look-again` as a user meets it: the top of the list, CSV and HTML written, a bad
weights file refused in one line with exit status 2."""

from __future__ import annotations

import csv
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tessera.warehouse.engine import Engine
from tests.analysis.lookagain.lookagain_fixture import (
    KENT,
    LookAgainWarehouse,
    offence_key,
    populate_lookagain_fixture,
)

pytestmark = pytest.mark.slow  # each case starts the CLI in a subprocess: CI runs them,
# the quick loop (-m "not slow") does not


def _warehouse(tmp_path: Path) -> Path:
    path = tmp_path / "w.duckdb"
    with Engine.open(path) as engine:
        populate_lookagain_fixture(LookAgainWarehouse(engine))
    return path


def _env(tmp_path: Path) -> dict[str, str]:
    return {**os.environ, "TESSERA_SECRET_KEY": "look-again-test",
            "TESSERA_OUTPUT": str(tmp_path / "out"), "COLUMNS": "200"}


def test_look_again_prints_the_top_and_writes_csv_and_html(
        tmp_path: Path, run_cli: Callable[..., Any]) -> None:
    """Three eligible cases, the first A; cases.csv ranks them, evidence.csv has the trail,
    and the report carries the provenance banner and each top case's trail."""
    result = run_cli("look-again", "--warehouse", str(_warehouse(tmp_path)), env=_env(tmp_path))
    assert result.returncode == 0, result.stderr
    assert offence_key("WY-A") in result.stdout
    assert "3 eligible cases, 2 with new evidence" in result.stdout
    folder = tmp_path / "out" / "look-again"
    with (folder / "cases.csv").open(encoding="utf-8") as handle:
        cases = list(csv.DictReader(handle))
    assert cases[0]["Case (offence key)"] == offence_key("WY-A")
    with (folder / "evidence.csv").open(encoding="utf-8") as handle:
        assert len(list(csv.DictReader(handle))) == 7
    html = (folder / "report.html").read_text(encoding="utf-8")
    assert "No data has been loaded into the warehouse." in html
    assert f'id="case-{offence_key("WY-A")}"' in html and "beaconport_rules.csv" in html


def test_look_again_for_one_force_writes_its_own_folder(
        tmp_path: Path, run_cli: Callable[..., Any]) -> None:
    """--force kent: kent's two cases, in look-again/kent/."""
    result = run_cli("look-again", "--force", KENT, "--warehouse",
                     str(_warehouse(tmp_path)), env=_env(tmp_path))
    assert result.returncode == 0, result.stderr
    with (tmp_path / "out" / "look-again" / KENT / "cases.csv").open(encoding="utf-8") as f:
        assert {row["Force"] for row in csv.DictReader(f)} == {KENT}


def test_a_bad_weights_file_is_refused_in_one_line_with_exit_status_2(
        tmp_path: Path, run_cli: Callable[..., Any]) -> None:
    """The line names the file, the row and the field; nothing is written."""
    weights = tmp_path / "weights.csv"
    weights.write_text("feature,weight,rationale\nlater_offence,heavy,because\n",
                       encoding="utf-8")
    result = run_cli("look-again", "--weights", str(weights), "--warehouse",
                     str(tmp_path / "w.duckdb"), env=_env(tmp_path))
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"error: {weights} row 2, field weight: 'heavy' is not a number of at least 0"]
    assert not (tmp_path / "out").exists()


def test_look_again_before_any_ingest_says_what_to_do(
        tmp_path: Path, run_cli: Callable[..., Any]) -> None:
    """No warehouse yet: one line saying to ingest first, exit status 1."""
    result = run_cli("look-again", "--warehouse", str(tmp_path / "none.duckdb"),
                     env=_env(tmp_path))
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        f"error: {tmp_path / 'none.duckdb'}: no warehouse here yet; run 'tessera ingest' first"]
