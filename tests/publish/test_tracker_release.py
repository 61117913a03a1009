"""The tracker's indicators through disclosure: computed from a real DuckDB warehouse file,
protected, stored in the casework store, shown on the page and released as ODS."""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from datetime import date
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest

from tessera.analysis.tracker.indicators import ethnicity_end_by_force_table
from tessera.casework.signing import Signer
from tessera.casework.store import Casework
from tessera.errors import WarehouseError
from tessera.publish.editions import Symbol
from tessera.publish.tracker_release import (
    TrackerPage,
    as_json,
    disclose,
    display_rows,
    from_json,
    publish_tracker,
    tracker_ods,
    tracker_page,
)
from tessera.warehouse.engine import Engine
from tessera.warehouse.schema import create_schema_sqls
from tests.analysis.audit_fixture import populate_audit_fixture
from tests.casework.populate import file_report, populate_people


@pytest.fixture(scope="module")
def warehouse_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The audit's hand-made warehouse, written to a DuckDB file."""
    path = tmp_path_factory.mktemp("tracker") / "w.duckdb"
    with Engine.open(path) as engine:
        populate_audit_fixture(engine)
    return path


@pytest.fixture
def casework(tmp_path: Path) -> Iterator[Casework]:
    """A casework store on SQLite (the service tests run both backends)."""
    store = Casework.open(f"sqlite:///{tmp_path / 'casework.db'}", Signer.generate())
    yield store
    store.close()


def test_ethnicity_at_the_end_of_the_investigation_is_counted_by_force(
        warehouse_file: Path) -> None:
    """The fixture has two statements at the end of an investigation, both in one force with
    a known ethnicity: one victim, one perpetrator; counts of one are suppressed."""
    with Engine.open(warehouse_file, read_only=True) as engine:
        table = ethnicity_end_by_force_table(engine)
    assert [row[2:5] for row in table.rows] == [(1, 1, 0), (1, 1, 0)]
    shown = disclose(table)
    assert all(row[2] is Symbol.CONFIDENTIAL and row[5] is Symbol.CONFIDENTIAL
               for row in shown.rows)


def test_publish_stores_protected_snapshots_the_page_and_release_show(
        warehouse_file: Path, casework: Casework) -> None:
    stored = publish_tracker(warehouse_file, casework)
    # the fixture has no delivery profiles to score, and no force has published a profile
    assert stored == ["ethnicity_recording", "problem_profiles"]
    with casework.reading() as session:
        page = tracker_page(session, date(2026, 11, 30))
        workbook = tracker_ods(page, date(2026, 11, 30))
    ethnicity = page.indicator("ethnicity_recording")
    assert ethnicity is not None and ethnicity.table is not None
    assert ethnicity.drawn_from is not None and ethnicity.drawn_from.startswith("w.duckdb (")
    assert all(row[2] == "[c]" for row in display_rows(ethnicity.table))
    assert from_json(as_json(from_json(ethnicity.table))).rows == from_json(ethnicity.table).rows
    assert len(page.statuses) == 41
    content = zipfile.ZipFile(BytesIO(workbook)).read("content.xml").decode()
    assert "HMICFRS23-02" in content and "Ethnicity recording" in content


def test_publish_without_a_warehouse_says_so(tmp_path: Path, casework: Casework) -> None:
    with pytest.raises(WarehouseError, match="no warehouse here yet"):
        publish_tracker(tmp_path / "missing.duckdb", casework)


def test_mandatory_reporting_is_counted_live_and_protected(casework: Casework) -> None:
    """Twelve reports this month, eleven routed to Hartlepool and one to the national queue:
    the one is suppressed, and so are the eleven (12 - 11 would give it back) and the share;
    with twelve routed and ten national, every figure shows."""
    with casework.session() as session:
        people = populate_people(session)
        for n in range(12):
            file_report(session, people.reporter,
                        **({"child_postcode": None} if n == 0 else {}))
    with casework.reading() as session:
        table = page_table(tracker_page(session), "mandatory_reporting")
    ((_, filed, routed, national, share),) = table["rows"]
    assert (filed, routed, national, share) == (12, "[c]", "[c]", "[c]"), table["rows"]

    with casework.session() as session:
        for n in range(11):
            file_report(session, people.reporter,
                        **({"child_postcode": None} if n < 9 else {}))
    with casework.reading() as session:
        table = page_table(tracker_page(session), "mandatory_reporting")
    assert [row[1:] for row in table["rows"]] == [[23, 13, 10, 56.5]]


def test_a_month_of_few_reports_is_suppressed(casework: Casework) -> None:
    with casework.session() as session:
        people = populate_people(session)
        for _ in range(3):
            file_report(session, people.reporter)
    with casework.reading() as session:
        table = page_table(tracker_page(session), "mandatory_reporting")
    assert [row[1:] for row in table["rows"]] == [["[c]", "[c]", 0, "[c]"]]  # a zero is shown


def page_table(page: TrackerPage, code: str) -> dict[str, Any]:
    """The published table of indicator `code` on the page."""
    indicator = page.indicator(code)
    assert indicator is not None and indicator.table is not None
    return indicator.table


def test_closed_case_reviews_are_counted_live_and_protected(casework: Casework) -> None:
    """Twelve requests this month, one stopped at the person's word: the one is suppressed,
    and so is the eleven still open (12 - 11 would give it back); with ten stopped, every
    figure shows."""
    from tessera.casework.principals import RequestHolder
    from tessera.casework.reviews import stop_request, submit_request
    from tests.casework.review_fixture import review_input

    def submit(count: int, stopped: int) -> None:
        for n in range(count):
            with casework.session() as session:
                reference = submit_request(session, review_input()).reference
            if n < stopped:
                stop_request(casework, RequestHolder(reference))

    submit(12, 1)
    with casework.reading() as session:
        table = page_table(tracker_page(session), "closed_case_reviews")
    ((_, received, still_open, *outcomes, stopped),) = table["rows"]
    assert (received, still_open, stopped) == (12, "[c]", "[c]") and outcomes == [0, 0, 0, 0]
    submit(10, 10)
    with casework.reading() as session:
        table = page_table(tracker_page(session), "closed_case_reviews")
    assert [row[1:] for row in table["rows"]] == [[22, 11, 0, 0, 0, 0, 11]]


def test_profile_currency_shows_each_forces_latest_profile_and_whether_it_is_current(
        tmp_path: Path) -> None:
    """Kent published a year-old profile and then a new one; Essex only one 14 months old;
    every other force none: Kent current, Essex not, the rest never."""
    from datetime import date, datetime

    from tessera.analysis.profile.currency import profile_currency
    from tessera.analysis.tracker.indicators import profile_currency_table
    from tessera.warehouse.profile_releases import record_profile_releases
    from tessera.warehouse.reference import refresh_reference_tables

    with Engine.open(tmp_path / "w.duckdb") as engine:
        for sql in create_schema_sqls():
            engine.execute(sql)
        refresh_reference_tables(engine)
        record_profile_releases(engine, ["kent", "essex"], date(2023, 1, 1), date(2023, 12, 31),
                                datetime(2024, 9, 1, 9))
        record_profile_releases(engine, ["kent"], date(2024, 1, 1), date(2024, 12, 31),
                                datetime(2025, 10, 1, 9))
        table = profile_currency_table(profile_currency(engine, date(2025, 11, 30)))
    rows = {row[0]: row[1:] for row in table.rows}
    assert rows["Kent Police"] == ("2025-10-01", "2024-01-01 to 2024-12-31", 2, "yes")
    assert rows["Essex Police"] == ("2024-09-01", "2023-01-01 to 2023-12-31", 15, "no")
    assert rows["Surrey Police"] == ("never", "", None, "no")
    assert len(rows) == 44
