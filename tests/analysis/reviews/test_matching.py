"""Matching review requests to closed offences: the analysis query on a real DuckDB warehouse
built from the shared small extract, and `tessera reviews match` end to end (the read log,
the matches in the casework store, and clean refusals)."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from tessera.analysis.reviews import find_closed_cases
from tessera.casework.models import ReadLogEntry, ReviewMatch
from tessera.casework.reviews import submit_request
from tessera.casework.signing import Signer
from tessera.casework.store import Casework
from tessera.sources.delivery import Delivery
from tessera.warehouse.engine import Engine
from tessera.warehouse.loading import ingest
from tessera.warehouse.pseudonym import PseudonymKey
from tests.casework.populate import PASSWORD
from tests.casework.review_fixture import add_caseworker, review_input
from tests.conftest import offence, party, person, write_extract


@pytest.fixture
def warehouse(tmp_path: Path, key: PseudonymKey) -> Path:
    """Amy Smith (born 4 March 2010) is the victim of two closed offences: 13/1/23 (no
    further action, two suspects) and 13/2/23 (charged); 13/3/23 is someone else's."""
    folder = tmp_path / "extract"
    write_extract(folder / "person_record.csv", "person_record", [
        person("P1"), person("P2", given_name="Bob", family_name="Jones", sex="M",
                             date_of_birth="1983-07-09", nhs_number="", upn=""),
        person("P4", given_name="Cara", family_name="Lee", date_of_birth="2009-01-01",
               nhs_number="", upn="")])
    write_extract(folder / "offence.csv", "offence", [
        offence("13/1/23"), offence("13/2/23", outcome_type="1"), offence("13/3/23")])
    write_extract(folder / "offence_party.csv", "offence_party", [
        party("X1", "13/1/23", "P1"),
        party("X2", "13/1/23", "P2", role="suspect", age_at_offence="39",
              relationship_to_victim="acquaintance"),
        party("X4", "13/2/23", "P1"), party("X5", "13/3/23", "P4")])
    path = tmp_path / "w.duckdb"
    ingest(Delivery.find([folder]), warehouse=path, key=key, output=tmp_path / "out")
    return path


def _identity(**overrides: Any) -> dict[str, Any]:
    return {"reference": "TSV-0000000000", "given_name": " amy", "family_name": "SMITH",
            "date_of_birth": date(2010, 3, 4), "crime_reference": None, "force_code": None,
            **overrides}


def test_name_and_date_of_birth_find_the_persons_closed_offences(warehouse: Path) -> None:
    """Both of Amy's offences, not Cara's, with her age at the time and the outcome group."""
    with Engine.open(warehouse, read_only=True) as engine:
        (rows,) = find_closed_cases(engine, [_identity()]).values()
    assert [(r["crime_reference"], r["outcome_group"], r["victim_age"], r["basis"])
            for r in rows] == [("13/1/23", "evidential_difficulties", 13, "linked_identity"),
                               ("13/2/23", "charge_summons", 13, "linked_identity")]


def test_a_crime_reference_finds_its_offence_in_the_named_force_only(warehouse: Path) -> None:
    """A reference alone finds the case (victim age unknown); in another force, nothing."""
    with Engine.open(warehouse, read_only=True) as engine:
        found = find_closed_cases(engine, [
            _identity(reference="A", given_name="Nobody", crime_reference="13/3/23 ",
                      force_code="west-yorkshire"),
            _identity(reference="B", given_name="Nobody", crime_reference="13/3/23",
                      force_code="cleveland"),
            _identity(reference="C", crime_reference="13/1/23")])
    assert [(r["crime_reference"], r["basis"], r["victim_age"]) for r in found["A"]] == [
        ("13/3/23", "crime_reference", None)]
    assert found["B"] == []
    assert {r["crime_reference"]: r["basis"] for r in found["C"]} == {
        "13/1/23": "both", "13/2/23": "linked_identity"}


@pytest.mark.slow
def test_the_match_command_logs_each_look_up_and_keeps_the_matches(
        warehouse: Path, tmp_path: Path, run_cli: Callable[..., Any]) -> None:
    """`tessera reviews match` as a review caseworker: the request's reads are logged with the
    reason, the matches are in the store; a wrong password exits non-zero with one line.
    Slow: three runs of the command, each signing in with real argon2 parameters."""
    url = f"sqlite:///{tmp_path / 'casework.db'}"
    key_file = tmp_path / "keys" / "signing.key"
    store = Casework.open(url, Signer.from_file(key_file))
    with store.session() as session:
        add_caseworker(session)
        reference = submit_request(session, review_input()).reference
    store.close()
    password = tmp_path / "password"
    password.write_text(PASSWORD, encoding="utf-8")
    env = {**os.environ, "TESSERA_CASEWORK_URL": url, "TESSERA_SIGNING_KEY_FILE": str(key_file),
           "COLUMNS": "200", "PYTHONPATH": os.pathsep.join(sys.path)}
    args = ("reviews", "match", "--warehouse", str(warehouse), "--password-file",
            str(password), "--purpose", "matching new requests")
    done = run_cli(*args, "--user", "panel-caseworker", env=env)
    assert done.returncode == 0, done.stderr
    assert reference in done.stdout
    store = Casework.open(url, Signer.from_file(key_file))
    with store.reading() as session:
        matches = session.scalars(select(ReviewMatch)).all()
        reads = session.scalars(select(ReadLogEntry)).all()
    store.close()
    assert sorted(m.crime_reference for m in matches) == ["13/1/23", "13/2/23"]
    assert [(r.actor, r.record_id, r.purpose) for r in reads] == [
        ("panel-caseworker", reference, "matching new requests")]
    again = run_cli(*args, "--user", "panel-caseworker", env=env)
    assert again.returncode == 0 and " 0 " in again.stdout  # nothing new the second time
    refused = run_cli(*args, "--user", "nobody", env=env)
    assert refused.returncode != 0 and "username or password is not right" in refused.stderr
    assert "Traceback" not in refused.stderr
