"""The LP audit: how precisely a reader could work out each suppressed cell from what is published.

Why linear programming: a reader who knows the published figures, the additive relations and
that counts are never negative can bound each hidden cell by minimising and maximising it
subject to exactly those facts (HiGHS, through SciPy). If the range is narrower than the
protection rule asks, the suppression pattern has failed, whatever its authors intended.
The same LP, with its duals, tells the optimiser which published figures pinned a cell down.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.optimize import linprog

from tessera.errors import PublicationError
from tessera.publish.cell_system import BoolArray, CellSystem, IntArray

Range = tuple[float, float]
"""The lowest and highest value a suppressed cell can take (the highest may be infinite)."""

DUAL_TOLERANCE = 1e-9
NOWHERE = np.array([], dtype=np.int64)


@dataclass(frozen=True)
class Attack:
    """A reader's best bound on one cell, and the published cells whose figures set it.

    By LP duality, the bound cannot move unless one of the `binding` cells is suppressed:
    what the optimiser needs to know to add a cut. `moved` are the cells whose values the
    reader's extreme solution changes: while they all stay suppressed, the bound still holds.
    """

    value: float
    binding: IntArray
    moved: IntArray


class ComponentLP:
    """A reader's LP over one component of related cells (positions within `cells`)."""

    def __init__(self, system: CellSystem, cells: IntArray) -> None:
        self.cells = cells
        self.relations = system.relations_within(cells)
        self.low = system.low[cells].astype(np.float64)
        self.high = system.high[cells].astype(np.float64)
        self.values = system.values[cells].astype(np.float64)

    def extreme(self, suppressed: BoolArray, target: int, maximise: bool) -> Attack:
        """The least (or greatest) value cell `target` can take when the cells marked in
        `suppressed` (a mask over the component) are unknown but not negative."""
        objective = np.zeros(len(self.cells))
        objective[target] = -1.0 if maximise else 1.0
        bounds = [(0.0, None) if hidden else (low, high)
                  for hidden, low, high in zip(suppressed, self.low, self.high, strict=True)]
        rows = self.relations.shape[0]
        result = linprog(objective, A_eq=self.relations if rows else None,
                         b_eq=np.zeros(rows) if rows else None, bounds=bounds, method="highs")
        if result.status == 3:
            # No single solution to remember: count every cell as moved.
            return Attack(math.inf if maximise else -math.inf, NOWHERE,
                          np.arange(len(self.cells)))
        if result.status != 0:
            raise PublicationError(f"the LP audit could not be solved: {result.message}")
        duals = np.abs(result.lower.marginals) + np.abs(result.upper.marginals)
        binding = np.flatnonzero((duals > DUAL_TOLERANCE) & ~suppressed)
        moved = np.flatnonzero(np.abs(result.x - self.values) > DUAL_TOLERANCE)
        return Attack(-result.fun if maximise else result.fun, binding, moved)


def feasible_ranges(system: CellSystem, suppressed: BoolArray) -> dict[int, Range]:
    """The range of every suppressed cell given all other cells published (exactly, or as the
    range a rounded figure stands for), the relations, and non-negativity."""
    ranges: dict[int, Range] = {}
    for cells in system.components():
        hidden = suppressed[cells]
        if not hidden.any():
            continue
        lp = ComponentLP(system, cells)
        for target in np.flatnonzero(hidden).tolist():
            ranges[int(cells[target])] = (lp.extreme(hidden, target, maximise=False).value,
                                          lp.extreme(hidden, target, maximise=True).value)
    return ranges
