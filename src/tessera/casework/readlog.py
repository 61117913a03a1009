"""The read log: who opened which identifiable record, when and why.

Why a log of reads and not only of changes: identifiable details of a child are read far more
often than changed, and misuse is reading, not writing. There is no update or delete here,
the migrations make the table append-only in the database too, and every entry is chained
into the ledger, so one rewritten or removed behind the service's back is found by verify.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from tessera.casework import ledger
from tessera.casework.access import acting_user
from tessera.casework.models import ReadLogEntry, User
from tessera.casework.principals import RequestHolder
from tessera.casework.roles import Role
from tessera.errors import CaseworkError

READ_LOG_PAGE = 1000
"""Most recent entries `read_log` returns by default: a screenful for an administrator, not
the whole history at national scale."""


@dataclass(frozen=True)
class ReadEntry:
    """One read: when, who (username and name), which record, and the reason they gave."""

    at: datetime
    actor: str
    display_name: str | None
    record_kind: str
    record_id: str
    purpose: str


def log_read(session: Session, user: User | RequestHolder | None, record_kind: str,
             record_id: str, purpose: str, *, actor: str | None = None) -> None:
    """Record that `user` (a staff user, or a `RequestHolder`: someone with no account reading
    their own review request) or, with no user, the named `actor` (e.g. a command) read a
    record.

    A reason is required: a read nobody can explain is what the log exists to show up.
    """
    if not purpose.strip():
        raise CaseworkError("say why you are opening this record")
    if isinstance(user, RequestHolder):
        actor, user = user.actor, None
    name = user.username if user is not None else actor
    if not name:
        raise CaseworkError("a read must name who read")
    entry = ReadLogEntry(at=datetime.now(UTC), user_id=user.id if user else None, actor=name,
                         record_kind=record_kind, record_id=record_id, purpose=purpose.strip())
    session.add(entry)
    ledger.stage(session, entry, kind="read", label=f"read of {record_kind} {record_id} by {name}")


def read_log(session: Session, user: User, *, limit: int = READ_LOG_PAGE) -> list[ReadEntry]:
    """The most recent reads, newest first; administrators only."""
    acting_user(session, user, Role.ADMINISTRATOR)
    rows = session.execute(
        select(ReadLogEntry, User.display_name).outerjoin(User, User.id == ReadLogEntry.user_id)
        .order_by(ReadLogEntry.id.desc()).limit(limit))
    return [ReadEntry(entry.at, entry.actor, display_name, entry.record_kind, entry.record_id,
                      entry.purpose) for entry, display_name in rows]
