"""The quality figures as plain tables, the same in the terminal, CSV and the HTML report.

Why the analyses' one table type (`analysis.results.StatTable`): the publish layer already
writes, formats and renders it by key and kind, so a quality table is shown exactly like an
audit table (shares to one decimal, blanks as –).
Every figure counts records, never people, so no cell can single out a child.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from tessera.analysis.audit.rates import share
from tessera.analysis.quality.consistency import (
    MIN_COMPLETENESS_FALL,
    MIN_VOLUME_FALL,
    Z_CRITICAL,
)
from tessera.analysis.results import Cell, Column, StatTable

if TYPE_CHECKING:
    from tessera.analysis.quality.service import AgencyQuality

NOT_LINKED = "not linked yet: run 'tessera link' to measure how many records join another agency's"
"""What the linkage column says before the first linkage run."""

AGENCY = Column("agency_code", "Agency code", "dimension")
BATCH = Column("batch_id", "Batch", "dimension")


def _percent_column(key: str, label: str) -> Column:
    """A share the quality scores worked out from records outside the table."""
    return Column(key, label, "figure", decimals=1)


SCORE_COLUMNS = (
    AGENCY, Column("agency", "Agency", "dimension"), Column("score", "Score", "figure"),
    Column("change", "Change", "figure"), Column("trend", "Trend (delivery scores)", "figure"),
    Column("deliveries", "Deliveries", "count", protected=False),
    Column("latest_batch", "Latest batch", "figure"),
    Column("rows_in", "Rows in", "count", protected=False),
    _percent_column("completeness", "Completeness (%)"),
    _percent_column("validity", "Validity (%)"),
    Column("days_to_extract", "Days to extract", "figure"),
    _percent_column("timeliness", "Timeliness (%)"),
    _percent_column("consistency", "Consistency (%)"),
    Column("flags", "Flags", "count", protected=False),
    _percent_column("linked", "Linked to another agency (%)"))
DELIVERY_COLUMNS = (
    AGENCY, BATCH, Column("loaded_at", "Loaded at", "figure"),
    Column("rows_in", "Rows in", "count", protected=False),
    Column("rows_loaded", "Loaded", "count", protected=False),
    Column("rows_rejected", "Rejected", "count", protected=False),
    _percent_column("completeness", "Completeness (%)"),
    _percent_column("validity", "Validity (%)"),
    Column("extracted_at", "Extracted at", "figure"),
    Column("period_from", "Period from", "figure"), Column("period_to", "Period to", "figure"),
    Column("days_to_extract", "Days to extract", "figure"),
    _percent_column("timeliness", "Timeliness (%)"),
    _percent_column("consistency", "Consistency (%)"),
    Column("flags", "Flags", "count", protected=False), Column("score", "Score", "figure"))
FLAG_COLUMNS = (
    AGENCY, BATCH, Column("measure", "Measure", "dimension"), Column("what", "What", "dimension"),
    Column("earlier", "Earlier", "figure"), Column("now", "Now", "figure"),
    Column("z", "z", "figure"))
FIELD_COLUMNS = (
    AGENCY, BATCH, Column("entity", "Entity", "dimension"), Column("field", "Field", "dimension"),
    Column("read_by", "Read by", "figure"),
    Column("applicable", "Rows it applies to", "count", protected=False),
    Column("present", "With a value", "count", protected=False),
    Column("complete", "Complete (%)", "share", of="present", per="applicable"),
    _percent_column("earlier", "Earlier deliveries (%)"),
    Column("fell", "Fell beyond chance", "figure"))
REJECTION_COLUMNS = (
    AGENCY, BATCH, Column("entity", "Entity", "dimension"), Column("field", "Field", "dimension"),
    Column("rule", "Rule", "dimension"), Column("rows", "Rows rejected", "count", protected=False))


def quality_tables(agencies: tuple[AgencyQuality, ...], linked: bool) -> dict[str, StatTable]:
    """Every quality table, in report order, keyed by the name its CSV is written under."""
    return {
        "agency_scores": agency_scores_table(agencies, linked),
        "deliveries": deliveries_table(agencies),
        "consistency_flags": flags_table(agencies),
        "field_completeness": field_completeness_table(agencies),
        "rejections": rejections_table(agencies),
    }


def agency_scores_table(agencies: tuple[AgencyQuality, ...], linked: bool) -> StatTable:
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
    return StatTable(
        "agency_scores", "Data quality score by agency", SCORE_COLUMNS, tuple(rows),
        description="Each supplying agency's latest delivery scored on completeness of the fields "
        "the analyses read, validity, timeliness and consistency with its earlier "
        "deliveries, with the share of its person records joined to another agency's; "
        "the trend is the score of each delivery in turn (linkage is not part of a "
        "delivery's score).",
        notes=("Score = 100 × (0.30 completeness + 0.30 validity + 0.15 timeliness + 0.15 "
               "consistency + 0.10 linkage) / (sum of the weights of the dimensions known); "
               "docs/quality.md explains each.",
               *(() if linked else (f"Linkage: {NOT_LINKED}.",))))


def deliveries_table(agencies: tuple[AgencyQuality, ...]) -> StatTable:
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
    return StatTable(
        "deliveries", "Data quality by delivery", DELIVERY_COLUMNS, tuple(rows),
        description="Every delivery (ingest batch) of every agency: rows sent, loaded and "
        "rejected, the period its dated records cover, how long after it the extract "
        "was made, and its score.",
        notes=("Consistency halves with each fall flagged; an agency's first delivery has "
               "nothing to fall from and is fully consistent.",))


def flags_table(agencies: tuple[AgencyQuality, ...]) -> StatTable:
    """Every fall beyond chance: what fell, from what to what, and the test statistic."""
    rows: list[tuple[Cell, ...]] = []
    for agency in agencies:
        for d in agency.deliveries:
            for c in d.flags:
                scale = 100 if c.measure == "completeness" else 1
                rows.append((agency.agency_code, d.batch_id, c.measure, c.subject,
                             _round(scale * c.earlier), _round(scale * c.now), _round(c.z, 2)))
    return StatTable(
        "consistency_flags", "Falls against earlier deliveries", FLAG_COLUMNS, tuple(rows),
        description="Deliveries in which an entity's rows, or a field's completeness, fell further"
        " than chance explains, compared with the same agency's earlier deliveries.",
        notes=("Earlier and Now are % complete for completeness, and rows per delivery for "
               "volume (earlier: the average of earlier deliveries).",
               f"Flagged when z ≤ −{Z_CRITICAL} (one-sided p < 0.001) and the fall is at least "
               f"{100 * MIN_COMPLETENESS_FALL:.0f} percentage points (completeness) or "
               f"{100 * MIN_VOLUME_FALL:.0f}% of the earlier average (volume).")
        if rows else ("No delivery fell beyond chance.",))


def field_completeness_table(agencies: tuple[AgencyQuality, ...]) -> StatTable:
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
    return StatTable(
        "field_completeness", "Completeness of the fields the analyses read",
        FIELD_COLUMNS, tuple(rows),
        description="For each field the audit or linkage reads (reference.analysed_fields), the "
        "loaded rows it applies to and how many of them have a value, against the "
        "agency's earlier deliveries pooled.")


def rejections_table(agencies: tuple[AgencyQuality, ...]) -> StatTable:
    """Rows rejected per rule, per agency and delivery (validity, broken down)."""
    rows: list[tuple[Cell, ...]] = [
        (agency.agency_code, d.batch_id, r.entity, r.field, r.rule, r.rows)
        for agency in agencies for d in agency.deliveries for r in d.rejections]
    return StatTable(
        "rejections", "Rejected rows by rule", REJECTION_COLUMNS, tuple(rows),
        description="Rows each delivery had rejected, by the field and rule they broke; 'tessera "
        "ingest' wrote every one, with its file, row and what to fix, to the "
        "rejections CSV.",
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
