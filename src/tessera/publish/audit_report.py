"""Write the national audit out: one CSV per table and one self-contained HTML report.

Why one HTML file: the audit team must be able to email or archive the report and open it
offline, so styles are inline, charts are inline SVG, and nothing is fetched from anywhere.
"""

from __future__ import annotations

from pathlib import Path

from markupsafe import Markup

from tessera.analysis.audit import AuditResult
from tessera.analysis.audit.funnel import LEVELS, compare_areas, control_lines, force_areas
from tessera.analysis.audit.tables import DIMENSION_LABELS
from tessera.analysis.results import Cell, Rows
from tessera.publish.charts import (
    FunnelLimits,
    funnel_plot_svg,
    grouped_bars_svg,
    horizontal_bars_svg,
)
from tessera.publish.sections import (
    Chart,
    ReportOutputs,
    report_environment,
    table_section,
    write_report,
)

TITLE = "National audit of child sexual abuse and exploitation offences"


def write_audit(result: AuditResult, out_dir: Path, *, provenance: str) -> ReportOutputs:
    """Write `out_dir/audit/<table>.csv` for every table and `out_dir/audit/report.html`.

    `provenance` is the sentence saying where the data came from
    (`tessera.warehouse.provenance.release_provenance(engine).sentence`).
    """
    return write_report(out_dir / "audit", result.tables,
                        render_report(result, provenance=provenance))


def render_report(result: AuditResult, *, provenance: str) -> str:
    """The HTML report: provenance, headlines, rules, then each table with its notes and
    charts."""
    environment = report_environment()
    charts = audit_charts(result)
    sections = [table_section(name, table, charts.get(name, []))
                for name, table in result.tables.items()]
    return environment.get_template("audit_report.html").render(
        title=TITLE, headlines=result.headlines, rules=result.rules, sections=sections,
        provenance=provenance)


def audit_charts(result: AuditResult) -> dict[str, list[Chart]]:
    """The report's charts, keyed by the table they illustrate."""
    tables = result.tables
    categories = tables["offence_categories"]
    charts: dict[str, list[Chart]] = {"offence_categories": [Chart(
        "chart-categories", "CSA offences by category",
        "Bar chart of recorded CSA offences in each category; the same figures are in the "
        "table below.",
        Markup(horizontal_bars_svg(
            "categories", [str(v) for v in categories.column("category")],
            [_number(v) for v in categories.column("offences")], xlabel="Offences")))]}

    funnel = _force_funnel(tables["category_by_force"].records())
    if funnel is not None:
        charts["category_by_force"] = [funnel]

    charts["offender_profile"] = [
        _ethnicity_chart(result, group) for group in ("All CSA offences", "Group-based CSE")]

    stages = [r for r in tables["completeness_by_stage"].records()
              if r["offence_group"] == "All CSA offences"]
    stage_names = list(dict.fromkeys(str(r["stage"]) for r in stages))
    charts["completeness_by_stage"] = [Chart(
        "chart-completeness-stage", "Statements with a known ethnicity, by stage (all CSA)",
        "Bar chart of the share of victim and perpetrator statements giving a known "
        "ethnicity at each investigation stage; the figures are in the table below.",
        Markup(grouped_bars_svg(
            "completeness-stage", stage_names,
            {party: [_optional(r["known_share"]) for r in stages if r["party"] == party]
             for party in ("Victims", "Perpetrators")},
            xlabel="Statements with a known ethnicity (%)")))]
    return charts


def _force_funnel(records: list[dict[str, Cell]]) -> Chart | None:
    """Forces' CSA offences per 100,000 residents against their population, around the
    national rate with 95% and 99.8% limits; the forces outside the limits are labelled."""
    areas = force_areas(records)
    comparison = compare_areas(areas)
    if comparison is None:
        return None
    smallest = min(a.population for a in areas)
    largest = max(a.population for a in areas)
    limits = [FunnelLimits(f"{level * 100:g}% limits",
                           *control_lines(comparison.national_rate, smallest, largest, level))
              for level in LEVELS]
    named = comparison.outside[LEVELS[-1]]
    return Chart(
        "chart-force-funnel", "CSA offences per 100,000 residents: forces against the national "
        "rate",
        "Funnel plot: each force is a dot at its population (log scale) and its rate of CSA "
        "offences per 100,000 residents, around the national rate with 95% and 99.8% control "
        "limits that narrow as the population grows. Forces outside the 99.8% limits are "
        f"labelled ({', '.join(named) if named else 'none'}); the figures are in the table "
        "below.",
        Markup(funnel_plot_svg(
            "force-funnel", [(a.label, a.population, 100_000 * a.count / a.population)
                             for a in areas],
            centre=comparison.national_rate, limits=limits, named=named,
            xlabel="Residents of the force area (2021 Census, log scale)",
            ylabel="CSA offences per 100,000")))


def _ethnicity_chart(result: AuditResult, group: str) -> Chart:
    """The five ethnic groups of victims and perpetrators, each series saying how complete its
    ethnicity is and how much of it was self-defined at the end of the investigation (M4)."""
    series: dict[str, list[float | None]] = {}
    labels: list[str] = []
    basis = {(r["offence_group"], r["party"]): r
             for r in result.tables["ethnicity_basis"].records()}
    for name, party in (("victim_profile", "Victims"), ("offender_profile", "Perpetrators")):
        table = result.tables[name]
        known_people = table.columns[table.index("share_of_known")].per
        known_labels = known_people.values if isinstance(known_people, Rows) else ()
        rows = [(r, table.is_total(row)) for r, row in zip(table.records(), table.rows,
                                                            strict=True)
                if r["offence_group"] == group
                and r["characteristic"] == DIMENSION_LABELS["ethnic_group"]]
        known = [r for r, _ in rows if r["category"] in known_labels]
        labels = [str(r["category"]) for r in known]
        completeness = next((_optional(r["known"]) for r, total in rows if total), None)
        self_defined = _optional(basis[(group, party)]["self_defined_at_end_share"])
        suffix = (f" (ethnicity known for {completeness}%" if completeness is not None else "")
        if suffix and self_defined is not None:
            suffix += f"; self-defined at the end for {self_defined}%"
        suffix += ")" if suffix else ""
        series[party + suffix] = [_optional(r["share_of_known"]) for r in known]
    slug = "all" if group == "All CSA offences" else "cse"
    return Chart(
        f"chart-ethnicity-{slug}", f"Ethnic group of victims and perpetrators: {group}",
        f"Bar chart of the share of victims and of perpetrators ({group}) in each of the five "
        "ethnic groups, among people whose ethnicity is known; the figures are in the "
        "victim and offender profile tables, and what they rest on (stage and source) in "
        "the ethnicity basis table.",
        Markup(grouped_bars_svg(f"ethnicity-{slug}", labels, series,
                                xlabel="Share of people with a known ethnicity (%)")))


def _number(value: Cell) -> float:
    return float(value) if isinstance(value, int | float) else 0.0


def _optional(value: Cell) -> float | None:
    return float(value) if isinstance(value, int | float) else None
