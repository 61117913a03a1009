"""Write the performance framework out: the national dashboard and a page per force as HTML,
the published tables as CSV and as ODS and XLSX workbooks, all from the published edition;
and each force's quarters, unsuppressed, in the restricted folder.

Why from the edition: every figure a page shows is a cell of the disclosure-controlled
release (`performance_disclosure.py`), so a page cannot show what the workbook hides.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from markupsafe import Markup

from tessera.analysis.audit.funnel import LEVELS
from tessera.analysis.performance import NATIONAL, PerformanceResult
from tessera.analysis.performance.comparison import funnel_limits
from tessera.analysis.performance.figures import Figure
from tessera.analysis.performance.measures import Measure
from tessera.analysis.performance.spc import RULES
from tessera.analysis.results import Cell, StatTable
from tessera.dataset.codelists import codelist
from tessera.publish.charts import FunnelLimits, control_chart_svg, funnel_plot_svg
from tessera.publish.disclosure import DisclosureRule
from tessera.publish.editions import EditionTable
from tessera.publish.performance_disclosure import (
    PerformanceRelease,
    disclose_performance,
    restricted_quarters,
)
from tessera.publish.sections import Chart, report_environment, table_section, write_csv
from tessera.publish.sheet_layout import Release, TableText
from tessera.publish.spreadsheets import write_spreadsheets

TITLE = "Police performance: child sexual abuse and exploitation"
SUMMARY = ("Per-force measures of recorded child sexual abuse, outcomes, timeliness and data "
           "completeness, with intervals, control charts and comparisons, after disclosure "
           "control.")
STEM = "performance"
FUNNEL_CHARTS = ("P1", "P2", "P4", "P9")
"""Measures drawn as funnel plots on the dashboard (each takes a second or two to draw): the
recorded rate, the CSE flag, charging and suspects' ethnicity; every measure's verdict against
England and Wales is in the force table all the same."""


@dataclass(frozen=True)
class PerformanceFiles:
    """Where the framework was written."""

    folder: Path
    dashboard: Path
    force_pages: dict[str, Path]
    ods: Path
    xlsx: Path
    csvs: dict[str, Path]
    restricted: Path


def write_performance(result: PerformanceResult, out_dir: Path, *, provenance: str,
                      published_on: date | None = None,
                      rule: DisclosureRule | None = None) -> PerformanceFiles:
    """Write `out_dir/performance/` (dashboard `index.html`, `<force>.html`, CSVs, workbooks)
    and `out_dir/restricted/performance/force_quarters.csv`."""
    rule = rule or DisclosureRule()
    release = disclose_performance(result, rule)
    folder = out_dir / "performance"
    folder.mkdir(parents=True, exist_ok=True)
    shown = shown_tables(release)
    csvs = {name: write_csv(table, folder / f"{name}.csv") for name, table in shown.items()}
    texts = {t.name: TableText(t.title, t.description, t.notes) for t in release.tables}
    sheets = write_spreadsheets(
        Release(TITLE, SUMMARY, provenance, release.edition, texts,
                published_on or date.today(), rule), folder, STEM)
    environment = report_environment()
    dashboard = folder / "index.html"
    dashboard.write_text(environment.get_template("performance_dashboard.html").render(
        title=TITLE, provenance=provenance, result=result, rules=RULES,
        measures=table_section("measures", shown["measures"], []),
        national=table_section("force_measures", rows_of(shown["force_measures"], NATIONAL),
                               []),
        quarters=table_section("national_quarters", shown["national_quarters"],
                               control_charts(result.computed, shown["national_quarters"])),
        currency=table_section("profile_currency", shown["profile_currency"], []),
        funnels=funnel_charts(result, shown["force_measures"]), forces=result.forces),
        encoding="utf-8")
    pages: dict[str, Path] = {}
    for force in result.forces:
        page = folder / f"{force.code}.html"
        page.write_text(environment.get_template("performance_force.html").render(
            title=f"{TITLE}: {force.label}", provenance=provenance, result=result, force=force,
            peers=[codelist("police_forces").label(code) for code in force.peers],
            figures=table_section("force_measures",
                                  rows_of(shown["force_measures"], force.code), []),
            currency=table_section("profile_currency",
                                   rows_of(shown["profile_currency"], force.code), [])),
            encoding="utf-8")
        pages[force.code] = page
    restricted = out_dir / "restricted" / "performance"
    restricted.mkdir(parents=True, exist_ok=True)
    return PerformanceFiles(folder, dashboard, pages, sheets.ods, sheets.xlsx, csvs,
                            write_csv(restricted_quarters(result),
                                      restricted / "force_quarters.csv"))


def shown_tables(release: PerformanceRelease) -> dict[str, StatTable]:
    """Each published table with the edition's cells (symbols in place)."""
    return {t.name: _shown(t, release.edition.tables[t.name]) for t in release.tables}


def _shown(table: StatTable, shown: EditionTable) -> StatTable:
    return replace(table, rows=tuple(tuple(_cell(v) for v in row) for row in shown.rows))


def _cell(value: object) -> Cell:
    return value if value is None or isinstance(value, int | float) else str(value)


def rows_of(table: StatTable, code: str) -> StatTable:
    """The rows of one place (a force code or England and Wales's) of a table of places."""
    position = table.index("force_code")
    return replace(table, rows=tuple(r for r in table.rows if r[position] == code),
                   totals=frozenset())


def _number(value: Cell) -> float | None:
    return float(value) if isinstance(value, int | float) else None


def control_charts(measures: Sequence[Measure], quarters: StatTable, *,
                   draw: bool = True) -> list[Chart]:
    """The control chart of each of `measures` of one place (England and Wales, or a force),
    from the cells of its quarters as the edition shows them; a measure with no centre line
    (too few figures shown) has none. Without `draw`, the charts' titles and text only (a
    web page names its charts and serves each drawn on its own request)."""
    place = str(quarters.rows[0][quarters.index("force")]) if quarters.rows else ""
    records = quarters.records()
    charts = []
    for measure in measures:
        rows = [r for r in records if r["measure_id"] == measure.id]
        centre = _number(rows[0]["centre"]) if rows else None
        if centre is None:
            continue
        flagged = [r["special_cause"] not in (None, "none") for r in rows]
        svg = Markup(control_chart_svg(
            f"spc-{measure.id.lower()}", [str(r["quarter"]) for r in rows],
            [_number(r["value"]) for r in rows], centre=centre,
            lower=[_number(r["lower_limit"]) for r in rows],
            upper=[_number(r["upper_limit"]) for r in rows], flagged=flagged,
            ylabel=measure.unit)) if draw else Markup("")
        charts.append(Chart(
            f"chart-spc-{measure.id.lower()}", f"{measure.id} {measure.name}: control chart",
            f"Control chart of {measure.name} for {place} by quarter, with the "
            "centre line and 3-sigma limits; special causes are marked. The figures are in "
            "the table below.", svg))
    return charts


def funnel_charts(result: PerformanceResult, table: StatTable) -> list[Chart]:
    """A funnel plot of every rate and share: each force whose figure `table` (the forces'
    measures over the period, as an edition shows them) shows, at its base, around England
    and Wales with 95% and 99.8% limits."""
    quarters = len(result.quarters)
    charts = []
    for measure in (m for m in result.computed
                    if m.kind in ("rate", "share") and m.id in FUNNEL_CHARTS):
        national = result.figures[(NATIONAL, measure.id)].figure
        points = []
        named = []
        for r in table.records():
            if r["measure_id"] != measure.id or r["force_code"] == NATIONAL:
                continue
            value, base = _number(r["value"]), _base(measure, r, quarters)
            if value is None or base is None:
                continue
            points.append((str(r["force"]), base, value))
            if "99.8%" in str(r["funnel"]) and "within" not in str(r["funnel"]):
                named.append(str(r["force"]))
        if len(points) < 2 or national.value is None:
            continue
        charts.append(_funnel(measure, national, points, named))
    return charts


def _base(measure: Measure, row: dict[str, Cell], quarters: int) -> float | None:
    if measure.kind == "rate":
        children = _number(row["children"])
        return None if children is None else children * quarters / 4
    return _number(row["denominator"])


def _funnel(measure: Measure, national: Figure, points: list[tuple[str, float, float]],
            named: list[str]) -> Chart:
    smallest, largest = min(p[1] for p in points), max(p[1] for p in points)
    steps = 60
    start, stop = max(smallest / 2, 1.0), largest * 2
    bases = [start * (stop / start) ** (i / (steps - 1)) for i in range(steps)]
    limits = []
    for level in LEVELS:
        found = [funnel_limits(measure, national, float(round(b) or 1)) for b in bases]
        limits.append(FunnelLimits(f"{level * 100:g}% limits", bases,
                                   [f.limits[level][0] if f else 0.0 for f in found],
                                   [f.limits[level][1] if f else 0.0 for f in found]))
    base_label = ("Child-years (children under 18 x years, log scale)" if measure.kind == "rate"
                  else "Denominator (log scale)")
    return Chart(
        f"chart-funnel-{measure.id.lower()}", f"{measure.id} {measure.name}: forces against "
        "England and Wales",
        f"Funnel plot of {measure.name}: each force at its base against the England and Wales "
        f"figure with 95% and 99.8% limits; outside the 99.8% limits: "
        f"{', '.join(named) if named else 'none'}. The figures are in the tables.",
        Markup(funnel_plot_svg(
            f"funnel-{measure.id.lower()}", points,
            centre=float(national.value or 0.0),
            limits=limits, named=named, xlabel=base_label, ylabel=measure.unit)))
