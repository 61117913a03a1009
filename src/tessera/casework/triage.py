"""Triage: an area's queue, opening a report (logged), deciding on it, and its timeline.

Why a decision and a transfer both go through `decide`: each is a decision someone is
accountable for, with a time and a user, and each is staged for the ledger with the report's
new state in the same transaction (and sealed before the session returns), so neither can be
made or undone quietly.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from tessera.casework import ledger
from tessera.casework.access import acting_user, triage_scope
from tessera.casework.models import OPEN, Decision, Report, User
from tessera.casework.readlog import log_read
from tessera.casework.report_input import ReportInput
from tessera.casework.reports import visible_report
from tessera.casework.roles import Role
from tessera.casework.routing import force_name, queue_name, route_local_authority
from tessera.errors import CaseworkError


class Outcome(StrEnum):
    """What triage decides to do with a report."""

    STRATEGY_DISCUSSION = "strategy_discussion"
    POLICE_INVESTIGATION = "police_investigation"
    BOTH = "both"
    NO_FURTHER_ACTION = "no_further_action"
    TRANSFER = "transfer"


OUTCOME_LABELS: dict[Outcome, str] = {
    Outcome.STRATEGY_DISCUSSION: "Referred to children's social care for a strategy discussion",
    Outcome.POLICE_INVESTIGATION: "Referred to the police for investigation",
    Outcome.BOTH: "Referred to children's social care for a strategy discussion and to the "
                  "police for investigation",
    Outcome.NO_FURTHER_ACTION: "No further action",
    Outcome.TRANSFER: "Transferred",
}


@dataclass(frozen=True)
class QueueItem:
    """A report as a queue lists it: no identifiable details, so listing is not a read."""

    reference: str
    received_at: datetime
    immediate_risk: bool
    queue: str
    queue_name: str
    force_code: str | None
    force_name: str | None


@dataclass(frozen=True)
class ReportView:
    """A report opened for work: everything reported, where it is, and its state."""

    reference: str
    received_at: datetime
    reporter_name: str
    content: ReportInput
    la_code: str | None
    force_code: str | None
    force_name: str | None
    queue: str
    queue_name: str
    status: str


@dataclass(frozen=True)
class Event:
    """One line of a report's timeline."""

    at: datetime
    kind: str
    actor: str
    detail: str


def queue(session: Session, user: User) -> list[QueueItem]:
    """The open reports of a triage user's area: immediate risk first, then oldest first."""
    current = acting_user(session, user, Role.TRIAGE)
    rows = session.execute(
        select(Report.reference, Report.received_at, Report.immediate_risk, Report.queue,
               Report.force_code)
        .where(triage_scope(current), Report.status == OPEN)
        .order_by(Report.immediate_risk.desc(), Report.received_at, Report.id))
    return [QueueItem(r.reference, r.received_at, r.immediate_risk, r.queue,
                      queue_name(r.queue), r.force_code, force_name(r.force_code))
            for r in rows]


def open_report(session: Session, user: User, reference: str, purpose: str) -> ReportView:
    """Open a report's identifiable details, logging who, when and why.

    Triage users open reports of their area; a reporter may open their own.
    """
    current = acting_user(session, user, Role.TRIAGE, Role.REPORTER)
    report = visible_report(session, current, reference)
    log_read(session, current, "report", report.reference, purpose)
    reporter = session.get(User, report.reporter_id)
    content = ReportInput.model_construct(
        **{name: getattr(report, name) for name in ReportInput.model_fields})
    return ReportView(report.reference, report.received_at,
                      reporter.display_name if reporter else "unknown", content,
                      report.la_code, report.force_code, force_name(report.force_code),
                      report.queue, queue_name(report.queue), report.status)


def decide(session: Session, user: User, reference: str, outcome: Outcome,
           reason: str | None = None, transfer_to: str | None = None) -> None:
    """Record a triage decision on an open report of the user's area.

    No further action needs a reason; a transfer needs the local authority it goes to (and
    moves the report to that authority's queue and force).
    """
    current = acting_user(session, user, Role.TRIAGE)
    report = visible_report(session, current, reference, lock=True)
    outcome = Outcome(outcome)
    reason = reason.strip() if reason and reason.strip() else None
    if report.status != OPEN:
        raise CaseworkError(f"report {report.reference} has already been decided "
                            f"({OUTCOME_LABELS[Outcome(report.status)].lower()})")
    if outcome is Outcome.NO_FURTHER_ACTION and reason is None:
        raise CaseworkError("give the reason for no further action")
    if outcome is not Outcome.TRANSFER and transfer_to:
        raise CaseworkError("only a transfer names a local authority to transfer to")
    decision = Decision(report_id=report.id, outcome=outcome.value, reason=reason,
                        decided_by=current.id, decided_at=datetime.now(UTC))
    if outcome is Outcome.TRANSFER:
        route = route_local_authority(transfer_to or "")
        if route.la_code is None:
            raise CaseworkError("choose a local authority (ONS code) to transfer the report to")
        if route.queue == report.queue:
            raise CaseworkError(f"report {report.reference} is already with {route.queue}")
        decision.transfer_from, decision.transfer_to = report.queue, route.queue
        report.la_code, report.force_code, report.queue = route.la_code, route.force_code, \
            route.queue
    else:
        report.status = outcome.value
    session.add(decision)
    kind = "transfer" if outcome is Outcome.TRANSFER else "decision"
    ledger.stage(session, decision, kind=kind, label=f"{kind} on {report.reference}")
    ledger.stage(session, report, kind=f"report {kind}", label=f"report {report.reference}")


def timeline(session: Session, user: User, reference: str) -> list[Event]:
    """Every event of a report in order: its submission and each decision, with who and when."""
    current = acting_user(session, user, Role.TRIAGE)
    report = visible_report(session, current, reference)
    reporter = session.get(User, report.reporter_id)
    first = session.scalar(select(Decision.transfer_from).where(
        Decision.report_id == report.id, Decision.transfer_from.is_not(None))
        .order_by(Decision.id).limit(1)) or report.queue
    risk = "; immediate risk" if report.immediate_risk else ""
    events = [Event(report.received_at, "submitted", reporter.display_name if reporter else
                    "unknown", f"Reported; routed to {queue_name(first)}{risk}")]
    rows = session.execute(select(Decision, User.display_name)
                           .join(User, User.id == Decision.decided_by)
                           .where(Decision.report_id == report.id).order_by(Decision.id))
    for decision, actor in rows:
        events.append(Event(decision.decided_at, decision.outcome, actor, _detail(decision)))
    return events


def _detail(decision: Decision) -> str:
    outcome = Outcome(decision.outcome)
    if outcome is Outcome.TRANSFER:
        text = (f"Transferred from {queue_name(decision.transfer_from or '')} to "
                f"{queue_name(decision.transfer_to or '')}")
    else:
        text = OUTCOME_LABELS[outcome]
    return f"{text}: {decision.reason}" if decision.reason else text
