"""The two editions of a product, fed by the same tables: published (disclosure controlled) and
restricted (every figure, for signed-in roles only).

Why derived figures are worked out here: a share or rate computed before suppression and then
published would give the hidden count back (share x published total), so every share, rate and
interval is computed again from the figures the edition shows. A share whose numerator or
denominator is hidden is hidden too.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

from tessera.analysis.audit.rates import rate_interval, rate_per_100k, share
from tessera.analysis.results import (
    DERIVED_KINDS,
    Cell,
    CellRef,
    Column,
    RowKey,
    Rows,
    StatTable,
)
from tessera.publish.disclosure import DisclosureRule, Protection


class Symbol(StrEnum):
    """The Government Analysis Function's shorthand for a figure that is not shown."""

    CONFIDENTIAL = "[c]"
    NOT_APPLICABLE = "[z]"
    NOT_AVAILABLE = "[x]"
    LOW_RELIABILITY = "[u]"


Shown = str | int | float | Symbol | None
"""One cell of an edition: a label, a figure, a symbol in place of a figure, or None (blank)."""

EditionKind = Literal["published", "restricted"]


@dataclass(frozen=True)
class EditionTable:
    """One table as an edition shows it: the typed table and its shown rows."""

    table: StatTable
    rows: tuple[tuple[Shown, ...], ...]

    def column(self, key: str) -> list[Shown]:
        """Every shown value of column `key`, in row order."""
        index = self.table.index(key)
        return [row[index] for row in self.rows]


@dataclass(frozen=True)
class Edition:
    """A product's tables in one edition, by table name."""

    kind: EditionKind
    tables: dict[str, EditionTable]


def published_edition(tables: Sequence[StatTable], protection: Protection,
                      rule: DisclosureRule | None = None) -> Edition:
    """The tables as the public sees them: suppressed counts as [c], rounded totals, derived
    figures from what is shown, and rates from fewer than `rule.reliable_from` events as [u]."""
    rule = rule or DisclosureRule()
    figures = _Figures(protection.suppressed, protection.rounded, rule.reliable_from)
    return Edition("published", {t.name: _edition_table(t, figures) for t in tables})


def restricted_edition(tables: Sequence[StatTable]) -> Edition:
    """The same tables unsuppressed and unrounded, for signed-in roles cleared to see them."""
    figures = _Figures(frozenset(), {}, 0)
    return Edition("restricted", {t.name: _edition_table(t, figures) for t in tables})


@dataclass(frozen=True)
class _Figures:
    """What an edition hides or rounds, and from how many events a rate is reliable."""

    hidden: frozenset[CellRef]
    rounded: dict[CellRef, int]
    reliable_from: int


def _edition_table(table: StatTable, figures: _Figures) -> EditionTable:
    counts = [tuple(_count(table, row, column, figures) for column in table.columns)
              for row in table.rows]
    by_key = {table.row_key(row): shown for row, shown in zip(table.rows, counts, strict=True)}
    rows = tuple(
        tuple(_derived(table, column, row[position], table.row_key(row), shown, by_key, figures)
              if column.kind in DERIVED_KINDS else shown[position]
              for position, column in enumerate(table.columns))
        for row, shown in zip(table.rows, counts, strict=True))
    return EditionTable(table, rows)


def _count(table: StatTable, row: tuple[Cell, ...], column: Column,
           figures: _Figures) -> Shown:
    """A dimension or count as shown: [c] if hidden, the rounded figure if rounded."""
    value = row[table.index(column.key)]
    if column.kind != "count":
        return value
    if value is None:
        return Symbol.NOT_APPLICABLE
    ref = table.cell(table.row_key(row), column.key)
    if ref in figures.hidden:
        return Symbol.CONFIDENTIAL
    return figures.rounded.get(ref, value)


def _derived(table: StatTable, column: Column, given: Cell, row: RowKey,
             shown: tuple[Shown, ...], by_key: dict[RowKey, tuple[Shown, ...]],
             figures: _Figures) -> Shown:
    """A share, rate or interval bound worked out from the shown counts it is made of.

    A None given by the product means the figure does not apply to this row ([z]).
    """
    if given is None or column.of is None:
        return Symbol.NOT_APPLICABLE
    count = _operand(table, column.of, row, shown, by_key)
    base = given if column.per is None else _operand(table, column.per, row, shown, by_key)
    if Symbol.CONFIDENTIAL in (count, base):
        return Symbol.CONFIDENTIAL
    if not isinstance(count, int) or not isinstance(base, int | float):
        return Symbol.NOT_AVAILABLE
    if column.kind != "share" and count < figures.reliable_from:
        return Symbol.LOW_RELIABILITY
    if column.per is None or not isinstance(base, int):
        return base  # the product's own figure: its denominator is not in the table
    if column.kind == "share":
        percent = share(count, base)
        return Symbol.NOT_APPLICABLE if percent is None else percent
    figure = (rate_per_100k(count, base) if column.kind == "rate"
              else rate_interval(count, base)[0 if column.kind == "interval_low" else 1])
    return Symbol.NOT_AVAILABLE if figure is None else figure


def _operand(table: StatTable, spec: str | Rows, row: RowKey, shown: tuple[Shown, ...],
             by_key: dict[RowKey, tuple[Shown, ...]]) -> Shown:
    """A count of this row, or the sum of `Rows` ([c] if any of them is hidden)."""
    if isinstance(spec, str):
        return shown[table.index(spec)]
    dimensions = table.dimension_keys()
    keep = [dimensions.index(key) for key in spec.keep]
    where = dimensions.index(spec.where)
    column = table.index(spec.column)
    parts = [values[column] for key, values in by_key.items()
             if key[where] in spec.values and all(key[i] == row[i] for i in keep)]
    if Symbol.CONFIDENTIAL in parts:
        return Symbol.CONFIDENTIAL
    return sum(part for part in parts if isinstance(part, int))
