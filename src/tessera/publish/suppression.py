"""Secondary suppression: the cheapest set of further cells to hide, found by a mixed-integer
programme (HiGHS, through SciPy's `milp`) that the LP audit keeps correcting.

Why this method (constraint generation, after Fischetti and Salazar): writing every reader's
LP into one MILP grows with cells x protected cells and took minutes on a few dozen cells.
Instead a small master MILP chooses which cells to hide; a reader's LP then tries to narrow
each protected cell, and wherever it succeeds its duals name the published cells that pinned
the cell down, at least one of which must be hidden (suppressing any other cell cannot move
that bound). The cut is added and the master solved again, until no reader's LP succeeds.
Every cut is valid for any safe pattern, so the last master solution is the cheapest safe one.

The weight of suppressing a cell is 1 + ln(1 + value): every hidden cell costs at least one
(fewer blanks is better for readers), and a large figure such as a national total costs more
than a small one, but not in proportion, so one total is not traded for dozens of cells.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp

from tessera.errors import PublicationError
from tessera.publish.cell_system import BoolArray, CellSystem, FloatArray, IntArray
from tessera.publish.ranges import ComponentLP

TOLERANCE = 1e-6


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
    adds up with was published in an earlier release) or none was found in `time_limit`.
    """
    deadline = time.monotonic() + time_limit
    suppressed = np.array([status == "hidden" for status in system.status], dtype=np.bool_)
    for cells in system.components():
        position = {int(cell): index for index, cell in enumerate(cells)}
        wanted = [Requirement(position[r.cell], r.amount) for r in requirements
                  if r.cell in position]
        if wanted:
            suppressed[cells] = _solve_component(system, cells, wanted, deadline)
    return suppressed


def _solve_component(system: CellSystem, cells: IntArray, requirements: list[Requirement],
                     deadline: float) -> BoolArray:
    """Master MILP and readers' LPs in turn for one component (requirements by position)."""
    status = [system.status[cell] for cell in cells]
    free = np.array([s == "free" for s in status])
    lower = np.array([s == "hidden" for s in status], dtype=np.float64)
    bounds = Bounds(lower, np.maximum(lower, free))
    cost = np.where(free, weights(system.values[cells]), 0.0)
    values = system.values[cells]
    lp = ComponentLP(system, cells)
    cuts = _relation_cuts(system, cells, lp, requirements, free)
    witnesses: dict[int, IntArray] = {}
    while True:
        hidden = _master(cost, bounds, cuts, deadline)
        new_cuts = []
        for number, requirement in enumerate(requirements):
            if number in witnesses and hidden[witnesses[number]].all():
                continue  # the reader's last extreme solution is still open to them
            attack = lp.extreme(hidden, requirement.cell, maximise=requirement.amount > 0)
            goal = values[requirement.cell] + requirement.amount
            if (attack.value >= goal - TOLERANCE if requirement.amount > 0
                    else attack.value <= goal + TOLERANCE):
                witnesses[number] = attack.moved
                continue
            cut = np.zeros(len(cells))
            cut[attack.binding[free[attack.binding]]] = 1.0
            if not cut.any():
                raise _unprotectable(system, cells[requirement.cell])
            new_cuts.append(cut)
        if not new_cuts:
            return hidden
        cuts += new_cuts


def _relation_cuts(system: CellSystem, cells: IntArray, lp: ComponentLP,
                   requirements: list[Requirement], free: BoolArray) -> list[FloatArray]:
    """The first cuts, known before any LP: in every relation of a protected cell, another cell
    must be hidden, or the published others give it exactly."""
    hidden = np.array([system.status[cell] == "hidden" for cell in cells])
    cuts: list[FloatArray] = []
    for cell in {r.cell for r in requirements}:
        for row in lp.relations[:, [cell]].nonzero()[0]:
            others = lp.relations[[row], :].nonzero()[1]
            others = others[others != cell]
            if hidden[others].any():
                continue
            if not free[others].any():
                raise _unprotectable(system, cells[cell])
            cut = np.zeros(len(cells))
            cut[others[free[others]]] = 1.0
            cuts.append(cut)
    return cuts


def _unprotectable(system: CellSystem, cell: np.int64) -> PublicationError:
    return PublicationError(f"no suppression pattern protects {system.refs[cell]}: every "
                            "figure it adds up with must be published")


def _master(cost: FloatArray, bounds: Bounds, cuts: list[FloatArray], deadline: float
            ) -> BoolArray:
    """The cheapest choice of cells that hides at least one cell of every cut."""
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise PublicationError("secondary suppression ran out of time; raise the time limit")
    constraints = [LinearConstraint(np.array(cuts), 1, np.inf)] if cuts else []
    result = milp(cost, integrality=np.ones(len(cost)), bounds=bounds,
                  constraints=constraints, options={"time_limit": remaining})
    if result.status != 0:
        raise PublicationError(f"secondary suppression found no optimal pattern: "
                               f"{result.message}")
    return np.asarray(result.x > 0.5, dtype=np.bool_)
