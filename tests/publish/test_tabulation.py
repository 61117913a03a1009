"""Relations among published cells: row and column totals declared by key."""

from __future__ import annotations

from tessera.analysis.results import Column, StatTable
from tessera.publish.tabulation import sums_across, sums_down

COLUMNS = (Column("force", "Force", "dimension"), Column("a", "A", "count"),
           Column("b", "B", "count"), Column("all", "All", "count"))


def test_relations_are_declared_across_and_down() -> None:
    table = StatTable("t", "T", COLUMNS, (("F1", 1, 2, 3), ("F2", 4, 5, 9), ("All", 5, 7, 12)))
    across = sums_across(table, "all", ["a", "b"])
    assert [str(r.total) for r in across] == ["t[F1][all]", "t[F2][all]", "t[All][all]"]
    down = sums_down(table, ("All",), [("F1",), ("F2",)], ["a"])
    assert [str(p) for p in down[0].parts] == ["t[F1][a]", "t[F2][a]"]
