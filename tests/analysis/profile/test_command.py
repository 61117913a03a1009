"""`tessera profile` as a user meets it: a force's profile written, bad input refused in one
line with a non-zero exit status and no traceback."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
import pytest

from tessera.warehouse.engine import Engine
from tests.analysis.audit_fixture import populate_audit_fixture

pytestmark = pytest.mark.slow  # each case starts the CLI in a subprocess


@pytest.fixture
def warehouse(tmp_path: Path) -> Path:
    path = tmp_path / "w.duckdb"
    with Engine.open(path) as engine:
        populate_audit_fixture(engine)
    return path


def _env(tmp_path: Path) -> dict[str, str]:
    return {**os.environ, "TESSERA_SECRET_KEY": "profile-test",
            "TESSERA_OUTPUT": str(tmp_path / "out"), "COLUMNS": "200"}


def test_a_forces_profile_is_written(tmp_path: Path, warehouse: Path,
                                     run_cli: Callable[..., Any]) -> None:
    """Kent's published profile: HTML and CSVs in profile/kent/, its release in the register
    and in the warehouse's record of profiles (for the tracker), and how many cells disclosure
    control hid."""
    result = run_cli("profile", "--force", "kent", "--no-pdf", "--warehouse", str(warehouse),
                     env=_env(tmp_path))
    assert result.returncode == 0, result.stderr
    assert "counts of 1 to 9" in result.stdout and "[c]" in result.stdout
    with duckdb.connect(str(warehouse), read_only=True) as db:
        assert db.sql("SELECT force_code FROM ops.profile_releases").fetchall()[-1] == ("kent",)
    folder = tmp_path / "out" / "profile" / "kent"
    assert (folder / "report.html").exists() and (folder / "definitions.csv").exists()
    assert not (folder / "report.pdf").exists()
    assert list((tmp_path / "out" / "restricted").glob("profile-register-kent-*.json"))


def test_a_force_after_the_whole_period_is_released_beside_it(
        tmp_path: Path, warehouse: Path, run_cli: Callable[..., Any]) -> None:
    """`--all`, then Kent alone for the same period: exit 0, Kent's trend shows the national
    months as published with the rest (not rounded national figures)."""
    env = _env(tmp_path)
    first = run_cli("profile", "--all", "--no-pdf", "--warehouse", str(warehouse), env=env)
    assert first.returncode == 0, first.stderr
    national = (tmp_path / "out" / "profile" / "national" / "trend.csv").read_text("utf-8")
    again = run_cli("profile", "--force", "kent", "--no-pdf", "--warehouse", str(warehouse),
                    env=env)
    assert again.returncode == 0, again.stderr
    trend = (tmp_path / "out" / "profile" / "kent" / "trend.csv").read_text("utf-8")
    national_months = [line.split(",")[1] for line in national.splitlines()[1:]]
    kent_national = [line.split(",")[3] for line in trend.splitlines()[1:]]
    assert kent_national == national_months


@pytest.mark.parametrize(("description", "args", "status", "message"), [
    ("an unknown force", ["--force", "atlantis"], 1, "no police force 'atlantis'"),
    ("a date that is not one", ["--force", "kent", "--from", "2023-13-01"], 2,
     "is not a date"),
    ("neither a force nor --all", [], 2, "give one of --force CODE or --all"),
    ("both a force and --all", ["--force", "kent", "--all"], 2,
     "give one of --force CODE or --all"),
    ("a period backwards", ["--force", "kent", "--from", "2024-01-01", "--to", "2023-01-01"],
     1, "is before --from"),
    ("a restricted edition without a user", ["--force", "kent", "--edition", "restricted"], 2,
     "needs --force, --user and --purpose"),
])
def test_bad_input_is_refused_in_one_line(
        tmp_path: Path, warehouse: Path, run_cli: Callable[..., Any], description: str,
        args: list[str], status: int, message: str) -> None:
    result = run_cli("profile", *args, "--warehouse", str(warehouse), env=_env(tmp_path))
    assert result.returncode == status, (description, result.stdout, result.stderr)
    assert message in " ".join(result.stderr.split())
    assert "Traceback" not in result.stderr
