"""The additive relations among published cells, declared beside the typed tables.

Why declared: disclosure control must know which cells add up to which (the ways a hidden cell
could be recovered by subtraction); the tables themselves (`analysis.results.StatTable`) say
what each column is.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from tessera.analysis.results import CellRef, RowKey, StatTable


@dataclass(frozen=True)
class Relation:
    """An additive relation a reader can use: `total` equals the sum of `parts`."""

    total: CellRef
    parts: tuple[CellRef, ...]


def sums_across(table: StatTable, total: str, parts: Sequence[str]) -> list[Relation]:
    """In every row, column `total` equals the sum of columns `parts` (row totals)."""
    return [Relation(table.cell(key, total), tuple(table.cell(key, p) for p in parts))
            for key in (table.row_key(row) for row in table.rows)]


def sums_down(table: StatTable, total: RowKey, parts: Sequence[RowKey],
              columns: Sequence[str]) -> list[Relation]:
    """In each of `columns`, row `total` equals the sum of rows `parts` (column totals)."""
    return [Relation(table.cell(total, column), tuple(table.cell(p, column) for p in parts))
            for column in columns]
