"""Who a pseudonymous identifier is: the identity-zone records behind a person_id, child_id
or network node (or the crime reference behind an offence of a network export), and the
areas whose records hold them.

Why here and nowhere else: every product (the audit, networks, the look-again list) names
people only by pseudonymous ids, and an analyst who must act on one needs the agency's own
record and the name on it. This is the one query that crosses from those ids back into the
identity zone; the command that runs it first checks the reader's role and area and writes
the read to the casework read log (`casework/identity_reads.py`), so no one resolves a
name unseen.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from tessera.errors import WarehouseError
from tessera.warehouse.engine import Engine

PERSON_RECORDS_SQL = """
WITH person AS (
    SELECT pr.record_key, pr.agency_code
    FROM analysis.person_record AS pr
    LEFT JOIN analysis.person_link AS l ON l.record_key = pr.record_key
    WHERE l.person_id = $identifier OR l.child_id = $identifier
       OR 'N-' || coalesce(l.linked_id, pr.record_key) = $identifier
)
SELECT p.record_key, p.agency_code, i.source_record_id, i.given_name, i.family_name,
       i.date_of_birth, i.postcode
FROM person AS p
JOIN identity.person_record AS i ON i.record_key = p.record_key
ORDER BY p.agency_code, i.source_record_id
"""
"""Every record of the person an identifier names: a `P-` person_id or `C-` child_id from
linkage, or an `N-` node of the network graph (a linked person, or one record before
linkage)."""

OFFENCE_PREFIX = "X-"
"""An offence as network exports name it: `X-<offence key>`, its pseudonymous record key."""

OFFENCE_RECORD_SQL = """
SELECT o.record_key, o.force_code AS agency_code, i.source_record_id, i.crime_ref
FROM analysis.offence AS o
JOIN identity.offence AS i ON i.record_key = o.record_key
WHERE o.record_key = $key
"""
"""The force's record of the offence an `X-` identifier names, with its crime reference."""

PERSON_AREAS_SQL = """
SELECT DISTINCT o.force_code AS area
FROM analysis.offence_party AS op
JOIN analysis.offence AS o ON o.record_key = op.crime_ref_key
WHERE op.person_record_id_key IN (SELECT unnest($record_keys))
UNION
SELECT DISTINCT agency_code AS area
FROM analysis.person_record
WHERE record_key IN (SELECT unnest($record_keys))
ORDER BY area
"""
"""The areas a person is known in: the forces of the offences they are a party to, and the
agencies (a force, a local authority) holding a record of them."""


@dataclass(frozen=True)
class IdentityRecord:
    """One agency's record of the person (or the force's of the offence: its crime
    reference), as the identity zone holds it."""

    agency_code: str
    source_record_id: str
    given_name: str | None
    family_name: str | None
    date_of_birth: date | None
    postcode: str | None
    crime_ref: str | None = None


@dataclass(frozen=True)
class Identity:
    """The records behind one pseudonymous identifier and the areas they come from."""

    identifier: str
    records: tuple[IdentityRecord, ...]
    areas: frozenset[str]


def identity_of(engine: Engine, identifier: str) -> Identity:
    """The identity-zone records of the person `identifier` names, with their areas.

    Read this only after the reader's right to it is checked and logged. Raises
    `WarehouseError` naming the identifier when no record has it.
    """
    if identifier.startswith(OFFENCE_PREFIX):
        return _offence(engine, identifier)
    if not engine.table_exists("analysis", "person_link"):
        raise WarehouseError("the warehouse has no person records; run 'tessera ingest' first")
    rows = engine.rows(PERSON_RECORDS_SQL, {"identifier": identifier})
    if not rows:
        raise WarehouseError(f"no person has the identifier {identifier!r} in the warehouse "
                             "(a person_id P-..., child_id C-..., network node N-... or "
                             "offence X-...)")
    keys = [row["record_key"] for row in rows]
    areas = frozenset(row["area"] for row in engine.rows(PERSON_AREAS_SQL,
                                                         {"record_keys": keys}))
    return Identity(identifier, tuple(
        IdentityRecord(row["agency_code"], row["source_record_id"], row["given_name"],
                       row["family_name"], row["date_of_birth"], row["postcode"])
        for row in rows), areas)


def _offence(engine: Engine, identifier: str) -> Identity:
    """The crime reference behind an offence of a network export; its area is its force."""
    if not engine.table_exists("identity", "offence"):
        raise WarehouseError("the warehouse has no offences; run 'tessera ingest' first")
    rows = engine.rows(OFFENCE_RECORD_SQL, {"key": identifier.removeprefix(OFFENCE_PREFIX)})
    if not rows:
        raise WarehouseError(f"no offence has the identifier {identifier!r} in the warehouse")
    (row,) = rows
    return Identity(identifier, (IdentityRecord(row["agency_code"], row["source_record_id"],
                                                None, None, None, None, row["crime_ref"]),),
                    frozenset({row["agency_code"]}))
