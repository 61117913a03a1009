"""`tessera performance` as a user runs it: the summary, the files, and clean errors."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tessera.warehouse.engine import Engine
from tests.analysis.performance.performance_fixture import populate_performance_fixture

pytestmark = pytest.mark.slow  # each case starts the CLI in a subprocess: CI runs them,
# the quick loop (-m "not slow") does not


def _env(tmp_path: Path) -> dict[str, str]:
    return {**os.environ, "TESSERA_SECRET_KEY": "cli-test", "TESSERA_OUTPUT": str(tmp_path),
            "TESSERA_CASEWORK_URL": f"sqlite:///{tmp_path / 'casework.db'}"}


def test_performance_prints_the_measures_and_writes_the_release(
        tmp_path: Path, run_cli: Callable[..., Any]) -> None:
    """Exit 0; every computed measure printed; dashboard, pages, workbook and restricted file."""
    path = tmp_path / "w.duckdb"
    with Engine.open(path) as engine:
        populate_performance_fixture(engine, offences=60)
    result = run_cli("performance", "--warehouse", str(path), "--from", "2022-04-01",
                     env=_env(tmp_path))
    assert result.returncode == 0, result.stderr
    assert "18 measures computed by quarter, 1 as at " in result.stdout
    assert "P13a Closed-case review requests: 0 (requests)" in result.stdout
    assert "P12 and P13 count nothing" in result.stdout.replace("\n", " ")
    assert not (tmp_path / "casework.db").exists(), "reading nothing leaves no empty store"
    assert "2022-04-01" in result.stdout
    folder = tmp_path / "performance"
    for name in ("index.html", "west-yorkshire.html", "performance.ods", "force_measures.csv"):
        assert (folder / name).exists(), name
    assert (tmp_path / "restricted" / "performance" / "force_quarters.csv").exists()


def test_a_bad_date_is_one_line_and_exit_2(tmp_path: Path,
                                           run_cli: Callable[..., Any]) -> None:
    """A --from that is not a date names the option and the format, with no traceback."""
    result = run_cli("performance", "--warehouse", str(tmp_path / "w.duckdb"), "--from",
                     "2023-13-01", env=_env(tmp_path))
    assert result.returncode == 2
    assert "--from" in result.stderr and "Traceback" not in result.stderr


def test_no_warehouse_is_one_line(tmp_path: Path, run_cli: Callable[..., Any]) -> None:
    """A missing warehouse says to run ingest, in one line, with a non-zero exit."""
    result = run_cli("performance", "--warehouse", str(tmp_path / "none.duckdb"),
                     env=_env(tmp_path))
    assert result.returncode != 0
    assert "run 'tessera ingest' first" in result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1
