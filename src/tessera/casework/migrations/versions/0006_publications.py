"""Published snapshots of analysis products, for the web app to read.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30

The look-again list is made from the warehouse, which the web app must not hold open (DuckDB
has one writer), so `tessera publish look-again` writes it here: one `publications` row per
run, never updated (a new one supersedes the last and history stays), and one
`published_entries` row per case, scoped by police force. Problem profiles and performance
are to be published the same way. Both tables are append-only in the database (triggers
refusing UPDATE and DELETE, as for the read log), and every row is chained into the ledger.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create publications and published_entries."""
    op.create_table(
        "publications",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("product", sa.String(40), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_by", sa.String(200), nullable=False),
        sa.Column("supersedes", sa.Integer(), sa.ForeignKey("publications.id")),
        sa.Column("provenance", sa.Text(), nullable=False),
        sa.Column("batch_id", sa.Integer()),
        sa.Column("loaded_at", sa.DateTime(timezone=True)),
        sa.Column("linkage_run_id", sa.Integer()),
        sa.Column("settings", sa.JSON(), nullable=False),
        sa.Column("counts", sa.JSON(), nullable=False),
    )
    op.create_index("ix_publications_product", "publications", ["product", "id"])
    op.create_table(
        "published_entries",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("publication_id", sa.Integer(), sa.ForeignKey("publications.id"),
                  nullable=False),
        sa.Column("force_code", sa.String(40), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.UniqueConstraint("publication_id", "key"),
    )
    op.create_index("ix_published_entries_force", "published_entries",
                    ["publication_id", "force_code", "rank"])
    for statement in _append_only_sqls(op.get_bind().dialect.name):
        op.execute(statement)


def _append_only_sqls(dialect: str) -> list[str]:
    """Triggers refusing every rewrite of a publication or its entries; 0001 made the
    PostgreSQL trigger function they call."""
    tables = ("publications", "published_entries")
    if dialect == "postgresql":
        return [sql for table in tables for sql in (
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION tessera_append_only()",
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION tessera_append_only()")]
    return [f"CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
            for table in tables for action in ("UPDATE", "DELETE")]


def downgrade() -> None:
    """Drop both tables (every publication goes; publish again after upgrading)."""
    op.drop_table("published_entries")
    op.drop_table("publications")
