"""The tamper-evident ledger: every report, decision and transfer, hash-chained.

Each entry holds the SHA-256 of its record's row (every column, canonical JSON) and the hash of
the previous entry; its own hash covers both. So a row edited in the database no longer matches
its latest entry, a deleted row leaves an entry with nothing behind it, and an edited entry
breaks its own hash or the next entry's link. Rewriting the whole chain to hide an edit is what
the signed checkpoints stop: every `CHECKPOINT_EVERY` entries the service signs the chain's
current hash with its Ed25519 key, which lives outside the database.

Writing is in two steps (group sealing), so that the lock on the chain's end is taken once per
batch of records, not once per record. A service `stage`s a record: in the record's own
transaction it queues a `LedgerPending` item holding the row's hash, and takes no lock, so
concurrent requests commit side by side. Before the request answers, the store `seal`s
(store.py): a short transaction locks the single `ledger_head` row (SELECT ... FOR UPDATE; on
SQLite the lock BEGIN IMMEDIATE took), chains every queued item in queue order (the order the
records were written in, so a record's later state follows its earlier one), deletes them and
commits: one lock hold and one commit for the whole batch. Why: while each report extended
the chain in its own transaction, it held the head's lock through its commit and the round
trips before it, so on PostgreSQL reports were filed one at a time, about 240 a second. A
request whose item another batch sealed finds it gone once it gets the lock, and rolls back.
So the chain cannot fork (one sealer at a time), holds nothing rolled back (only committed
items are sealed), and a report is chained before it is acknowledged. `verify_ledger` checks
the queue too: each queued item against its record, and none older than `PENDING_GRACE`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Table, delete, insert, select, update
from sqlalchemy.orm import Session

from tessera.casework.canonical import canonical_json, sha256_hex
from tessera.casework.models import (
    Decision,
    LedgerCheckpoint,
    LedgerEntry,
    LedgerHead,
    LedgerPending,
    Report,
)
from tessera.casework.receipts import ReceiptSigner, key_id, public_key, verify_signature

CHECKPOINT_EVERY = 64
"""Entries between signed checkpoints. Only the entries after the last checkpoint could be
rewritten, hashes and all, by someone with database rights but not the key; 64 keeps that
window to a fraction of a second of national intake, for one signature (about 50 µs) and one
small row per 64 entries."""
PENDING_GRACE = timedelta(minutes=1)
"""How long a queued item may wait before `verify_ledger` reports it. Its own request seals
it within milliseconds; one left by a server killed between commit and seal (never
acknowledged) is sealed when the service starts again or files anything."""
GENESIS_HASH = "0" * 64
"""The previous-entry hash of entry 1 (the migration seeds the head with it)."""

Ledgered = Report | Decision
_TABLES: dict[str, tuple[Table, str]] = {
    "reports": (Report.__table__, "reference"),  # type: ignore[dict-item]
    "decisions": (Decision.__table__, "id"),  # type: ignore[dict-item]
}
"""Each ledgered table and the column naming a record in its entries."""
_QUEUE: Table = LedgerPending.__table__  # type: ignore[assignment]
_ENTRIES: Table = LedgerEntry.__table__  # type: ignore[assignment]
_HEAD: Table = LedgerHead.__table__  # type: ignore[assignment]
_CHECKPOINTS: Table = LedgerCheckpoint.__table__  # type: ignore[assignment]
"""The ledger's own tables, which it reads and writes with plain SQL: verifying must see what
the database holds, not the session's objects, and sealing runs too often for the unit of
work."""


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
    queued: int = 0
    """Records written but not yet sealed: in flight, unless a problem names them."""


@dataclass(frozen=True)
class Sealing:
    """A seal a session's services asked for, with the key for any checkpoint due."""

    signer: ReceiptSigner | None


_SEALING = "tessera.ledger.sealing"
"""The `Session.info` key under which services ask the store to seal."""


def record_hash(table: str, row: Mapping[Any, Any]) -> str:
    """The SHA-256 of a row's every column, as the ledger records and re-checks it."""
    return sha256_hex({"table": table, "row": dict(row)})


def stage(session: Session, record: Ledgered, *, kind: str, label: str,
          signer: ReceiptSigner | None) -> None:
    """Queue `record` (already added to the session) for the ledger, in the same transaction.

    `kind` says what happened ("report", "decision", "transfer"); `label` names the record for
    people ("report TSR-..."). The row's hash is taken now, as the service wrote it. The store
    seals the queue before the session's block returns (`Casework.session`), signing a
    checkpoint with `signer` when one falls due.
    """
    session.flush()
    table, name_column = _TABLES[record.__tablename__]
    row = {column.name: getattr(record, column.key) for column in table.columns}
    session.execute(insert(_QUEUE), [{
        "staged_at": datetime.now(UTC), "kind": kind, "record_table": record.__tablename__,
        "record_id": str(row[name_column]), "label": label,
        "record_sha256": record_hash(record.__tablename__, row)}])
    require_seal(session, signer)


def require_seal(session: Session, signer: ReceiptSigner | None) -> None:
    """Have the store seal the queue before this session's block returns, even if this
    transaction staged nothing: a replayed submission must not be acknowledged while the
    first request's item may still be waiting."""
    earlier: Sealing | None = session.info.get(_SEALING)
    session.info[_SEALING] = Sealing(signer or (earlier.signer if earlier else None))


def sealing_due(session: Session) -> Sealing | None:
    """The seal this session's services asked for (and forget it), or None."""
    due: Sealing | None = session.info.pop(_SEALING, None)
    return due


def seal(session: Session, signer: ReceiptSigner | None) -> int:
    """Chain every queued item onto the ledger, in queue order; how many were chained.

    Takes the ledger head's lock for the rest of the transaction, so the store runs it in a
    short transaction of its own once the writing one has committed (on SQLite, in the writing
    transaction, which holds the one write lock anyway), and commits at once, or rolls back if
    nothing was chained. Every item committed before the lock was granted is sealed once this
    transaction ends, by it or by the one it waited for. A checkpoint is signed when `signer`
    is given and `CHECKPOINT_EVERY` entries have passed since the last one.
    """
    # Plain SQL rather than the session's objects: this runs for every batch, and the unit
    # of work would cost more than the statements.
    head = session.execute(select(_HEAD).where(_HEAD.c.id == 1).with_for_update()).one()
    queued = sorted(session.execute(delete(_QUEUE).returning(*_QUEUE.c)).mappings(),
                    key=lambda item: int(item["id"]))
    if not queued:
        return 0
    seq, previous, checkpoint_seq = head.seq, head.entry_hash, head.checkpoint_seq
    at = datetime.now(UTC)
    entries: list[dict[str, Any]] = []
    checkpoints: list[dict[str, Any]] = []
    for item in queued:
        seq += 1
        entry = {"seq": seq, "at": at, "kind": item["kind"], "record_table":
                 item["record_table"], "record_id": item["record_id"], "label": item["label"],
                 "record_sha256": item["record_sha256"], "prev_hash": previous}
        entry["entry_hash"] = previous = entry_hash(entry)
        entries.append(entry)
        if signer is not None and seq - checkpoint_seq >= CHECKPOINT_EVERY:
            checkpoints.append(_checkpoint(seq, previous, signer))
            checkpoint_seq = seq
    session.execute(insert(_ENTRIES), entries)
    if checkpoints:
        session.execute(insert(_CHECKPOINTS), checkpoints)
    session.execute(update(_HEAD).where(_HEAD.c.id == 1).values(
        seq=seq, entry_hash=previous, checkpoint_seq=checkpoint_seq))
    return len(queued)


def _entry_fields(entry: Mapping[str, Any]) -> dict[str, Any]:
    names = ("seq", "at", "kind", "record_table", "record_id", "label", "record_sha256",
             "prev_hash")
    return {name: entry[name] for name in names}


def entry_hash(fields: Mapping[str, Any]) -> str:
    """The hash of an entry: its every field but the hash itself, the previous hash included."""
    return sha256_hex(dict(fields))


def _checkpoint_payload(seq: int, entry_hash: str, signed_at: datetime, key: str) -> bytes:
    return canonical_json({"seq": seq, "entry_hash": entry_hash, "signed_at": signed_at,
                           "key_id": key})


def _checkpoint(seq: int, entry_hash: str, signer: ReceiptSigner) -> dict[str, Any]:
    """A `ledger_checkpoints` row signing the chain's hash at entry `seq`."""
    signed_at = datetime.now(UTC)
    payload = _checkpoint_payload(seq, entry_hash, signed_at, signer.key_id)
    return {"seq": seq, "entry_hash": entry_hash, "signed_at": signed_at,
            "key_id": signer.key_id, "signature": signer.sign_bytes(payload)}


def verify_ledger(session: Session, public_key_pem: str) -> LedgerCheck:
    """Recompute the chain, the checkpoints and every record's hash from the current rows.

    Rows are read with plain SQL, not through the session's objects, so what is checked is
    what the database holds now.
    """
    entries = [dict(row) for row in session.execute(
        select(_ENTRIES).order_by(_ENTRIES.c.seq)).mappings()]
    queued = [dict(row) for row in session.execute(
        select(_QUEUE).order_by(_QUEUE.c.id)).mappings()]
    problems = _chain_problems(session, entries)
    problems += _checkpoint_problems(session, entries, public_key_pem)
    problems += _record_problems(session, entries, queued)
    problems += _queue_problems(queued, datetime.now(UTC))
    problems.sort(key=lambda p: (p[0] is None, p[0] or 0))
    if not problems:
        return LedgerCheck(True, len(entries), None, None, queued=len(queued))
    return LedgerCheck(False, len(entries), problems[0][0], problems[0][1],
                       tuple(message for _, message in problems), len(queued))


Problem = tuple[int | None, str]


def _named(item: Mapping[str, Any]) -> str:
    """An entry, or a queued item (which has no sequence number yet), as problems name it."""
    if "seq" in item:
        return f"entry {item['seq']} ({item['label']})"
    return f"queued item {item['id']} ({item['label']})"


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
    head = session.execute(select(_HEAD.c.seq, _HEAD.c.entry_hash)).one()
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
    for cp in session.execute(select(_CHECKPOINTS)).mappings():
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


def _record_problems(session: Session, entries: list[dict[str, Any]],
                     queued: list[dict[str, Any]]) -> list[Problem]:
    """Each record against its latest entry or queued item (an item is always later than the
    entries of its record: it was written after they were sealed), and each of those against
    a record."""
    latest = {(e["record_table"], e["record_id"]): e for e in [*entries, *queued]}
    problems: list[Problem] = []
    for name, (table, name_column) in _TABLES.items():
        for row in session.execute(select(table)).mappings():
            record_id = str(row[name_column])
            entry = latest.pop((name, record_id), None)
            if entry is None:
                problems.append((None, f"{name} row {record_id} has no ledger entry: it was "
                                 "added to the database directly"))
            elif record_hash(name, row) != entry["record_sha256"]:
                problems.append((entry.get("seq"), f"{_named(entry)}: the record was changed "
                                 "after it was written"))
    for entry in latest.values():
        problems.append((entry.get("seq"), f"{_named(entry)}: the record was deleted"))
    return problems


def _queue_problems(queued: list[dict[str, Any]], now: datetime) -> list[Problem]:
    """Items waiting longer than `PENDING_GRACE` (a request seals its own within
    milliseconds)."""
    problems: list[Problem] = []
    for item in queued:
        if now - item["staged_at"] > PENDING_GRACE:
            written = f"{item['staged_at']:%Y-%m-%d %H:%M:%S} UTC"
            problems.append((None, f"{_named(item)}: written at {written} and still not sealed "
                             "into the ledger (a service stopped mid-request, or the queue was "
                             "written to directly)"))
    return problems
