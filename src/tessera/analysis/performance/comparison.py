"""A force's figure beside England and Wales (funnel-plot limits) and beside its peers.

Why a funnel: a small force's figure varies more by chance than a large one's, so it is judged
against limits for its own size: for a rate, the audit's exact Poisson limits of the count
expected at the national rate (`analysis.audit.funnel.control_limits`' method, reusing the
same `poisson_interval`); for a share, the binomial limits of the count expected at the
national share for its denominator. Only outside the 99.8% limits is a force called different
(about 3 sigma, as in the funnel plots of Spiegelhalter 2005); between 95% and 99.8% it is
"beyond 95%", a warning, not a finding. A count has no base and a median no funnel: they are
not compared, and say so.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from scipy.stats import binom

from tessera.analysis.audit.funnel import LEVELS
from tessera.analysis.performance.figures import Figure
from tessera.analysis.performance.intervals import poisson_interval
from tessera.analysis.performance.measures import PER_CHILDREN, Measure

NOT_COMPARED = "not compared"


@dataclass(frozen=True)
class FunnelLimits:
    """The limits at each of the funnel's levels for one base (exposure or denominator)."""

    base: float
    limits: dict[float, tuple[float, float]]


@lru_cache(maxsize=65_536)
def funnel_limits(measure: Measure, national: Figure, base: float) -> FunnelLimits | None:
    """The funnel's limits for a force of `base` (child-years for a rate, denominator for a
    share), in the measure's unit; None when the measure has no funnel."""
    if national.value is None or base <= 0:
        return None
    if measure.kind == "rate":
        expected = national.value / PER_CHILDREN * base
        per = PER_CHILDREN / base
        limits = {}
        for level in LEVELS:
            low, high = poisson_interval(expected, level)
            limits[level] = (low * per, high * per)
        return FunnelLimits(base, limits)
    if measure.kind == "share":
        p = national.value / 100
        n = int(base)
        return FunnelLimits(base, {level: (100 * float(binom.ppf((1 - level) / 2, n, p)) / n,
                                           100 * float(binom.ppf(1 - (1 - level) / 2, n, p)) / n)
                                   for level in LEVELS})
    return None


def funnel_verdict(measure: Measure, figure: Figure, national: Figure) -> str:
    """Where a force's figure lies against the national one's funnel limits for its base."""
    base = figure.exposure if measure.kind == "rate" else figure.denominator
    if figure.value is None or base is None:
        return NOT_COMPARED
    found = funnel_limits(measure, national, float(base))
    if found is None:
        return NOT_COMPARED
    outer_low, outer_high = found.limits[LEVELS[1]]
    inner_low, inner_high = found.limits[LEVELS[0]]
    if figure.value > outer_high:
        return "above England and Wales (beyond 99.8%)"
    if figure.value < outer_low:
        return "below England and Wales (beyond 99.8%)"
    if figure.value > inner_high or figure.value < inner_low:
        return "within 99.8% (beyond 95%)"
    return "within 95%"


def peer_verdict(figure: Figure, peers: Figure | None) -> str:
    """Whether the force's 95% interval lies wholly above or below its peers' pooled figure."""
    if peers is None or peers.value is None or figure.low is None or figure.high is None:
        return NOT_COMPARED
    if figure.low > peers.value:
        return "above peers"
    if figure.high < peers.value:
        return "below peers"
    return "similar to peers"
