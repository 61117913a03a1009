"""The recommendations tracker (M10): each recommendation, its dated and sourced status history,
whether it is overdue, and the live indicator the casework store itself can give.

Why the recommendations and the statuses found so far are data (tracker_data/*.csv) and not
rows: they come, with their sources, from published reports and government statements, and a
reviewer must be able to read them beside those sources. Later statuses are recorded by an
administrator, with a source, as `TrackerStatusChange` rows chained into the ledger, so the
history a reader sees is the file's plus the ledger's, and neither can change quietly.

Indicators drawn from the warehouse are not computed here (the casework store never opens the
warehouse): `tessera tracker publish` stores them as `IndicatorSnapshot`s, read back here.
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cache
from importlib import resources
from typing import Any

from pydantic import BaseModel, ConfigDict, field_validator
from pydantic_core import PydanticCustomError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tessera.casework import ledger
from tessera.casework.access import acting_user
from tessera.casework.models import (
    IndicatorSnapshot,
    Report,
    ReviewMatch,
    ReviewRequest,
    TrackerStatusChange,
    User,
)
from tessera.casework.roles import Role
from tessera.casework.routing import NATIONAL_QUEUE
from tessera.casework.text import HIDDEN_CHARACTERS, has_forbidden_characters
from tessera.errors import CaseworkError, NotFound

MAX_TEXT = 2000
MAX_SOURCE = 1000


def _data(name: str) -> list[dict[str, str]]:
    """The rows of one of the tracker's data files."""
    path = resources.files("tessera.casework") / "tracker_data" / name
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))


@dataclass(frozen=True)
class Recommendation:
    """One recommendation as its report made it, with who must act and by when."""

    id: str
    report: str
    report_label: str
    number: int
    title: str
    summary: str
    responsible: str
    due_date: date | None
    due_source: str
    indicator: str
    """The code of the indicator evidencing progress (indicators.csv), or "" when none."""
    report_link: str
    source: str


@dataclass(frozen=True)
class StatusEntry:
    """One dated, sourced status. `status_date` is as precise as the source ("2025", "2025-12"
    or "2025-12-22"; "" when the source gives none)."""

    status_date: str
    state: str
    state_label: str
    status_text: str
    source: str
    recorded_by: str | None = None
    """The administrator who recorded it, or None for a status from the data file."""


@dataclass(frozen=True)
class RecommendationStatus:
    """A recommendation with its history (oldest first), latest status and overdue flag."""

    recommendation: Recommendation
    history: tuple[StatusEntry, ...]
    overdue: bool

    @property
    def latest(self) -> StatusEntry:
        """The most recent status (the history is never empty: every row has one)."""
        return self.history[-1]


@dataclass(frozen=True)
class Indicator:
    """One indicator slot: what it measures, where it comes from, and its figures (None: no
    indicator yet, or not published yet)."""

    code: str
    label: str
    measures: str
    source: str
    where: str
    table: dict[str, Any] | None
    published_at: datetime | None = None
    drawn_from: str | None = None


@cache
def states() -> dict[str, dict[str, str]]:
    """The status states a recommendation can be in, by code (states.csv)."""
    return {row["code"]: row for row in _data("states.csv")}


@cache
def indicator_slots() -> dict[str, dict[str, str]]:
    """Every indicator slot by code (indicators.csv), built or not."""
    return {row["code"]: row for row in _data("indicators.csv")}


@cache
def recommendations() -> tuple[Recommendation, ...]:
    """Every recommendation tracked, in the order of the data file."""
    reports = {row["code"]: row["label"] for row in _data("reports.csv")}
    return tuple(Recommendation(
        id=row["id"], report=row["report"], report_label=reports[row["report"]],
        number=int(row["number"]), title=row["title"], summary=row["summary"],
        responsible=row["responsible"],
        due_date=date.fromisoformat(row["due_date"]) if row["due_date"] else None,
        due_source=row["due_source"], indicator=row["indicator"],
        report_link=row["report_link"], source=row["source"])
        for row in _data("recommendations.csv"))


@cache
def _file_history() -> dict[str, tuple[StatusEntry, ...]]:
    """The statuses the reference files give, by recommendation, in file order."""
    history: dict[str, list[StatusEntry]] = {}
    for row in _data("status_history.csv"):
        history.setdefault(row["recommendation_id"], []).append(StatusEntry(
            row["status_date"], row["state"], states()[row["state"]]["label"],
            row["status_text"], row["source"]))
    return {key: tuple(value) for key, value in history.items()}


def is_overdue(due: date | None, state: str, today: date) -> bool:
    """Overdue: a due date has passed and the latest status does not say complete."""
    return due is not None and due < today and states()[state]["complete"] != "yes"


def tracker_statuses(session: Session, today: date | None = None
                     ) -> list[RecommendationStatus]:
    """Every recommendation with its full history (file, then recorded changes, by date).

    Public: a status names only organisations and sources, never a person's record, so the
    read is not logged; the administrator's name is shown as "an administrator".
    """
    today = today or datetime.now(UTC).date()
    recorded: dict[str, list[StatusEntry]] = {}
    for change in session.scalars(select(TrackerStatusChange).order_by(TrackerStatusChange.id)):
        recorded.setdefault(change.recommendation_id, []).append(StatusEntry(
            change.status_date.isoformat(), change.state, states()[change.state]["label"],
            change.status_text, change.source, recorded_by="an administrator"))
    answer = []
    for rec in recommendations():
        entries = [*_file_history().get(rec.id, ()), *recorded.get(rec.id, ())]
        history = tuple(sorted(entries, key=lambda e: e.status_date))  # stable: file order kept
        answer.append(RecommendationStatus(rec, history,
                                           is_overdue(rec.due_date, history[-1].state, today)))
    return answer


class StatusChangeInput(BaseModel):
    """A status change as an administrator records it; each rule's message names its field."""

    model_config = ConfigDict(str_strip_whitespace=True)

    recommendation_id: str
    state: str
    status_date: str
    status_text: str
    source: str

    @field_validator("recommendation_id")
    @classmethod
    def _known_recommendation(cls, value: str) -> str:
        if value not in {rec.id for rec in recommendations()}:
            raise PydanticCustomError("govuk", "Choose a recommendation that the tracker holds")
        return value

    @field_validator("state")
    @classmethod
    def _known_state(cls, value: str) -> str:
        if value not in states():
            raise PydanticCustomError("govuk", "Select the status")
        return value

    @field_validator("status_date")
    @classmethod
    def _a_date(cls, value: str) -> str:
        try:
            when = date.fromisoformat(value)
        except ValueError:
            raise PydanticCustomError(
                "govuk", "Enter the date of the status as a real date, for example "
                         "31 3 2026") from None
        if when > datetime.now(UTC).date():
            raise PydanticCustomError("govuk", "The date of the status must be today or in "
                                               "the past")
        return when.isoformat()

    @field_validator("status_text")
    @classmethod
    def _text(cls, value: str) -> str:
        return _checked(value, "Enter what the status is, in words", MAX_TEXT, "The status")

    @field_validator("source")
    @classmethod
    def _source(cls, value: str) -> str:
        return _checked(value, "Enter the source of the status (who said it, where and when)",
                        MAX_SOURCE, "The source")


def _checked(value: str, empty: str, longest: int, what: str) -> str:
    """`value` if it is not empty, not too long and free of hidden characters."""
    if not value:
        raise PydanticCustomError("govuk", empty)
    if len(value) > longest:
        raise PydanticCustomError("govuk", f"{what} must be {longest} characters or fewer")
    if has_forbidden_characters(value):
        raise PydanticCustomError("govuk", HIDDEN_CHARACTERS)
    return value


def record_status_change(session: Session, user: User, change: StatusChangeInput
                         ) -> TrackerStatusChange:
    """Record a recommendation's new status with its source, chained into the ledger.

    Only an administrator may; the role is checked again in the database, in this transaction.
    """
    current = acting_user(session, user, Role.ADMINISTRATOR)
    row = TrackerStatusChange(
        recommendation_id=change.recommendation_id,
        status_date=date.fromisoformat(change.status_date), state=change.state,
        status_text=change.status_text, source=change.source, recorded_by=current.id,
        recorded_at=datetime.now(UTC))
    session.add(row)
    ledger.stage(session, row, kind="tracker status",
                 label=f"status of {change.recommendation_id}")
    return row


def recommendation(recommendation_id: str) -> Recommendation:
    """One recommendation by id; `CaseworkError` (404) when the tracker has none so named."""
    for rec in recommendations():
        if rec.id == recommendation_id:
            return rec
    raise NotFound(f"the tracker has no recommendation {recommendation_id!r}")


def monthly_reports(session: Session) -> list[tuple[str, int, int]]:
    """Mandatory reports filed each month (UTC) and how many went to a local authority's queue
    (the rest went to the national queue), oldest month first: the live indicator of
    mandatory reporting. Counts only; no report is opened, so nothing is logged."""
    filed: Counter[str] = Counter()
    routed: Counter[str] = Counter()
    for received_at, queue in session.execute(select(Report.received_at, Report.queue)):
        month = received_at.strftime("%Y-%m")
        filed[month] += 1
        routed[month] += queue != NATIONAL_QUEUE
    return [(month, filed[month], routed[month]) for month in sorted(filed)]


REVIEW_STATES = ("open", "not_eligible", "no_change", "refer_force", "refer_cps", "withdrawn")
"""Where a review request is now: still with the panel, or its outcome (review_casework.py)."""


def monthly_reviews(session: Session) -> list[tuple[str, int, tuple[int, ...]]]:
    """Review requests received each month (UTC) and where each is now (REVIEW_STATES, in
    order), oldest month first: the live indicator of closed-case reviews. Counts only; no
    request is opened, so nothing is logged."""
    states: dict[str, Counter[str]] = {}
    for received_at, outcome in session.execute(select(ReviewRequest.received_at,
                                                       ReviewRequest.outcome)):
        month = received_at.strftime("%Y-%m")
        states.setdefault(month, Counter())[outcome or "open"] += 1
    return [(month, sum(states[month].values()),
             tuple(states[month][state] for state in REVIEW_STATES))
            for month in sorted(states)]


def reviews_received(session: Session) -> list[tuple[str | None, date]]:
    """Each review request's force (`_review_forces`) and the day it was received (UTC), for
    the performance framework's P13a. Counts only; no request is opened, so nothing is
    logged."""
    forces = _review_forces(session)
    return [(forces[request_id], received_at.date()) for request_id, received_at in
            session.execute(select(ReviewRequest.id, ReviewRequest.received_at)
                            .order_by(ReviewRequest.id))]


UPHELD = ("refer_force", "refer_cps")
"""The outcomes that uphold a review request: the case goes back to the force or the CPS."""


def reviews_decided(session: Session) -> dict[str, list[tuple[str | None, date]]]:
    """The reviews the panel has decided (no change, or referred to the force or the CPS),
    each with its force and the day of the outcome (UTC), and of them those upheld (referred):
    P13b, the share of decided reviews upheld. Counts only; nothing is logged."""
    forces = _review_forces(session)
    decided: list[tuple[str | None, date]] = []
    upheld: list[tuple[str | None, date]] = []
    for request_id, outcome, since in session.execute(
            select(ReviewRequest.id, ReviewRequest.outcome, ReviewRequest.stage_since)
            .where(ReviewRequest.outcome.in_((*UPHELD, "no_change")))
            .order_by(ReviewRequest.id)):
        event = (forces[request_id], since.date())
        decided.append(event)
        if outcome in UPHELD:
            upheld.append(event)
    return {"reviews_decided": decided, "reviews_upheld": upheld}


def _review_forces(session: Session) -> dict[int, str | None]:
    """Each request's force: that of the closed case it was matched to (`tessera reviews
    match`; the first match found), else the force the request names, else None."""
    matched = {request_id: force for request_id, force in session.execute(
        select(ReviewMatch.request_id, ReviewMatch.force_code).order_by(ReviewMatch.id.desc()))}
    return {request_id: matched.get(request_id) or force_code or None
            for request_id, force_code in session.execute(
                select(ReviewRequest.id, ReviewRequest.force_code))}


def store_snapshot(session: Session, indicator: str, warehouse: str, table: dict[str, Any]
                   ) -> IndicatorSnapshot:
    """Keep a published indicator table (already through disclosure), chained into the ledger."""
    if indicator_slots().get(indicator, {}).get("source") != "warehouse":
        raise CaseworkError(f"{indicator!r} is not an indicator drawn from the warehouse")
    row = IndicatorSnapshot(indicator=indicator, published_at=datetime.now(UTC),
                            warehouse=warehouse[:200], table_json=json.dumps(table))
    session.add(row)
    ledger.stage(session, row, kind="indicator snapshot", label=f"indicator {indicator}")
    return row


def latest_snapshots(session: Session) -> dict[str, IndicatorSnapshot]:
    """The latest snapshot of each warehouse indicator that has one."""
    newest = (select(IndicatorSnapshot.indicator, func.max(IndicatorSnapshot.id).label("id"))
              .group_by(IndicatorSnapshot.indicator).subquery())
    rows = session.scalars(select(IndicatorSnapshot).join(newest, IndicatorSnapshot.id ==
                                                          newest.c.id))
    return {row.indicator: row for row in rows}


def indicators(session: Session, live: dict[str, dict[str, Any]]) -> list[Indicator]:
    """Every indicator slot with its figures: `live` (already disclosed) for casework ones,
    the latest snapshot for warehouse ones, none for slots not built yet."""
    snapshots = latest_snapshots(session)
    answer = []
    for code, slot in indicator_slots().items():
        snapshot = snapshots.get(code)
        table = live.get(code) if slot["source"] == "casework" else (
            json.loads(snapshot.table_json) if snapshot else None)
        answer.append(Indicator(
            code, slot["label"], slot["measures"], slot["source"], slot["where"], table,
            snapshot.published_at if snapshot else None,
            snapshot.warehouse if snapshot else None))
    return answer
