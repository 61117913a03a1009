"""The casework store's tables, as SQLAlchemy 2 typed models.

Why reports keep their fields as columns (not one JSON blob): triage queries them, the export
maps them onto the core dataset, and the ledger hashes each row column by column, so a change
to any one field in the database is caught. The Alembic migrations in `migrations/` create
exactly these tables; a test compares the two.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

OPEN = "open"
"""A report's status until someone decides on it (a transfer keeps it open); after a decision
the status is the decision's outcome."""


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored in UTC and always read back zone-aware, on SQLite as on PostgreSQL.

    Why: SQLite keeps no zone, so without this a timestamp read back there would compare and
    hash differently from the one written.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Store aware UTC (SQLite drops the zone, so convert first)."""
        if value is None:
            return None
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect
                             ) -> datetime | None:
        """Read back aware UTC."""
        if value is None:
            return None
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(UTC)


class Base(DeclarativeBase):
    """Every casework table."""


class User(Base):
    """A person who signs in: a reporter, triage worker, analyst or administrator."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(32))
    organisation: Mapped[str | None] = mapped_column(String(200))
    area_type: Mapped[str | None] = mapped_column(String(32))
    area_code: Mapped[str | None] = mapped_column(String(40))
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ApiToken(Base):
    """A bearer token for the JSON API, kept only as its SHA-256."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    """When a report was last filed with it, to the minute (see `access.acting_user`)."""
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    """Set when revoked; the row stays, so the list of a user's tokens keeps its history."""


class Report(Base):
    """A mandatory report as submitted, where it is routed, and its state."""

    __tablename__ = "reports"
    __table_args__ = (
        UniqueConstraint("reporter_id", "idempotency_key"),
        Index("ix_reports_queue_status", "queue", "status"),
        Index("ix_reports_force_status", "force_code", "status"),
        Index("ix_reports_la_status", "la_code", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reference: Mapped[str] = mapped_column(String(16), unique=True)
    reporter_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    idempotency_key: Mapped[str | None] = mapped_column(String(255))
    content_sha256: Mapped[str] = mapped_column(String(64))
    receipt_key_id: Mapped[str] = mapped_column(String(16))
    receipt_signature: Mapped[str] = mapped_column(String(100))
    reporter_role: Mapped[str] = mapped_column(String(200))
    reporter_organisation: Mapped[str] = mapped_column(String(200))
    reporter_contact: Mapped[str] = mapped_column(String(200))
    child_given_name: Mapped[str] = mapped_column(String(100))
    child_family_name: Mapped[str] = mapped_column(String(100))
    child_date_of_birth: Mapped[date | None] = mapped_column(Date)
    child_age: Mapped[int | None] = mapped_column(Integer)
    child_postcode: Mapped[str | None] = mapped_column(String(8))
    child_setting: Mapped[str | None] = mapped_column(String(200))
    disclosure: Mapped[str] = mapped_column(Text)
    occurred_when: Mapped[str] = mapped_column(String(200))
    alleged_person: Mapped[str | None] = mapped_column(Text)
    immediate_risk: Mapped[bool] = mapped_column(Boolean)
    la_code: Mapped[str | None] = mapped_column(String(16))
    force_code: Mapped[str | None] = mapped_column(String(40))
    queue: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(32))
    """`OPEN` until decided, then the outcome of the decision."""


class Decision(Base):
    """A triage decision on a report (a transfer is one too), with who made it and when."""

    __tablename__ = "decisions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id"), index=True)
    outcome: Mapped[str] = mapped_column(String(32))
    reason: Mapped[str | None] = mapped_column(Text)
    transfer_from: Mapped[str | None] = mapped_column(String(16))
    transfer_to: Mapped[str | None] = mapped_column(String(16))
    decided_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime)


class LedgerEntry(Base):
    """One link of the hash chain: which record was written, its hash, and the previous link."""

    __tablename__ = "ledger_entries"
    __table_args__ = (Index("ix_ledger_entries_record", "record_table", "record_id"),)

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    kind: Mapped[str] = mapped_column(String(32))
    record_table: Mapped[str] = mapped_column(String(32))
    record_id: Mapped[str] = mapped_column(String(32))
    label: Mapped[str] = mapped_column(String(100))
    record_sha256: Mapped[str] = mapped_column(String(64))
    prev_hash: Mapped[str] = mapped_column(String(64))
    entry_hash: Mapped[str] = mapped_column(String(64))


class LedgerPending(Base):
    """A record written but not yet chained: the queue `ledger.seal` empties into entries.

    Why a queue: the request that writes a record commits it with this row without waiting
    for the ledger lock, then seals the queue (its own item and any others committed by then)
    under the lock before it answers, so one lock hold chains a batch. A row here is in
    flight for milliseconds; one left behind by a stopped server is chained by the next seal.
    """

    __tablename__ = "ledger_pending"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    """Assigned in writing order; sealing chains the queue in this order."""
    staged_at: Mapped[datetime] = mapped_column(UTCDateTime)
    kind: Mapped[str] = mapped_column(String(32))
    record_table: Mapped[str] = mapped_column(String(32))
    record_id: Mapped[str] = mapped_column(String(32))
    label: Mapped[str] = mapped_column(String(100))
    record_sha256: Mapped[str] = mapped_column(String(64))
    """The row's hash when the service wrote it, not when it was sealed."""


class LedgerHead(Base):
    """The single row naming the last entry: the lock sealing takes, and the chain's end."""

    __tablename__ = "ledger_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    seq: Mapped[int] = mapped_column(Integer)
    entry_hash: Mapped[str] = mapped_column(String(64))
    checkpoint_seq: Mapped[int] = mapped_column(Integer)
    """The entry of the last signed checkpoint (0: none yet)."""


class LedgerCheckpoint(Base):
    """A signature over the entry hash at `seq`: rewriting the chain before it needs the key."""

    __tablename__ = "ledger_checkpoints"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    entry_hash: Mapped[str] = mapped_column(String(64))
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    key_id: Mapped[str] = mapped_column(String(16))
    signature: Mapped[str] = mapped_column(String(100))


class ReadLogEntry(Base):
    """Who read which identifiable record, when and why. Never updated or deleted."""

    __tablename__ = "read_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor: Mapped[str] = mapped_column(String(100))
    """The username, or the command that read (e.g. an export run from the command line)."""
    record_kind: Mapped[str] = mapped_column(String(32))
    record_id: Mapped[str] = mapped_column(String(200))
    purpose: Mapped[str] = mapped_column(Text)


class WebSession(Base):
    """A signed-in browser session: the cookie holds a random secret, this row its SHA-256.

    Why a row and not a signed cookie alone: signing out, disabling a user or ending their
    sessions deletes the row, and a copy of the cookie stops working at once.
    """

    __tablename__ = "web_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    secret_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    """Where the absolute limit counts from."""
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime)
    """The last request, to the minute: where the idle limit counts from."""


class SignInThrottle(Base):
    """Failed sign-ins in a row for one key: a username as typed, or a client address.

    The key is a SHA-256, so neither what was typed (sometimes a password in the wrong box)
    nor the address is kept. Shared by every worker process, as the store is.
    """

    __tablename__ = "sign_in_throttles"

    key_sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer)
    failed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    """The last failure: any wait counts from it."""
