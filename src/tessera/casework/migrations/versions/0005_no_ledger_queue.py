"""The ledger's queue goes: every record is chained in its own transaction.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30

Records used to be committed with an item in `ledger_pending` and chained a moment later, in a
transaction of their own. Now the transaction that writes a record chains it before it commits,
so there is no moment between the two, and no table an insider could write items into. An item
still queued here was written by a server stopped between its commit and its seal (never
acknowledged) or by someone else; the migration refuses to drop the table while it holds any:
start the earlier release once to seal them, or verify and remove them by hand.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from tessera.errors import CaseworkError

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Drop the (empty) ledger_pending table."""
    waiting = op.get_bind().execute(sa.text("SELECT count(*) FROM ledger_pending")).scalar()
    if waiting:
        raise CaseworkError(f"the ledger's queue still holds {waiting} items; start the earlier "
                            "release once to seal them (or check them with 'tessera ledger "
                            "verify'), then upgrade")
    op.drop_table("ledger_pending")


def downgrade() -> None:
    """Create the ledger_pending table again, empty."""
    item = [sa.Column(name, sa.String(length), nullable=False) for name, length in (
        ("kind", 32), ("record_table", 32), ("record_id", 32), ("label", 100),
        ("record_sha256", 64), ("key_id", 16))]
    op.create_table(
        "ledger_pending",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("item_id", sa.String(32), nullable=False, unique=True),
        sa.Column("staged_at", sa.DateTime(timezone=True), nullable=False),
        *item, sa.Column("signature", sa.String(100), nullable=False))
