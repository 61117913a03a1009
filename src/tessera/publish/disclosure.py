"""Statistical disclosure control: the one step every published table goes through.

`protect(tables, relations, rule, register)` decides which count cells readers may not see:
primary suppression of small counts, secondary suppression chosen by an optimiser so that no
small count can be worked out from the additive relations (within a release, across its
tables, and against earlier releases in the register), then an LP audit of the result that
must pass. The editions (`tessera.publish.editions`) turn the decision into tables. The method
is written up in docs/disclosure.md.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from tessera.analysis.results import CellRef, StatTable
from tessera.errors import PublicationError
from tessera.publish.cell_system import BoolArray, CellSystem, build_system
from tessera.publish.ranges import Range, feasible_ranges
from tessera.publish.register import CellRecord, ReleaseRegister
from tessera.publish.suppression import Requirement, choose_suppressions
from tessera.publish.tabulation import Relation

TOLERANCE = 1e-6


@dataclass(frozen=True)
class DisclosureRule:
    """The protection rule; the defaults follow trusted-research practice for data this
    sensitive (counts of 1 to 9 are never published).

    A protected cell of value v must stay uncertain by a margin of
    max(`margin_minimum`, ceil(v * `margin_percent` / 100)) each way (down to zero at most).
    `round_totals_to` rounds published relation totals to the nearest 5 or 10 (1: exact).
    Rates from fewer than `reliable_from` events are shown as low reliability.
    """

    smallest_shown: int = 10
    margin_percent: int = 50
    margin_minimum: int = 3
    round_totals_to: int = 1
    reliable_from: int = 20
    time_limit: float = 120.0

    def __post_init__(self) -> None:
        if self.round_totals_to not in (1, 5, 10):
            raise PublicationError("totals round to the nearest 1, 5 or 10")

    def is_primary(self, value: int) -> bool:
        """Whether a count is small enough to suppress for itself (zeros are shown)."""
        return 0 < value < self.smallest_shown

    def margin(self, value: int) -> int:
        """How far a reader's best bounds must stay from a protected value, each way."""
        return max(self.margin_minimum, math.ceil(value * self.margin_percent / 100))


@dataclass(frozen=True)
class Protection:
    """The decision for one release: what is hidden and why, and the proof it is enough.

    `ranges` is the LP audit's range of every suppressed cell of the release, `required` the
    range each protected cell's must cover; `rounded` the published figure of rounded totals.
    `cells` are the release's count cells as the register records them.
    """

    primary: frozenset[CellRef]
    secondary: frozenset[CellRef]
    rounded: dict[CellRef, int]
    ranges: dict[CellRef, Range]
    required: dict[CellRef, tuple[int, int]]
    cells: tuple[CellRecord, ...]
    seconds: float
    relations: tuple[Relation, ...] = field(default=())

    @property
    def suppressed(self) -> frozenset[CellRef]:
        """Every cell shown as [c]."""
        return self.primary | self.secondary


def round_half_away(value: int, base: int) -> int:
    """`value` to the nearest multiple of `base`, halves away from zero (never to even)."""
    magnitude = (2 * abs(value) + base) // (2 * base) * base
    return magnitude if value >= 0 else -magnitude


def rounded_range(shown: int, base: int) -> tuple[int, int]:
    """The whole numbers that round to `shown` (never below zero): what a reader learns."""
    return max(0, shown - base // 2), shown + (base + 1) // 2 - 1


def protect(tables: Sequence[StatTable], relations: Sequence[Relation],
            rule: DisclosureRule | None = None, register: ReleaseRegister | None = None
            ) -> Protection:
    """Decide which cells of `tables` to suppress, and prove the decision by LP audit.

    `relations` are every additive relation a reader could use among the tables' counts and
    the cells of earlier releases in `register` (an empty register: nothing published yet;
    an earlier figure this release revises is kept apart, `ReleaseRegister.revised`).
    Raises `PublicationError` when a relation does not hold, or no safe pattern exists.
    """
    rule = rule or DisclosureRule()
    register = (register or ReleaseRegister("")).revised(
        {ref: value for table in tables for ref, _, value in table.count_cells()})
    started = time.perf_counter()
    rounded = _rounded_totals(tables, relations, rule)
    system = build_system(tables, relations, register,
                          {ref: rounded_range(shown, rule.round_totals_to)
                           for ref, shown in rounded.items()})
    # A small count hidden by an earlier release is still primary (its own reason to be
    # hidden); one published earlier stays published, whatever it counts now.
    primary = np.array([system.current[i] and status != "shown"
                        and rule.is_primary(int(system.values[i]))
                        for i, status in enumerate(system.status)], dtype=np.bool_)
    system = _with_hidden(system, primary)
    earlier_primary = {cell.ref for cell in register.cells if cell.primary}
    protected = [i for i, ref in enumerate(system.refs) if primary[i] or ref in earlier_primary]
    margins = {i: rule.margin(int(system.values[i])) for i in protected}
    suppressed = choose_suppressions(system, _requirements(system, margins), rule.time_limit)
    # Ranges of this release's hidden cells (reported) and of every protected one (proven);
    # an earlier release's secondary cells need neither.
    wanted = system.current.copy()
    wanted[protected] = True
    ranges = feasible_ranges(system, suppressed, wanted)
    failed = [str(system.refs[i]) for i in protected
              if not _covers(ranges[i], int(system.values[i]), margins[i])]
    if failed:
        raise PublicationError(f"the LP audit failed for {', '.join(failed[:3])}")
    return _protection(system, primary, suppressed, ranges, margins, rounded,
                       time.perf_counter() - started, relations)


def required_range(value: int, margin: int) -> tuple[int, int]:
    """The range a reader's bounds on a protected `value` must cover."""
    return max(0, value - margin), value + margin


def _covers(found: Range, value: int, margin: int) -> bool:
    """Whether the audited range of a protected cell is at least the required one."""
    need_low, need_high = required_range(value, margin)
    return found[0] <= need_low + TOLERANCE and found[1] >= need_high - TOLERANCE


def _requirements(system: CellSystem, margins: dict[int, int]) -> list[Requirement]:
    """Up by the margin, and down by the margin (or to zero) for every protected cell."""
    result: list[Requirement] = []
    for cell, margin in margins.items():
        result.append(Requirement(cell, margin))
        result.append(Requirement(cell, -min(margin, int(system.values[cell]))))
    return [r for r in result if r.amount]


def _with_hidden(system: CellSystem, hidden: BoolArray) -> CellSystem:
    """The system with the cells of `hidden` suppressed whatever happens."""
    status = tuple("hidden" if hidden[i] else s for i, s in enumerate(system.status))
    return replace(system, status=status)


def _rounded_totals(tables: Sequence[StatTable], relations: Sequence[Relation],
                    rule: DisclosureRule) -> dict[CellRef, int]:
    """The rounded figure of each relation total among the release's protected counts."""
    if rule.round_totals_to == 1:
        return {}
    totals = {relation.total for relation in relations}
    return {ref: round_half_away(value, rule.round_totals_to)
            for table in tables for ref, column, value in table.count_cells()
            if column.protected and ref in totals and not rule.is_primary(value)}


def _protection(system: CellSystem, primary: BoolArray, suppressed: BoolArray,
                ranges: dict[int, Range], margins: dict[int, int], rounded: dict[CellRef, int],
                seconds: float, relations: Sequence[Relation]) -> Protection:
    """The decision for the cells of the current release, for editions and the register."""
    current = [i for i in range(len(system.refs)) if system.current[i]]
    refs = system.refs
    return Protection(
        primary=frozenset(refs[i] for i in current if primary[i]),
        secondary=frozenset(refs[i] for i in current if suppressed[i] and not primary[i]),
        rounded={ref: shown for ref, shown in rounded.items()
                 if not suppressed[system.position(ref)]},
        ranges={refs[i]: ranges[i] for i in current if suppressed[i]},
        required={refs[i]: required_range(int(system.values[i]), margin)
                  for i, margin in margins.items() if system.current[i]},
        cells=tuple(CellRecord(
            refs[i], int(system.values[i]),
            None if suppressed[i] else int(system.low[i]),
            None if suppressed[i] else int(system.high[i]), i in margins) for i in current),
        seconds=seconds,
        relations=tuple(relations),
    )
