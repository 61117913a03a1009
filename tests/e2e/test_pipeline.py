"""The whole pipeline on generated data: synth, then ingest, then audit.

These are the checks that matter most to a statistician: every input row is accounted for,
every deliberately broken row is rejected for the rule it breaks, and on clean data the
audit's counts equal the generator's ground truth exactly.
"""

from __future__ import annotations

import csv
import os
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tessera.analysis.audit import run_audit
from tessera.analysis.performance import NATIONAL as PERFORMANCE_NATIONAL
from tessera.analysis.performance import run_performance
from tessera.analysis.profile import NATIONAL, force_codes, run_profiles
from tessera.casework.publications import publications
from tessera.casework.store import Casework
from tessera.sources.delivery import Delivery
from tessera.synth import generate
from tessera.warehouse.engine import Engine
from tessera.warehouse.loading import ingest
from tessera.warehouse.pseudonym import PseudonymKey

pytestmark = pytest.mark.slow
"""The national pipeline end to end: part of CI, not of the quick loop."""

CATEGORIES = ("intra_familial", "institutional", "group_based_cse", "other_multiple",
              "single_perpetrator")


def _truth(folder: Path, name: str) -> list[dict[str, str]]:
    with (folder / "ground_truth" / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def clean_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A clean synthetic set at 2% of national scale, loaded into a fresh warehouse."""
    folder = tmp_path_factory.mktemp("clean")
    summary = generate(folder / "synthetic", scale=0.02, seed=11, bad_share=0.0)
    warehouse = folder / "w.duckdb"
    result = ingest(Delivery.find([summary.extracts]), warehouse=warehouse,
                    key=PseudonymKey.from_secret(b"e2e"), output=folder / "out")
    assert result.rows_rejected == 0
    return folder / "synthetic", warehouse


def test_audit_counts_equal_ground_truth_on_clean_data(clean_run: tuple[Path, Path]) -> None:
    """Each category, the multi-perpetrator total and the online count match the truth."""
    synthetic, warehouse = clean_run
    truth = _truth(synthetic, "offences.csv")
    expected = Counter(row["category"] for row in truth)
    with Engine.open(warehouse, read_only=True) as engine:
        table = run_audit(engine).tables["offence_categories"]
    counts = {row["category_code"]: row["offences"] for row in table.records()}
    for category in CATEGORIES:
        assert counts[category] == expected[category], category
    assert counts["csa_offences"] == len(truth)
    assert counts["more_than_one_perpetrator"] == len(truth) - expected["single_perpetrator"]
    assert counts["online"] == sum(row["online"] == "true" for row in truth)


def test_profiles_and_performance_agree_with_ground_truth(
        clean_run: tuple[Path, Path]) -> None:
    """Every force's problem profile and performance figures against the generator's truth:
    CSA offences and group-based CSE per force (forces with none at this scale included,
    City of London and British Transport Police among them) and for England and Wales."""
    synthetic, warehouse = clean_run
    truth = _truth(synthetic, "offences.csv")
    csa = Counter(row["agency_code"] for row in truth)
    group = Counter(row["agency_code"] for row in truth if row["category"] == "group_based_cse")
    with Engine.open(warehouse, read_only=True) as engine:
        profiles = run_profiles(engine, [*force_codes(), NATIONAL])
        result = run_performance(engine)
    for profile in profiles:
        shown = {r["measure_code"]: r["offences"]
                 for r in profile.tables["definitions"].records()}
        national = profile.force_code == NATIONAL
        assert shown["csa_offences"] == (len(truth) if national else csa[profile.force_code])
        assert shown["group_based"] == (sum(group.values()) if national
                                        else group[profile.force_code])
    for force in result.forces:
        assert result.figures[(force.code, "P1")].figure.numerator == csa[force.code]
        assert result.figures[(force.code, "P3")].figure.numerator == group[force.code]
    assert {f.code for f in result.forces} == set(csa)
    assert result.figures[(PERFORMANCE_NATIONAL, "P1")].figure.numerator == len(truth)


def test_every_row_is_accounted_for_and_broken_rows_are_caught(
        tmp_path: Path) -> None:
    """With rows broken on purpose, rows in = loaded + rejected for every file, and every
    broken row the generator recorded is rejected, for the rule it broke."""
    summary = generate(tmp_path / "synthetic", scale=0.01, seed=3, bad_share=0.01)
    warehouse = tmp_path / "w.duckdb"
    result = ingest(Delivery.find([summary.extracts]), warehouse=warehouse,
                    key=PseudonymKey.from_secret(b"e2e"), output=tmp_path / "out")
    for f in result.files:
        assert f.rows_in == f.rows_loaded + f.rows_rejected, f.path
    injected = _truth(tmp_path / "synthetic", "bad_rows.csv")
    assert len(injected) == summary.bad_rows > 0
    with Engine.open(warehouse, read_only=True) as engine:
        rejected = engine.rows("SELECT file, row, rule FROM ops.rejections")
    extracts = summary.extracts
    rules_by_row: dict[tuple[str, int], set[str]] = {}
    for r in rejected:
        relative = Path(r["file"]).relative_to(extracts).as_posix()
        rules_by_row.setdefault((relative, r["row"]), set()).add(r["rule"])
    missed = [b for b in injected
              if b["rule"] not in rules_by_row.get((b["file"], int(b["row"])), set())]
    assert not missed, missed[:5]
    assert result.rejections_csv is not None


def test_demo_command_runs_end_to_end(tmp_path: Path, run_cli: Callable[..., Any]) -> None:
    """`tessera demo` at small scale exits 0, ends by saying where the report is, and writes
    the audit's workbooks and CSV metadata beside it, the network and look-again reports, the
    performance dashboard, and publishes the look-again list into the demo's casework store
    for the web app."""
    env = {**os.environ, "TESSERA_SECRET_KEY": "demo-test"}
    result = run_cli("demo", "--scale", "0.01", "--out", str(tmp_path / "demo"), env=env)
    assert result.returncode == 0, result.stderr[-2000:]
    report = tmp_path / "demo" / "output" / "audit" / "report.html"
    assert report.exists() and str(report) in result.stdout.replace("\n", "")
    assert all((report.parent / name).exists()
               for name in ("audit.ods", "audit.xlsx", "csv-metadata.json"))
    assert all((tmp_path / "demo" / "output" / name / "report.html").exists()
               for name in ("network", "look-again"))
    assert (tmp_path / "demo" / "output" / "performance" / "index.html").exists()
    assert "Traceback" not in result.stderr
    store = Casework.open(f"sqlite:///{tmp_path / 'demo' / 'casework.db'}")
    with store.reading() as session:
        (published,) = publications(session, "look_again")
    store.close()
    assert f"publication {published.publication_id}" in result.stdout.replace("\n", "")
    assert "/look-again" in result.stdout.replace("\n", "")


def test_explain_names_the_rule_for_a_group_based_offence(
        clean_run: tuple[Path, Path], run_cli: Callable[..., Any]) -> None:
    """`tessera audit --explain` on a group-based CSE offence says so, and why."""
    synthetic, warehouse = clean_run
    ref = next(r["crime_ref"] for r in _truth(synthetic, "offences.csv")
               if r["category"] == "group_based_cse")
    result = run_cli("audit", "--warehouse", str(warehouse), "--explain", ref,
                     env={**os.environ, "COLUMNS": "200"})
    assert result.returncode == 0, result.stderr
    assert ref in result.stdout and "group_based_cse" in result.stdout.replace(" ", "_")
