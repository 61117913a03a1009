"""The LP audit: how precisely a reader could work out each suppressed cell from what is published.

Why linear programming: a reader who knows the published figures, the additive relations and
that counts are never negative can bound each hidden cell by minimising and maximising it
subject to exactly those facts (HiGHS, through its own interface, highspy). If the range is
narrower than the protection rule asks, the suppression pattern has failed, whatever its
authors intended.
The same LP, with its duals, tells the optimiser which published figures pinned a cell down.
"""

from __future__ import annotations

import functools
import math
import os
import sys
from dataclasses import dataclass

import highspy
import numpy as np
from scipy.sparse import csc_array, csr_array

from tessera.errors import PublicationError
from tessera.publish.cell_system import BoolArray, CellSystem, FloatArray, IntArray

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
    solution: FloatArray | None = None
    """The reader's extreme solution (every cell of the component), None when unbounded."""


class ComponentLP:
    """A reader's LP over one component of related cells (positions within `cells`).

    Why one HiGHS model kept between calls: the LP audit asks for the least and greatest value
    of every hidden cell, and the optimiser asks again after each change of pattern; between
    two calls only the objective (one cell) and the bounds of cells hidden or shown since
    change. Built once and changed in place, HiGHS starts each solve from the last basis,
    where a fresh `scipy.optimize.linprog` for each call re-read and re-solved the whole
    programme (most of the time of a large release went there).
    """

    def __init__(self, system: CellSystem, cells: IntArray) -> None:
        self.cells = cells
        self.relations = system.relations_within(cells)
        self.low = system.low[cells].astype(np.float64)
        self.high = system.high[cells].astype(np.float64)
        self.values = system.values[cells].astype(np.float64)
        self._highs = _reader_model(self.relations, self.low, self.high)
        self._hidden = np.zeros(len(cells), dtype=np.bool_)
        self._target: int | None = None

    def extreme(self, suppressed: BoolArray, target: int, maximise: bool) -> Attack:
        """The least (or greatest) value cell `target` can take when the cells marked in
        `suppressed` (a mask over the component) are unknown but not negative."""
        highs = self._highs
        self._open(suppressed)
        if self._target is not None and self._target != target:
            highs.changeColCost(self._target, 0.0)
        highs.changeColCost(target, -1.0 if maximise else 1.0)
        self._target = target
        highs.run()
        status = highs.getModelStatus()
        if status in (highspy.HighsModelStatus.kUnbounded,
                      highspy.HighsModelStatus.kUnboundedOrInfeasible):
            # No single solution to remember: count every cell as moved.
            highs.clearSolver()
            return Attack(math.inf if maximise else -math.inf, NOWHERE,
                          np.arange(len(self.cells)))
        if status != highspy.HighsModelStatus.kOptimal:
            raise PublicationError("the LP audit could not be solved: "
                                   f"{highs.modelStatusToString(status)}")
        solution = highs.getSolution()
        x = np.asarray(solution.col_value)
        duals = np.abs(np.asarray(solution.col_dual))
        binding = np.flatnonzero((duals > DUAL_TOLERANCE) & ~suppressed)
        moved = np.flatnonzero(np.abs(x - self.values) > DUAL_TOLERANCE)
        value = float(x[target])
        return Attack(value, binding, moved, x)

    def _open(self, suppressed: BoolArray) -> None:
        """Give the cells whose state changed their bounds: hidden, from 0 up; else what was
        published of them."""
        changed = np.flatnonzero(suppressed != self._hidden)
        if changed.size:
            hidden = suppressed[changed]
            lower = np.where(hidden, 0.0, self.low[changed])
            upper = np.where(hidden, highspy.kHighsInf, self.high[changed])
            self._highs.changeColsBounds(len(changed), changed.astype(np.int32), lower, upper)
            self._hidden = suppressed.copy()


def _reader_model(relations: csr_array, low: FloatArray, high: FloatArray) -> highspy.Highs:
    """The reader's programme with every cell published (bounds `low`..`high`) and every
    relation an equation equal to 0; objective and bounds are changed per question."""
    _swallow_banner()
    highs = highspy.Highs()  # type: ignore[no-untyped-call]
    highs.setOptionValue("output_flag", False)
    highs.setOptionValue("presolve", "off")
    columns = csc_array(relations)
    model = highspy.HighsLp()
    model.num_col_, model.num_row_ = len(low), columns.shape[0]
    model.col_cost_ = np.zeros(len(low))
    model.col_lower_, model.col_upper_ = low, high
    model.row_lower_ = model.row_upper_ = np.zeros(columns.shape[0])
    model.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    model.a_matrix_.start_ = columns.indptr.astype(np.int32)
    model.a_matrix_.index_ = columns.indices.astype(np.int32)
    model.a_matrix_.value_ = columns.data.astype(np.float64)
    highs.passModel(model)
    return highs


def feasible_ranges(system: CellSystem, suppressed: BoolArray,
                    wanted: BoolArray | None = None) -> dict[int, Range]:
    """The range of every suppressed cell (of those marked `wanted`, when given) given all
    other cells published (exactly, or as the range a rounded figure stands for), the
    relations, and non-negativity."""
    ranges: dict[int, Range] = {}
    asked = suppressed if wanted is None else suppressed & wanted
    for cells in system.components():
        if not asked[cells].any():
            continue
        hidden = suppressed[cells]
        lp = ComponentLP(system, cells)
        for target in np.flatnonzero(asked[cells]).tolist():
            ranges[int(cells[target])] = (lp.extreme(hidden, target, maximise=False).value,
                                          lp.extreme(hidden, target, maximise=True).value)
    return ranges


@functools.cache
def _swallow_banner() -> None:
    """Make the process's first HiGHS model with its standard output sent nowhere.

    Why: HiGHS writes its banner straight to file descriptor 1 when the first model of a
    process is made, before any option can be set, which would put two lines of licence text
    into a command's output (and into JSON a script reads). Later models print nothing.
    """
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        with open(os.devnull, "w", encoding="utf-8") as nowhere:
            os.dup2(nowhere.fileno(), 1)
            highspy.Highs()  # type: ignore[no-untyped-call]
    finally:
        os.dup2(saved, 1)
        os.close(saved)
