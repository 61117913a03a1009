"""Write the network analysis out: one CSV per table and one self-contained HTML report.

Why the audit's look: analysts read the network beside the audit of the same warehouse, so
both share one stylesheet and one way of showing a table with its CSV beside it. The HTML shows
the first rows of each long table; the CSV holds every row.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from tessera.analysis.network import NetworkResult
from tessera.analysis.results import StatTable
from tessera.publish.sections import ReportOutputs, report_environment, table_section, write_report

TITLE = "Networks across forces"
HTML_ROWS = 200
"""Rows of a table shown in the report; the CSV beside it has all of them."""


def write_network(result: NetworkResult, out_dir: Path, *, provenance: str,
                  community_id: str | None = None) -> ReportOutputs:
    """Write `out_dir/network/<table>.csv` for every table and `out_dir/network/report.html`;
    one community's go to `out_dir/network/<community id>/`, beside the national ones."""
    folder = out_dir / "network" / (community_id or "")
    return write_report(folder, result.tables, render_report(result, provenance=provenance))


def render_report(result: NetworkResult, *, provenance: str) -> str:
    """The HTML report: provenance, headline counts, how the graph is built, every table."""
    sections = [table_section(name, shortened(table), [])
                for name, table in result.tables.items()]
    groups = [c for c in result.communities if c.is_group]
    headlines = [
        ("People and objects", f"{result.network.graph.vcount():,}"),
        ("Links", f"{result.network.graph.ecount():,}"),
        ("Communities with two or more perpetrators", f"{len(groups):,}"),
        ("Of them spanning forces", f"{sum(1 for c in groups if c.cross_force):,}"),
    ]
    return report_environment().get_template("network_report.html").render(
        title=TITLE, headlines=headlines, sections=sections, provenance=provenance)


def shortened(table: StatTable) -> StatTable:
    """`table` with its first `HTML_ROWS` rows, saying so when it had more."""
    if len(table.rows) <= HTML_ROWS:
        return table
    return replace(table, rows=table.rows[:HTML_ROWS], notes=(
        *table.notes, f"The first {HTML_ROWS} of {len(table.rows):,} rows; the CSV has all."))
