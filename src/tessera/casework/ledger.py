"""The tamper-evident ledger: every report, decision and transfer, hash-chained.

Each entry holds the SHA-256 of its record's row (every column, canonical JSON) and the hash of
the previous entry; its own hash covers both. So a row edited in the database no longer matches
its latest entry, a deleted row leaves an entry with nothing behind it, and an edited entry
breaks its own hash or the next entry's link. Rewriting the whole chain to hide an edit is what
the signed checkpoints stop: every `CHECKPOINT_EVERY` entries the service signs the chain's
current hash with its Ed25519 key, which lives outside the database.

Appends are serialised on the single `ledger_head` row (SELECT ... FOR UPDATE on PostgreSQL;
SQLite transactions start with BEGIN IMMEDIATE, see store.py), in the same transaction as the
record, so the chain can neither fork nor record something that was rolled back.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from tessera.casework.canonical import canonical_json, sha256_hex
from tessera.casework.models import Decision, LedgerCheckpoint, LedgerEntry, LedgerHead, Report
from tessera.casework.receipts import ReceiptSigner, key_id, public_key, verify_signature

CHECKPOINT_EVERY = 64
"""Entries between signed checkpoints. Only the entries after the last checkpoint could be
rewritten, hashes and all, by someone with database rights but not the key; 64 keeps that
window to a fraction of a second of national intake, for one signature (about 50 µs) and one
small row per 64 entries."""
GENESIS_HASH = "0" * 64
"""The previous-entry hash of entry 1 (the migration seeds the head with it)."""

Ledgered = Report | Decision
_TABLES: dict[str, tuple[Table, str]] = {
    "reports": (Report.__table__, "reference"),  # type: ignore[dict-item]
    "decisions": (Decision.__table__, "id"),  # type: ignore[dict-item]
}
"""Each ledgered table and the column naming a record in its entries."""


@dataclass(frozen=True)
class LedgerCheck:
    """The result of `verify_ledger`: intact, or the first entry that does not match."""

    ok: bool
    entries: int
    first_bad: int | None
    """The sequence number of the first failing entry (None for a row with no entry at all)."""
    problem: str | None
    problems: tuple[str, ...] = ()
    """Every problem found, first first."""


def record_hash(table: str, row: Mapping[Any, Any]) -> str:
    """The SHA-256 of a row's every column, as the ledger records and re-checks it."""
    return sha256_hex({"table": table, "row": dict(row)})


def hold(session: Session) -> LedgerHead:
    """Lock the ledger head for this transaction: whoever holds it is the only appender."""
    head = session.scalars(select(LedgerHead).where(LedgerHead.id == 1).with_for_update()
                           .execution_options(populate_existing=True)).one()
    return head


def append(session: Session, record: Ledgered, *, kind: str, label: str,
           signer: ReceiptSigner | None) -> LedgerEntry:
    """Chain `record` (already added to the session) onto the ledger, in the same transaction.

    `kind` says what happened ("report", "decision", "transfer"); `label` names the record for
    people ("report TSR-..."). A checkpoint is signed when `signer` is given and
    `CHECKPOINT_EVERY` entries have passed since the last one.
    """
    head = hold(session)
    session.flush()
    table, name_column = _TABLES[record.__tablename__]
    row = {column.name: getattr(record, column.key) for column in table.columns}
    entry = LedgerEntry(seq=head.seq + 1, at=datetime.now(UTC), kind=kind, record_table=
                        record.__tablename__, record_id=str(row[name_column]), label=label,
                        record_sha256=record_hash(record.__tablename__, row),
                        prev_hash=head.entry_hash)
    entry.entry_hash = entry_hash(_entry_fields(entry))
    head.seq, head.entry_hash = entry.seq, entry.entry_hash
    session.add(entry)
    if signer is not None and entry.seq - head.checkpoint_seq >= CHECKPOINT_EVERY:
        session.add(_checkpoint(entry, signer))
        head.checkpoint_seq = entry.seq
    return entry


def _entry_fields(entry: LedgerEntry | Mapping[str, Any]) -> dict[str, Any]:
    names = ("seq", "at", "kind", "record_table", "record_id", "label", "record_sha256",
             "prev_hash")
    if isinstance(entry, LedgerEntry):
        return {name: getattr(entry, name) for name in names}
    return {name: entry[name] for name in names}


def entry_hash(fields: Mapping[str, Any]) -> str:
    """The hash of an entry: its every field but the hash itself, the previous hash included."""
    return sha256_hex(dict(fields))


def _checkpoint_payload(seq: int, entry_hash: str, signed_at: datetime, key: str) -> bytes:
    return canonical_json({"seq": seq, "entry_hash": entry_hash, "signed_at": signed_at,
                           "key_id": key})


def _checkpoint(entry: LedgerEntry, signer: ReceiptSigner) -> LedgerCheckpoint:
    signed_at = datetime.now(UTC)
    payload = _checkpoint_payload(entry.seq, entry.entry_hash, signed_at, signer.key_id)
    return LedgerCheckpoint(seq=entry.seq, entry_hash=entry.entry_hash, signed_at=signed_at,
                            key_id=signer.key_id, signature=signer.sign_bytes(payload))


def verify_ledger(session: Session, public_key_pem: str) -> LedgerCheck:
    """Recompute the chain, the checkpoints and every record's hash from the current rows.

    Rows are read with plain SQL, not through the session's objects, so what is checked is
    what the database holds now.
    """
    entries = [dict(row) for row in session.execute(
        select(LedgerEntry.__table__).order_by(LedgerEntry.seq)).mappings()]
    problems = _chain_problems(session, entries)
    problems += _checkpoint_problems(session, entries, public_key_pem)
    problems += _record_problems(session, entries)
    problems.sort(key=lambda p: (p[0] is None, p[0] or 0))
    if not problems:
        return LedgerCheck(True, len(entries), None, None)
    return LedgerCheck(False, len(entries), problems[0][0], problems[0][1],
                       tuple(message for _, message in problems))


Problem = tuple[int | None, str]


def _named(entry: Mapping[str, Any]) -> str:
    return f"entry {entry['seq']} ({entry['label']})"


def _chain_problems(session: Session, entries: list[dict[str, Any]]) -> list[Problem]:
    problems: list[Problem] = []
    previous, expected = GENESIS_HASH, 1
    for entry in entries:
        if entry["seq"] != expected:
            problems.append((expected, f"entry {expected} is missing: the chain is broken"))
        elif entry_hash(_entry_fields(entry)) != entry["entry_hash"]:
            problems.append((entry["seq"], f"{_named(entry)}: the ledger entry was altered"))
        elif entry["prev_hash"] != previous:
            problems.append((entry["seq"], f"{_named(entry)}: the chain is broken (it does not "
                             "follow the entry before it)"))
        previous, expected = entry["entry_hash"], entry["seq"] + 1
    head = session.execute(select(LedgerHead.seq, LedgerHead.entry_hash)).one()
    last_seq = entries[-1]["seq"] if entries else 0
    if head.seq > last_seq:
        problems.append((last_seq + 1, f"entries {last_seq + 1} to {head.seq} are missing: "
                         "the ledger was cut short"))
    elif head.seq < last_seq or head.entry_hash != previous:
        problems.append((head.seq + 1, f"the ledger head (entry {head.seq}) does not match "
                         f"the last entry ({last_seq}): the chain is broken"))
    return problems


def _checkpoint_problems(session: Session, entries: list[dict[str, Any]],
                         public_key_pem: str) -> list[Problem]:
    by_seq = {entry["seq"]: entry for entry in entries}
    expected_key = key_id(public_key(public_key_pem))
    problems: list[Problem] = []
    for cp in session.execute(select(LedgerCheckpoint.__table__)).mappings():
        payload = _checkpoint_payload(cp["seq"], cp["entry_hash"], cp["signed_at"], cp["key_id"])
        entry = by_seq.get(cp["seq"])
        if cp["key_id"] != expected_key or not verify_signature(public_key_pem, payload,
                                                                  cp["signature"]):
            problems.append((cp["seq"], f"the checkpoint at entry {cp['seq']} is not signed by "
                             f"this service's key ({expected_key})"))
        elif entry is None or entry["entry_hash"] != cp["entry_hash"]:
            name = _named(entry) if entry else f"entry {cp['seq']}"
            problems.append((cp["seq"], f"{name}: does not match its signed checkpoint: the "
                             "ledger was rewritten"))
    return problems


def _record_problems(session: Session, entries: list[dict[str, Any]]) -> list[Problem]:
    latest = {(e["record_table"], e["record_id"]): e for e in entries}
    problems: list[Problem] = []
    for name, (table, name_column) in _TABLES.items():
        for row in session.execute(select(table)).mappings():
            record_id = str(row[name_column])
            entry = latest.pop((name, record_id), None)
            if entry is None:
                problems.append((None, f"{name} row {record_id} has no ledger entry: it was "
                                 "added to the database directly"))
            elif record_hash(name, row) != entry["record_sha256"]:
                problems.append((entry["seq"], f"{_named(entry)}: the record was changed after "
                                 "it was written"))
    for entry in latest.values():
        problems.append((entry["seq"], f"{_named(entry)}: the record was deleted"))
    return problems
