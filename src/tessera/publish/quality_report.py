"""Write the data quality scores out: one CSV per table and one self-contained HTML report.

Why the audit's look: data managers read the quality report beside the audit it qualifies,
so both share one stylesheet, one way of showing a table and the same CSV beside each.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from markupsafe import Markup

from tessera.analysis.quality import QualityResult
from tessera.analysis.quality.scores import PROMPT_DAYS, STALE_DAYS, WEIGHTS
from tessera.analysis.quality.tables import NOT_LINKED
from tessera.publish.charts import horizontal_bars_svg
from tessera.publish.sections import (
    Chart,
    ReportOutputs,
    report_environment,
    table_section,
    write_report,
)

TITLE = "Data quality by supplying agency"
CHARTED = 20
"""Agencies in the chart: the lowest scores, where a data manager's attention goes first."""


@dataclass(frozen=True)
class Headline:
    """One figure at the top of the report, already formatted, with what it means."""

    label: str
    value: str
    detail: str


def write_quality(result: QualityResult, out_dir: Path, *, provenance: str) -> ReportOutputs:
    """Write `out_dir/quality/<table>.csv` for every table and `out_dir/quality/report.html`;
    `provenance` is the sentence saying where the data came from."""
    return write_report(out_dir / "quality", result.tables,
                        render_report(result, provenance=provenance))


def render_report(result: QualityResult, *, provenance: str) -> str:
    """The HTML report: provenance, headlines, how each dimension is scored, then every
    table."""
    charts = {"agency_scores": [lowest_scores_chart(result)]}
    sections = [table_section(name, table, charts.get(name, []))
                for name, table in result.tables.items()]
    return report_environment().get_template("quality_report.html").render(
        title=TITLE, headlines=headlines(result), sections=sections, weights=WEIGHTS,
        prompt_days=PROMPT_DAYS, stale_days=STALE_DAYS, linked=result.linked,
        not_linked=NOT_LINKED, provenance=provenance)


def headlines(result: QualityResult) -> list[Headline]:
    """Agencies and deliveries scored, the lowest score, and the latest falls beyond chance."""
    agencies = result.agencies
    scored = [a for a in agencies if a.score is not None]
    lowest = min(scored, key=lambda a: a.score or 0.0, default=None)
    lowest_score = lowest.score if lowest else None
    flagged = sum(1 for a in agencies if a.latest.flags)
    return [
        Headline("Agencies scored", f"{len(agencies):,}", "every agency that has delivered"),
        Headline("Deliveries", f"{sum(len(a.deliveries) for a in agencies):,}",
                 "ingest batches, counted once for each agency in them"),
        Headline("Lowest score", "–" if lowest_score is None else f"{lowest_score:.1f}",
                 lowest.agency_label if lowest else "no agency could be scored"),
        Headline("Agencies with a fall", f"{flagged:,}",
                 "in their latest delivery, beyond what chance explains"),
    ]


def lowest_scores_chart(result: QualityResult) -> Chart:
    """Bar chart of the lowest-scoring agencies, lowest first."""
    lowest = sorted((a for a in result.agencies if a.score is not None),
                    key=lambda a: a.score or 0.0)[:CHARTED]
    return Chart(
        "chart-lowest-scores", f"The {len(lowest)} lowest-scoring agencies",
        "Bar chart of the overall data quality score of the lowest-scoring agencies, lowest "
        "first; every agency's score is in the table below.",
        Markup(horizontal_bars_svg(
            "lowest-scores", [a.agency_label for a in lowest], [a.score or 0.0 for a in lowest],
            xlabel="Overall data quality score (of 100)", value_format="{:.1f}")))
