"""The recommendations tracker's casework service, on SQLite and PostgreSQL: the data files,
overdue flags, status changes recorded by administrators (and chained), the live count of
mandatory reports, and indicator snapshots."""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import ValidationError

from tessera.casework.ledger import ledgered_tables
from tessera.casework.signing import Signer
from tessera.casework.store import Casework
from tessera.casework.tracker import (
    StatusChangeInput,
    indicators,
    is_overdue,
    latest_snapshots,
    monthly_reports,
    recommendations,
    record_status_change,
    states,
    store_snapshot,
    tracker_statuses,
)
from tessera.casework.verification import verify_ledger
from tessera.errors import CaseworkError, NotPermitted
from tests.casework.populate import People, file_report

TODAY = date(2026, 11, 30)


def _change(**overrides: str) -> StatusChangeInput:
    values = {"recommendation_id": "HMICFRS23-02", "state": "complete",
              "status_date": "2026-06-01", "status_text": "Every force now holds a profile.",
              "source": "HMICFRS letter to chief constables, 1 Jun 2026"}
    return StatusChangeInput(**{**values, **overrides})


def test_the_data_holds_every_recommendation_of_the_three_reports_with_a_sourced_status(
        ) -> None:
    """IICSA's 20, Casey's 12 and HMICFRS 2023's 9; each has a status history whose every
    entry names its source and a known state."""
    counts: dict[str, int] = {}
    for rec in recommendations():
        counts[rec.report] = counts.get(rec.report, 0) + 1
        assert rec.responsible and rec.report_link.startswith("https://")
    assert counts == {"iicsa": 20, "casey": 12, "hmicfrs2023": 9}


def test_overdue_means_a_due_date_passed_and_not_complete() -> None:
    assert is_overdue(date(2024, 12, 31), "incomplete", TODAY)
    assert not is_overdue(date(2024, 12, 31), "complete", TODAY)
    assert not is_overdue(date(2027, 1, 1), "incomplete", TODAY)
    assert not is_overdue(None, "not_found", TODAY)


def test_the_statuses_from_the_files_flag_hmicfrs_deadlines_as_overdue(
        casework: Casework) -> None:
    """HMICFRS 2023's recommendations 1-6 all had deadlines by March 2026 and none is
    complete; IICSA's and Casey's have no published due date, so none is overdue."""
    with casework.reading() as session:
        statuses = {s.recommendation.id: s for s in tracker_statuses(session, TODAY)}
    overdue = sorted(key for key, s in statuses.items() if s.overdue)
    assert overdue == [f"HMICFRS23-0{n}" for n in range(1, 7)]
    assert all(entry.source for s in statuses.values() for entry in s.history)
    assert statuses["IICSA-15"].latest.state == "accepted"
    assert statuses["CASEY-04"].latest.status_date == "2026-01-27"


def test_an_administrator_records_a_status_that_becomes_the_latest_and_is_chained(
        casework: Casework, people: People, signer: Signer) -> None:
    """A complete status clears the overdue flag; the change is in the ledger, which verifies."""
    assert "tracker_status_changes" in ledgered_tables()
    with casework.session() as session:
        record_status_change(session, people.admin, _change())
    with casework.reading() as session:
        status = {s.recommendation.id: s for s in tracker_statuses(session, TODAY)}
        check = verify_ledger(session, signer.keyring)
    latest = status["HMICFRS23-02"].latest
    assert (latest.state, latest.status_date, latest.recorded_by) == (
        "complete", "2026-06-01", "an administrator")
    assert not status["HMICFRS23-02"].overdue
    assert len(status["HMICFRS23-02"].history) == 2
    assert check.ok, check


def test_only_an_administrator_may_record_a_status(casework: Casework, people: People) -> None:
    with pytest.raises(NotPermitted), casework.session() as session:
        record_status_change(session, people.analyst, _change())
    with casework.reading() as session:
        assert not any(e.recorded_by for s in tracker_statuses(session, TODAY) for e in s.history)


@pytest.mark.parametrize(("field", "value", "message"), [
    ("recommendation_id", "IICSA-99", "Choose a recommendation"),
    ("state", "done", "Select the status"),
    ("status_date", "31/03/2026", "as a real date"),
    ("status_date", "2999-01-01", "today or in the past"),
    ("status_text", "  ", "Enter what the status is"),
    ("source", "", "Enter the source"),
    ("source", "x" * 1001, "1000 characters or fewer"),
    ("status_text", "bad\x00text", "hidden characters"),
])
def test_a_status_change_is_refused_naming_the_field(field: str, value: str,
                                                     message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        _change(**{field: value})
    (error,) = caught.value.errors()
    assert error["loc"] == (field,)
    assert message in error["msg"]


def test_every_state_says_whether_it_is_complete() -> None:
    assert {row["complete"] for row in states().values()} == {"yes", "no"}


def test_mandatory_reports_are_counted_by_month_and_routing(casework: Casework,
                                                           people: People) -> None:
    """Two reports to Hartlepool and one with no postcode (national queue): filed 3, routed 2."""
    with casework.session() as session:
        file_report(session, people.reporter)
        file_report(session, people.reporter)
        file_report(session, people.reporter, child_postcode=None)
    with casework.reading() as session:
        ((month, filed, routed),) = monthly_reports(session)
    assert (len(month), filed, routed) == (7, 3, 2)


def test_snapshots_keep_the_latest_table_and_slots_not_built_show_none(
        casework: Casework) -> None:
    table = {"name": "ethnicity_recording", "rows": [["Kent", 12]]}
    with casework.session() as session:
        store_snapshot(session, "ethnicity_recording", "old.duckdb (2024)", {"rows": []})
        store_snapshot(session, "ethnicity_recording", "w.duckdb (2024)", table)
    with casework.reading() as session:
        assert latest_snapshots(session)["ethnicity_recording"].warehouse == "w.duckdb (2024)"
        shown = {i.code: i for i in indicators(session, {"mandatory_reporting": {"rows": []}})}
    assert shown["ethnicity_recording"].table == table
    assert shown["mandatory_reporting"].table == {"rows": []}
    assert shown["core_dataset"].table is None
    assert shown["problem_profiles"].table is None and shown["problem_profiles"].source == \
        "warehouse"  # not published yet
    assert shown["closed_case_reviews"].source == "casework"


def test_a_snapshot_only_holds_a_warehouse_indicator(casework: Casework) -> None:
    with pytest.raises(CaseworkError, match="not an indicator drawn from the warehouse"), \
            casework.session() as session:
        store_snapshot(session, "mandatory_reporting", "w.duckdb", {})
