"""The review panel's casework: the queue, opening a request (logged), assigning it, and
moving it through its stages with a reason for every decision.

Stages (review_stages.csv): received -> eligibility (acknowledged) -> review (eligible) ->
closed (an outcome: no change, refer to the force, refer to the CPS), or closed as not
eligible, or withdrawn by the holder at any time. Each stage has a time limit counted from
when the request entered it; the queue shows which are at risk or overdue. Every move is an
event staged for the ledger with the request's new state, in one transaction.

Matches to closed offences come from `tessera reviews match` (cli/reviews.py), which reads
the warehouse; the web app never opens it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tessera.casework import ledger
from tessera.casework.access import acting_user
from tessera.casework.models import ReviewEvent, ReviewMatch, ReviewRequest, User
from tessera.casework.readlog import log_read
from tessera.casework.review_rules import (
    FINAL_STAGES,
    ROUTE_LABELS,
    Clock,
    Eligibility,
    check_case,
    clock,
    stages,
)
from tessera.casework.reviews import RECORD_KIND, add_event, standard_reference
from tessera.casework.roles import Role
from tessera.casework.store import Casework
from tessera.casework.users import check_password
from tessera.errors import CaseworkError, NoSuchReport, NotPermitted

CASEWORKERS = (Role.REVIEW_CASEWORKER,)
OUTCOMES = {"no_change": "No change to the decision",
            "refer_force": "Refer to the force for reinvestigation",
            "refer_cps": "Refer to the CPS under the Victims' Right to Review"}
"""The review's outcomes, as staff read them."""


@dataclass(frozen=True)
class QueueRow:
    """A request as the queue lists it: no names, so listing is not a read."""

    reference: str
    received_at: datetime
    stage: str
    stage_label: str
    clock: Clock
    assigned_to: str | None
    matches: int


@dataclass(frozen=True)
class MatchView:
    """A matched closed offence, checked against the eligibility rules."""

    id: int
    basis: str
    force_code: str
    crime_reference: str
    ho_offence_code: str
    outcome_type: str
    outcome_group: str
    closed_on: date
    victim_age: int | None
    suspects: int
    eligibility: Eligibility
    route_label: str | None


@dataclass(frozen=True)
class RequestView:
    """A request opened for work: what the person told us, its stage, matches and events."""

    request: ReviewRequest
    stage_label: str
    clock: Clock
    assigned_to: str | None
    matches: list[MatchView]
    events: list[ReviewEvent]


def queue(session: Session, user: User) -> list[QueueRow]:
    """Open requests, overdue and at risk first, then oldest first."""
    acting_user(session, user, *CASEWORKERS)
    counts = (select(ReviewMatch.request_id, func.count().label("n"))
              .group_by(ReviewMatch.request_id).subquery())
    rows = session.execute(
        select(ReviewRequest, User.display_name, counts.c.n)
        .outerjoin(User, User.id == ReviewRequest.assigned_to)
        .outerjoin(counts, counts.c.request_id == ReviewRequest.id)
        .where(ReviewRequest.stage.not_in(FINAL_STAGES))
        .order_by(ReviewRequest.received_at, ReviewRequest.id))
    now = datetime.now(UTC)
    found = [QueueRow(r.reference, r.received_at, r.stage, stages()[r.stage].label,
                      clock(r.stage, r.stage_since, now), name, n or 0)
             for r, name, n in rows]
    urgency = {"overdue": 0, "at_risk": 1, "on_time": 2, "none": 3}
    return sorted(found, key=lambda row: urgency[row.clock.state])


def find_request(session: Session, reference: str, *, lock: bool = False) -> ReviewRequest:
    """The request with this reference, or `NoSuchReport` (as for a report)."""
    standard = standard_reference(reference)
    if standard is None:
        raise NoSuchReport(ascii(reference)[:200])
    request = session.scalar(select(ReviewRequest).where(ReviewRequest.reference == standard))
    if request is None:
        raise NoSuchReport(standard)
    if lock:
        session.refresh(request, with_for_update=True)
    return request


def open_request(session: Session, user: User, reference: str, purpose: str) -> RequestView:
    """Open a request's details (who the person is, how to reach them), logging the read."""
    current = acting_user(session, user, *CASEWORKERS)
    request = find_request(session, reference)
    log_read(session, current, RECORD_KIND, request.reference, purpose)
    assigned = session.get(User, request.assigned_to) if request.assigned_to else None
    matches = [_match_view(m) for m in session.scalars(
        select(ReviewMatch).where(ReviewMatch.request_id == request.id)
        .order_by(ReviewMatch.closed_on, ReviewMatch.id))]
    events = list(session.scalars(select(ReviewEvent).where(
        ReviewEvent.request_id == request.id).order_by(ReviewEvent.id)))
    return RequestView(request, stages()[request.stage].label,
                       clock(request.stage, request.stage_since, datetime.now(UTC)),
                       assigned.display_name if assigned else None, matches, events)


def _match_view(match: ReviewMatch) -> MatchView:
    checked = check_case(match.outcome_group, match.outcome_type, match.closed_on,
                         match.victim_age)
    return MatchView(match.id, match.basis, match.force_code, match.crime_reference,
                     match.ho_offence_code, match.outcome_type, match.outcome_group,
                     match.closed_on, match.victim_age, match.suspects, checked,
                     ROUTE_LABELS[checked.route] if checked.route else None)


def caseworkers(session: Session, user: User) -> list[tuple[str, str]]:
    """Enabled review caseworkers (username, name), to assign requests to."""
    acting_user(session, user, *CASEWORKERS)
    return [(u.username, u.display_name) for u in session.scalars(
        select(User).where(User.role == Role.REVIEW_CASEWORKER.value,
                           User.disabled.is_(False)).order_by(User.display_name))]


def _acting(session: Session, user: User, reference: str) -> tuple[User, ReviewRequest]:
    current = acting_user(session, user, *CASEWORKERS)
    request = find_request(session, reference, lock=True)
    if request.stage in FINAL_STAGES:
        raise CaseworkError(f"request {request.reference} is finished "
                            f"({stages()[request.stage].label.lower()})")
    return current, request


def _move(session: Session, current: User, request: ReviewRequest, kind: str, detail: str,
          *, stage: str | None = None, outcome: str | None = None,
          reasons: str | None = None) -> None:
    if stage is not None:
        request.stage, request.stage_since = stage, datetime.now(UTC)
    if outcome is not None:
        request.outcome = outcome
    add_event(session, request, kind, detail, actor_kind="user", actor=current.username,
              user_id=current.id, reasons=reasons)
    ledger.stage(session, request, kind="review request stage",
                 label=f"review request {request.reference}")


def _reasons(reasons: str | None, what: str) -> str:
    text = (reasons or "").strip()
    if not text:
        raise CaseworkError(f"give the reasons for {what}")
    return text


def assign(session: Session, user: User, reference: str, to_username: str) -> None:
    """Give a request to a review caseworker (yourself or another)."""
    current, request = _acting(session, user, reference)
    to = session.scalar(select(User).where(User.username == to_username,
                                           User.role == Role.REVIEW_CASEWORKER.value,
                                           User.disabled.is_(False)))
    if to is None:
        raise CaseworkError("choose a review caseworker to assign the request to")
    request.assigned_to = to.id
    _move(session, current, request, "assigned", f"assigned to {to.username}")


def acknowledge(session: Session, user: User, reference: str) -> None:
    """Acknowledge a new request: it moves to the eligibility decision."""
    current, request = _acting(session, user, reference)
    if request.stage != "received":
        raise CaseworkError(f"request {request.reference} has already been acknowledged")
    _move(session, current, request, "acknowledged", "acknowledged; eligibility next",
          stage="eligibility")


def decide_eligibility(session: Session, user: User, reference: str, eligible: bool,
                       reasons: str | None, match_id: int | None = None) -> None:
    """Decide whether the panel can review the case, with reasons; eligible means naming the
    matched closed case it is (checked against the rules again here)."""
    current, request = _acting(session, user, reference)
    if request.stage != "eligibility":
        raise CaseworkError("acknowledge the request before deciding eligibility"
                            if request.stage == "received" else
                            f"eligibility for request {request.reference} is decided")
    text = _reasons(reasons, "the eligibility decision")
    if not eligible:
        _move(session, current, request, "eligibility", "not eligible", stage="closed",
              outcome="not_eligible", reasons=text)
        return
    match = session.get(ReviewMatch, match_id) if match_id is not None else None
    if match is None or match.request_id != request.id:
        raise CaseworkError("choose the matched closed case the review is about (run "
                            "'tessera reviews match' if there is none)")
    checked = _match_view(match).eligibility
    if not checked.eligible or checked.route is None:
        raise CaseworkError("that case does not meet the eligibility rules: "
                            + "; ".join(checked.reasons))
    _move(session, current, request, "eligibility",
          f"eligible: {match.crime_reference} ({match.force_code}), route {checked.route}",
          stage="review", reasons=text)


def record_outcome(session: Session, user: User, reference: str, outcome: str,
                   reasons: str | None) -> None:
    """The panel's outcome of a review, with reasons; the request is then closed."""
    current, request = _acting(session, user, reference)
    if request.stage != "review":
        raise CaseworkError("decide eligibility before recording the review's outcome")
    if outcome not in OUTCOMES:
        raise CaseworkError("choose the outcome of the review")
    text = _reasons(reasons, "the outcome")
    _move(session, current, request, "outcome", OUTCOMES[outcome].lower(), stage="closed",
          outcome=outcome, reasons=text)


def identities_to_match(session: Session, user: User, purpose: str) -> list[dict[str, Any]]:
    """What the match command looks up in the warehouse for each request awaiting an
    eligibility decision: the person's name and date of birth, force and crime reference.
    Each request read is logged (an identity look-up)."""
    current = acting_user(session, user, *CASEWORKERS)
    requests = list(session.scalars(select(ReviewRequest).where(
        ReviewRequest.stage.in_(("received", "eligibility"))).order_by(ReviewRequest.id)))
    for request in requests:
        log_read(session, current, RECORD_KIND, request.reference, purpose)
    return [{"reference": r.reference, "given_name": r.given_name,
             "family_name": r.family_name, "date_of_birth": r.date_of_birth,
             "force_code": r.force_code, "crime_reference": r.crime_reference}
            for r in requests]


def record_matches(session: Session, user: User, reference: str,
                   found: Sequence[dict[str, Any]]) -> int:
    """Keep the closed offences the match command found for a request (those not kept
    already, by force and crime reference); returns how many are new."""
    current = acting_user(session, user, *CASEWORKERS)
    request = find_request(session, reference, lock=True)
    known = {(m.force_code, m.crime_reference) for m in session.scalars(
        select(ReviewMatch).where(ReviewMatch.request_id == request.id))}
    new = [row for row in found if (row["force_code"], row["crime_reference"]) not in known]
    for row in new:
        match = ReviewMatch(request_id=request.id, found_at=datetime.now(UTC),
                            found_by=current.username, **row)
        session.add(match)
        ledger.stage(session, match, kind="review match",
                     label=f"match for review request {request.reference}")
    if new:
        add_event(session, request, "matched", f"{len(new)} closed case(s) found in the "
                  "warehouse", actor_kind="command", actor=f"reviews match by "
                  f"{current.username}", user_id=current.id)
    return len(new)


def caseworker_signed_in(casework: Casework, username: str, password: str) -> User:
    """The review caseworker running a command, once their password is checked (argon2,
    outside any transaction, as sign_in.py does); `NotPermitted` otherwise."""
    with casework.reading() as session:
        user = session.scalar(select(User).where(User.username == username))
        correct = check_password(user, password)
    if not correct or user is None:
        raise NotPermitted("the username or password is not right")
    with casework.session() as session:
        return acting_user(session, user, *CASEWORKERS)
