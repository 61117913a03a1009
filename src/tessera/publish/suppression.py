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
from scipy.sparse import csr_array, diags_array, eye_array, hstack, kron

from tessera.errors import PublicationError
from tessera.publish.cell_system import BoolArray, CellSystem, FloatArray, IntArray
from tessera.publish.ranges import Attack, ComponentLP

TOLERANCE = 1e-6
HARD = 2
BIG_MARGINS = 4
"""Cuts for one requirement after which it is written into the master in full."""


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
    master = _Master(system, cells, requirements)
    lp = ComponentLP(system, cells)
    cuts = _relation_cuts(system, cells, lp, requirements, master.free)
    witnesses: dict[int, IntArray] = {}
    failures = [0] * len(requirements)
    targets = np.array([r.cell for r in requirements], dtype=np.int64)
    goals = master.values[targets] + np.array([r.amount for r in requirements], dtype=float)
    upward = np.array([r.amount > 0 for r in requirements])
    while True:
        hard = [r for r, count in zip(requirements, failures, strict=True) if count >= HARD]
        hidden = master.solve(cuts, hard, deadline)
        new_cuts = []
        for number, requirement in enumerate(requirements):
            if number in witnesses and hidden[witnesses[number]].all():
                continue  # the reader's last extreme solution is still open to them
            attack = lp.extreme(hidden, requirement.cell, maximise=requirement.amount > 0)
            goal = goals[number]
            if (attack.value >= goal - TOLERANCE if requirement.amount > 0
                    else attack.value <= goal + TOLERANCE):
                witnesses[number] = attack.moved
                _witness_others(attack, targets, goals, upward, witnesses, number)
                continue
            cut = np.zeros(len(cells))
            cut[attack.binding[master.free[attack.binding]]] = 1.0
            if not cut.any():
                raise _unprotectable(system, cells[requirement.cell])
            new_cuts.append(cut)
            failures[number] += 1
        if not new_cuts:
            return hidden
        cuts += new_cuts


def _witness_others(attack: Attack, targets: IntArray, goals: FloatArray, upward: BoolArray,
                    witnesses: dict[int, IntArray], number: int) -> None:
    """Make the reader's solution the witness of every later requirement it also meets.

    Why: one extreme solution usually moves many protected cells far enough at once (a whole
    chain of sums); a requirement it meets needs no programme of its own while the cells it
    moved stay hidden, which cuts the programmes solved by a large factor on big releases.
    """
    if attack.solution is None:
        return
    reached = attack.solution[targets]
    met = np.where(upward, reached >= goals - TOLERANCE, reached <= goals + TOLERANCE)
    for other in np.flatnonzero(met[number + 1:]).tolist():
        witnesses[number + 1 + other] = attack.moved


class _Master:
    """The master MILP of one component: which cells to hide, at least one of every cut.

    A requirement whose cuts keep coming (`HARD` of them) is written into the master in full,
    as a vector of changes a reader cannot rule out (the Fischetti-Salazar attacker LP): each
    moves the protected cell by its margin, keeps every relation, changes only hidden cells
    (or rounded figures within what they stand for) and never makes a count negative.
    """

    def __init__(self, system: CellSystem, cells: IntArray,
                 requirements: list[Requirement]) -> None:
        status = [system.status[cell] for cell in cells]
        self.free = np.array([s == "free" for s in status])
        self.hidden = np.array([s == "hidden" for s in status])
        self.values = system.values[cells].astype(np.float64)
        self.low = system.low[cells].astype(np.float64)
        self.high = system.high[cells].astype(np.float64)
        self.relations = system.relations_within(cells)
        self.cost = np.where(self.free, weights(system.values[cells]), 0.0)
        # How far a reader's change may move one hidden cell. The change that moves a protected
        # cell by its margin passes it on along relations, one cell's worth at a time, so no
        # cell needs to move by more than a few margins; a limit in the millions (the national
        # total) would leave the MILP's relaxation useless. Too tight a limit can only cost
        # extra suppressions or an error, never safety: the readers' LPs decide that.
        self.big = BIG_MARGINS * max(abs(r.amount) for r in requirements)

    def solve(self, cuts: list[FloatArray], hard: list[Requirement], deadline: float
              ) -> BoolArray:
        """The cheapest choice of cells meeting every cut and every hard requirement."""
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise PublicationError("secondary suppression ran out of time; raise the time "
                                   "limit")
        n, k = len(self.values), len(hard)
        x_low = self.hidden.astype(np.float64)
        x_high = (self.free | self.hidden).astype(np.float64)
        opened = self.free | self.hidden
        y_low = np.tile(np.where(opened, -self.values, self.low - self.values), k)
        y_high = np.tile(np.where(opened, self.big, self.high - self.values), k)
        for copy, requirement in enumerate(hard):
            y_low[copy * n + requirement.cell] = requirement.amount
            y_high[copy * n + requirement.cell] = requirement.amount
        constraints = []
        if cuts:
            constraints.append(LinearConstraint(
                hstack([csr_array(np.array(cuts)), csr_array((len(cuts), n * k))]), 1, np.inf))
        if k:
            constraints += self._changes(k)
        result = milp(np.concatenate([self.cost, np.zeros(n * k)]),
                      integrality=np.concatenate([np.ones(n), np.zeros(n * k)]),
                      bounds=Bounds(np.concatenate([x_low, y_low]),
                                    np.concatenate([x_high, y_high])),
                      constraints=constraints, options={"time_limit": remaining})
        if result.x is None:
            raise PublicationError(f"secondary suppression found no pattern: {result.message}")
        return np.asarray(result.x[:n] > 0.5, dtype=np.bool_)

    def _changes(self, k: int) -> list[LinearConstraint]:
        """Relations on each change vector, and each free cell's change tied to its x: while
        published it stays within its figure; hidden, it may fall to zero or rise to `big`."""
        n = len(self.values)
        copies, ones = eye_array(k, format="csr"), csr_array(np.ones((k, 1)))
        pick = csr_array(eye_array(n, format="csr")[np.flatnonzero(self.free)])
        rows = self.relations.shape[0]
        result = [LinearConstraint(
            hstack([csr_array((k * rows, n)), kron(copies, self.relations)]), 0, 0)]
        if pick.shape[0]:
            low, values = self.low[self.free], self.values[self.free]
            slack = self.high[self.free] - values
            result.append(LinearConstraint(
                hstack([kron(ones, diags_array(low) @ pick), kron(copies, pick)]),
                np.tile(low - values, k), np.inf))
            result.append(LinearConstraint(
                hstack([kron(ones, diags_array(-(self.big - slack)) @ pick),
                        kron(copies, pick)]), -np.inf, np.tile(slack, k)))
        return result


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
