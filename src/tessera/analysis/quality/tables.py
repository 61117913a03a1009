"""The quality figures as plain tables, the same in the terminal, CSV and the HTML report.

Why the audit's table type: the publish layer already writes, formats and renders it, so a
quality table is shown exactly like an audit table (shares to one decimal, blanks as –).
Every figure counts records, never people, so no cell can single out a child.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from tessera.analysis.audit import AuditTable, Cell
from tessera.analysis.audit.rates import share
from tessera.analysis.quality.consistency import (
    MIN_COMPLETENESS_FALL,
    MIN_VOLUME_FALL,
    Z_CRITICAL,
)

if TYPE_CHECKING:
    from tessera.analysis.quality.service import AgencyQuality

NOT_LINKED = "not linked yet: run 'tessera link' to measure how many records join another agency's"
"""What the linkage column says before the first linkage run."""


def quality_tables(agencies: tuple[AgencyQuality, ...], linked: bool) -> dict[str, AuditTable]:
    """Every quality table, in report order, keyed by the name its CSV is written under."""
    return {
        "agency_scores": agency_scores_table(agencies, linked),
        "deliveries": deliveries_table(agencies),
        "consistency_flags": flags_table(agencies),
        "field_completeness": field_completeness_table(agencies),
        "rejections": rejections_table(agencies),
    }


def agency_scores_table(agencies: tuple[AgencyQuality, ...], linked: bool) -> AuditTable:
    """One row per agency: its latest delivery's dimensions, linkage, score and trend."""
    rows: list[tuple[Cell, ...]] = []
    for agency in agencies:
        latest, dims = agency.latest, agency.dimensions()
        trend = " → ".join(_text(d.score) for d in agency.deliveries)
        rows.append((agency.agency_code, agency.agency_label, _round(agency.score),
                     _round(agency.change), trend, len(agency.deliveries), latest.batch_id,
                     latest.rows_in, _percent(dims["completeness"]), _percent(dims["validity"]),
                     latest.lag_days, _percent(dims["timeliness"]),
                     _percent(dims["consistency"]), len(latest.flags),
                     _percent(dims["linkage"])))
    return AuditTable(
        "Data quality score by agency",
        "Each supplying agency's latest delivery scored on completeness of the fields the "
        "analyses read, validity, timeliness and consistency with its earlier deliveries, "
        "with the share of its person records joined to another agency's; the trend is the "
        "score of each delivery in turn (linkage is not part of a delivery's score).",
        ("Agency code", "Agency", "Score", "Change", "Trend (delivery scores)", "Deliveries",
         "Latest batch", "Rows in", "Completeness (%)", "Validity (%)", "Days to extract",
         "Timeliness (%)", "Consistency (%)", "Flags", "Linked to another agency (%)"),
        rows,
        notes=("Score = 100 × (0.30 completeness + 0.30 validity + 0.15 timeliness + 0.15 "
               "consistency + 0.10 linkage) / (sum of the weights of the dimensions known); "
               "docs/quality.md explains each.",
               *(() if linked else (f"Linkage: {NOT_LINKED}.",))))


def deliveries_table(agencies: tuple[AgencyQuality, ...]) -> AuditTable:
    """One row per agency and delivery, oldest first: the trend behind each score."""
    rows: list[tuple[Cell, ...]] = []
    for agency in agencies:
        for d in agency.deliveries:
            dims = d.dimensions()
            rows.append((agency.agency_code, d.batch_id, _when(d.loaded_at), d.rows_in,
                         d.rows_loaded, d.rows_rejected, _percent(dims["completeness"]),
                         _percent(dims["validity"]), _when(d.extracted_at),
                         _when(d.period_start), _when(d.period_end), d.lag_days,
                         _percent(dims["timeliness"]), _percent(dims["consistency"]),
                         len(d.flags), _round(d.score)))
    return AuditTable(
        "Data quality by delivery",
        "Every delivery (ingest batch) of every agency: rows sent, loaded and rejected, the "
        "period its dated records cover, how long after it the extract was made, and its "
        "score.",
        ("Agency code", "Batch", "Loaded at", "Rows in", "Loaded", "Rejected",
         "Completeness (%)", "Validity (%)", "Extracted at", "Period from", "Period to",
         "Days to extract", "Timeliness (%)", "Consistency (%)", "Flags", "Score"),
        rows,
        notes=("Consistency halves with each fall flagged; an agency's first delivery has "
               "nothing to fall from and is fully consistent.",))


def flags_table(agencies: tuple[AgencyQuality, ...]) -> AuditTable:
    """Every fall beyond chance: what fell, from what to what, and the test statistic."""
    rows: list[tuple[Cell, ...]] = []
    for agency in agencies:
        for d in agency.deliveries:
            for c in d.flags:
                scale = 100 if c.measure == "completeness" else 1
                rows.append((agency.agency_code, d.batch_id, c.measure, c.subject,
                             _round(scale * c.earlier), _round(scale * c.now), _round(c.z, 2)))
    return AuditTable(
        "Falls against earlier deliveries",
        "Deliveries in which an entity's rows, or a field's completeness, fell further than "
        "chance explains, compared with the same agency's earlier deliveries.",
        ("Agency code", "Batch", "Measure", "What", "Earlier", "Now", "z"),
        rows,
        notes=("Earlier and Now are % complete for completeness, and rows per delivery for "
               "volume (earlier: the average of earlier deliveries).",
               f"Flagged when z ≤ −{Z_CRITICAL} (one-sided p < 0.001) and the fall is at least "
               f"{100 * MIN_COMPLETENESS_FALL:.0f} percentage points (completeness) or "
               f"{100 * MIN_VOLUME_FALL:.0f}% of the earlier average (volume).")
        if rows else ("No delivery fell beyond chance.",))


def field_completeness_table(agencies: tuple[AgencyQuality, ...]) -> AuditTable:
    """Completeness of each field the analyses read, per agency and delivery."""
    rows: list[tuple[Cell, ...]] = []
    for agency in agencies:
        for d in agency.deliveries:
            earlier = {c.subject: c for c in d.comparisons if c.measure == "completeness"}
            for f in d.fields:
                compared = earlier.get(f.subject)
                rows.append((agency.agency_code, d.batch_id, f.entity, f.field, f.read_by,
                             f.applicable, f.present, share(f.present, f.applicable),
                             _percent(compared.earlier) if compared else None,
                             _flag(compared.flagged) if compared else None))
    return AuditTable(
        "Completeness of the fields the analyses read",
        "For each field the audit or linkage reads (reference.analysed_fields), the loaded "
        "rows it applies to and how many of them have a value, against the agency's "
        "earlier deliveries pooled.",
        ("Agency code", "Batch", "Entity", "Field", "Read by", "Rows it applies to",
         "With a value", "Complete (%)", "Earlier deliveries (%)", "Fell beyond chance"),
        rows)


def rejections_table(agencies: tuple[AgencyQuality, ...]) -> AuditTable:
    """Rows rejected per rule, per agency and delivery (validity, broken down)."""
    rows: list[tuple[Cell, ...]] = [
        (agency.agency_code, d.batch_id, r.entity, r.field, r.rule, r.rows)
        for agency in agencies for d in agency.deliveries for r in d.rejections]
    return AuditTable(
        "Rejected rows by rule",
        "Rows each delivery had rejected, by the field and rule they broke; 'tessera ingest' "
        "wrote every one, with its file, row and what to fix, to the rejections CSV.",
        ("Agency code", "Batch", "Entity", "Field", "Rule", "Rows rejected"),
        rows,
        notes=("A row that breaks two rules is counted under each.",))


def _percent(share: float | None) -> float | None:
    return None if share is None else round(100 * share, 1)


def _round(value: float | None, places: int = 1) -> float | None:
    return None if value is None else round(value, places)


def _text(score: float | None) -> str:
    return "–" if score is None else f"{score:.1f}"


def _when(moment: date | None) -> str | None:
    """A date as YYYY-MM-DD, a time to the minute (seconds would only clutter the table)."""
    if isinstance(moment, datetime):
        return f"{moment:%Y-%m-%d %H:%M}"
    return None if moment is None else moment.isoformat()


def _flag(flagged: bool) -> str:
    return "yes" if flagged else "no"
