"""Write the look-again list out: the top of it as a Rich table, every case and every item of
evidence as CSV, and an HTML report with the rules, the weights and each top case's trail.

Why restricted and whole: the list names cases (by pseudonymous key) for a force to review,
so it is not a statistical release and has no disclosure control; it goes to the analysts
who decide, and they must see why each case is there: the rules it meets, each feature's
contribution and the evidence behind it.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from rich.table import Table

from tessera.analysis.lookagain import LookAgainResult
from tessera.publish.cells import format_cell
from tessera.publish.sections import ReportOutputs, report_environment, table_section, write_report

TITLE = "Closed cases to look at again"
REPORTED_CASES = 100
"""Cases the HTML report lists (the CSV has every one): the top, where review starts."""
TRAILED_CASES = 25
"""Cases whose evidence trail the HTML report shows in full (the CSV has every trail)."""


def write_look_again(result: LookAgainResult, out_dir: Path, *,
                     provenance: str) -> ReportOutputs:
    """Write `cases.csv`, `evidence.csv` and `report.html` to `out_dir/look-again/` (with
    `--force`, to `out_dir/look-again/<force>/`); `provenance` is the sentence saying where
    the data came from."""
    folder = out_dir / "look-again"
    if result.force is not None:
        folder = folder / result.force
    return write_report(folder, result.tables(), render_report(result, provenance=provenance))


def render_report(result: LookAgainResult, *, provenance: str) -> str:
    """The HTML report: provenance, headlines, rules, weights, the top cases, their trails."""
    cases = result.cases_table()
    top = replace(cases, rows=cases.rows[:REPORTED_CASES],
                  notes=(*cases.notes, f"The first {min(REPORTED_CASES, len(cases.rows)):,} "
                         f"of {len(cases.rows):,} cases; every case is in cases.csv."))
    trails = [{"rank": rank, "case": case,
               "score": format_cell(case.score, cases.columns[cases.index("score")])}
              for rank, case in enumerate(result.cases[:TRAILED_CASES], start=1)]
    return report_environment().get_template("lookagain_report.html").render(
        title=TITLE, provenance=provenance, result=result, section=table_section(
            "cases", top, []), trails=trails, trailed=TRAILED_CASES)


def render_top(result: LookAgainResult, top: int) -> Table:
    """The first `top` cases for the terminal: rank, case, force, closure, score and the
    features that contribute (the CSV and report have every column)."""
    table = Table(title=f"{TITLE}: the first {min(top, len(result.cases)):,} of "
                        f"{len(result.cases):,}", title_justify="left")
    for name in ("Rank", "Case (offence key)", "Force", "Closed on", "Score",
                 "Features with new evidence"):
        table.add_column(name, justify="right" if name in ("Rank", "Score") else "left")
    for rank, case in enumerate(result.cases[:top], start=1):
        features = ", ".join(f"{c.feature.label} +{c.points:g} ({c.items})"
                             for c in case.contributions if c.items) or "none"
        table.add_row(str(rank), case.case_key, case.force_code, case.closed_on.isoformat(),
                      f"{case.score:.1f}", features)
    return table
