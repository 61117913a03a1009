"""What an insider with every right over the casework database, but not the signing key, can do
to it: plain SQL, and the hash recipes the code makes public (ledger.record_hash, entry_hash,
checkpoint_hash). Shared by the attack tests and the randomised attacker, so both attack the
store the same way.

Every function takes a SQLAlchemy `Connection` (or a session's connection) in a transaction
the caller owns; nothing here goes through a casework service.
"""

from __future__ import annotations

import secrets
from typing import Any

from sqlalchemy import Connection, select, text

from tessera.casework.ledger import (
    CHECKPOINTS,
    ENTRIES,
    GENESIS_HASH,
    HEAD,
    checkpoint_hash,
    entry_hash,
    ledgered_tables,
    record_hash,
)

GUARDED = ("read_log", "ledger_entries", "ledger_checkpoints", "publications",
           "published_entries")


def drop_guards(connection: Connection) -> None:
    """Drop every append-only trigger: the first thing a database owner can do."""
    if connection.dialect.name == "postgresql":
        for table in GUARDED:
            for trigger in (f"{table}_append_only", f"{table}_no_truncate"):
                connection.execute(text(f"DROP TRIGGER IF EXISTS {trigger} ON {table}"))
        return
    names = connection.execute(text(
        "SELECT name FROM sqlite_master WHERE type = 'trigger'")).scalars().all()
    for name in names:
        connection.execute(text(f"DROP TRIGGER {name}"))


def rows(connection: Connection, table: str) -> list[dict[str, Any]]:
    """Every row of a ledgered table, as the database holds it."""
    table_object = ledgered_tables()[table][0]
    return [dict(row) for row in connection.execute(select(table_object)).mappings()]


def entries(connection: Connection) -> list[dict[str, Any]]:
    """Every ledger entry, in order."""
    return [dict(row) for row in connection.execute(
        select(ENTRIES).order_by(ENTRIES.c.seq)).mappings()]


def rechain(connection: Connection, *, match_records: bool = True,
            from_seq: int = 1) -> None:
    """Recompute the chain from entry `from_seq` to the end (record hashes taken from the rows
    as they are now, when `match_records`), and point the head at the new end: the forger's
    way of hiding an edit from the chain."""
    current = {(name, str(row[key])): record_hash(name, row)
               for name, (table, key) in ledgered_tables().items()
               for row in connection.execute(select(table)).mappings()}
    chain = entries(connection)
    previous = GENESIS_HASH
    for entry in chain:
        if entry["seq"] >= from_seq:
            if match_records:
                entry["record_sha256"] = current.get(
                    (entry["record_table"], entry["record_id"]), entry["record_sha256"])
            entry["prev_hash"] = previous
            entry["entry_hash"] = entry_hash(entry)
            connection.execute(ENTRIES.update().where(ENTRIES.c.seq == entry["seq"]).values(
                record_sha256=entry["record_sha256"], prev_hash=entry["prev_hash"],
                entry_hash=entry["entry_hash"]))
        previous = entry["entry_hash"]
    end = chain[-1]["seq"] if chain else 0
    connection.execute(HEAD.update().values(seq=end, entry_hash=previous))


def append_entry(connection: Connection, table: str, record_id: str) -> None:
    """Chain a record onto the end by hand: an entry with the record's current hash, the
    signature of the last entry's item copied into it, the links and hashes right, the head
    moved."""
    table_object, key = ledgered_tables()[table]
    row = connection.execute(select(table_object).where(
        table_object.c[key] == _typed(table_object.c[key], record_id))).mappings().one()
    chain = entries(connection)
    last = chain[-1]
    entry = {**last, "seq": last["seq"] + 1, "prev_hash": last["entry_hash"],
             "item_id": secrets.token_hex(16), "record_table": table, "record_id": record_id,
             "label": f"{table} {record_id}", "record_sha256": record_hash(table, row)}
    entry["entry_hash"] = entry_hash(entry)
    connection.execute(ENTRIES.insert().values(entry))
    connection.execute(HEAD.update().values(seq=entry["seq"], entry_hash=entry["entry_hash"]))


def cut_tail(connection: Connection, keep: int, *, with_heads: bool) -> None:
    """Delete the entries after `keep`, with the records they are the only entries of, and
    rewind the head; `with_heads` deletes the signed heads after `keep` too (a rollback)."""
    gone = connection.execute(select(ENTRIES.c.record_table, ENTRIES.c.record_id)
                              .where(ENTRIES.c.seq > keep)).all()
    kept = {(t, r) for t, r in connection.execute(select(ENTRIES.c.record_table,
                                                         ENTRIES.c.record_id)
                                                  .where(ENTRIES.c.seq <= keep)).all()}
    connection.execute(ENTRIES.delete().where(ENTRIES.c.seq > keep))
    for table, record_id in sorted(set(gone) - kept, key=_children_first):
        table_object, key = ledgered_tables()[table]
        connection.execute(table_object.delete().where(
            table_object.c[key] == _typed(table_object.c[key], record_id)))
    last = connection.execute(select(ENTRIES.c.entry_hash).where(ENTRIES.c.seq == keep)
                              ).scalar() or GENESIS_HASH
    values: dict[str, Any] = {"seq": keep, "entry_hash": last}
    if with_heads:
        connection.execute(CHECKPOINTS.delete().where(CHECKPOINTS.c.seq > keep))
        latest = connection.execute(select(CHECKPOINTS).order_by(CHECKPOINTS.c.n.desc())
                                    .limit(1)).mappings().first()
        values.update(checkpoint_n=latest["n"] if latest else 0,
                      checkpoint_seq=latest["seq"] if latest else 0,
                      checkpoint_hash=checkpoint_hash(latest) if latest else GENESIS_HASH)
    connection.execute(HEAD.update().values(**values))


def _children_first(key: tuple[str, str]) -> int:
    """Delete decisions and reads before the reports they point at (foreign keys)."""
    return {"read_log": 0, "decisions": 1, "reports": 2}.get(key[0], 3)


def _typed(column: Any, value: str) -> Any:
    """A record id as the column's type (entries keep ids as text)."""
    return int(value) if column.type.python_type is int else value
