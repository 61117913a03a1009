"""Files that cannot be read at all: one clear line naming the file and the problem, exit
status 2, no traceback, and nothing of the batch loaded. The corpus lives in
tests/data/malformed/, with each file's expected error in expected.csv."""

from __future__ import annotations

import csv
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tessera.sources.core_files import entity_for_file, read_extract
from tessera.warehouse.engine import Engine

CORPUS = Path(__file__).parent.parent / "data" / "malformed"
CASES = list(csv.DictReader((CORPUS / "expected.csv").open(encoding="utf-8")))


def _env(tmp_path: Path) -> dict[str, str]:
    return {**os.environ, "TESSERA_SECRET_KEY": "test-secret",
            "TESSERA_OUTPUT": str(tmp_path / "out")}


def _loaded_rows(warehouse: Path) -> int:
    if not warehouse.exists():
        return 0
    with Engine.open(warehouse, read_only=True) as engine:
        if not engine.table_exists("ops", "files"):
            return 0
        return int(engine.scalar("SELECT coalesce(sum(rows_in), 0) FROM ops.files"))


@pytest.mark.parametrize("case", CASES, ids=[c["description"] for c in CASES])
def test_unreadable_file_fails_cleanly(case: dict[str, str], tmp_path: Path,
                                       small_extract: Path,
                                       run_cli: Callable[..., Any]) -> None:
    """Given with a valid extract in the same batch, a bad file stops the whole batch."""
    warehouse = tmp_path / "w.duckdb"
    bad = CORPUS / case["file"]
    result = run_cli("ingest", str(small_extract), str(bad), "--warehouse", str(warehouse),
                     env=_env(tmp_path))
    assert result.returncode == int(case["exit_code"]), result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    if case["expected_error"]:
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1, result.stderr
        assert str(bad) in lines[0] and case["expected_error"] in lines[0]
        assert _loaded_rows(warehouse) == 0
    else:
        assert _loaded_rows(warehouse) == 9


@pytest.mark.parametrize(("name", "entity"), [
    ("offence.csv", "offence"), ("offence_party.csv", "offence_party"),
    ("offence_party_2023.csv", "offence_party"), ("offence-march.parquet", "offence"),
    ("party_demographics.csv", "party_demographics")])
def test_entity_is_taken_from_the_longest_matching_name(name: str, entity: str) -> None:
    """offence_party.csv is a party file, not an offence file with a suffix."""
    assert entity_for_file(Path(name)).name == entity


def test_parquet_extract_reads_like_csv(tmp_path: Path, small_extract: Path) -> None:
    """Parquet files are read as text too, so validation sees what the agency sent."""
    import pyarrow.csv as pa_csv
    import pyarrow.parquet as pq

    table = pa_csv.read_csv(small_extract / "offence.csv")
    pq.write_table(table, tmp_path / "offence.parquet")
    extract = read_extract(tmp_path / "offence.parquet")
    assert extract.rows == 2
    assert extract.table["recorded_date"][0].as_py() == "2023-05-01"
    assert extract.table["_row"].to_pylist() == [1, 2]
