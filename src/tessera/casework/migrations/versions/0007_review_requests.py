"""Victims' review requests, their events and their matched closed cases (issue 14).

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30

Three new ledgered tables: `review_requests` (a request as the person gave it, its secret
only as an argon2 hash, its stage), `review_events` (everything done to it, by a user, by
the request holder or by a command) and `review_matches` (closed offences the match command
found in the warehouse).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the three tables."""
    op.create_table(
        "review_requests",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("reference", sa.String(16), nullable=False, unique=True),
        sa.Column("secret_hash", sa.String(200), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("submitted_by", sa.String(32), nullable=False),
        sa.Column("support_organisation", sa.String(200)),
        sa.Column("support_contact", sa.String(200)),
        sa.Column("consent_given", sa.Boolean, nullable=False),
        sa.Column("consent_how", sa.Text),
        sa.Column("given_name", sa.String(100), nullable=False),
        sa.Column("family_name", sa.String(100), nullable=False),
        sa.Column("date_of_birth", sa.Date, nullable=False),
        sa.Column("safe_methods", sa.String(100), nullable=False),
        sa.Column("email", sa.String(200)),
        sa.Column("phone", sa.String(40)),
        sa.Column("postal_address", sa.Text),
        sa.Column("times_to_avoid", sa.Text),
        sa.Column("may_say_subject", sa.Boolean, nullable=False),
        sa.Column("force_code", sa.String(40)),
        sa.Column("crime_reference", sa.String(40)),
        sa.Column("happened_from_year", sa.Integer),
        sa.Column("happened_to_year", sa.Integer),
        sa.Column("decision_year", sa.Integer),
        sa.Column("what_happened", sa.Text, nullable=False),
        sa.Column("review_wanted", sa.String(32), nullable=False),
        sa.Column("review_reason", sa.Text, nullable=False),
        sa.Column("support_wanted", sa.Text),
        sa.Column("stage", sa.String(32), nullable=False),
        sa.Column("stage_since", sa.DateTime(timezone=True), nullable=False),
        sa.Column("outcome", sa.String(32)),
        sa.Column("assigned_to", sa.Integer, sa.ForeignKey("users.id")),
    )
    op.create_index("ix_review_requests_stage", "review_requests", ["stage"])
    op.create_table(
        "review_events",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("request_id", sa.Integer, sa.ForeignKey("review_requests.id"),
                  nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("detail", sa.String(200)),
        sa.Column("reasons", sa.Text),
        sa.Column("actor_kind", sa.String(16), nullable=False),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id")),
    )
    op.create_index("ix_review_events_request_id", "review_events", ["request_id"])
    op.create_table(
        "review_matches",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("request_id", sa.Integer, sa.ForeignKey("review_requests.id"),
                  nullable=False),
        sa.Column("found_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("found_by", sa.String(100), nullable=False),
        sa.Column("basis", sa.String(32), nullable=False),
        sa.Column("force_code", sa.String(40), nullable=False),
        sa.Column("crime_reference", sa.String(40), nullable=False),
        sa.Column("ho_offence_code", sa.String(8), nullable=False),
        sa.Column("outcome_type", sa.String(8), nullable=False),
        sa.Column("outcome_group", sa.String(40), nullable=False),
        sa.Column("closed_on", sa.Date, nullable=False),
        sa.Column("victim_age", sa.Integer),
        sa.Column("suspects", sa.Integer, nullable=False),
    )
    op.create_index("ix_review_matches_request_id", "review_matches", ["request_id"])


def downgrade() -> None:
    """Drop the three tables."""
    op.drop_table("review_matches")
    op.drop_table("review_events")
    op.drop_table("review_requests")
