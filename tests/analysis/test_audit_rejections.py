"""Rows rejected at ingest, and the offences of each category placed without one."""

from __future__ import annotations

from pathlib import Path

from tessera.analysis.audit import run_audit
from tessera.sources.delivery import Delivery
from tessera.warehouse.engine import Engine
from tessera.warehouse.loading import ingest
from tessera.warehouse.pseudonym import PseudonymKey
from tests.conftest import offence, party, person, write_extract


def test_rejected_rows_and_the_offences_that_lost_one(tmp_path: Path, small_extract: Path,
                                                      key: PseudonymKey) -> None:
    """A CSE offence with two suspects, one of whose party rows breaks a rule: it is placed as
    single perpetrator without that row, and the audit says so; a person record with a bad
    sex code is rejected too, and with it the party row that points at it."""
    folder = small_extract
    write_extract(folder / "offence.csv", "offence", [offence("13/1/23"), offence("13/2/23")])
    write_extract(folder / "person_record.csv", "person_record", [
        person("P1"), person("P2", sex="M"), person("P3", sex="M"), person("P4", sex="Q")])
    write_extract(folder / "offence_party.csv", "offence_party", [
        party("X1", "13/1/23", "P1"),
        party("X2", "13/1/23", "P2", role="suspect", age_at_offence="39"),
        party("X3", "13/1/23", "P3", role="suspect", age_at_offence="thirty"),
        party("X4", "13/2/23", "P1"),
        party("X5", "13/2/23", "P4", role="suspect", age_at_offence="30")])
    ingest(Delivery.find([folder]), warehouse=tmp_path / "w.duckdb", key=key,
           output=tmp_path / "o")

    with Engine.open(tmp_path / "w.duckdb", read_only=True) as engine:
        result = run_audit(engine)
    rejected = {r["entity"]: (r["rows_in"], r["rows_rejected"])
                for r in result.tables["rejected_rows"].records()}
    assert rejected == {"offence": (2, 0), "offence_party": (5, 2), "person_record": (4, 1),
                        "party_demographics": (0, 0)}
    lost = {r["category_code"]: (r["offences"], r["lost_related"])
            for r in result.tables["rejected_related"].records()}
    assert lost["csa_offences"] == (2, 2)
    assert lost["single_perpetrator"] == (2, 2)  # 13/1/23 lost its second suspect
    assert lost["group_based_cse"] == (0, 0)
