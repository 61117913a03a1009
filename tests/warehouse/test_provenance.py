"""Provenance: the batch record says whether `tessera synth` made the data, and every release's
sentence comes from that record, not from a template."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tessera.analysis.audit import run_audit
from tessera.dataset.manifest import MANIFEST_NAME
from tessera.publish.audit_report import render_report
from tessera.sources.delivery import Delivery
from tessera.synth import generate
from tessera.warehouse.engine import Engine
from tessera.warehouse.loading import ingest, prepare_warehouse
from tessera.warehouse.provenance import SENTENCES, Provenance, release_provenance
from tessera.warehouse.pseudonym import PseudonymKey

KEY = PseudonymKey.from_secret(b"provenance-test")


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small synthetic set, as `tessera synth` writes it (with its manifests)."""
    out = tmp_path_factory.mktemp("synth")
    generate(out, scale=0.005, seed=5, bad_share=0.0)
    return out


def _police(extracts: Path) -> Path:
    """One force's police extracts: enough to load, quick to load."""
    return sorted((extracts / "police").iterdir())[0]


def _load(paths: list[Path], warehouse: Path, output: Path) -> Provenance:
    ingest(Delivery.find(paths), warehouse=warehouse, key=KEY, output=output)
    with Engine.open(warehouse, read_only=True) as engine:
        return release_provenance(engine)


def _as_supplied(synthetic: Path, into: Path) -> Path:
    """The same extract files, copied without the generator's manifest (an agency's own)."""
    copy = shutil.copytree(synthetic / "extracts", into / "extracts")
    (copy / MANIFEST_NAME).unlink()
    return copy


def test_a_warehouse_loaded_from_synth_output_says_synthetic(synthetic: Path,
                                                            tmp_path: Path) -> None:
    provenance = _load([_police(synthetic / "extracts")], tmp_path / "w.duckdb", tmp_path)
    assert provenance.kind == "synthetic" and provenance.supplied_files == 0
    assert provenance.synthetic_files == 5  # a force's five police entities
    assert provenance.sentence == SENTENCES["synthetic"]
    with Engine.open(tmp_path / "w.duckdb", read_only=True) as engine:
        assert {r["provenance"] for r in engine.rows("SELECT provenance FROM ops.files")} == {
            "synth"}


def test_the_same_files_without_the_marker_are_supplied(synthetic: Path,
                                                       tmp_path: Path) -> None:
    supplied = _as_supplied(synthetic, tmp_path)
    provenance = _load([_police(supplied)], tmp_path / "w.duckdb", tmp_path)
    assert provenance.kind == "supplied" and provenance.synthetic_files == 0
    assert "synthetic" not in provenance.sentence.lower()
    assert "supplied by agencies" in provenance.sentence


def test_an_edited_synthetic_file_is_supplied_and_the_release_mixed(synthetic: Path,
                                                                   tmp_path: Path) -> None:
    """A file changed after generation is no longer the generator's: its hash says so."""
    copy = shutil.copytree(synthetic / "extracts", tmp_path / "extracts")
    force = _police(copy)
    offence = force / "offence.csv"
    offence.write_text(offence.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    provenance = _load([force], tmp_path / "w.duckdb", tmp_path)
    assert (provenance.synthetic_files, provenance.supplied_files) == (4, 1)
    assert provenance.kind == "mixed"
    assert provenance.sentence.startswith("Includes data supplied by agencies")


def test_cin_census_returns_carry_the_marker_too(synthetic: Path, tmp_path: Path) -> None:
    returns = sorted((synthetic / "cin_census").glob("*.xml"))[:1]
    provenance = _load(returns, tmp_path / "w.duckdb", tmp_path)
    assert provenance.kind == "synthetic" and provenance.synthetic_files == 1


def test_the_audit_banner_comes_from_the_record(synthetic: Path, tmp_path: Path) -> None:
    """The same figures, loaded as synth output and as supplied files: only the first says
    synthetic, in the banner and in the footer."""
    banners = {}
    for name, extracts in (("synth", synthetic / "extracts"),
                           ("supplied", _as_supplied(synthetic, tmp_path))):
        warehouse = tmp_path / f"{name}.duckdb"
        _load([_police(extracts)], warehouse, tmp_path)
        with Engine.open(warehouse, read_only=True) as engine:
            html = render_report(run_audit(engine),
                                 provenance=release_provenance(engine).sentence)
        banners[name] = html
    assert SENTENCES["synthetic"] in banners["synth"]
    assert SENTENCES["supplied"] in banners["supplied"]
    assert "ynthetic" not in banners["supplied"]


def test_a_warehouse_from_before_provenance_counts_as_supplied(tmp_path: Path) -> None:
    """An old warehouse's files have no recorded origin; ingest migrates the table and the
    release does not claim they were synthetic."""
    warehouse = tmp_path / "old.duckdb"
    with Engine.open(warehouse) as engine:
        engine.execute("CREATE SCHEMA ops")
        engine.execute("CREATE TABLE ops.files (batch_id INTEGER, path VARCHAR, "
                       "sha256 VARCHAR, entity VARCHAR, rows_in BIGINT, rows_loaded BIGINT, "
                       "rows_rejected BIGINT)")
        engine.execute("INSERT INTO ops.files VALUES (1, 'offence.csv', 'abc', 'offence', "
                       "1, 1, 0)")
        before = release_provenance(engine)
        prepare_warehouse(engine, KEY)
        after = release_provenance(engine)
    assert before == after == Provenance(0, 0, 1)
    assert after.kind == "supplied"
    assert after.sentence.endswith("1 file was loaded before Tessera recorded provenance and "
                                   "counted as supplied.")


def test_an_empty_warehouse_says_nothing_is_loaded() -> None:
    with Engine.open(None) as engine:
        assert release_provenance(engine).sentence == SENTENCES["empty"]
