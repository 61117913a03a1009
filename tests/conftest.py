"""Shared fixtures: a small, valid police extract built in code, and a warehouse to load it.

Why hand-built rows and not the generator here: rule tests change one field of one valid row
and expect exactly one rejection, which needs rows whose every other value is known good.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

import pytest

from tessera.dataset import entity
from tessera.warehouse.pseudonym import PseudonymKey

EXTRACTED = "2024-01-15T06:00:00"
FORCE = "west-yorkshire"


def person(rid: str, **values: str) -> dict[str, str]:
    """A valid person record of the test force; keyword arguments override fields."""
    row = {"agency_code": FORCE, "source_record_id": rid, "extracted_at": EXTRACTED,
           "given_name": "Amy", "family_name": "Smith", "date_of_birth": "2010-03-04",
           "sex": "F", "nhs_number": "9434765919", "upn": "Q383200101001",
           "postcode": "LS6 1AB", "ethnicity": "W1", "ethnicity_source": "self_defined",
           "disability": "false", "nationality": "GBR"}
    return {**row, **values}


def offence(ref: str, **values: str) -> dict[str, str]:
    """A valid offence of the test force; keyword arguments override fields."""
    row = {"agency_code": FORCE, "source_record_id": "O-" + ref, "extracted_at": EXTRACTED,
           "force_code": FORCE, "crime_ref": ref, "recorded_date": "2023-05-01",
           "committed_from": "2023-04-01", "committed_to": "2023-04-30",
           "ho_offence_code": "19D", "cse_flag": "true", "online_flag": "false",
           "setting": "group", "location_type": "hotel", "lsoa": "E01011365",
           "outcome_type": "15", "outcome_date": "2023-09-01", "investigation_status": "closed"}
    return {**row, **values}


def party(rid: str, crime_ref: str, person_id: str, **values: str) -> dict[str, str]:
    """A valid offence party (a victim unless overridden)."""
    row = {"agency_code": FORCE, "source_record_id": rid, "extracted_at": EXTRACTED,
           "crime_ref": crime_ref, "person_record_id": person_id, "role": "victim",
           "age_at_offence": "13", "relationship_to_victim": ""}
    return {**row, **values}


def write_extract(path: Path, entity_name: str, rows: list[dict[str, str]]) -> Path:
    """Write rows as a core-dataset CSV with the entity's full header."""
    path.parent.mkdir(parents=True, exist_ok=True)
    columns = entity(entity_name).column_names
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, restval="")
        writer.writeheader()
        writer.writerows(rows)
    return path


@pytest.fixture
def key() -> PseudonymKey:
    """A fixed pseudonymisation key, so tests can recompute keyed hashes."""
    return PseudonymKey.from_secret(b"test-secret-not-for-production")


@pytest.fixture
def small_extract(tmp_path: Path) -> Path:
    """A folder with one valid police extract: 3 people, 2 offences, 4 parties."""
    folder = tmp_path / "extract"
    write_extract(folder / "person_record.csv", "person_record", [
        person("P1"), person("P2", given_name="Bob", family_name="Jones", sex="M",
                            date_of_birth="1983-07-09", nhs_number="", upn="",
                            ethnicity="A2"),
        person("P3", given_name="", family_name="", date_of_birth="", sex="U",
               nhs_number="", upn="", postcode="", ethnicity="", ethnicity_source="",
               nationality="")])
    write_extract(folder / "offence.csv", "offence", [offence("13/1/23"), offence("13/2/23")])
    write_extract(folder / "offence_party.csv", "offence_party", [
        party("X1", "13/1/23", "P1"),
        party("X2", "13/1/23", "P2", role="suspect", age_at_offence="39",
              relationship_to_victim="acquaintance"),
        party("X3", "13/1/23", "P3", role="suspect", age_at_offence="",
              relationship_to_victim="acquaintance"),
        party("X4", "13/2/23", "P1")])
    return folder


@pytest.fixture
def run_cli() -> Callable[..., object]:
    """Run `python -m tessera` in a subprocess, as a user would, capturing its output."""
    import subprocess
    import sys

    def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "tessera", *args], capture_output=True,
                              text=True, env=env, timeout=600, check=False)

    return run
