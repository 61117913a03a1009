"""How one table cell is written as text, the same in the terminal, the HTML report and CSV.

Why by column kind: the analysis rounds once (shares to 0.1, rates to 0.01); here a share always
shows one decimal and a rate two, so 40.0 does not print as 40 in one place and 40.0 in another.
"""

from __future__ import annotations

from tessera.analysis.results import Cell, Column, ColumnKind

BLANK = "–"
"""Shown for a cell with no value (not applicable or not computable), in text outputs."""

KIND_DECIMALS: dict[ColumnKind, int] = {"count": 0, "share": 1, "rate": 2, "interval_low": 2,
                                        "interval_high": 2}
"""Decimal places each kind of figure is shown to, in text and in workbooks alike (the
analysis rounds shares and rates the same)."""


def decimals(column: Column) -> int | None:
    """Decimal places of a column's figures: 0 for counts, 1 for shares, 2 for rates, a
    figure's own if it says; None for a label or a free figure."""
    return column.decimals if column.decimals is not None else KIND_DECIMALS.get(column.kind)


def format_cell(value: Cell, column: Column, *, blank: str = BLANK) -> str:
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


def is_numeric(column: Column, values: list[Cell]) -> bool:
    """Whether a column holds numbers (right-aligned in tables): any count or derived figure,
    and a free figure whose values are all numbers."""
    if column.kind == "dimension":
        return False
    if column.kind != "figure":
        return True
    return any(isinstance(v, int | float) and not isinstance(v, bool) for v in values) and all(
        v is None or (isinstance(v, int | float) and not isinstance(v, bool)) for v in values)
