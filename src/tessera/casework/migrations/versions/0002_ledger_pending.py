"""The ledger's queue of records written but not yet chained (group sealing).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25

Not append-only, unlike the entries: sealing deletes each item as it chains it. An item
deleted by hand leaves its record with neither entry nor item, which `tessera ledger verify`
reports as a row added to the database directly.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the ledger_pending table."""
    op.create_table(
        "ledger_pending",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("staged_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("record_table", sa.String(32), nullable=False),
        sa.Column("record_id", sa.String(32), nullable=False),
        sa.Column("label", sa.String(100), nullable=False),
        sa.Column("record_sha256", sa.String(64), nullable=False),
    )


def downgrade() -> None:
    """Drop the ledger_pending table (seal or discard its items first)."""
    op.drop_table("ledger_pending")
