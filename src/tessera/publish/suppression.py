"""Secondary suppression as one mixed-integer programme per group of related cells (HiGHS, through
SciPy's `milp`).

Why this model: for every protected cell and each direction, the programme must contain a way
for a reader's best guess to move by the required margin: a vector of changes to the cells that
keeps every relation, changes only suppressed cells (or published rounded figures within what
they stand for), and never makes a count negative (the attacker's LP of Fischetti and Salazar,
written out in full). A binary per free cell says whether it is suppressed; minimising their
weighted sum gives the cheapest pattern in which no protected cell can be narrowed down.

The weight of suppressing a cell is 1 + ln(1 + value): every hidden cell costs at least one
(fewer blanks is better for readers), and a large figure such as a national total costs more
than a small one, but not in proportion, so one total is not traded for dozens of cells.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import csr_array, diags_array, eye_array, hstack, kron

from tessera.errors import PublicationError
from tessera.publish.cell_system import BoolArray, CellSystem, FloatArray, IntArray


@dataclass(frozen=True)
class Requirement:
    """A protected cell must be able to move `amount` (up if positive, down if negative)."""

    cell: int
    amount: int


def weights(values: IntArray) -> FloatArray:
    """What suppressing each cell costs in the objective: 1 + ln(1 + value)."""
    return 1.0 + np.log1p(values.astype(np.float64))


def choose_suppressions(system: CellSystem, requirements: list[Requirement],
                        time_limit: float) -> BoolArray:
    """Which cells to suppress: every "hidden" cell, and the cheapest set of "free" cells that
    lets each requirement be met. Components without a requirement hide only "hidden" cells.

    Raises `PublicationError` when no pattern can protect a cell (for example, every cell it
    adds up with was published in an earlier release) or HiGHS found none in `time_limit`.
    """
    suppressed = np.array([status == "hidden" for status in system.status], dtype=np.bool_)
    for cells in system.components():
        members = set(cells.tolist())
        wanted = [r for r in requirements if r.cell in members]
        if wanted:
            suppressed[cells] = _solve_component(system, cells, wanted, time_limit)
    return suppressed


def _solve_component(system: CellSystem, cells: IntArray, requirements: list[Requirement],
                     time_limit: float) -> BoolArray:
    """The MILP for one component: variables x (suppress?) then one change vector per
    requirement; returns x."""
    n, k = len(cells), len(requirements)
    values = system.values[cells].astype(np.float64)
    low = system.low[cells].astype(np.float64)
    high = system.high[cells].astype(np.float64)
    status = [system.status[cell] for cell in cells]
    free = np.array([s == "free" for s in status])
    hidden = np.array([s == "hidden" for s in status])
    # A change can never need to exceed everything in the component plus the largest margin.
    big = float(values.sum()) + max(abs(r.amount) for r in requirements)

    x_low = hidden.astype(np.float64)
    x_high = (free | hidden).astype(np.float64)
    change_low = np.where(free | hidden, -values, low - values)
    change_high = np.where(free | hidden, big, high - values)
    y_low, y_high = np.tile(change_low, k), np.tile(change_high, k)
    position = {int(cell): index for index, cell in enumerate(cells)}
    for copy, requirement in enumerate(requirements):
        y_low[copy * n + position[requirement.cell]] = requirement.amount
        y_high[copy * n + position[requirement.cell]] = requirement.amount

    relations = system.relations_within(cells)
    pick = csr_array(eye_array(n, format="csr")[np.flatnonzero(free)])
    ones = csr_array(np.ones((k, 1)))
    copies = eye_array(k, format="csr")
    constraints = [LinearConstraint(
        hstack([csr_array((k * relations.shape[0], n)), kron(copies, relations)]), 0, 0)]
    if pick.shape[0]:
        free_low, free_high = low[free], high[free] - values[free]
        # Published: the change stays within what the figure stands for; suppressed: the
        # cell may fall to zero (low - value - low) or rise by up to `big`.
        constraints.append(LinearConstraint(
            hstack([kron(ones, diags_array(free_low) @ pick), kron(copies, pick)]),
            np.tile(free_low - values[free], k), np.inf))
        constraints.append(LinearConstraint(
            hstack([kron(ones, diags_array(-(big - free_high)) @ pick), kron(copies, pick)]),
            -np.inf, np.tile(free_high, k)))
    cost = np.concatenate([np.where(free, weights(system.values[cells]), 0.0), np.zeros(n * k)])
    result = milp(
        cost, integrality=np.concatenate([np.ones(n), np.zeros(n * k)]),
        bounds=Bounds(np.concatenate([x_low, y_low]), np.concatenate([x_high, y_high])),
        constraints=constraints,
        options={"time_limit": time_limit})
    if result.x is None:
        names = ", ".join(str(system.refs[r.cell]) for r in requirements[:3])
        raise PublicationError(f"no suppression pattern protects {names}: {result.message}")
    return np.asarray(result.x[:n] > 0.5, dtype=np.bool_)
