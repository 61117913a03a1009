"""A ledger only the key holder can extend: signed items, a signed head at every seal, and
append-only tables that refuse every rewrite.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30

The ledger's four tables are made anew: queued items and entries carry the service's
signature, checkpoints are numbered and linked to each other, and the head names the last
one. The rows of the earlier ledger cannot be carried over (nothing here holds the key to sign
them), so the migration refuses to run on a store whose ledger has any; such a store is
verified with the release that wrote it, and a new store started.

Checkpoints join the entries and the read log as append-only: triggers refuse UPDATE and
DELETE (and TRUNCATE on PostgreSQL), and on SQLite also an INSERT over an existing row, which
`INSERT OR REPLACE` would otherwise turn into a delete that fires no delete trigger.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from tessera.errors import CaseworkError

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

GENESIS_HASH = "0" * 64
APPEND_ONLY = {"read_log": "id", "ledger_entries": "seq", "ledger_checkpoints": "n"}
"""Each append-only table and its primary key (which an insert must not reuse)."""
LEDGER_TABLES = ("ledger_pending", "ledger_entries", "ledger_checkpoints", "ledger_head")


def _timestamp(name: str) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=False)


def _text(name: str, length: int, **kwargs: object) -> sa.Column[object]:
    return sa.Column(name, sa.String(length), nullable=False, **kwargs)  # type: ignore[arg-type]


def _item_columns() -> list[sa.Column[object]]:
    """What a staged item says of its record, in the queue and in the chain alike."""
    return [_timestamp("staged_at"), _text("kind", 32), _text("record_table", 32),
            _text("record_id", 32), _text("label", 100), _text("record_sha256", 64),
            _text("key_id", 16)]


def upgrade() -> None:
    """Replace the (empty) ledger tables with the signed ones and guard them."""
    bind = op.get_bind()
    written = bind.execute(sa.text(
        "SELECT (SELECT count(*) FROM ledger_entries) + (SELECT count(*) FROM ledger_pending)"
    )).scalar()
    if written:
        raise CaseworkError(
            f"this casework store's ledger already holds {written} records written before "
            "ledgers were signed; verify it with the release that wrote it ('tessera ledger "
            "verify'), keep that copy, and start a new store")
    for table in LEDGER_TABLES:
        op.drop_table(table)
    op.create_table(
        "ledger_pending",
        sa.Column("id", sa.Integer(), primary_key=True),
        _text("item_id", 32, unique=True), *_item_columns(), _text("signature", 100))
    op.create_table(
        "ledger_entries",
        sa.Column("seq", sa.Integer(), primary_key=True, autoincrement=False),
        _timestamp("at"), _text("item_id", 32, unique=True), *_item_columns(),
        _text("item_signature", 100), _text("prev_hash", 64), _text("entry_hash", 64))
    op.create_index("ix_ledger_entries_record", "ledger_entries", ["record_table", "record_id"])
    op.create_table(
        "ledger_checkpoints",
        sa.Column("n", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("seq", sa.Integer(), nullable=False, unique=True),
        _text("entry_hash", 64), _timestamp("signed_at"), _text("key_id", 16),
        _text("prev_checkpoint", 64), _text("signature", 100))
    head = op.create_table(
        "ledger_head",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("seq", sa.Integer(), nullable=False), _text("entry_hash", 64),
        sa.Column("checkpoint_n", sa.Integer(), nullable=False),
        sa.Column("checkpoint_seq", sa.Integer(), nullable=False),
        _text("checkpoint_hash", 64))
    op.bulk_insert(head, [{"id": 1, "seq": 0, "entry_hash": GENESIS_HASH, "checkpoint_n": 0,
                           "checkpoint_seq": 0, "checkpoint_hash": GENESIS_HASH}])
    for statement in _guard_sqls(bind.dialect.name):
        op.execute(statement)


def _guard_sqls(dialect: str) -> list[str]:
    """Triggers making every append-only table refuse a rewrite. The read log's UPDATE and
    DELETE triggers exist since 0001 and are dropped with nothing; the ledger's went with
    their tables."""
    if dialect == "postgresql":
        sqls = []
        for table in ("ledger_entries", "ledger_checkpoints"):
            sqls += [f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                     "FOR EACH ROW EXECUTE FUNCTION tessera_append_only()",
                     f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                     "FOR EACH STATEMENT EXECUTE FUNCTION tessera_append_only()"]
        return sqls
    sqls = [f"CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
            for table in ("ledger_entries", "ledger_checkpoints")
            for action in ("UPDATE", "DELETE")]
    sqls += [f"CREATE TRIGGER {table}_no_replace BEFORE INSERT ON {table} "
             f"WHEN EXISTS (SELECT 1 FROM {table} WHERE {key} = NEW.{key}) "
             f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
             for table, key in APPEND_ONLY.items()]
    return sqls


def downgrade() -> None:
    """Not supported: the signed ledger's rows cannot be turned back into unsigned ones
    without losing what proves them."""
    raise NotImplementedError("the signed ledger cannot be downgraded; restore a backup taken "
                              "before revision 0003")
