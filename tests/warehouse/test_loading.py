"""Loading promises: accounting, idempotency, atomicity, replacement and pseudonymisation."""

from __future__ import annotations

import hashlib
import hmac
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tessera.errors import UnreadableFileError, WarehouseError
from tessera.sources.delivery import Delivery
from tessera.warehouse.engine import Engine
from tessera.warehouse.loading import ingest
from tessera.warehouse.pseudonym import PseudonymKey
from tests.conftest import offence, write_extract

SECRET = b"test-secret-not-for-production"


def snapshot(warehouse: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table in every zone, sorted: what 'unchanged' is checked against."""
    with Engine.open(warehouse, read_only=True) as engine:
        tables = engine.rows("SELECT table_schema, table_name FROM information_schema.tables "
                             "WHERE table_schema IN ('analysis', 'identity', 'ops')")
        return {f"{t['table_schema']}.{t['table_name']}": sorted(
            map(tuple, (r.values() for r in engine.rows(
                f'SELECT * FROM {t["table_schema"]}."{t["table_name"]}"'))), key=repr)
            for t in tables}


def test_accounting_and_counts(tmp_path: Path, small_extract: Path, key: PseudonymKey) -> None:
    """Every row of the small extract is loaded, and the result says so per file."""
    result = ingest(Delivery.find([small_extract]), warehouse=tmp_path / "w.duckdb", key=key,
                    output=tmp_path / "o")
    assert [(f.entity, f.rows_in, f.rows_loaded) for f in result.files] == [
        ("person_record", 3, 3), ("offence", 2, 2), ("offence_party", 4, 4)]
    assert result.rows_rejected == 0 and result.rejections_csv is None


def test_same_files_twice_change_nothing(tmp_path: Path, small_extract: Path,
                                         key: PseudonymKey) -> None:
    """Loading the same files again leaves every table exactly as it was."""
    warehouse = tmp_path / "w.duckdb"
    ingest(Delivery.find([small_extract]), warehouse=warehouse, key=key, output=tmp_path / "o")
    before = snapshot(warehouse)
    again = ingest(Delivery.find([small_extract]), warehouse=warehouse, key=key,
                   output=tmp_path / "o")
    assert all(f.already_loaded_in == 1 for f in again.files)
    assert snapshot(warehouse) == before


def test_newer_extract_replaces_rows_with_the_same_key(tmp_path: Path, small_extract: Path,
                                                       key: PseudonymKey) -> None:
    """A re-sent offence with a new outcome replaces the old row rather than duplicating it."""
    warehouse = tmp_path / "w.duckdb"
    ingest(Delivery.find([small_extract]), warehouse=warehouse, key=key, output=tmp_path / "o")
    update = write_extract(tmp_path / "later" / "offence.csv", "offence", [
        offence("13/1/23", outcome_type="1", extracted_at="2024-02-01T06:00:00")])
    ingest(Delivery.find([update]), warehouse=warehouse, key=key, output=tmp_path / "o")
    with Engine.open(warehouse, read_only=True) as engine:
        outcomes = engine.rows("SELECT outcome_type, count(*) AS n FROM analysis.offence "
                               "GROUP BY ALL ORDER BY 1")
    assert outcomes == [{"outcome_type": "1", "n": 1}, {"outcome_type": "15", "n": 1}]


def test_a_batch_killed_midway_leaves_the_warehouse_unchanged(
        tmp_path: Path, small_extract: Path, key: PseudonymKey) -> None:
    """SIGKILL in the middle of a batch (after two files were written inside it) loses the
    whole batch and nothing else: the warehouse is exactly as the previous batch left it."""
    warehouse = tmp_path / "w.duckdb"
    first = write_extract(tmp_path / "first" / "offence.csv", "offence", [offence("13/9/22")])
    ingest(Delivery.find([first]), warehouse=warehouse, key=key, output=tmp_path / "o")
    before = snapshot(warehouse)
    script = textwrap.dedent(f"""
        import os, signal
        from pathlib import Path
        from tessera.sources.delivery import Delivery
        from tessera.warehouse.loading import ingest
        from tessera.warehouse.pseudonym import PseudonymKey

        def die_at_third_file(step, done, total):
            if done == 2:
                os.kill(os.getpid(), signal.SIGKILL)

        ingest(Delivery.find([Path({str(small_extract)!r})]),
               warehouse=Path({str(warehouse)!r}), key=PseudonymKey.from_secret({SECRET!r}),
               output=Path({str(tmp_path)!r}), progress=die_at_third_file)
    """)
    killed = subprocess.run([sys.executable, "-c", script], capture_output=True, check=False)
    assert killed.returncode == -9, killed.stderr.decode()
    assert snapshot(warehouse) == before


def test_an_unreadable_later_file_loses_the_whole_batch(
        tmp_path: Path, small_extract: Path, key: PseudonymKey) -> None:
    """The next entity's files are read while this one loads: a broken party file, found
    after the people and offences were written inside the batch, still loses all of it."""
    warehouse = tmp_path / "w.duckdb"
    first = write_extract(tmp_path / "first" / "offence.csv", "offence", [offence("13/9/22")])
    ingest(Delivery.find([first]), warehouse=warehouse, key=key, output=tmp_path / "o")
    before = snapshot(warehouse)
    (small_extract / "offence_party.csv").write_bytes(b"PK\x03\x04 a workbook")
    steps: list[str] = []

    with pytest.raises(UnreadableFileError, match=r"offence_party\.csv: not a CSV file"):
        ingest(Delivery.find([small_extract]), warehouse=warehouse, key=key,
               output=tmp_path / "o", progress=lambda step, done, total: steps.append(step))

    assert steps == ["reading person_record.csv", "reading offence.csv"]
    assert snapshot(warehouse) == before


def test_ingest_does_not_import_pandas(tmp_path: Path, small_extract: Path) -> None:
    """A load, rejections and all, runs without importing pandas: the import alone costs
    a fifth of a bare read of a national delivery (see docs/ingest.md)."""
    write_extract(small_extract / "offence_more.csv", "offence",
                  [offence("13/3/23", recorded_date="2023-02-30")])
    script = textwrap.dedent(f"""
        import sys
        from pathlib import Path
        from tessera.sources.delivery import Delivery
        from tessera.warehouse.loading import ingest
        from tessera.warehouse.pseudonym import PseudonymKey

        result = ingest(Delivery.find([Path({str(small_extract)!r})]),
                        warehouse=Path({str(tmp_path / "w.duckdb")!r}),
                        key=PseudonymKey.from_secret({SECRET!r}), output=Path({str(tmp_path)!r}))
        print(result.rows_rejected, "pandas" in sys.modules)
    """)
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         check=True)
    assert run.stdout.split() == ["1", "False"]


def test_rejections_name_files_whose_paths_are_not_ascii(tmp_path: Path,
                                                        key: PseudonymKey) -> None:
    """File paths reach the staged rows byte for byte, whatever their script: each rejection
    names its own file."""
    paths = [write_extract(tmp_path / "Ynys Môn" / "offence_ĉ.csv", "offence",
                           [offence("13/1/23"), offence("13/2/23", recorded_date="2023-02-30")]),
             write_extract(tmp_path / "Ynys Môn" / "offence_z.csv", "offence",
                           [offence("13/3/23", recorded_date="2023-02-31")])]
    result = ingest(Delivery.find([tmp_path / "Ynys Môn"]), warehouse=tmp_path / "w.duckdb",
                    key=key, output=tmp_path / "o")
    assert sorted((r["file"], r["row"]) for r in result.first_rejections) == sorted(
        [(str(paths[0]), 2), (str(paths[1]), 1)])


def test_direct_identifiers_stay_in_the_identity_zone(tmp_path: Path, small_extract: Path,
                                                      key: PseudonymKey) -> None:
    """Names, dates of birth, NHS numbers and postcodes appear nowhere in the analysis zone;
    identifiers there are HMAC-SHA256 keys that Python's hmac reproduces with the secret."""
    warehouse = tmp_path / "w.duckdb"
    ingest(Delivery.find([small_extract]), warehouse=warehouse, key=key, output=tmp_path / "o")
    with Engine.open(warehouse, read_only=True) as engine:
        columns = {r["column_name"] for r in engine.rows(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = "
            "'analysis' AND table_name = 'person_record'")}
        analysis_text = repr(engine.rows("SELECT * FROM analysis.person_record"))
        nhs_key = engine.scalar("SELECT nhs_number_key FROM analysis.person_record "
                                "WHERE nhs_number_key IS NOT NULL")
        identity = engine.rows("SELECT given_name, nhs_number FROM identity.person_record "
                               "WHERE nhs_number IS NOT NULL")
    assert not columns & {"given_name", "family_name", "date_of_birth", "postcode",
                          "nhs_number", "upn"}
    for value in ("Amy", "Smith", "9434765919", "LS6 1AB", "2010-03-04"):
        assert value not in analysis_text
    assert identity == [{"given_name": "Amy", "nhs_number": "9434765919"}]
    expected = hmac.new(SECRET, b"nhs_number|9434765919", hashlib.sha256).hexdigest()
    assert nhs_key == expected[:32]


def test_police_ethnicity_codes_are_mapped_to_ons_2021(tmp_path: Path, small_extract: Path,
                                                       key: PseudonymKey) -> None:
    """Police send 18+1 codes (W1, A2); the warehouse holds the ONS 2021 codes (13, 4)."""
    warehouse = tmp_path / "w.duckdb"
    ingest(Delivery.find([small_extract]), warehouse=warehouse, key=key, output=tmp_path / "o")
    with Engine.open(warehouse, read_only=True) as engine:
        codes = engine.rows("SELECT DISTINCT ethnicity FROM analysis.person_record "
                            "WHERE ethnicity IS NOT NULL ORDER BY 1")
    assert [r["ethnicity"] for r in codes] == ["13", "4"]


def test_a_different_key_is_refused(tmp_path: Path, small_extract: Path,
                                    key: PseudonymKey) -> None:
    """Loading with another key would break every join silently, so it is an error."""
    warehouse = tmp_path / "w.duckdb"
    ingest(Delivery.find([small_extract]), warehouse=warehouse, key=key, output=tmp_path / "o")
    other = write_extract(tmp_path / "other" / "offence.csv", "offence", [offence("13/5/23")])
    with pytest.raises(WarehouseError, match="different key"):
        ingest(Delivery.find([other]), warehouse=warehouse,
               key=PseudonymKey.from_secret(b"another"), output=tmp_path / "o")
