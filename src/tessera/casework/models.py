"""The casework store's tables, as SQLAlchemy 2 typed models.

Why reports keep their fields as columns (not one JSON blob): triage queries them, the export
maps them onto the core dataset, and the ledger hashes each row column by column, so a change
to any one field in the database is caught. The Alembic migrations in `migrations/` create
exactly these tables; a test compares the two.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
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


class Ledgered:
    """A table whose every write is chained into the tamper-evident ledger (ledger.py).

    A model declares itself by inheriting this and naming, in `ledger_key`, the column that
    identifies one of its records in the ledger's entries; the ledger finds every such model
    by itself, so a new kind of record needs no change there.
    """

    ledger_key: ClassVar[str]


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


class Report(Base, Ledgered):
    """A mandatory report as submitted, where it is routed, and its state."""

    __tablename__ = "reports"
    ledger_key = "reference"
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


class Decision(Base, Ledgered):
    """A triage decision on a report (a transfer is one too), with who made it and when."""

    __tablename__ = "decisions"
    ledger_key = "id"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id"), index=True)
    outcome: Mapped[str] = mapped_column(String(32))
    reason: Mapped[str | None] = mapped_column(Text)
    transfer_from: Mapped[str | None] = mapped_column(String(16))
    transfer_to: Mapped[str | None] = mapped_column(String(16))
    decided_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime)


class LedgerEntry(Base):
    """One link of the hash chain: a staged item as the service signed it, and the link to the
    entry before; `entry_hash` covers every other column."""

    __tablename__ = "ledger_entries"
    __table_args__ = (Index("ix_ledger_entries_record", "record_table", "record_id"),)

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    """When the item was sealed into the chain."""
    item_id: Mapped[str] = mapped_column(String(32), unique=True)
    staged_at: Mapped[datetime] = mapped_column(UTCDateTime)
    kind: Mapped[str] = mapped_column(String(32))
    record_table: Mapped[str] = mapped_column(String(32))
    record_id: Mapped[str] = mapped_column(String(32))
    label: Mapped[str] = mapped_column(String(100))
    record_sha256: Mapped[str] = mapped_column(String(64))
    key_id: Mapped[str] = mapped_column(String(16))
    item_signature: Mapped[str] = mapped_column(String(100))
    prev_hash: Mapped[str] = mapped_column(String(64))
    entry_hash: Mapped[str] = mapped_column(String(64))


class LedgerHead(Base):
    """The single row naming the chain's end and the last signed head: the lock sealing takes.

    Not trusted by `verify`, which recomputes both from the entries and checkpoints; it lets
    a seal extend the chain without reading it, and locking it is what keeps two seals apart.
    """

    __tablename__ = "ledger_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    seq: Mapped[int] = mapped_column(Integer)
    entry_hash: Mapped[str] = mapped_column(String(64))
    checkpoint_n: Mapped[int] = mapped_column(Integer)
    """The number of the last signed checkpoint (0: none yet)."""
    checkpoint_seq: Mapped[int] = mapped_column(Integer)
    checkpoint_hash: Mapped[str] = mapped_column(String(64))


class LedgerCheckpoint(Base):
    """A signed head: the service's signature over the chain's end at entry `seq`, linked to
    the checkpoint before it. One is written at every seal (and every `CHECKPOINT_EVERY`
    entries within a large one), so no entry is ever outside a signed head."""

    __tablename__ = "ledger_checkpoints"

    n: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    seq: Mapped[int] = mapped_column(Integer, unique=True)
    entry_hash: Mapped[str] = mapped_column(String(64))
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    key_id: Mapped[str] = mapped_column(String(16))
    prev_checkpoint: Mapped[str] = mapped_column(String(64))
    """The hash of checkpoint n - 1 (signature included), or the genesis hash for the first."""
    signature: Mapped[str] = mapped_column(String(100))


class ReadLogEntry(Base, Ledgered):
    """Who read which identifiable record, when and why. Never updated or deleted, and each
    row chained into the ledger, so a row rewritten or removed is found."""

    __tablename__ = "read_log"
    ledger_key = "id"

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


class Publication(Base, Ledgered):
    """One published snapshot of an analysis product (the look-again list now; problem
    profiles and performance later), written by a command from the warehouse and read by the
    web app, which must not hold the warehouse open (DuckDB has one writer).

    Never updated: a new publication of a product supersedes the last (`supersedes` names
    it), and the web shows the latest, so the history of what analysts were shown stays.
    It and each of its entries are chained into the ledger as written, so a list changed
    behind the service's back (a case dropped, a score raised) is found by `ledger verify`.
    """

    __tablename__ = "publications"
    ledger_key = "id"
    __table_args__ = (Index("ix_publications_product", "product", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    product: Mapped[str] = mapped_column(String(40))
    published_at: Mapped[datetime] = mapped_column(UTCDateTime)
    published_by: Mapped[str] = mapped_column(String(200))
    """The command that published, and the account it ran as."""
    supersedes: Mapped[int | None] = mapped_column(ForeignKey("publications.id"))
    provenance: Mapped[str] = mapped_column(Text)
    """The warehouse's provenance sentence (synthetic, supplied or mixed data)."""
    batch_id: Mapped[int | None] = mapped_column(Integer)
    """The warehouse's latest load batch the snapshot was made from."""
    loaded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    linkage_run_id: Mapped[int | None] = mapped_column(Integer)
    settings: Mapped[dict[str, Any]] = mapped_column(JSON)
    """What the product was made with (for the look-again list: its rules and weights)."""
    counts: Mapped[dict[str, Any]] = mapped_column(JSON)


class PublishedEntry(Base, Ledgered):
    """One entry of a publication, scoped to one police force: a ranked case of the
    look-again list (or, later, one force's profile). `key` is pseudonymous; `detail` holds
    what the page shows of it, as the product shaped it."""

    __tablename__ = "published_entries"
    ledger_key = "id"
    __table_args__ = (
        UniqueConstraint("publication_id", "key"),
        Index("ix_published_entries_force", "publication_id", "force_code", "rank"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    publication_id: Mapped[int] = mapped_column(ForeignKey("publications.id"))
    force_code: Mapped[str] = mapped_column(String(40))
    rank: Mapped[int] = mapped_column(Integer)
    key: Mapped[str] = mapped_column(String(200))
    score: Mapped[float] = mapped_column(Float)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON)


class LookAgainDecision(Base, Ledgered):
    """What an analyst decided about a case of the look-again list after looking at it: refer
    it for reinvestigation, or no further action, and why (lookagain_decisions.py).

    Never updated: a later decision on the same case is a new row, so the history stays.
    `case_key` is the entry's pseudonymous key, the same in every publication of the list;
    `publication_id` the publication the analyst was reading.
    """

    __tablename__ = "look_again_decisions"
    ledger_key = "id"
    __table_args__ = (Index("ix_look_again_decisions_case", "case_key", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_key: Mapped[str] = mapped_column(String(200))
    force_code: Mapped[str] = mapped_column(String(40))
    publication_id: Mapped[int] = mapped_column(ForeignKey("publications.id"))
    decision: Mapped[str] = mapped_column(String(32))
    """"refer" (for reinvestigation) or "no_further_action"."""
    reason: Mapped[str] = mapped_column(Text)
    decided_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ReviewRequest(Base, Ledgered):
    """A victim's or survivor's request that the panel review a closed case (reviews.py).

    Who they are and how to reach them safely are kept as columns, as a report's are, so the
    ledger hashes each; the secret that lets them follow the request is kept only as its
    argon2 hash, as passwords are.
    """

    __tablename__ = "review_requests"
    ledger_key = "reference"
    __table_args__ = (Index("ix_review_requests_stage", "stage"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reference: Mapped[str] = mapped_column(String(16), unique=True)
    secret_hash: Mapped[str] = mapped_column(String(200))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    submitted_by: Mapped[str] = mapped_column(String(32))
    """"self", or "support_organisation" (with the person's consent recorded below)."""
    support_organisation: Mapped[str | None] = mapped_column(String(200))
    support_contact: Mapped[str | None] = mapped_column(String(200))
    consent_given: Mapped[bool] = mapped_column(Boolean)
    consent_how: Mapped[str | None] = mapped_column(Text)
    given_name: Mapped[str] = mapped_column(String(100))
    family_name: Mapped[str] = mapped_column(String(100))
    date_of_birth: Mapped[date] = mapped_column(Date)
    safe_methods: Mapped[str] = mapped_column(String(100))
    """The contact methods that are safe, comma-separated (email, phone, text, post)."""
    email: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(40))
    postal_address: Mapped[str | None] = mapped_column(Text)
    times_to_avoid: Mapped[str | None] = mapped_column(Text)
    may_say_subject: Mapped[bool] = mapped_column(Boolean)
    """Whether a message may say what it is about; if not, messages say only "Tessera"."""
    force_code: Mapped[str | None] = mapped_column(String(40))
    crime_reference: Mapped[str | None] = mapped_column(String(40))
    happened_from_year: Mapped[int | None] = mapped_column(Integer)
    happened_to_year: Mapped[int | None] = mapped_column(Integer)
    decision_year: Mapped[int | None] = mapped_column(Integer)
    what_happened: Mapped[str] = mapped_column(Text)
    review_wanted: Mapped[str] = mapped_column(String(32))
    """Whose decision they want looked at: police, cps or not_sure."""
    review_reason: Mapped[str] = mapped_column(Text)
    support_wanted: Mapped[str | None] = mapped_column(Text)
    stage: Mapped[str] = mapped_column(String(32))
    """Where the request is (review_stages.csv), or a final stage (closed, withdrawn)."""
    stage_since: Mapped[datetime] = mapped_column(UTCDateTime)
    """When it entered its stage: the stage's time limit counts from it."""
    outcome: Mapped[str | None] = mapped_column(String(32))
    assigned_to: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class ReviewEvent(Base, Ledgered):
    """One thing done to a review request, by whom and why: its submission, a stage moved,
    an assignment, an eligibility decision, an outcome, a letter, a withdrawal.

    The actor is a staff user (`user_id`), the person or organisation holding the request
    (`actor_kind` "request_holder", no user: they have no account), or a command.
    """

    __tablename__ = "review_events"
    ledger_key = "id"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("review_requests.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    kind: Mapped[str] = mapped_column(String(32))
    detail: Mapped[str | None] = mapped_column(String(200))
    reasons: Mapped[str | None] = mapped_column(Text)
    actor_kind: Mapped[str] = mapped_column(String(16))
    """"user", "request_holder" or "command"."""
    actor: Mapped[str] = mapped_column(String(100))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class ReviewMatch(Base, Ledgered):
    """A closed offence in the warehouse that may be the case a request is about, written by
    `tessera reviews match` (the web app never opens the warehouse), with the facts the
    eligibility rules read."""

    __tablename__ = "review_matches"
    ledger_key = "id"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("review_requests.id"), index=True)
    found_at: Mapped[datetime] = mapped_column(UTCDateTime)
    found_by: Mapped[str] = mapped_column(String(100))
    basis: Mapped[str] = mapped_column(String(32))
    """How it was found: "crime_reference", "linked_identity" or both ("both")."""
    force_code: Mapped[str] = mapped_column(String(40))
    crime_reference: Mapped[str] = mapped_column(String(40))
    ho_offence_code: Mapped[str] = mapped_column(String(8))
    outcome_type: Mapped[str] = mapped_column(String(8))
    outcome_group: Mapped[str] = mapped_column(String(40))
    closed_on: Mapped[date] = mapped_column(Date)
    victim_age: Mapped[int | None] = mapped_column(Integer)
    suspects: Mapped[int] = mapped_column(Integer)
class TrackerStatusChange(Base, Ledgered):
    """A status of a recommendation recorded by an administrator, with its source.

    The statuses the reference files give are data (casework/tracker_data); what changes after
    them is recorded here, each change chained into the ledger, so a status can be neither
    added nor altered quietly.
    """

    __tablename__ = "tracker_status_changes"
    ledger_key = "id"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    recommendation_id: Mapped[str] = mapped_column(String(16), index=True)
    status_date: Mapped[date] = mapped_column(Date)
    state: Mapped[str] = mapped_column(String(32))
    status_text: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(Text)
    recorded_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)


class IndicatorSnapshot(Base, Ledgered):
    """One published indicator drawn from the warehouse, as the disclosure step left it.

    Why a snapshot: the web app must not hold the DuckDB warehouse open, so `tessera tracker
    publish` computes the warehouse's indicators, protects them and stores them here; the
    tracker page shows the latest snapshot of each.
    """

    __tablename__ = "indicator_snapshots"
    ledger_key = "id"
    __table_args__ = (Index("ix_indicator_snapshots_indicator", "indicator", "published_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    indicator: Mapped[str] = mapped_column(String(32))
    published_at: Mapped[datetime] = mapped_column(UTCDateTime)
    warehouse: Mapped[str] = mapped_column(String(200))
    """What the figures were drawn from (the warehouse file's name and its audit period)."""
    table_json: Mapped[str] = mapped_column(Text)
    """The published table: title, column labels, shown rows (symbols in place) and notes."""
