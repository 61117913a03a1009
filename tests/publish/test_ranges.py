"""The LP audit must catch a pattern that leaves a small count recoverable: a test that can fail."""

from __future__ import annotations

import numpy as np

from tessera.analysis.results import CellRef
from tessera.publish.cell_system import build_system
from tessera.publish.ranges import feasible_ranges
from tessera.publish.register import ReleaseRegister
from tests.publish.disclosure_tables import grid


def _ranges(hidden: set[tuple[str, str]]) -> dict[CellRef, tuple[float, float]]:
    table, relations = grid("t", [[3, 20], [15, 25], [30, 40]])
    system = build_system([table], relations, ReleaseRegister("2024"), {})
    mask = np.array([(ref.row[0], ref.column) in hidden for ref in system.refs])
    return {system.refs[i]: found for i, found in feasible_ranges(system, mask).items()}


def test_hiding_the_small_count_alone_gives_it_back_by_subtraction() -> None:
    ranges = _ranges({("r0", "c0")})
    assert ranges == {CellRef("t", ("r0",), "c0"): (3.0, 3.0)}


def test_hiding_its_row_partner_is_not_enough_while_the_column_is_published() -> None:
    """The under-protected pattern of the classic mistake: the row is covered, the column not."""
    ranges = _ranges({("r0", "c0"), ("r0", "c1")})
    assert ranges[CellRef("t", ("r0",), "c0")] == (3.0, 3.0)


def test_a_rectangle_leaves_the_small_count_a_wide_range() -> None:
    ranges = _ranges({("r0", "c0"), ("r0", "c1"), ("r1", "c0"), ("r1", "c1")})
    assert ranges[CellRef("t", ("r0",), "c0")] == (0.0, 18.0)
    assert ranges[CellRef("t", ("r1",), "c1")] == (22.0, 40.0)


def test_a_cell_in_no_relation_that_is_hidden_can_be_anything() -> None:
    table, _ = grid("t", [[3, 20]])
    system = build_system([table], [], ReleaseRegister("2024"), {})
    mask = np.array([ref.column == "c0" and ref.row == ("r0",) for ref in system.refs])
    assert list(feasible_ranges(system, mask).values()) == [(0.0, np.inf)]
