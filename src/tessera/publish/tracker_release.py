"""The recommendations tracker through the disclosure step: its indicators protected as the
audit's tables are, stored as snapshots, shown on the public page and released as ODS.

Why every indicator goes through `protect`: the tracker page is public, and a count of reports
or statements from a small force is as disclosive as any audit figure. The warehouse's
indicators are protected once, by `publish_tracker` (`tessera tracker publish`), and kept in
the casework store, so the web app never opens the warehouse; mandatory reporting is counted
from the casework store on each request and protected the same way.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from tessera.analysis.audit.period import audit_period
from tessera.analysis.audit.rates import share
from tessera.analysis.audit.service import require_warehouse
from tessera.analysis.results import Cell, Column, StatTable
from tessera.analysis.tracker import warehouse_indicators
from tessera.casework.store import Casework
from tessera.casework.tracker import (
    REVIEW_STATES,
    Indicator,
    RecommendationStatus,
    indicators,
    monthly_reports,
    monthly_reviews,
    store_snapshot,
    tracker_statuses,
)
from tessera.errors import WarehouseError
from tessera.publish.cells import format_cell
from tessera.publish.disclosure import DisclosureRule, protect
from tessera.publish.editions import Edition, EditionTable, Symbol, published_edition
from tessera.publish.ods import write_ods
from tessera.publish.sheet_layout import Release, TableText, lay_out
from tessera.publish.tabulation import sums_across
from tessera.warehouse.engine import Engine

TITLE = "Recommendations tracker: child sexual abuse inquiries and inspections"
SUMMARY = ("The recommendations of IICSA's final report, the Casey audit and HMICFRS's 2023 "
           "inspection: who must act, by when, each sourced status, and Tessera's evidence.")
PROVENANCE = ("recommendations and statuses from the sources named in each row; indicators "
              "from Tessera's casework store and warehouse, after disclosure control")
SYMBOLS = {symbol.value: symbol for symbol in Symbol}


ROW_SUMS: dict[str, tuple[str, tuple[str, ...]]] = {
    "mandatory_reporting": ("filed", ("routed", "national")),
    "ethnicity_recording": ("statements", ("known", "not_known")),
    "closed_case_reviews": ("received", REVIEW_STATES),
}
"""The additive relations in each indicator table: in every row, the first column is the sum
of the others, so a reader could subtract to recover a hidden count (the protection step
suppresses enough to stop that)."""


def disclose(table: StatTable, rule: DisclosureRule | None = None) -> EditionTable:
    """`table` as the public may see it: small counts suppressed, together with any count they
    could be recovered from (ROW_SUMS), and shares worked out from what is shown."""
    relations = (sums_across(table, ROW_SUMS[table.name][0], ROW_SUMS[table.name][1])
                 if table.name in ROW_SUMS else [])
    protection = protect([table], relations, rule)
    return published_edition([table], protection, rule).tables[table.name]


def as_json(shown: EditionTable) -> dict[str, Any]:
    """A published table as the snapshot keeps it: typed columns, shown rows (symbols as their
    text), title, description and notes."""
    table = shown.table
    return {
        "name": table.name, "title": table.title, "description": table.description,
        "notes": list(table.notes),
        "columns": [{"key": c.key, "label": c.label, "kind": c.kind, "protected": c.protected,
                     "of": c.of if isinstance(c.of, str) else None,
                     "per": c.per if isinstance(c.per, str) else None,
                     "decimals": c.decimals} for c in table.columns],
        "rows": [[str(v) if isinstance(v, Symbol) else v for v in row] for row in shown.rows]}


def from_json(data: dict[str, Any]) -> EditionTable:
    """A snapshot's table back as an edition table (for the ODS release)."""
    columns = tuple(Column(c["key"], c["label"], c["kind"], c["protected"], c["of"], c["per"],
                           c["decimals"]) for c in data["columns"])
    rows = tuple(tuple(SYMBOLS.get(v, v) if isinstance(v, str) else v for v in row)
                 for row in data["rows"])
    table = StatTable(data["name"], data["title"], columns, (), description=data["description"],
                      notes=tuple(data["notes"]))
    return EditionTable(table, rows)


def display_rows(data: dict[str, Any]) -> list[list[str]]:
    """A published table's rows as the page shows them (figures formatted, symbols as is)."""
    columns = from_json(data).table.columns
    return [[str(value) if isinstance(value, Symbol) else format_cell(value, column, blank="")
             for value, column in zip(row, columns, strict=True)]
            for row in from_json(data).rows]


def publish_tracker(warehouse: Path, casework: Casework) -> list[str]:
    """Compute the warehouse's indicators (the file opened read-only, and closed before the
    casework store is written), protect them, and store each as a snapshot in the casework
    store (one transaction, chained into the ledger). Returns the indicators stored.

    Raises `WarehouseError` when there is no warehouse at `warehouse`.
    """
    if not warehouse.is_file():
        raise WarehouseError(f"{warehouse}: no warehouse here yet; run 'tessera ingest' first")
    with Engine.open(warehouse, read_only=True) as engine:
        require_warehouse(engine)
        drawn_from = f"{warehouse.name} ({audit_period(engine)})"
        published = {code: as_json(disclose(table))
                     for code, table in warehouse_indicators(engine).items()}
    with casework.session() as session:
        for code, table in published.items():
            store_snapshot(session, code, drawn_from, table)
    return sorted(published)


def mandatory_reporting_table(session: Session) -> StatTable:
    """IICSA recommendation 13: reports filed each month and how many were routed to a local
    authority's queue, live from the casework store."""
    rows: tuple[tuple[Cell, ...], ...] = tuple(
        (month, filed, routed, filed - routed, share(routed, filed))
        for month, filed, routed in monthly_reports(session))
    return StatTable(
        name="mandatory_reporting", title="Mandatory reports filed and routed, by month",
        description="Reports filed through Tessera each calendar month (UTC), and how many "
                    "were routed to a local authority's queue rather than the national one.",
        columns=(Column("month", "Month", "dimension"), Column("filed", "Reports filed", "count"),
                 Column("routed", "Routed to a local authority", "count"),
                 Column("national", "Sent to the national queue", "count"),
                 Column("routed_share", "Routed (%)", "share", of="routed", per="filed")),
        rows=rows, notes=("Counted live from the casework store.",))


def closed_case_reviews_table(session: Session) -> StatTable:
    """Closed-case reviews (M8): review requests received each month and where each is now,
    live from the casework store."""
    labels = {"open": "With the panel", "not_eligible": "Not eligible",
              "no_change": "Reviewed: no change", "refer_force": "Referred to the force",
              "refer_cps": "Referred to the CPS", "withdrawn": "Stopped at the person's request"}
    rows: tuple[tuple[Cell, ...], ...] = tuple(
        (month, received, *states) for month, received, states in monthly_reviews(session))
    return StatTable(
        name="closed_case_reviews", title="Review requests received, by month, and where they "
                                          "are now",
        description="Requests to the independent panel to review a closed case, by the month "
                    "they were received (UTC), and each one's stage or outcome today.",
        columns=(Column("month", "Month", "dimension"),
                 Column("received", "Requests received", "count"),
                 *(Column(state, labels[state], "count") for state in REVIEW_STATES)),
        rows=rows, notes=("Counted live from the casework store.",))


@dataclass(frozen=True)
class TrackerPage:
    """What the public page and the release show: every recommendation, every indicator."""

    statuses: list[RecommendationStatus]
    indicators: list[Indicator]

    def by_report(self) -> list[tuple[str, list[RecommendationStatus]]]:
        """The recommendations grouped by the report that made them, in the data's order."""
        groups: dict[str, list[RecommendationStatus]] = {}
        for status in self.statuses:
            groups.setdefault(status.recommendation.report_label, []).append(status)
        return list(groups.items())

    def indicator(self, code: str) -> Indicator | None:
        """The indicator slot `code`, or None."""
        return next((i for i in self.indicators if i.code == code), None)


def tracker_page(session: Session, today: date | None = None) -> TrackerPage:
    """Every recommendation with its status and overdue flag, and every indicator slot with its
    published figures (live ones protected now, warehouse ones from their latest snapshot)."""
    live = {"mandatory_reporting": as_json(disclose(mandatory_reporting_table(session))),
            "closed_case_reviews": as_json(disclose(closed_case_reviews_table(session)))}
    return TrackerPage(tracker_statuses(session, today), indicators(session, live))


def recommendations_table(statuses: list[RecommendationStatus]) -> StatTable:
    """Every recommendation as one row of labels (no counts, so nothing to protect)."""
    rows = tuple((s.recommendation.id, s.recommendation.report_label, s.recommendation.title,
                  s.recommendation.responsible,
                  s.recommendation.due_date.isoformat() if s.recommendation.due_date else "none",
                  s.latest.state_label, s.latest.status_text, s.latest.status_date or "not given",
                  s.latest.source, "yes" if s.overdue else "no",
                  s.recommendation.indicator or "none") for s in statuses)
    labels = ("Recommendation", "Report", "Title", "Responsible", "Due date", "Status",
              "Status in words", "Status date", "Status source", "Overdue", "Indicator")
    keys = ("id", "report", "title", "responsible", "due_date", "state", "status_text",
            "status_date", "source", "overdue", "indicator")
    return StatTable("recommendations", "Recommendations and their latest status",
                     tuple(Column(k, label, "dimension") for k, label in zip(keys, labels,
                                                                             strict=True)),
                     rows, description="Each recommendation, who must act, by when, and its "
                     "latest sourced status; overdue means the due date has passed and the "
                     "status is not complete.")


def tracker_release(page: TrackerPage, published_on: date) -> Release:
    """The tracker as a release: the recommendations, then every indicator published so far."""
    tables = {"recommendations": EditionTable(recommendations_table(page.statuses),
                                              recommendations_table(page.statuses).rows)}
    tables |= {i.code: from_json(i.table) for i in page.indicators if i.table is not None}
    texts = {name: TableText(t.table.title, t.table.description, t.table.notes)
             for name, t in tables.items()}
    return Release(TITLE, SUMMARY, PROVENANCE, Edition("published", tables), texts,
                   published_on)


def tracker_ods(page: TrackerPage, published_on: date | None = None) -> bytes:
    """The tracker's ODS workbook, as bytes (the page offers it for download)."""
    release = tracker_release(page, published_on or datetime.now(UTC).date())
    with tempfile.TemporaryDirectory() as folder:
        path = write_ods(lay_out(release), Path(folder) / "tracker.ods")
        return path.read_bytes()

