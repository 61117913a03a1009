"""The recommendations tracker: status changes recorded by administrators, and the published
snapshots of indicators drawn from the warehouse.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30

Both tables are append-only and ledgered: a row is never updated or deleted.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create tracker_status_changes and indicator_snapshots."""
    op.create_table(
        "tracker_status_changes",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("recommendation_id", sa.String(16), nullable=False),
        sa.Column("status_date", sa.Date(), nullable=False),
        sa.Column("state", sa.String(32), nullable=False),
        sa.Column("status_text", sa.Text(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("recorded_by", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_tracker_status_changes_recommendation_id", "tracker_status_changes",
                    ["recommendation_id"])
    op.create_table(
        "indicator_snapshots",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("indicator", sa.String(32), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("warehouse", sa.String(200), nullable=False),
        sa.Column("table_json", sa.Text(), nullable=False),
    )
    op.create_index("ix_indicator_snapshots_indicator", "indicator_snapshots",
                    ["indicator", "published_at"])


def downgrade() -> None:
    """Drop both tables (the ledger keeps entries pointing at rows that are gone)."""
    op.drop_table("indicator_snapshots")
    op.drop_table("tracker_status_changes")
