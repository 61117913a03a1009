"""Server-side web sessions, sign-in throttles, and API tokens that can be listed and revoked.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27

Neither new table is append-only: a session row is deleted when it ends (that is what makes a
copied cookie stop working), a throttle row when it is forgotten.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create web_sessions and sign_in_throttles; give api_tokens last-used and revoked times."""
    op.create_table(
        "web_sessions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("secret_sha256", sa.String(64), nullable=False, unique=True),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_web_sessions_user_id", "web_sessions", ["user_id"])
    op.create_table(
        "sign_in_throttles",
        sa.Column("key_sha256", sa.String(64), primary_key=True),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("failed_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.add_column("api_tokens", sa.Column("last_used_at", sa.DateTime(timezone=True)))
    op.add_column("api_tokens", sa.Column("revoked_at", sa.DateTime(timezone=True)))


def downgrade() -> None:
    """Drop what `upgrade` added (everyone is signed out; revoked tokens work again)."""
    with op.batch_alter_table("api_tokens") as batch:
        batch.drop_column("revoked_at")
        batch.drop_column("last_used_at")
    op.drop_table("sign_in_throttles")
    op.drop_table("web_sessions")
