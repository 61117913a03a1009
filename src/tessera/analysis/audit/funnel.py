"""Forces compared with the national rate: funnel-plot control limits, the forces outside
them, and a chi-squared test of whether the forces differ by more than chance.

Why a funnel and not a ranking: a force's rate from a small population varies more by chance
than one from a large population, so a ranked bar chart puts small forces at both ends for no
reason. A funnel plot draws every force at its population against the national rate with
limits that narrow as the population grows (exact Poisson, 95% and 99.8%); only a force outside
the limits differs from the national rate by more than chance would make it, and it is named.
The chi-squared test asks the same of all forces at once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from scipy.stats import chi2

from tessera.analysis.audit.rates import PER, poisson_interval

LEVELS: tuple[float, float] = (0.95, 0.998)
"""The funnel's two pairs of control limits: about 2 and 3 standard deviations."""


@dataclass(frozen=True)
class AreaCount:
    """One area's count of events and the population it is a rate of."""

    label: str
    count: int
    population: int


@dataclass(frozen=True)
class Comparison:
    """Areas against the rate of them all: the test and who lies outside which limits."""

    national_rate: float
    """Events per 100,000 over every area compared."""
    statistic: float
    degrees_of_freedom: int
    p_value: float
    outside: dict[float, tuple[str, ...]]
    """By control level, the areas whose count lies outside its limits, by label: named in
    alphabetical order, never ranked by rate."""


def force_areas(records: Sequence[Mapping[str, object]]) -> list[AreaCount]:
    """The forces of the force table's rows (by column key) that show a count of CSA offences
    and a population: a count hidden by disclosure control is left out, so nothing said of
    the comparison rests on a figure the edition does not show."""
    return [AreaCount(str(r["force"]), r["csa_offences"], r["population"]) for r in records
            if isinstance(r["csa_offences"], int) and isinstance(r["population"], int)
            and r["population"] > 0]


def control_limits(national_rate: float, population: int,
                   level: float) -> tuple[float, float]:
    """The rates per 100,000 within which an area of `population` would fall by chance alone
    at `level`, if its true rate were `national_rate` (exact Poisson limits of the expected
    count)."""
    lower, upper = poisson_interval(national_rate * population / PER, level)
    return PER * lower / population, PER * upper / population


def control_lines(national_rate: float, smallest: int, largest: int, level: float,
                  steps: int = 80) -> tuple[list[float], list[float], list[float]]:
    """The control limits at `level` over populations spread evenly on a log scale from half
    the `smallest` area to twice the `largest`: (populations, lower, upper) for a plot."""
    start, stop = max(smallest / 2, 1.0), max(largest * 2, 2.0)
    ratio = (stop / start) ** (1 / (steps - 1))
    populations = [start * ratio**step for step in range(steps)]
    limits = [control_limits(national_rate, round(p), level) for p in populations]
    return populations, [low for low, _ in limits], [high for _, high in limits]


def compare_areas(areas: Sequence[AreaCount]) -> Comparison | None:
    """Compare every area with a population against their pooled rate; None with fewer than
    two such areas or no events, when there is nothing to compare."""
    usable = [a for a in areas if a.population > 0]
    events = sum(a.count for a in usable)
    people = sum(a.population for a in usable)
    if len(usable) < 2 or events == 0:
        return None
    national_rate = PER * events / people
    statistic = 0.0
    for area in usable:
        expected = events * area.population / people
        statistic += (area.count - expected) ** 2 / expected
    degrees = len(usable) - 1
    return Comparison(
        national_rate=national_rate, statistic=statistic, degrees_of_freedom=degrees,
        p_value=float(chi2.sf(statistic, degrees)),
        outside={level: _outside(usable, national_rate, level) for level in LEVELS})


def _outside(areas: Sequence[AreaCount], national_rate: float,
             level: float) -> tuple[str, ...]:
    named = []
    for area in areas:
        low, high = control_limits(national_rate, area.population, level)
        rate = PER * area.count / area.population
        if rate < low or rate > high:
            named.append(area.label)
    return tuple(sorted(named))


def comparison_notes(comparison: Comparison | None, areas: str) -> tuple[str, ...]:
    """The notes a table of `areas` (e.g. 'forces') carries: the test, and who is outside
    the funnel plot's limits."""
    if comparison is None:
        return (f"Fewer than two {areas} with a population and any events: no comparison.",)
    verdict = ("by more than chance would explain" if comparison.p_value < 0.05
               else "no more than chance would explain")
    notes = [
        f"Against the rate over all {areas} ({comparison.national_rate:,.1f} per 100,000), "
        f"the {areas} differ {verdict}: chi-squared = {comparison.statistic:.1f} on "
        f"{comparison.degrees_of_freedom} degrees of freedom, {_p_text(comparison.p_value)}."]
    for level in LEVELS:
        names = comparison.outside[level]
        notes.append(f"Outside the {level * 100:g}% control limits of the funnel plot: "
                     f"{', '.join(names) if names else 'none'}.")
    return tuple(notes)


def _p_text(p_value: float) -> str:
    return "p < 0.001" if p_value < 0.001 else f"p = {p_value:.2f}"
