"""The one way back from a pseudonymous id to the records behind it, on a real warehouse."""

from __future__ import annotations

from pathlib import Path

import pytest

from tessera.errors import WarehouseError
from tessera.sources.delivery import Delivery
from tessera.warehouse.engine import Engine
from tessera.warehouse.identity import identity_of
from tessera.warehouse.loading import ingest
from tessera.warehouse.pseudonym import PseudonymKey


@pytest.fixture
def warehouse(tmp_path: Path, small_extract: Path, key: PseudonymKey) -> Path:
    path = tmp_path / "w.duckdb"
    ingest(Delivery.find([small_extract]), warehouse=path, key=key, output=tmp_path / "o")
    return path


def _record_key(engine: Engine, given_name: str) -> str:
    return str(engine.scalar("SELECT record_key FROM identity.person_record "
                             "WHERE given_name = $g", {"g": given_name}))


def test_a_node_before_linkage_is_its_one_record_with_the_forces_it_is_known_in(
        warehouse: Path) -> None:
    with Engine.open(warehouse, read_only=True) as engine:
        bob = identity_of(engine, "N-" + _record_key(engine, "Bob"))
    (record,) = bob.records
    assert (record.agency_code, record.source_record_id, record.given_name,
            record.family_name, str(record.date_of_birth), record.postcode) == (
        "west-yorkshire", "P2", "Bob", "Jones", "1983-07-09", "LS6 1AB")
    assert bob.areas == {"west-yorkshire"}


def test_a_linked_person_id_gives_every_record_linked_to_it(warehouse: Path) -> None:
    """Linkage's output names two records one person: both come back, in agency order."""
    with Engine.open(warehouse) as engine:
        amy, bob = _record_key(engine, "Amy"), _record_key(engine, "Bob")
        engine.execute("INSERT INTO analysis.person_link (record_key, agency_code, linked_id, "
                       "person_id) VALUES ($a, 'west-yorkshire', 'L1', 'P-L1'), "
                       "($b, 'west-yorkshire', 'L1', 'P-L1')", {"a": amy, "b": bob})
    with Engine.open(warehouse, read_only=True) as engine:
        person = identity_of(engine, "P-L1")
        node = identity_of(engine, "N-L1")
    assert [r.source_record_id for r in person.records] == ["P1", "P2"]
    assert node.records == person.records


def test_an_unknown_identifier_is_named_in_the_error(warehouse: Path) -> None:
    with Engine.open(warehouse, read_only=True) as engine, \
            pytest.raises(WarehouseError, match="'P-nobody'"):
        identity_of(engine, "P-nobody")
