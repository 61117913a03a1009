"""The entry point: files, layout, determinism, formats and the summary it returns."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from tessera.dataset import entity
from tessera.dataset.manifest import MANIFEST_NAME
from tessera.errors import ConfigurationError
from tessera.synth import SynthSummary, generate
from tessera.synth.writer import KIND_ENTITIES

from .conftest import Sql


def _digests(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_same_seed_gives_identical_files(tmp_path: Path) -> None:
    """Reproducibility is the contract: a test or a demo must get the same files back."""
    first = generate(tmp_path / "a", scale=0.01, seed=11)
    second = generate(tmp_path / "b", scale=0.01, seed=11)
    other = generate(tmp_path / "c", scale=0.01, seed=12)
    assert _digests(tmp_path / "a") == _digests(tmp_path / "b")
    assert _digests(tmp_path / "a") != _digests(tmp_path / "c")
    assert first == SynthSummary(**{**second.__dict__, "extracts": first.extracts,
                                    "ground_truth": first.ground_truth,
                                    "census": first.census})
    assert other.offences == first.offences


def test_every_file_has_its_entity_header_and_folder(clean: SynthSummary) -> None:
    """Loaders match columns by the definition: each file's header must be exactly its
    entity's column_names, and each agency folder must hold its kind's files."""
    folders = [p for p in clean.extracts.glob("*/*") if p.is_dir()]
    assert len(folders) > 400
    for folder in folders:
        kind = folder.parent.name
        assert sorted(p.stem for p in folder.iterdir()) == sorted(KIND_ENTITIES[kind])
        for path in folder.iterdir():
            header = path.read_text(encoding="utf-8").split("\n", 1)[0]
            assert tuple(header.split(",")) == entity(path.stem).column_names, path


def test_agency_code_is_the_folder_name(db: Sql) -> None:
    """The folder says who sent a file; every row must say the same."""
    for name in ("person_record", "offence", "offence_party", "party_demographics",
                 "referral", "contact", "association"):
        wrong = db.one(f"SELECT count(*) FROM {name} WHERE agency_code <> _folder")
        assert wrong == (0,), name


def test_summary_matches_the_files(clean: SynthSummary, db: Sql) -> None:
    """The CLI prints the summary, so its counts must be the files' counts."""
    for name, rows in clean.rows.items():
        assert db.one(f"SELECT count(*) FROM {name}") == (rows,)
    assert clean.offences == clean.rows["offence"]
    assert clean.bad_rows == 0
    assert sum(clean.categories.values()) == clean.offences
    assert clean.files == sum(1 for p in clean.extracts.rglob("*.csv"))
    assert (clean.ground_truth / "README.md").read_text().startswith("# Ground truth: never")


def test_the_manifest_marks_every_file_written_as_synthetic(clean: SynthSummary) -> None:
    """Ingest records a file as made by tessera synth only if its folder's manifest lists it
    with its bytes: every extract and CIN return is listed, and nothing else."""
    for folder in (clean.extracts, clean.census):
        manifest = json.loads((folder / MANIFEST_NAME).read_text(encoding="utf-8"))
        assert manifest["made_by"] == "tessera synth"
        written = {k: v for k, v in _digests(folder).items() if k != MANIFEST_NAME}
        assert manifest["files"] == {Path(k).as_posix(): v for k, v in written.items()}
    assert not (clean.ground_truth / MANIFEST_NAME).exists()


def test_parquet_has_the_same_rows_as_text_columns(tmp_path: Path) -> None:
    """Parquet extracts carry every column as text, like CSV, and the same rows."""
    as_parquet = generate(tmp_path / "p", scale=0.01, seed=5, file_format="parquet")
    as_csv = generate(tmp_path / "c", scale=0.01, seed=5)
    assert as_parquet.rows == as_csv.rows
    table = pq.read_table(as_parquet.extracts / "police" / "metropolitan" / "offence.parquet")
    assert table.column_names == list(entity("offence").column_names)
    assert {str(t) for t in table.schema.types} == {"string"}
    assert not list(as_parquet.extracts.rglob("*.csv"))


def test_progress_runs_from_zero_to_done(tmp_path: Path) -> None:
    """The CLI draws a bar from these calls, so fractions must rise and finish at 1."""
    calls: list[tuple[str, float]] = []
    generate(tmp_path, scale=0.005, seed=1, progress=lambda step, done: calls.append(
        (step, done)))
    fractions = [f for _, f in calls]
    assert fractions == sorted(fractions)
    assert fractions[0] == 0.0 and fractions[-1] == 1.0


@pytest.mark.parametrize(("arguments", "message"), [
    ({"scale": 0}, "scale"),
    ({"years": 0}, "years"),
    ({"bad_share": 0.9}, "bad_share"),
    ({"file_format": "xlsx"}, "format"),
])
def test_impossible_arguments_are_refused(tmp_path: Path, arguments: dict[str, object],
                                          message: str) -> None:
    """A clear error beats a half-written folder."""
    with pytest.raises(ConfigurationError, match=message):
        generate(tmp_path, **arguments)
    assert not (tmp_path / "extracts").exists()


def test_an_occupied_extracts_folder_is_refused(tmp_path: Path) -> None:
    """Writing over an earlier set would mix two deliveries in one folder; it is refused."""
    generate(tmp_path, scale=0.002, seed=1)
    with pytest.raises(ConfigurationError, match="extracts already holds files"):
        generate(tmp_path, scale=0.002, seed=2, file_format="parquet")


def test_census_returns_left_from_an_earlier_run_are_refused(tmp_path: Path) -> None:
    """An authority with no referrals this time would keep last run's return; refused."""
    (tmp_path / "cin_census").mkdir()
    (tmp_path / "cin_census" / "E06000001.xml").write_text("<Message/>")
    with pytest.raises(ConfigurationError, match="cin_census already holds files"):
        generate(tmp_path, scale=0.002, seed=1)
    assert not (tmp_path / "extracts").exists()
