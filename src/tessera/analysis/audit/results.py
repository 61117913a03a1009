"""What the audit returns: plain, frozen tables that the CLI (Rich), CSV and HTML all render.

Why plain values: the publish layer should not know SQL or DuckDB types, and a table that holds
only str, int, float and None writes to CSV and HTML the same way.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tessera.analysis.audit.rules import RULES

Cell = str | int | float | None
"""One value of a table: a label, a count, a share or rate (already rounded), or None (blank)."""


@dataclass(frozen=True)
class AuditTable:
    """One table of the audit: what it shows, how it was counted, and its rows.

    `notes` carry the completeness statements and caveats a reader must see beside the figures.
    """

    title: str
    description: str
    columns: tuple[str, ...]
    rows: list[tuple[Cell, ...]]
    notes: tuple[str, ...] = ()

    def column(self, name: str) -> list[Cell]:
        """Every value of the column called `name`, in row order (for charts and tests)."""
        try:
            index = self.columns.index(name)
        except ValueError:
            raise KeyError(f"{self.title!r} has no column {name!r}") from None
        return [row[index] for row in self.rows]

    def records(self) -> list[dict[str, Cell]]:
        """Rows as dictionaries keyed by column name."""
        return [dict(zip(self.columns, row, strict=True)) for row in self.rows]


@dataclass(frozen=True)
class Headline:
    """One headline figure of the audit, with a line saying what it is a share of."""

    label: str
    value: int
    detail: str


@dataclass(frozen=True)
class AuditResult:
    """The national audit: tables by name (in report order), headlines and the rules applied."""

    tables: dict[str, AuditTable]
    headlines: tuple[Headline, ...]
    rules: tuple[tuple[str, str], ...] = field(default=RULES)
