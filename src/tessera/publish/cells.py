"""How one table cell is written as text, the same in the terminal, the HTML report and CSV.

Why by column name: the audit rounds once (shares to 0.1, rates to 0.01); here a share always
shows one decimal and a rate two, so 40.0 does not print as 40 in one place and 40.0 in another.
"""

from __future__ import annotations

from tessera.analysis.audit import Cell

TOTAL_LABELS = frozenset({"All CSA offences", "All people"})
"""Labels of total rows, shown in bold."""
LABEL_COLUMNS = frozenset({"Category", "Nationality"})
"""Columns whose value names the row (an offence group column does not)."""

BLANK = "–"
"""Shown for a cell with no value (not applicable or not computable), in text outputs."""


def decimals(column: str) -> int | None:
    """Decimal places of a column's floats: 1 for shares (%), 2 for rates; None if free."""
    if "(%)" in column:
        return 1
    if "100,000" in column or "interval" in column:
        return 2
    return None


def format_cell(value: Cell, column: str, *, blank: str = BLANK) -> str:
    """`value` as readable text: thousands separators, fixed decimals, `blank` for None."""
    if value is None:
        return blank
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        places = decimals(column)
        return f"{value:,.{places}f}" if places is not None else f"{value:,}"
    return value


def csv_cell(value: Cell) -> str:
    """`value` for a CSV file: plain digits (no separators), empty for None."""
    if value is None:
        return ""
    return str(value)


def is_numeric(values: list[Cell]) -> bool:
    """Whether a column holds numbers (right-aligned in tables)."""
    return any(isinstance(v, int | float) and not isinstance(v, bool) for v in values) and all(
        v is None or (isinstance(v, int | float) and not isinstance(v, bool)) for v in values)


def is_total(columns: tuple[str, ...], row: tuple[Cell, ...]) -> bool:
    """Whether a row is a total ('All people', 'All CSA offences'), to be emphasised."""
    return any(value in TOTAL_LABELS for column, value in zip(columns, row, strict=True)
               if column in LABEL_COLUMNS)
