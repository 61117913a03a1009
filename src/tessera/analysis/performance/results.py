"""What the performance framework returns: for every force and measure, the figure over the
whole period, its quarterly control chart and its comparisons; the same for England and Wales.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from tessera.analysis.performance.figures import Figure
from tessera.analysis.performance.measures import Measure
from tessera.analysis.performance.spc import ControlChart
from tessera.analysis.profile.currency import ProfileCurrency

NATIONAL = "england-and-wales"
"""The code of the England and Wales rows, beside the force codes."""
NATIONAL_LABEL = "England and Wales"


@dataclass(frozen=True)
class Force:
    """A force that supplied offences, its area's sourced figures and its peer group."""

    code: str
    label: str
    residents: int | None
    children: int | None
    peers: tuple[str, ...]
    density: float | None = None
    """Residents per square kilometre of land (None: no area, or not held)."""
    deprivation: float | None = None
    """The area's composite UK deprivation score (higher: more deprived)."""


@dataclass(frozen=True)
class ForceMeasure:
    """One measure for one force (or England and Wales) over the period."""

    force_code: str
    measure: Measure
    figure: Figure
    series: tuple[tuple[date, Figure], ...]
    chart: ControlChart
    peer_figure: Figure | None
    peer_verdict: str
    funnel_verdict: str


@dataclass(frozen=True)
class PerformanceResult:
    """The framework over `start` to `end` (whole quarters), every force and measure."""

    start: date
    end: date
    quarters: tuple[date, ...]
    measures: tuple[Measure, ...]
    forces: tuple[Force, ...]
    figures: dict[tuple[str, str], ForceMeasure]
    """By (force code or NATIONAL, measure id), for computed measures only."""
    peer_note: str
    as_at: date
    """The day the measures computed as at a day (P14) were computed for."""
    currency: tuple[ProfileCurrency, ...]
    """P14: each force's latest published problem profile as at `as_at`, in `forces` order."""

    def force(self, code: str) -> Force:
        """The force with `code`."""
        return next(f for f in self.forces if f.code == code)

    @property
    def computed(self) -> tuple[Measure, ...]:
        """The measures Tessera computes, in file order."""
        return tuple(m for m in self.measures if m.computed)
