"""Linking the warehouse: ids written to the analysis zone, kept across runs, scored.

The data are the generator's, loaded by the real loader into a real DuckDB file, in two
deliveries (police and social care first, health and education later), as agencies send them.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tessera.errors import LinkageError
from tessera.linkage.service import LinkRun, link_warehouse
from tessera.sources.delivery import Delivery
from tessera.synth import generate
from tessera.warehouse.engine import Engine
from tessera.warehouse.loading import ingest
from tessera.warehouse.pseudonym import PseudonymKey

KEY = PseudonymKey.from_secret(b"linkage-service-test")


@pytest.fixture(scope="module")
def delivered(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Synthetic extracts at 1% scale; the warehouse holds the police and social care ones."""
    folder = tmp_path_factory.mktemp("link-service")
    summary = generate(folder / "synthetic", scale=0.01, seed=21, bad_share=0.0)
    warehouse = folder / "w.duckdb"
    ingest(Delivery.find([summary.extracts / "police", summary.extracts / "social_care"]),
           warehouse=warehouse, key=KEY, output=folder / "out")
    return folder / "synthetic", warehouse


@pytest.fixture(scope="module")
def first(delivered: tuple[Path, Path]) -> tuple[LinkRun, dict[str, str]]:
    """The first run, and each record's id after it."""
    synthetic, warehouse = delivered
    run = link_warehouse(warehouse, truth=synthetic / "ground_truth" / "persons.csv")
    return run, _ids(warehouse)


def _ids(warehouse: Path) -> dict[str, str]:
    with Engine.open(warehouse, read_only=True) as engine:
        return {r["record_key"]: r["linked_id"] for r in engine.rows(
            "SELECT record_key, linked_id FROM analysis.person_link")}


def test_every_record_gets_an_id_and_children_a_child_id(
        delivered: tuple[Path, Path], first: tuple[LinkRun, dict[str, str]]) -> None:
    """One row per person record; every victim's record carries a child_id, every suspect's
    a person_id, and no direct identifier sits beside them."""
    _, warehouse = delivered
    run, ids = first
    with Engine.open(warehouse, read_only=True) as engine:
        records = engine.scalar("SELECT count(*) FROM analysis.person_record")
        victims_without = engine.scalar(
            "SELECT count(*) FROM analysis.offence_party op JOIN analysis.person_link l "
            "ON l.record_key = op.person_record_id_key WHERE op.role = 'victim' "
            "AND l.child_id IS NULL")
        suspects_without = engine.scalar(
            "SELECT count(*) FROM analysis.offence_party op JOIN analysis.person_link l "
            "ON l.record_key = op.person_record_id_key WHERE op.role = 'suspect' "
            "AND l.person_id IS NULL")
        columns = {r["column_name"] for r in engine.rows(
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_schema = 'analysis' AND table_name = 'person_link'")}
    assert len(ids) == records == run.records
    assert victims_without == 0 and suspects_without == 0
    assert not columns & {"given_name", "family_name", "date_of_birth", "postcode",
                          "nhs_number", "upn"}
    assert run.people < run.records and run.children > 0 and run.persons > 0


def test_the_linkage_is_scored_against_the_ground_truth(
        first: tuple[LinkRun, dict[str, str]]) -> None:
    """Pairwise and cluster F1 on the generator's noisy identities are high."""
    run, _ = first
    assert run.quality is not None
    assert run.quality.records_scored == run.records
    assert run.quality.pairs.f1 > 0.98
    assert run.quality.clusters.f1 > 0.98
    assert run.borderline, "a report needs pairs either side of the threshold"
    assert all(len(p["given_l"]) == 2 and p["given_l"].endswith(".") for p in run.borderline)


def test_a_rerun_keeps_every_id(delivered: tuple[Path, Path],
                                first: tuple[LinkRun, dict[str, str]]) -> None:
    """The same warehouse linked again: the same ids, nothing new, merged or split."""
    _, warehouse = delivered
    _, before = first
    again = link_warehouse(warehouse)
    assert _ids(warehouse) == before
    assert (again.new, again.merged, again.split) == (0, 0, 0)
    assert again.kept == again.people


def test_new_extracts_keep_earlier_ids_and_explain_every_change(
        delivered: tuple[Path, Path], first: tuple[LinkRun, dict[str, str]]) -> None:
    """Health and education arrive: earlier records keep their ids, except where a new
    record joins two earlier people (a merge) or parts them, each recorded in the history."""
    synthetic, warehouse = delivered
    _, before = first
    ingest(Delivery.find([synthetic / "extracts" / "health",
                          synthetic / "extracts" / "education"]),
           warehouse=warehouse, key=KEY, output=warehouse.parent / "out")
    run = link_warehouse(warehouse)
    after = _ids(warehouse)
    changed = {before[k] for k in before if after[k] != before[k]}
    with Engine.open(warehouse, read_only=True) as engine:
        explained = {r["other_id"] for r in engine.rows(
            "SELECT other_id FROM ops.linkage_history WHERE run_id = $run_id",
            {"run_id": run.run_id})}
    assert run.records > len(before)
    assert sum(after[k] == before[k] for k in before) / len(before) > 0.97
    assert changed <= explained
    assert run.new > 0


def test_a_missing_warehouse_is_a_clear_error(tmp_path: Path) -> None:
    """No traceback: the error names the file and what to do."""
    with pytest.raises(LinkageError, match="run 'tessera ingest' first"):
        link_warehouse(tmp_path / "nothing.duckdb")
