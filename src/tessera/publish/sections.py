"""What every report shares: its Jinja environment, one section per table, inline charts and
the table's CSV beside the report.

Why shared: the audit and the quality report show tables the same way (a heading, notes,
charts, the table and a link to its CSV); writing that once keeps both looking and reading
alike, and a fix to one is a fix to both.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from tessera.analysis.results import StatTable
from tessera.publish.cells import csv_cell, format_cell, is_numeric


@dataclass(frozen=True)
class Chart:
    """One inline chart: an id, a visible title, a text alternative and the SVG itself."""

    name: str
    title: str
    description: str
    svg: Markup


@dataclass(frozen=True)
class ReportOutputs:
    """Where a report was written: its folder, the HTML report and each table's CSV."""

    folder: Path
    report: Path
    csvs: dict[str, Path]


def write_report(folder: Path, tables: Mapping[str, StatTable], html: str) -> ReportOutputs:
    """Write every table as `folder/<name>.csv` and the report as `folder/report.html`."""
    folder.mkdir(parents=True, exist_ok=True)
    csvs = {name: write_csv(table, folder / f"{name}.csv") for name, table in tables.items()}
    report = folder / "report.html"
    report.write_text(html, encoding="utf-8")
    return ReportOutputs(folder=folder, report=report, csvs=csvs)


def report_environment() -> Environment:
    """The Jinja environment of the package's report templates (HTML escaped)."""
    return Environment(loader=PackageLoader("tessera.publish", "templates"),
                       autoescape=select_autoescape(["html"]), trim_blocks=True,
                       lstrip_blocks=True)


def write_csv(table: StatTable, path: Path) -> Path:
    """One table as CSV: a header of column labels, raw values, blanks for no value."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(column.label for column in table.columns)
        writer.writerows([csv_cell(value) for value in row] for row in table.rows)
    return path


def table_section(name: str, table: StatTable, charts: list[Chart]) -> dict[str, object]:
    """What `_table_section.html` renders for one table: text, charts, columns and rows."""
    columns = [{"name": column.label, "numeric": is_numeric(column, table.column(column.key))}
               for column in table.columns]
    rows = [{"cells": [format_cell(value, column) for value, column in
                       zip(row, table.columns, strict=True)],
             "total": table.is_total(row)}
            for row in table.rows]
    return {"name": name, "title": table.title, "description": table.description,
            "notes": table.notes, "columns": columns, "rows": rows, "charts": charts}
