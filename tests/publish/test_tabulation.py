"""Typed tables: what a column must say about itself, and how relations are declared."""

from __future__ import annotations

import pytest

from tessera.publish.tabulation import Column, StatTable, sums_across, sums_down

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


def test_relations_are_declared_across_and_down() -> None:
    table = StatTable("t", "T", COLUMNS, (("F1", 1, 2, 3), ("F2", 4, 5, 9), ("All", 5, 7, 12)))
    across = sums_across(table, "all", ["a", "b"])
    assert [str(r.total) for r in across] == ["t[F1][all]", "t[F2][all]", "t[All][all]"]
    down = sums_down(table, ("All",), [("F1",), ("F2",)], ["a"])
    assert [str(p) for p in down[0].parts] == ["t[F1][a]", "t[F2][a]"]
    assert [(str(ref), value) for ref, _, value in table.count_cells()][:2] == [
        ("t[F1][a]", 1), ("t[F1][b]", 2)]
