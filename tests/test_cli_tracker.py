"""`tessera tracker publish` and `tessera tracker release` as a user runs them."""

from __future__ import annotations

import json
import os
import sqlite3
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.slow  # each case starts the CLI in a subprocess: CI runs them,
# the quick loop (-m "not slow") does not


def _env(tmp_path: Path) -> dict[str, str]:
    return {**os.environ, "TESSERA_SECRET_KEY": "cli-test", "TESSERA_OUTPUT": str(tmp_path),
            "TESSERA_CASEWORK_URL": f"sqlite:///{tmp_path / 'casework.db'}",
            "TESSERA_SIGNING_KEY_FILE": str(tmp_path / "signing.key")}


def test_publish_before_any_ingest_says_what_to_do(tmp_path: Path,
                                                   run_cli: Callable[..., Any]) -> None:
    result = run_cli("tracker", "publish", "--warehouse", str(tmp_path / "none.duckdb"),
                     env=_env(tmp_path))
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        f"error: {tmp_path / 'none.duckdb'}: no warehouse here yet; run 'tessera ingest' first"]


def test_publish_stores_the_core_dataset_and_ethnicity_and_release_writes_them(
        tmp_path: Path, small_extract: Path, run_cli: Callable[..., Any]) -> None:
    """After a real ingest, the agency that delivered is scored; both warehouse indicators are
    stored in the casework store (not the warehouse) and the release carries them."""
    env, warehouse = _env(tmp_path), str(tmp_path / "w.duckdb")
    assert run_cli("ingest", str(small_extract), "--warehouse", warehouse,
                   env=env).returncode == 0
    result = run_cli("tracker", "publish", "--warehouse", warehouse, env=env)
    assert result.returncode == 0, result.stderr
    assert "Published 3 indicators to the tracker: core_dataset, ethnicity_recording," in \
        result.stdout and "problem_profiles" in result.stdout
    with sqlite3.connect(tmp_path / "casework.db") as db:
        (table_json,) = db.execute("SELECT table_json FROM indicator_snapshots "
                                   "WHERE indicator = 'core_dataset'").fetchone()
    ((agency, deliveries, score),) = json.loads(table_json)["rows"]
    assert (agency, deliveries) == ("West Yorkshire Police", 1) and 0 < score <= 100
    out = tmp_path / "tracker.ods"
    result = run_cli("tracker", "release", "--out", str(out), env=env)
    assert result.returncode == 0, result.stderr
    content = zipfile.ZipFile(out).read("content.xml").decode()
    assert "West Yorkshire Police" in content and "CASEY-04" in content
