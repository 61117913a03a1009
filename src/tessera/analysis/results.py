"""What an analysis returns: typed tables whose columns carry a key, a label and a kind, with
their total rows marked. The audit builds them, and every output (terminal, CSV, HTML,
spreadsheets, disclosure control) reads them by key and kind, never by display title.

Why typed here, in the analysis: disclosure control must know which cells are counts of people
or offences (to protect), which are shares or rates (to work out again from what is published),
and which rows are totals. The analysis is the one place that knows, so it says so as it builds
each table; guessing from display titles later would be the weak point of the whole release.
Why plain values: the publish layer should not know SQL or DuckDB types, and a table that holds
only str, int, float and None writes to CSV, HTML and spreadsheets the same way.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

ColumnKind = Literal["dimension", "count", "share", "rate", "interval_low", "interval_high",
                     "figure"]
"""What a column holds: a label that names the row, a count, a figure derived from counts of
the table (share, rate, interval bound), or a figure of its own (a score, a date, a note)."""

DERIVED_KINDS: frozenset[ColumnKind] = frozenset({"share", "rate", "interval_low",
                                                  "interval_high"})

Cell = str | int | float | None
"""One cell of a table: a label, a count, a share or rate (already rounded), or None (not
applicable). After disclosure control a cell may hold a symbol such as `[c]` (a str)."""

RowKey = tuple[str, ...]
"""A row's identity: the values of its dimension columns, in column order."""


@dataclass(frozen=True)
class Rows:
    """A sum down `column` over the rows of the same table that match the row a figure is on
    in every dimension of `keep` and whose dimension `where` is one of `values`.

    Why relative to the row: a share of known people is of the known people of the same
    offence group and characteristic, so one column spec serves every group of rows.
    """

    column: str
    where: str
    values: tuple[str, ...]
    keep: tuple[str, ...] = ()


@dataclass(frozen=True)
class Column:
    """One column: `key` for code, `label` for readers, `kind` for formats and disclosure.

    A count column is `protected` (counts of people or offences) unless it holds published
    reference figures such as a population. A derived column names its numerator `of` and its
    denominator `per`, each a count column of the same row or a sum of `Rows`; it is worked
    out after suppression from what is shown. `per=None` means the denominator is not in the
    table (a census population): the product's own figure is kept while its numerator shows.
    `decimals` fixes how a `figure` column's floats are written (shares 1, rates 2 otherwise).
    """

    key: str
    label: str
    kind: ColumnKind
    protected: bool = True
    of: str | Rows | None = None
    per: str | Rows | None = None
    decimals: int | None = None

    def __post_init__(self) -> None:
        derived = self.kind in DERIVED_KINDS
        if derived != (self.of is not None) or (not derived and self.per is not None):
            raise ValueError(f"column {self.key!r}: a {self.kind} column "
                             f"{'needs' if derived else 'takes no'} `of`")


@dataclass(frozen=True)
class CellRef:
    """One cell anywhere in a release: table name, row key and column key.

    Why by keys rather than positions: the release register and relations between tables name
    cells that must mean the same thing in a later release, whatever order its rows are in.
    """

    table: str
    row: RowKey
    column: str

    def __str__(self) -> str:
        return f"{self.table}[{' / '.join(self.row)}][{self.column}]"


@dataclass(frozen=True)
class StatTable:
    """One table of an analysis: its name (the CSV and sheet name), what it shows, how it was
    counted (`description`), typed columns, rows, the keys of its total rows and its notes.

    `notes` carry the completeness statements and caveats a reader must see beside the
    figures. Derived columns may hold anything (None is fine): the editions work them out
    again from the counts.
    """

    name: str
    title: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Cell, ...], ...]
    totals: frozenset[RowKey] = field(default_factory=frozenset)
    description: str = ""
    notes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        width = len(self.columns)
        if any(len(row) != width for row in self.rows):
            raise ValueError(f"table {self.name!r}: every row needs {width} values")
        keys = [self.row_key(row) for row in self.rows]
        if len(set(keys)) != len(keys):
            raise ValueError(f"table {self.name!r}: two rows have the same dimension values")

    def index(self, key: str) -> int:
        """The position of the column called `key`."""
        for position, column in enumerate(self.columns):
            if column.key == key:
                return position
        raise KeyError(f"table {self.name!r} has no column {key!r}")

    def column(self, key: str) -> list[Cell]:
        """Every value of the column called `key`, in row order (for charts and tests)."""
        index = self.index(key)
        return [row[index] for row in self.rows]

    def records(self) -> list[dict[str, Cell]]:
        """Rows as dictionaries keyed by column key."""
        keys = [column.key for column in self.columns]
        return [dict(zip(keys, row, strict=True)) for row in self.rows]

    def row_key(self, row: tuple[Cell, ...]) -> RowKey:
        """The key of `row`: its dimension values as text (None as empty text)."""
        return tuple("" if value is None else str(value)
                     for value, column in zip(row, self.columns, strict=True)
                     if column.kind == "dimension")

    def is_total(self, row: tuple[Cell, ...]) -> bool:
        """Whether `row` is a total row (emphasised by renderers)."""
        return self.row_key(row) in self.totals

    def dimension_keys(self) -> tuple[str, ...]:
        """The keys of the dimension columns, in the order of a row key."""
        return tuple(column.key for column in self.columns if column.kind == "dimension")

    def cell(self, row: RowKey, column: str) -> CellRef:
        """A reference to one cell of this table (for relations and the register)."""
        return CellRef(self.name, row, column)

    def count_cells(self) -> Iterator[tuple[CellRef, Column, int]]:
        """Every count cell with its column and value; a None count is no published number."""
        for row in self.rows:
            key = self.row_key(row)
            for value, column in zip(row, self.columns, strict=True):
                if column.kind == "count" and isinstance(value, int):
                    yield CellRef(self.name, key, column.key), column, value

    def as_json(self) -> dict[str, Any]:
        """The table as plain JSON values, for a store that keeps a published product (the
        casework store's publications); `from_json` makes the same table again."""
        return {"name": self.name, "title": self.title, "description": self.description,
                "notes": list(self.notes), "columns": [_column_json(c) for c in self.columns],
                "rows": [list(row) for row in self.rows],
                "totals": sorted(list(key) for key in self.totals)}

    @classmethod
    def from_json(cls, value: dict[str, Any]) -> StatTable:
        """The table `as_json` wrote."""
        return cls(name=value["name"], title=value["title"], description=value["description"],
                   notes=tuple(value["notes"]),
                   columns=tuple(_column_from_json(c) for c in value["columns"]),
                   rows=tuple(tuple(row) for row in value["rows"]),
                   totals=frozenset(tuple(key) for key in value["totals"]))


def _column_json(column: Column) -> dict[str, Any]:
    return {"key": column.key, "label": column.label, "kind": column.kind,
            "protected": column.protected, "of": _sum_json(column.of),
            "per": _sum_json(column.per), "decimals": column.decimals}


def _sum_json(value: str | Rows | None) -> str | dict[str, Any] | None:
    if isinstance(value, Rows):
        return {"column": value.column, "where": value.where, "values": list(value.values),
                "keep": list(value.keep)}
    return value


def _column_from_json(value: dict[str, Any]) -> Column:
    return Column(value["key"], value["label"], value["kind"], value["protected"],
                  _sum_from_json(value["of"]), _sum_from_json(value["per"]), value["decimals"])


def _sum_from_json(value: str | dict[str, Any] | None) -> str | Rows | None:
    if isinstance(value, dict):
        return Rows(value["column"], value["where"], tuple(value["values"]),
                    tuple(value["keep"]))
    return value
