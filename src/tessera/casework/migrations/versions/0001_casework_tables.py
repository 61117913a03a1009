"""Casework tables: users, API tokens, reports, decisions, the ledger and the read log.

Revision ID: 0001
Revises:
Create Date: 2026-11-24

The read log and the ledger entries are append-only in the database itself (triggers refusing
UPDATE and DELETE), so no code path, not even a bug in the app, can rewrite them; someone with
the rights to drop a trigger can, and `tessera ledger verify` is what catches that.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

GENESIS_HASH = "0" * 64
"""The previous-entry hash of the first ledger entry."""
APPEND_ONLY_TABLES = ("read_log", "ledger_entries")


def _timestamp(name: str) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=False)


def upgrade() -> None:
    """Create every table, seed the ledger head, and make the logs append-only."""
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("username", sa.String(64), nullable=False, unique=True),
        sa.Column("display_name", sa.String(200), nullable=False),
        sa.Column("password_hash", sa.String(200), nullable=False),
        sa.Column("role", sa.String(32), nullable=False),
        sa.Column("organisation", sa.String(200)),
        sa.Column("area_type", sa.String(32)),
        sa.Column("area_code", sa.String(40)),
        sa.Column("disabled", sa.Boolean(), nullable=False),
        _timestamp("created_at"),
    )
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("token_sha256", sa.String(64), nullable=False, unique=True),
        _timestamp("created_at"),
    )
    op.create_index("ix_api_tokens_user_id", "api_tokens", ["user_id"])
    op.create_table(
        "reports",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("reference", sa.String(16), nullable=False, unique=True),
        sa.Column("reporter_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        _timestamp("received_at"),
        sa.Column("idempotency_key", sa.String(255)),
        sa.Column("content_sha256", sa.String(64), nullable=False),
        sa.Column("receipt_key_id", sa.String(16), nullable=False),
        sa.Column("receipt_signature", sa.String(100), nullable=False),
        sa.Column("reporter_role", sa.String(200), nullable=False),
        sa.Column("reporter_organisation", sa.String(200), nullable=False),
        sa.Column("reporter_contact", sa.String(200), nullable=False),
        sa.Column("child_given_name", sa.String(100), nullable=False),
        sa.Column("child_family_name", sa.String(100), nullable=False),
        sa.Column("child_date_of_birth", sa.Date()),
        sa.Column("child_age", sa.Integer()),
        sa.Column("child_postcode", sa.String(8)),
        sa.Column("child_setting", sa.String(200)),
        sa.Column("disclosure", sa.Text(), nullable=False),
        sa.Column("occurred_when", sa.String(200), nullable=False),
        sa.Column("alleged_person", sa.Text()),
        sa.Column("immediate_risk", sa.Boolean(), nullable=False),
        sa.Column("la_code", sa.String(16)),
        sa.Column("force_code", sa.String(40)),
        sa.Column("queue", sa.String(16), nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.UniqueConstraint("reporter_id", "idempotency_key"),
    )
    op.create_index("ix_reports_reporter_id", "reports", ["reporter_id"])
    op.create_index("ix_reports_queue_status", "reports", ["queue", "status"])
    op.create_index("ix_reports_force_status", "reports", ["force_code", "status"])
    op.create_index("ix_reports_la_status", "reports", ["la_code", "status"])
    op.create_table(
        "decisions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("report_id", sa.Integer(), sa.ForeignKey("reports.id"), nullable=False),
        sa.Column("outcome", sa.String(32), nullable=False),
        sa.Column("reason", sa.Text()),
        sa.Column("transfer_from", sa.String(16)),
        sa.Column("transfer_to", sa.String(16)),
        sa.Column("decided_by", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        _timestamp("decided_at"),
    )
    op.create_index("ix_decisions_report_id", "decisions", ["report_id"])
    op.create_table(
        "ledger_entries",
        sa.Column("seq", sa.Integer(), primary_key=True, autoincrement=False),
        _timestamp("at"),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("record_table", sa.String(32), nullable=False),
        sa.Column("record_id", sa.String(32), nullable=False),
        sa.Column("label", sa.String(100), nullable=False),
        sa.Column("record_sha256", sa.String(64), nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("entry_hash", sa.String(64), nullable=False),
    )
    op.create_index("ix_ledger_entries_record", "ledger_entries", ["record_table", "record_id"])
    head = op.create_table(
        "ledger_head",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("entry_hash", sa.String(64), nullable=False),
        sa.Column("checkpoint_seq", sa.Integer(), nullable=False),
    )
    op.bulk_insert(head, [{"id": 1, "seq": 0, "entry_hash": GENESIS_HASH, "checkpoint_seq": 0}])
    op.create_table(
        "ledger_checkpoints",
        sa.Column("seq", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("entry_hash", sa.String(64), nullable=False),
        _timestamp("signed_at"),
        sa.Column("key_id", sa.String(16), nullable=False),
        sa.Column("signature", sa.String(100), nullable=False),
    )
    op.create_table(
        "read_log",
        sa.Column("id", sa.Integer(), primary_key=True),
        _timestamp("at"),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id")),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("record_kind", sa.String(32), nullable=False),
        sa.Column("record_id", sa.String(200), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=False),
    )
    for statement in _append_only_sqls(op.get_bind().dialect.name):
        op.execute(statement)


def _append_only_sqls(dialect: str) -> list[str]:
    """Triggers refusing UPDATE and DELETE (and on PostgreSQL TRUNCATE) on the logs."""
    if dialect == "postgresql":
        sqls = ["CREATE FUNCTION tessera_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
                "BEGIN RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END $$"]
        for table in APPEND_ONLY_TABLES:
            sqls += [f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                     "FOR EACH ROW EXECUTE FUNCTION tessera_append_only()",
                     f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                     "FOR EACH STATEMENT EXECUTE FUNCTION tessera_append_only()"]
        return sqls
    return [f"CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
            for table in APPEND_ONLY_TABLES for action in ("UPDATE", "DELETE")]


def downgrade() -> None:
    """Drop every casework table (and the PostgreSQL trigger function)."""
    for table in ("read_log", "ledger_checkpoints", "ledger_head", "ledger_entries",
                  "decisions", "reports", "api_tokens", "users"):
        op.drop_table(table)
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION tessera_append_only()")
