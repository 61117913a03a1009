"""Typed tables: what a column must say about itself, how rows are named, and reading by key."""

from __future__ import annotations

import pytest

from tessera.analysis.results import Column, StatTable

COLUMNS = (Column("force", "Force", "dimension"), Column("a", "A", "count"),
           Column("b", "B", "count"), Column("all", "All", "count"))


def test_a_derived_column_names_its_numerator_and_denominator() -> None:
    with pytest.raises(ValueError, match="needs `of`"):
        Column("share", "Share (%)", "share")
    with pytest.raises(ValueError, match="takes no `of`"):
        Column("a", "A", "count", of="b", per="c")


def test_rows_are_named_by_their_dimensions_and_must_be_distinct() -> None:
    with pytest.raises(ValueError, match="same dimension values"):
        StatTable("t", "T", COLUMNS, (("F1", 1, 2, 3), ("F1", 4, 5, 9)))
    with pytest.raises(ValueError, match="needs 4 values"):
        StatTable("t", "T", COLUMNS, (("F1", 1, 2),))


def test_tables_are_read_by_key_and_totals_are_marked() -> None:
    table = StatTable("t", "T", COLUMNS, (("F1", 1, 2, 3), ("All", 1, 2, 3)),
                      totals=frozenset({("All",)}))
    assert table.column("all") == [3, 3]
    assert table.records()[0] == {"force": "F1", "a": 1, "b": 2, "all": 3}
    assert [table.is_total(row) for row in table.rows] == [False, True]
    assert [(str(ref), value) for ref, _, value in table.count_cells()][:2] == [
        ("t[F1][a]", 1), ("t[F1][b]", 2)]
    with pytest.raises(KeyError, match="no column 'A'"):
        table.column("A")  # a label is not a key
