"""The LP audit: how precisely a reader could work out each suppressed cell from what is published.

Why linear programming: a reader who knows the published figures, the additive relations and
that counts are never negative can bound each hidden cell by minimising and maximising it
subject to exactly those facts (HiGHS, through SciPy). If the range is narrower than the
protection rule asks, the suppression pattern has failed, whatever its authors intended.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.optimize import linprog
from scipy.sparse import csr_array

from tessera.errors import PublicationError
from tessera.publish.cell_system import BoolArray, CellSystem, FloatArray

Range = tuple[float, float]
"""The lowest and highest value a suppressed cell can take (the highest may be infinite)."""


def feasible_ranges(system: CellSystem, suppressed: BoolArray) -> dict[int, Range]:
    """The range of every suppressed cell given all other cells published (exactly, or as the
    range a rounded figure stands for), the relations, and non-negativity."""
    ranges: dict[int, Range] = {}
    for cells in system.components():
        hidden = [position for position, cell in enumerate(cells) if suppressed[cell]]
        if not hidden:
            continue
        relations = system.relations_within(cells)
        bounds: list[tuple[float, float | None]] = [(0.0, None) if suppressed[cell] else
                  (float(system.low[cell]), float(system.high[cell])) for cell in cells]
        for position in hidden:
            objective = np.zeros(len(cells))
            objective[position] = 1.0
            lowest = _optimum(objective, relations, bounds)
            highest = -_optimum(-objective, relations, bounds)
            ranges[int(cells[position])] = (lowest, highest)
    return ranges


def _optimum(objective: FloatArray, relations: csr_array,
             bounds: list[tuple[float, float | None]]) -> float:
    """The minimum of `objective`; -inf when unbounded (a cell that can grow without limit)."""
    rows = relations.shape[0]
    result = linprog(objective, A_eq=relations if rows else None,
                     b_eq=np.zeros(rows) if rows else None, bounds=bounds, method="highs")
    if result.status == 3:
        return -math.inf
    if result.status != 0:
        raise PublicationError(f"the LP audit could not be solved: {result.message}")
    return float(result.fun)
