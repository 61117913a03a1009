"""The tamper-evident ledger: every report, decision, transfer and read, hash-chained and signed.

What the ledger promises: no record the service wrote can be changed, removed, or slipped in
by someone with full rights over the database but without the service's signing key, without
`tessera ledger verify` (verification.py) saying so; and no one can roll the whole database
back to an earlier copy without verify saying so against a head kept elsewhere.

How, in three layers, each signed with the service's Ed25519 key (signing.py), which lives
outside the database:
- **Items.** A service `stage`s a record in the record's own transaction: it queues an item
  holding the SHA-256 of the row's every column, a random item id, and the service's
  signature over all of it. An item anyone else writes to the queue has no valid signature,
  and one copied back after it was chained repeats its id: sealing refuses both, and verify
  names them. So nothing enters the chain that the service did not write.
- **Entries.** Sealing moves the queue into the chain in queue order: each entry keeps the
  signed item and the hash of the entry before it, and its own hash covers both. A row edited
  afterwards no longer matches its latest entry; a deleted row leaves an entry pointing at
  nothing; an edited entry breaks the links after it.
- **Signed heads.** Every seal signs the chain's new end (and, within a large seal, every
  `CHECKPOINT_EVERY` entries): a numbered checkpoint linked to the one before. Rebuilding the
  chain to hide an edit, deleting entries at its end, or deleting checkpoints all leave a
  chain that no longer ends at a signed head, or checkpoints with a gap; only the key could
  sign new ones.

Writing is in two steps (group sealing) so that the lock on the chain's end is taken once per
batch of records, not once per record: `stage` takes no lock, so concurrent requests commit
side by side; before a request answers, the store `seal`s (store.py): a short transaction
locks the single `ledger_head` row (SELECT ... FOR UPDATE; on SQLite the lock BEGIN IMMEDIATE
took), chains every valid queued item, signs the head and commits. Why: while each report
extended the chain in its own transaction, it held the head's lock through its commit and the
round trips before it, so on PostgreSQL reports were filed one at a time. The chain cannot
fork (one sealer at a time), holds nothing rolled back (only committed items are sealed), and
a record is chained before it is acknowledged.
"""

from __future__ import annotations

import logging
import secrets
import threading
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any, cast

from sqlalchemy import Table, bindparam, delete, insert, select, update
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import Session

from tessera.casework.canonical import canonical_json, sha256_hex
from tessera.casework.models import (
    Base,
    LedgerCheckpoint,
    Ledgered,
    LedgerEntry,
    LedgerHead,
    LedgerPending,
)
from tessera.casework.signing import Keyring, Signer
from tessera.errors import CaseworkError

CHECKPOINT_EVERY = 64
"""Most entries between two signed checkpoints. Every seal signs the chain's end anyway; this
only adds signatures inside a seal of more than 64 items, so that checkpoints are evenly
spaced and a gap wider than this is itself a sign of deletion."""
PENDING_GRACE = timedelta(minutes=1)
"""How long a queued item may wait before verify reports it. Its own request seals it within
milliseconds; one left by a server killed between commit and seal (never acknowledged) is
sealed when the service starts again or files anything."""
GENESIS_HASH = "0" * 64
"""The previous-entry hash of entry 1, and the previous-checkpoint hash of checkpoint 1."""
ITEM_TYPE = "tessera.ledger.item/1"
CHECKPOINT_TYPE = "tessera.ledger.checkpoint/1"
"""What a signed payload is, inside the signature: a receipt, an item and a checkpoint are
all signed by the same key, so each says which it is and cannot be passed off as another."""
ITEM_FIELDS = ("item_id", "staged_at", "kind", "record_table", "record_id", "label",
               "record_sha256", "key_id")
"""What an item's signature covers, in the queue and in its entry alike."""
ENTRY_FIELDS = ("seq", "at", *ITEM_FIELDS, "item_signature", "prev_hash")
"""What an entry's hash covers: everything but the hash itself."""
ENTRY_COLUMNS = (*ENTRY_FIELDS, "entry_hash")
CHECKPOINT_FIELDS = ("n", "seq", "entry_hash", "signed_at", "key_id", "prev_checkpoint")
"""What a checkpoint's signature covers."""
LABEL_LENGTH = 100

QUEUE: Table = LedgerPending.__table__  # type: ignore[assignment]
ENTRIES: Table = LedgerEntry.__table__  # type: ignore[assignment]
HEAD: Table = LedgerHead.__table__  # type: ignore[assignment]
CHECKPOINTS: Table = LedgerCheckpoint.__table__  # type: ignore[assignment]
"""The ledger's own tables, read and written with plain SQL: verifying must see what the
database holds, not a session's objects, and sealing runs too often for the unit of work."""

RECENT_ITEMS = 10_000
"""Items a process remembers having queued, so that its sealer can take them without checking
their signatures again (about a minute of national intake)."""
_STAGING = "tessera.ledger.staging"
"""The `Session.info` key under which a writing session keeps its `Staging`."""
_HEAD_FOR_UPDATE = select(HEAD).where(HEAD.c.id == 1).with_for_update()
_QUEUED = select(QUEUE).order_by(QUEUE.c.id)
_QUEUE_ITEM = insert(QUEUE)
_UNQUEUE = delete(QUEUE).where(QUEUE.c.id.in_(bindparam("ids", expanding=True)))
_CHAINED = select(ENTRIES.c.item_id).where(ENTRIES.c.item_id.in_(select(QUEUE.c.item_id)))
_ADD_ENTRIES = insert(ENTRIES)
_ADD_CHECKPOINTS = insert(CHECKPOINTS)
_MOVE_HEAD = update(HEAD).where(HEAD.c.id == 1)
"""Each statement sealing runs, built once: sealing runs for every batch of records, under
the lock on the chain's end, and building a statement costs more than running it."""
_log = logging.getLogger(__name__)


class RecentItems:
    """The items this process queued lately, exactly as it signed them.

    Why: an item's signature is checked before it is chained, and a check costs more than the
    rest of chaining it. An item this process queued itself, found in the queue unchanged
    field for field, needs no check: the process knows it signed it. Anything else (another
    worker's item, one changed in the database, one this process has forgotten) is checked
    against its signature as usual.
    """

    def __init__(self, size: int = RECENT_ITEMS) -> None:
        self._items: dict[str, tuple[Any, ...]] = {}
        self._size = size
        self._lock = threading.Lock()

    def add(self, item: Mapping[str, Any]) -> None:
        """Remember an item just queued, forgetting the oldest beyond `size`."""
        with self._lock:
            self._items[item["item_id"]] = _fields(item)
            if len(self._items) > self._size:
                del self._items[next(iter(self._items))]

    def vouches_for(self, item: Mapping[str, Any]) -> bool:
        """Whether this process queued exactly this item, and has not seen it sealed."""
        return self._items.get(item["item_id"]) == _fields(item)

    def forget(self, item_ids: Iterable[str]) -> None:
        """Forget items now sealed: a copy of one put back into the queue later is a replay,
        which only the full check refuses."""
        with self._lock:
            for item_id in item_ids:
                self._items.pop(item_id, None)


def _fields(item: Mapping[str, Any]) -> tuple[Any, ...]:
    return (*(item[name] for name in ITEM_FIELDS), item["signature"])


@dataclass
class Staging:
    """What a writing session has staged for the ledger, and how.

    On PostgreSQL (`recent` set) each item is queued in the record's own transaction and
    sealed just after the commit, so the lock on the chain's end is taken once per batch. On
    SQLite (`recent` None) the writing transaction already holds the one write lock, so its
    items are kept here (`fresh`) and chained in that same transaction, without the queue.
    """

    signer: Signer | None
    recent: RecentItems | None
    fresh: list[dict[str, Any]] = field(default_factory=list)
    queued: list[str] = field(default_factory=list)
    """The ids of the items queued (PostgreSQL), to forget once they are sealed."""
    seal_due: bool = False


@cache
def ledgered_tables() -> dict[str, tuple[Table, str]]:
    """Every table that declares itself `Ledgered`, with the column naming its records."""
    tables: dict[str, tuple[Table, str]] = {}
    for mapper in Base.registry.mappers:
        if issubclass(mapper.class_, Ledgered):
            table = cast(Table, mapper.local_table)
            tables[table.name] = (table, mapper.class_.ledger_key)
    return tables


def begin_staging(session: Session, signer: Signer | None,
                  recent: RecentItems | None) -> None:
    """Make a writing session stage records with the store's signer: queued, and remembered
    in `recent` (PostgreSQL), or kept to be chained in the same transaction (SQLite)."""
    session.info[_STAGING] = Staging(signer, recent)


def finish_staging(session: Session) -> Staging:
    """What the session staged (and forget it): the store seals it before answering."""
    staging: Staging = session.info.pop(_STAGING, None) or Staging(None, None)
    return staging


def signer_of(session: Session) -> Signer:
    """The signer of the store this session belongs to; a store opened without the signing
    key can write nothing the ledger must hold."""
    staging: Staging | None = session.info.get(_STAGING)
    if staging is None or staging.signer is None:
        raise CaseworkError("the casework store was opened without the service's signing key, "
                            "so it cannot write records that the ledger must hold")
    return staging.signer


def record_hash(table: str, row: Mapping[Any, Any]) -> str:
    """The SHA-256 of a row's every column, as the ledger records and re-checks it."""
    return sha256_hex({"table": table, "row": dict(row)})


def item_payload(item: Mapping[str, Any]) -> bytes:
    """The bytes an item's signature covers."""
    return canonical_json({"type": ITEM_TYPE, **{name: item[name] for name in ITEM_FIELDS}})


def checkpoint_payload(checkpoint: Mapping[str, Any]) -> bytes:
    """The bytes a checkpoint's signature covers."""
    return canonical_json({"type": CHECKPOINT_TYPE,
                           **{name: checkpoint[name] for name in CHECKPOINT_FIELDS}})


def checkpoint_hash(checkpoint: Mapping[str, Any]) -> str:
    """The hash the next checkpoint links to: every signed field and the signature."""
    return sha256_hex({**{name: checkpoint[name] for name in CHECKPOINT_FIELDS},
                       "signature": checkpoint["signature"]})


def entry_hash(entry: Mapping[str, Any]) -> str:
    """The hash of an entry: its every field but the hash itself, the previous hash included."""
    return sha256_hex({name: entry[name] for name in ENTRY_FIELDS})


def item_problem(item: Mapping[str, Any], keyring: Keyring, chained: Collection[str]) -> str | None:
    """Why an item (queued, or kept in an entry) is not one the service staged, or None.

    `chained` holds the item ids already in the chain, for a queued item copied back.
    """
    signature = item.get("signature", item.get("item_signature"))
    if not keyring.knows(item["key_id"]):
        return (f"is signed with key {item['key_id']}, which is not one of this service's "
                "keys: it was not written by the service")
    if not keyring.verify(item["key_id"], item_payload(item), signature):
        return "does not match its signature: it was not written by the service as it stands"
    if item["item_id"] in chained:
        return "repeats an item already chained: a copy put back into the queue"
    return None


def stage(session: Session, record: Ledgered, *, kind: str, label: str) -> None:
    """Stage `record` (an object already added to the session) for the ledger, as written."""
    session.flush()
    table = cast(Table, sa_inspect(record).mapper.local_table)
    stage_row(session, table.name, {column.name: getattr(record, column.key)
                                    for column in table.columns}, kind=kind, label=label)


def stage_row(session: Session, table: str, row: Mapping[str, Any], *, kind: str,
              label: str) -> None:
    """Stage a record of `table`, given as its every column (as the database will read it
    back), for the ledger, in the record's own transaction.

    `kind` says what happened ("report", "decision", "transfer", "read"); `label` names the
    record for people ("report TSR-..."). The row's hash is taken now, as the service wrote
    it, and the item is signed with the store's key. The store seals it before the session's
    block returns (`Casework.session`).
    """
    signer = signer_of(session)
    staging: Staging = session.info[_STAGING]
    item: dict[str, Any] = {
        "item_id": secrets.token_hex(16), "staged_at": datetime.now(UTC), "kind": kind,
        "record_table": table, "record_id": str(row[ledgered_tables()[table][1]]),
        "label": label[:LABEL_LENGTH], "record_sha256": record_hash(table, row),
        "key_id": signer.key_id}
    item["signature"] = signer.sign(item_payload(item))
    if staging.recent is None:
        staging.fresh.append(item)
    else:
        session.connection().execute(_QUEUE_ITEM, [item])
        staging.recent.add(item)
        staging.queued.append(item["item_id"])
    staging.seal_due = True


def require_seal(session: Session) -> None:
    """Have the store seal the queue before this session's block returns, even if this
    transaction staged nothing: a replayed submission must not be acknowledged while the
    first request's item may still be waiting."""
    staging: Staging | None = session.info.get(_STAGING)
    if staging is not None:
        staging.seal_due = True


@dataclass(frozen=True)
class SealPlan:
    """What one seal writes: the queued items it takes (by queue id), the new entries and
    signed checkpoints, and the head's new values."""

    taken: list[int]
    entries: list[dict[str, Any]]
    checkpoints: list[dict[str, Any]]
    head: dict[str, Any]


def plan_seal(head: Mapping[str, Any], queued: Sequence[Mapping[str, Any]],
              chained: Collection[str], fresh: Sequence[Mapping[str, Any]], signer: Signer,
              recent: RecentItems | None) -> SealPlan | None:
    """The entries and signed heads chaining every valid queued item, in queue order, then the
    `fresh` items (staged in the sealing transaction itself), onto `head`; None if there is
    nothing to chain.

    `chained` holds the item ids among the queue's already in the chain (copies put back). An
    item this process queued and finds unchanged (`recent`) is taken as it is; any other is
    checked against its signature, and one the service did not stage is left in the queue,
    unchained, for verify to report. Pure: the caller reads and writes the database, so the
    same plan serves a SQLAlchemy transaction and a pipelined one (sealing.py).
    """
    taken: list[Mapping[str, Any]] = []
    for item in queued:
        problem = (None if recent is not None and recent.vouches_for(item)
                   else item_problem(item, signer.keyring, chained))
        if problem is None:
            taken.append(item)
        else:
            _log.warning("ledger: queued item %s (%s) %s; left unchained", item["id"],
                         item["label"], problem)
    items = [*taken, *fresh]
    if not items:
        return None
    at = datetime.now(UTC)
    seq, previous = head["seq"], head["entry_hash"]
    cp = {"n": head["checkpoint_n"], "seq": head["checkpoint_seq"],
          "hash": head["checkpoint_hash"]}
    entries: list[dict[str, Any]] = []
    checkpoints: list[dict[str, Any]] = []
    for index, staged in enumerate(items):
        seq += 1
        entry = {"seq": seq, "at": at, **{name: staged[name] for name in ITEM_FIELDS},
                 "item_signature": staged["signature"], "prev_hash": previous}
        entry["entry_hash"] = previous = entry_hash(entry)
        entries.append(entry)
        if seq - cp["seq"] >= CHECKPOINT_EVERY or index == len(items) - 1:
            checkpoint = _checkpoint(cp["n"] + 1, seq, previous, cp["hash"], signer)
            checkpoints.append(checkpoint)
            cp = {"n": checkpoint["n"], "seq": seq, "hash": checkpoint_hash(checkpoint)}
    return SealPlan([item["id"] for item in taken], entries, checkpoints, {
        "seq": seq, "entry_hash": previous, "checkpoint_n": cp["n"],
        "checkpoint_seq": cp["seq"], "checkpoint_hash": cp["hash"]})


def seal(session: Session, signer: Signer, *, fresh: Sequence[Mapping[str, Any]] = (),
         queue: bool = True) -> int:
    """Chain what `plan_seal` chains, in the session's transaction; how many items.

    Takes the ledger head's lock for the rest of the transaction. On SQLite the writing
    transaction seals its own `fresh` items with `queue` off: the service never queues there
    (it holds the one write lock anyway), so only an insider's rows could be in the queue,
    and those are left for verify. `Casework.seal` reads the queue too.
    """
    connection = session.connection()
    head = dict(connection.execute(_HEAD_FOR_UPDATE).mappings().one())
    queued = [dict(item) for item in connection.execute(_QUEUED).mappings()] if queue else []
    chained = set(connection.execute(_CHAINED).scalars()) if queued else set()
    plan = plan_seal(head, queued, chained, fresh, signer, None)
    if plan is None:
        return 0
    if plan.taken:
        connection.execute(_UNQUEUE, {"ids": plan.taken})
    connection.execute(_ADD_ENTRIES, plan.entries)
    connection.execute(_ADD_CHECKPOINTS, plan.checkpoints)
    connection.execute(_MOVE_HEAD, plan.head)
    return len(plan.entries)


def _checkpoint(n: int, seq: int, entry_hash_at: str, previous: str,
                signer: Signer) -> dict[str, Any]:
    """Checkpoint `n`: the signed head of the chain at entry `seq`."""
    checkpoint: dict[str, Any] = {"n": n, "seq": seq, "entry_hash": entry_hash_at,
                                  "signed_at": datetime.now(UTC), "key_id": signer.key_id,
                                  "prev_checkpoint": previous}
    checkpoint["signature"] = signer.sign(checkpoint_payload(checkpoint))
    return checkpoint
