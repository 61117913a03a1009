"""Disclosure control: hand-made tables whose right suppressions can be worked out on paper, the
iterative audit, rounding, and randomised tables checked by a reader's own LP."""

from __future__ import annotations

import numpy as np
import pytest

from tessera.analysis.results import CellRef, Column, StatTable
from tessera.errors import PublicationError
from tessera.publish.disclosure import (
    DisclosureRule,
    protect,
    required_range,
    round_half_away,
    rounded_range,
)
from tessera.publish.tabulation import Relation, sums_down
from tests.publish.disclosure_tables import grid, reader_ranges


def _names(cells: frozenset[CellRef]) -> set[str]:
    return {f"{'/'.join(ref.row)}.{ref.column}" for ref in cells}


def test_a_small_cell_forces_a_second_suppression_in_its_row_and_column() -> None:
    """3 is hidden; its row and column totals are published, so one more cell in the row and
    one in the column must go, and the cell where they cross: the cheapest such rectangle."""
    table, relations = grid("t", [[3, 20], [15, 25], [30, 40]])
    protection = protect([table], relations)
    assert _names(protection.primary) == {"r0.c0"}
    assert _names(protection.secondary) == {"r0.c1", "r1.c0", "r1.c1"}
    low, high = protection.ranges[table.cell(("r0",), "c0")]
    assert (low, high) == (0.0, 18.0)
    assert protection.required[table.cell(("r0",), "c0")] == (0, 6)


def test_a_hidden_subtotal_pushes_suppression_up_the_hierarchy() -> None:
    """More than one perpetrator (7) is itself small, and all CSA = it + single perpetrator:
    the single-perpetrator figure must go too, or 100 - 93 gives the 7 back."""
    columns = (Column("category", "Category", "dimension"), Column("offences", "Offences", "count"))
    rows = (("all", 100), ("more_than_one", 7), ("single", 93), ("intra_familial", 4),
            ("institutional", 3), ("group_based_cse", 0), ("other_multiple", 0))
    table = StatTable("categories", "Categories", columns, rows, frozenset({("all",)}))
    relations = [
        *sums_down(table, ("all",), [("more_than_one",), ("single",)], ["offences"]),
        *sums_down(table, ("more_than_one",), [("intra_familial",), ("institutional",),
                                               ("group_based_cse",), ("other_multiple",)],
                   ["offences"]),
    ]
    protection = protect([table], relations)
    assert _names(protection.primary) == {"more_than_one.offences", "intra_familial.offences",
                                          "institutional.offences"}
    assert _names(protection.secondary) == {"single.offences"}


def test_a_relation_across_tables_forces_a_suppression_in_the_other_table() -> None:
    """The national figure in one table is the sum of the forces in another."""
    national = StatTable("national", "National", (
        Column("area", "Area", "dimension"), Column("offences", "Offences", "count")),
        (("England and Wales", 114),))
    forces = StatTable("forces", "Forces", (
        Column("force", "Force", "dimension"), Column("offences", "Offences", "count")),
        (("F1", 4), ("F2", 50), ("F3", 60)))
    across = [Relation(national.cell(("England and Wales",), "offences"),
                       tuple(forces.cell((f,), "offences") for f in ("F1", "F2", "F3")))]
    alone = protect([national, forces], [])
    assert _names(alone.secondary) == set()
    together = protect([national, forces], across)
    assert _names(together.primary) == {"F1.offences"}
    assert _names(together.secondary) == {"F2.offences"}


def test_zeros_are_shown_and_large_counts_need_no_protection() -> None:
    table, relations = grid("t", [[0, 20], [15, 0]])
    protection = protect([table], relations)
    assert protection.suppressed == frozenset()


def test_a_relation_that_does_not_add_up_is_refused() -> None:
    table, relations = grid("t", [[3, 20], [15, 25]])
    wrong = Relation(relations[0].total, relations[0].parts[:1])
    with pytest.raises(PublicationError, match="add up to 3"):
        protect([table], [wrong])


def test_a_cell_that_cannot_be_protected_is_refused() -> None:
    """Every other cell of the relation is a published reference figure: no pattern helps."""
    table = StatTable("t", "T", (
        Column("row", "Row", "dimension"), Column("people", "People", "count"),
        Column("population", "Population", "count", protected=False),
        Column("total", "Total", "count", protected=False)), (("a", 4, 100, 104),))
    relation = Relation(table.cell(("a",), "total"),
                        (table.cell(("a",), "people"), table.cell(("a",), "population")))
    with pytest.raises(PublicationError, match="no suppression pattern protects"):
        protect([table], [relation])


@pytest.mark.parametrize(("value", "base", "rounded"), [
    (25, 10, 30), (15, 10, 20), (24, 10, 20), (27, 5, 25), (28, 5, 30), (0, 5, 0), (-25, 10, -30),
], ids=lambda v: str(v))
def test_rounding_takes_halves_away_from_zero(value: int, base: int, rounded: int) -> None:
    """Python's round() takes halves to even (round(2.5) == 2): 25 and 15 would differ."""
    assert round_half_away(value, base) == rounded


def test_a_rounded_figure_stands_for_exactly_the_values_that_round_to_it() -> None:
    for base in (5, 10):
        for shown in (0, 10, 20, 30):
            low, high = rounded_range(shown, base)
            assert all(round_half_away(v, base) == shown for v in range(low, high + 1))
            assert round_half_away(high + 1, base) != shown
            assert low == 0 or round_half_away(low - 1, base) != shown


def test_rounded_totals_are_published_rounded_and_the_audit_allows_for_them() -> None:
    table, relations = grid("t", [[3, 21], [16, 27], [33, 41]])
    rule = DisclosureRule(round_totals_to=5)
    protection = protect([table], relations, rule)
    assert protection.rounded, "every published total is rounded"
    assert all(shown % 5 == 0 for shown in protection.rounded.values())
    for ref, (low, high) in protection.required.items():
        found = protection.ranges[ref]
        assert found[0] <= low and found[1] >= high


def test_the_margin_grows_with_the_value() -> None:
    rule = DisclosureRule()
    assert [rule.margin(v) for v in (1, 6, 9)] == [3, 3, 5]
    assert required_range(1, 3) == (0, 4)
    with pytest.raises(PublicationError):
        DisclosureRule(round_totals_to=3)


@pytest.mark.parametrize("seed", range(7))
def test_random_tables_leave_no_small_count_shown_and_no_hidden_count_narrowed(seed: int
                                                                               ) -> None:
    """Property: after the step, no published count is 1 to 9 and a reader's own LP never
    bounds a protected cell more tightly than the rule asks. The grid is split cell by cell
    into two more tables (say, online and not), each with its own totals, so relations run
    within and across the three tables."""
    generator = np.random.default_rng(seed)
    shape = (int(generator.integers(2, 4)), int(generator.integers(2, 4)))
    counts = generator.choice([0, 1, 2, 4, 7, 9, 12, 18, 30, 55], size=shape)
    online = np.floor(counts * generator.uniform(0, 1, size=shape)).astype(int)
    tables, every = [], []
    for name, part in (("all", counts), ("online", online), ("offline", counts - online)):
        table, relations = grid(name, part.tolist())
        tables.append(table)
        every += relations
    every += [Relation(ref, (CellRef("online", ref.row, ref.column),
                             CellRef("offline", ref.row, ref.column)))
              for ref, _, _ in tables[0].count_cells()]
    protection = protect(tables, every)
    shown = [value for table in tables for ref, _, value in table.count_cells()
             if ref not in protection.suppressed]
    assert not [v for v in shown if 0 < v < 10]
    ranges = reader_ranges(tables, every, protection)
    for ref, (low, high) in protection.required.items():
        assert ranges[ref][0] <= low + 1e-6 and ranges[ref][1] >= high - 1e-6, ref
