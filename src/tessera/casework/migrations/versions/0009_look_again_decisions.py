"""Analysts' decisions on cases of the look-again list: refer for reinvestigation, or no
further action, with the reason.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01

Append-only and ledgered: a row is never updated or deleted.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create look_again_decisions."""
    op.create_table(
        "look_again_decisions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("case_key", sa.String(200), nullable=False),
        sa.Column("force_code", sa.String(40), nullable=False),
        sa.Column("publication_id", sa.Integer(), sa.ForeignKey("publications.id"),
                  nullable=False),
        sa.Column("decision", sa.String(32), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("decided_by", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_look_again_decisions_case", "look_again_decisions",
                    ["case_key", "id"])


def downgrade() -> None:
    """Drop the table (the ledger keeps entries pointing at rows that are gone)."""
    op.drop_table("look_again_decisions")
