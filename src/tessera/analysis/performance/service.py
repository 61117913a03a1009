"""The performance framework (measure M7): every measure for every force and quarter, with
intervals, control charts, peer groups and the national funnel.

Why a service: the CLI (and, later, the analysts' pages) call `run_performance` and render
what it returns; neither knows which queries exist or how a figure is made.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import date, timedelta

from tessera.analysis.performance.comparison import funnel_verdict, peer_verdict
from tessera.analysis.performance.figures import Figure, Tally, measure_figure, summed
from tessera.analysis.performance.measures import Measure, load_measures
from tessera.analysis.performance.peers import (
    AreaFigures,
    dimensions_used,
    peer_groups,
    peer_note,
)
from tessera.analysis.performance.queries import performance_sql
from tessera.analysis.performance.results import (
    NATIONAL,
    Force,
    ForceMeasure,
    PerformanceResult,
)
from tessera.analysis.performance.spc import ChartKind, Observation, control_chart
from tessera.analysis.profile.currency import profile_currency
from tessera.analysis.sql import require_tables
from tessera.errors import AnalysisError
from tessera.warehouse.engine import Engine

REQUIRED_TABLES: tuple[tuple[str, str], ...] = (
    ("analysis", "offence"), ("analysis", "offence_party"), ("analysis", "party_demographics"),
    ("analysis", "person_record"), ("reference", "offence_codes"), ("reference", "party_role"),
    ("reference", "police_forces"), ("reference", "local_authorities"),
    ("reference", "local_authority_populations"), ("reference", "region_age_populations"),
)
"""Warehouse tables the framework reads; a missing one means nothing has been loaded yet."""

OUTCOME_COUNTS: dict[str, tuple[str, ...]] = {
    "outcome_1": ("1",), "outcome_14": ("14",), "outcome_15": ("15",), "outcome_16": ("16",),
    "outcome_18": ("18",), "outcome_21": ("21",), "out_of_court": ("2", "3", "8", "22"),
}
"""The counts of outcome types the measures name (P4 to P7)."""
CHARGE = "1"
CASEWORK_COUNTS = ("look_again_referrals", "review_requests", "reviews_decided",
                   "reviews_upheld")
"""The counts measures name that come from the casework store, not the warehouse: cases of
the look-again list referred for reinvestigation (P12), review requests received (P13a), and
reviews decided and upheld (P13b)."""
CHART_KINDS: dict[str, ChartKind] = {"share": "p", "rate": "u", "count": "u", "median": "xmr"}


def quarter_start(day: date) -> date:
    """The first day of `day`'s calendar quarter."""
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def quarter_end(day: date) -> date:
    """The last day of `day`'s calendar quarter."""
    start = quarter_start(day)
    following = date(start.year + (start.month + 3 > 12), (start.month + 2) % 12 + 1, 1)
    return following - timedelta(days=1)


def quarter_label(day: date) -> str:
    """'2023 Q2' for a day in April to June 2023."""
    return f"{day.year} Q{(day.month - 1) // 3 + 1}"


def run_performance(engine: Engine, start: date | None = None, end: date | None = None,
                    measures: Sequence[Measure] | None = None,
                    as_at: date | None = None,
                    casework: Mapping[str, Sequence[tuple[str | None, date]]] | None = None
                    ) -> PerformanceResult:
    """Every computed measure for every force that supplied offences, from `start` to `end`
    widened to whole calendar quarters (default: the quarters of the offences held), and the
    measures computed as at a day (P14) as at `as_at` (default: today). `casework` holds the
    counts the casework store gives, by name (`CASEWORK_COUNTS`): each event with its force
    (None: none named) and its day, for P12, P13a and P13b.

    Raises `AnalysisError` when the warehouse is not loaded or the period is empty or reversed.
    """
    require_tables(engine, REQUIRED_TABLES)
    measures = tuple(measures or load_measures())
    supplied = engine.rows(performance_sql("forces"))
    if not supplied:
        raise AnalysisError("the warehouse has no offences; run 'tessera ingest' first")
    start = quarter_start(start or min(r["first_recorded"] for r in supplied))
    end = quarter_end(end or max(r["last_recorded"] for r in supplied))
    if end < start:
        raise AnalysisError(f"--from {start} is after --to {end}: no period to measure")
    quarters = _quarters(start, end)
    tallies = _tallies(engine, start, end)
    for name, events in (casework or {}).items():
        _add_events(tallies, name, events, {r["force_code"] for r in supplied}, start, end)
    areas = _area_figures(engine)
    groups = peer_groups(list(areas.values()))
    forces = tuple(_force(r["force_code"], r["force_label"], areas.get(r["force_code"]),
                          groups.get(r["force_code"], ()))
                   for r in supplied)
    national_children = sum(f.children or 0 for f in forces)
    figures: dict[tuple[str, str], ForceMeasure] = {}
    national = {q: summed(t for (_, quarter), t in tallies.items() if quarter == q)
                for q in quarters}
    series = {f.code: {q: tallies.get((f.code, q), Tally()) for q in quarters} for f in forces}
    whole = {code: summed(by_quarter.values()) for code, by_quarter in series.items()}
    peer_tallies = {f.code: summed(whole.get(code, Tally()) for code in f.peers) for f in forces}
    for measure in (m for m in measures if m.computed):
        nat = _force_measure(NATIONAL, measure, national, national_children, None, None)
        figures[(NATIONAL, measure.id)] = nat
        for force in forces:
            peer_children = sum(f.children or 0 for f in forces if f.code in force.peers)
            peers = (measure_figure(measure, peer_tallies[force.code], peer_children,
                                    len(quarters)) if force.peers else None)
            figures[(force.code, measure.id)] = _force_measure(
                force.code, measure, series[force.code], force.children, peers, nat.figure)
    as_at = as_at or date.today()
    currency = {c.force_code: c for c in profile_currency(engine, as_at)}
    return PerformanceResult(start, end, quarters, measures, forces, figures,
                             peer_note(groups, dimensions_used(list(areas.values()))), as_at,
                             tuple(currency[f.code] for f in forces if f.code in currency))


def _area_figures(engine: Engine) -> dict[str, AreaFigures]:
    """Each force area's residents and children, with its land and deprivation when the
    warehouse holds the council figures (`reference.council_areas`)."""
    land = ({r["force_code"]: r for r in engine.rows(performance_sql("area_figures"))}
            if engine.table_exists("reference", "council_areas") else {})
    return {r["force_code"]: AreaFigures(
                r["force_code"], int(r["all_ages"]), int(r["children"]),
                land.get(r["force_code"], {}).get("land_km2"),
                land.get(r["force_code"], {}).get("deprivation"))
            for r in engine.rows(performance_sql("child_population"))}


def _force(code: str, label: str, area: AreaFigures | None, peers: tuple[str, ...]) -> Force:
    if area is None:
        return Force(code, label, None, None, peers)
    return Force(code, label, area.residents, area.children, peers,
                 None if area.density is None else round(area.density, 1),
                 None if area.deprivation is None else round(area.deprivation, 1))


def _quarters(start: date, end: date) -> tuple[date, ...]:
    quarters = [start]
    while quarter_end(quarters[-1]) < end:
        quarters.append(quarter_end(quarters[-1]) + timedelta(days=1))
    return tuple(quarters)


def _force_measure(code: str, measure: Measure, series: Mapping[date, Tally],
                   children: int | None, peers: Figure | None,
                   national: Figure | None) -> ForceMeasure:
    by_quarter = tuple((q, measure_figure(measure, tally, children, 1))
                       for q, tally in series.items())
    figure = measure_figure(measure, summed(series.values()), children, len(series))
    return ForceMeasure(
        force_code=code, measure=measure, figure=figure, series=by_quarter,
        chart=control_chart(CHART_KINDS[measure.kind],
                            [_observation(measure, q, f) for q, f in by_quarter]),
        peer_figure=peers, peer_verdict=peer_verdict(figure, peers),
        funnel_verdict=("the national figure" if national is None
                        else funnel_verdict(measure, figure, national)))


def _observation(measure: Measure, quarter: date, figure: Figure) -> Observation:
    label = quarter_label(quarter)
    if measure.kind == "median":
        return Observation(label, figure.value or 0.0, 1.0 if figure.value is not None else 0.0)
    if measure.kind == "share":
        return Observation(label, figure.numerator, figure.denominator or 0)
    if measure.kind == "rate":
        return Observation(label, figure.numerator, figure.exposure or 0.0)
    return Observation(label, figure.numerator, 1.0)


def _add_events(tallies: dict[tuple[str, date], Tally], name: str,
                events: Sequence[tuple[str | None, date]], forces: set[str], start: date,
                end: date) -> None:
    """Count each event of the period as `name` under its force and quarter. One naming no
    force that supplied offences is left out, of England and Wales too, whose figures are
    the sums of the forces'."""
    if name not in CASEWORK_COUNTS:
        raise AnalysisError(f"no measure counts {name!r} from the casework store")
    for force, day in events:
        if force in forces and start <= day <= end:
            tallies.setdefault((str(force), quarter_start(day)), Tally()).counts[name] += 1


def _tallies(engine: Engine, start: date, end: date) -> dict[tuple[str, date], Tally]:
    """Every count the measures name, by force and quarter, from the three queries."""
    tallies: dict[tuple[str, date], Tally] = {}

    def tally(row: Mapping[str, object]) -> Tally:
        key = (str(row["force_code"]), row["quarter"])
        return tallies.setdefault(key, Tally())  # type: ignore[arg-type]

    period = {"start": start, "end": end}
    for name in ("recorded", "parties"):
        for row in engine.rows(performance_sql(name), period):
            tally(row).counts.update({k: int(v) for k, v in row.items()
                                      if k not in ("force_code", "quarter")})
    for row in engine.rows(performance_sql("outcomes"), period):
        found = tally(row)
        offences, days, outcome = int(row["offences"]), int(row["days"]), row["outcome_type"]
        found.counts["outcomes_assigned"] += offences
        found.days.setdefault("days_to_outcome", Counter())[days] += offences
        for name, codes in OUTCOME_COUNTS.items():
            if outcome in codes:
                found.counts[name] += offences
        if outcome == CHARGE:
            found.days.setdefault("days_to_charge", Counter())[days] += offences
    return tallies
