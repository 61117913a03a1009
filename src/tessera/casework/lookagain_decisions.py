"""What analysts decide about the cases of the look-again list: refer a case for
reinvestigation, or no further action after looking at it again, each with the reason.

Why kept: the list ranks closed cases by new evidence, but what matters to a victim and to the
inspectorate is what was done with each one. A decision is a ledgered row, never changed (a
later one on the same case is another row), so a case's history reads back whole; and the
referrals are the source of the performance framework's P12 (look-again referrals). The
caller opens the case first through `publications.open_entry`, which checks that the analyst
may see it (their own force's, or any for a national analyst) and logs the read.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from tessera.casework import ledger
from tessera.casework.access import acting_user
from tessera.casework.models import LookAgainDecision, User
from tessera.casework.publications import READER_ROLES, EntryView
from tessera.casework.text import HIDDEN_CHARACTERS, has_forbidden_characters
from tessera.errors import CaseworkError

DECISIONS: Final = {"refer": "Referred for reinvestigation",
                    "no_further_action": "Looked at again: no further action"}
"""The decisions an analyst can record, and how pages name them."""
MAX_REASON = 2000


@dataclass(frozen=True)
class DecisionView:
    """One recorded decision as the case page shows it."""

    decision: str
    label: str
    reason: str
    decided_by: str
    decided_at: datetime


def decision_errors(decision: str, reason: str) -> dict[str, str]:
    """What to correct in a decision form, by field (empty when nothing)."""
    errors = {}
    if decision not in DECISIONS:
        errors["decision"] = "Select what you decided about this case"
    if not reason.strip():
        errors["reason"] = "Say why: what you found when you looked at the case again"
    elif has_forbidden_characters(reason):
        errors["reason"] = HIDDEN_CHARACTERS
    elif len(reason) > MAX_REASON:
        errors["reason"] = f"The reason must be {MAX_REASON:,} characters or fewer"
    return errors


def record_decision(session: Session, user: User, entry: EntryView, publication_id: int,
                    decision: str, reason: str) -> LookAgainDecision:
    """Record an analyst's decision on a case they have opened (`entry`, from
    `publications.open_entry` in the same transaction), chained into the ledger.

    Raises `CaseworkError` (400) naming the field when the decision or reason is not right.
    """
    errors = decision_errors(decision, reason)
    if errors:
        field, message = next(iter(errors.items()))
        raise CaseworkError(f"{field}: {message}")
    current = acting_user(session, user, *READER_ROLES)
    row = LookAgainDecision(case_key=entry.key, force_code=entry.force_code,
                            publication_id=publication_id, decision=decision,
                            reason=reason.strip(), decided_by=current.id,
                            decided_at=datetime.now(UTC))
    session.add(row)
    ledger.stage(session, row, kind="look-again decision", label=f"look-again case {entry.key}")
    return row


def decisions_on(session: Session, case_key: str) -> list[DecisionView]:
    """Every decision recorded on a case, oldest first, with who made it."""
    rows = session.execute(
        select(LookAgainDecision, User.display_name)
        .join(User, User.id == LookAgainDecision.decided_by)
        .where(LookAgainDecision.case_key == case_key).order_by(LookAgainDecision.id))
    return [DecisionView(row.decision, DECISIONS[row.decision], row.reason, name,
                         row.decided_at) for row, name in rows]


def referrals_made(session: Session) -> list[tuple[str | None, date]]:
    """Each case referred for reinvestigation, once (its first referral), with its force and
    the day (UTC): the performance framework's P12. Counts only; no case is opened."""
    first: dict[str, tuple[str | None, date]] = {}
    for key, force, at in session.execute(
            select(LookAgainDecision.case_key, LookAgainDecision.force_code,
                   LookAgainDecision.decided_at)
            .where(LookAgainDecision.decision == "refer").order_by(LookAgainDecision.id)):
        first.setdefault(key, (force, at.date()))
    return list(first.values())
