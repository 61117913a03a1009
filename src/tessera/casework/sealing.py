"""A seal round on PostgreSQL: the ledger's queue chained in two round trips.

Why a round of its own: on PostgreSQL a request commits its records with items in the
ledger's queue, without the lock on the chain's end, so that requests commit side by side;
then, before it answers, a round under that lock chains everything queued by then (the store
runs one round at a time per process for all its waiting requests: `rounds.Rounds`). The lock
is what every worker waits for, so a round holds it for as little as it can: two round trips,
with the planning (`ledger.plan_seal`) between them.
"""

from __future__ import annotations

from typing import Any

from tessera.casework.ledger import (
    CHECKPOINT_FIELDS,
    ENTRY_COLUMNS,
    ITEM_FIELDS,
    RecentItems,
    plan_seal,
)
from tessera.casework.signing import Signer

_HEAD_COLUMNS = ("seq", "entry_hash", "checkpoint_n", "checkpoint_seq", "checkpoint_hash")
_ITEM_COLUMNS = ("id", *ITEM_FIELDS, "signature")
_LOCK_AND_READ = (
    f"SELECT {', '.join(_HEAD_COLUMNS)} FROM ledger_head WHERE id = 1 FOR UPDATE",
    f"SELECT {', '.join(_ITEM_COLUMNS)} FROM ledger_pending ORDER BY id",
    "SELECT item_id FROM ledger_entries WHERE item_id IN (SELECT item_id FROM ledger_pending)",
)
"""A round's reads, sent together: PostgreSQL runs each after the one before has finished,
so the queue is read (with a snapshot of its own, under READ COMMITTED) only once the head's
lock is granted, and every item committed by then is seen."""


def _insert(table: str, columns: tuple[str, ...]) -> str:
    return (f"INSERT INTO {table} ({', '.join(columns)}) VALUES "
            f"({', '.join(f'%({name})s' for name in columns)})")


_UNQUEUE = "DELETE FROM ledger_pending WHERE id = ANY(%(ids)s)"
_ADD_ENTRY = _insert("ledger_entries", ENTRY_COLUMNS)
_ADD_CHECKPOINT = _insert("ledger_checkpoints", (*CHECKPOINT_FIELDS, "signature"))
_MOVE_HEAD = (f"UPDATE ledger_head SET {', '.join(f'{c} = %({c})s' for c in _HEAD_COLUMNS)} "
              "WHERE id = 1")


def seal_pipelined(connection: Any, signer: Signer, recent: RecentItems | None) -> int:
    """One seal round on PostgreSQL in two round trips, on a psycopg connection of its own:
    the lock and the reads, then (once `ledger.plan_seal` has worked out the entries and
    signed the head, with no statement waiting) every write and the commit. How many items.

    Why not the session's statements one by one: the head's lock is held from the first
    statement to the commit, and a round of seven statements held it about 9 ms for 1.5 ms of
    work, because after each answer the sealing thread waited for the interpreter lock behind
    the worker's other threads. With two round trips there are two such waits, not seven.
    """
    reads = [connection.cursor() for _ in _LOCK_AND_READ]
    try:
        with connection.pipeline():
            for cursor, statement in zip(reads, _LOCK_AND_READ, strict=True):
                cursor.execute(statement)
        head_cursor, queue_cursor, chained_cursor = reads
        head = dict(zip(_HEAD_COLUMNS, head_cursor.fetchone(), strict=True))
        queued = [dict(zip(_ITEM_COLUMNS, row, strict=True)) for row in queue_cursor]
        chained = {row[0] for row in chained_cursor}
        plan = plan_seal(head, queued, chained, (), signer, recent)
        with connection.pipeline(), connection.cursor() as cursor:
            if plan is not None:
                if plan.taken:
                    cursor.execute(_UNQUEUE, {"ids": plan.taken})
                cursor.executemany(_ADD_ENTRY, plan.entries)
                cursor.executemany(_ADD_CHECKPOINT, plan.checkpoints)
                cursor.execute(_MOVE_HEAD, plan.head)
            connection.commit()
    except BaseException:
        connection.rollback()
        raise
    finally:
        for cursor in reads:
            cursor.close()
    return len(plan.entries) if plan is not None else 0
