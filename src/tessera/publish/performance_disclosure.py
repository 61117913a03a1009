"""The performance framework through disclosure control: its four tables (the measures, each
force's figures over the period, England and Wales's quarters, how current each force's
problem profile is), the additive relations a reader could use among their counts, and the
published edition with every figure hidden that would give a hidden count back.

Why figures are hidden here and not by the editions: the framework's figures are percentages
with Wilson intervals, rates per 10,000 children a year and medians of days, which the
editions' share and per-100,000 rate cannot work out again; so they are `figure` columns
made by the analysis, and a figure is shown only when every count it is made of is shown.
A rate from fewer than `reliable_from` events is [u], as in every other release.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

from tessera.analysis.performance import (
    NATIONAL,
    NATIONAL_LABEL,
    PerformanceResult,
    quarter_label,
)
from tessera.analysis.performance.figures import Figure
from tessera.analysis.performance.measures import PER_CHILDREN, Measure
from tessera.analysis.profile.currency import CURRENT_DAYS, SEEN_NOTE
from tessera.analysis.results import Cell, CellRef, Column, StatTable
from tessera.publish.disclosure import DisclosureRule, Protection, protect
from tessera.publish.editions import Edition, EditionTable, Shown, Symbol, published_edition
from tessera.publish.tabulation import Relation

DIMENSIONS = (Column("force_code", "Force code", "dimension"),
              Column("force", "Force", "dimension"),
              Column("measure_id", "Measure", "dimension"),
              Column("measure", "Measure name", "dimension"))
COUNTS = (Column("numerator", "Numerator", "count"),
          Column("denominator", "Denominator", "count"))
FIGURES = (Column("value", "Value", "figure"),
           Column("interval_low", "95% interval low", "figure"),
           Column("interval_high", "95% interval high", "figure"))
PERIOD_EXTRA = (Column("children", "Children (2021 Census, under 18)", "count",
                       protected=False),
                Column("peer_value", "Peer group value", "figure"),
                Column("peer_comparison", "Against peers", "figure"),
                Column("funnel", "Against England and Wales", "figure"),
                Column("trend", "Control chart", "figure"))
QUARTER_EXTRA = (Column("centre", "Centre line", "figure"),
                 Column("lower_limit", "Lower control limit", "figure"),
                 Column("upper_limit", "Upper control limit", "figure"),
                 Column("special_cause", "Special cause", "figure"))
UNIT_SCALE: dict[str, float] = {"share": 100.0, "rate": float(PER_CHILDREN)}
"""From a control chart's units (a proportion; events per child-year) to the measure's (a
percentage; per 10,000 children a year), so the limits sit on the same scale as the values."""
MEASURE_TEXT = ("name", "kind", "numerator", "denominator", "unit", "period", "status", "source",
                "definition_source")


@dataclass(frozen=True)
class PerformanceRelease:
    """The framework's tables, relations, protection decision and published edition."""

    tables: tuple[StatTable, ...]
    relations: tuple[Relation, ...]
    protection: Protection
    edition: Edition


def disclose_performance(result: PerformanceResult,
                         rule: DisclosureRule | None = None) -> PerformanceRelease:
    """The framework as the public may see it, and the decision that made it so."""
    rule = rule or DisclosureRule()
    tables, relations = performance_tables(result)
    protection = protect(tables, relations, rule)
    edition = published_edition(tables, protection, rule)
    return PerformanceRelease(tuple(tables), tuple(relations), protection,
                              _figures_hidden(result, edition, rule))


def _places(result: PerformanceResult) -> list[tuple[str, str]]:
    return [(NATIONAL, NATIONAL_LABEL), *((f.code, f.label) for f in result.forces)]


def performance_tables(result: PerformanceResult) -> tuple[list[StatTable], list[Relation]]:
    """The four tables and every additive relation among their counts."""
    measures = StatTable(
        name="measures", title="The measures of the performance framework",
        description="Each measure as defined in measures.csv: what it counts, of what, its "
                    "unit and period, and where its figures come from; a measure whose source "
                    "Tessera does not hold is listed as 'no source yet' and has no figures.",
        columns=(Column("id", "Measure", "dimension"),
                 *(Column(key, key.replace("_", " ").capitalize(), "figure")
                   for key in MEASURE_TEXT)),
        rows=tuple((m.id, *(str(getattr(m, key)) or "none" for key in MEASURE_TEXT))
                   for m in result.measures))
    period_rows: list[tuple[Cell, ...]] = []
    for code, label in _places(result):
        children = (sum(f.children or 0 for f in result.forces) if code == NATIONAL
                    else result.force(code).children)
        for measure in result.computed:
            found = result.figures[(code, measure.id)]
            names = (code, label, measure.id, measure.name)
            period_rows.append((*names, *_counts(measure, found.figure),
                                *_values(found.figure),
                                children if measure.kind == "rate" else None,
                                None if found.peer_figure is None else found.peer_figure.value,
                                found.peer_verdict, found.funnel_verdict, found.chart.verdict))
    period = StatTable(
        name="force_measures", title="Each force's measures over the period",
        description=f"Every computed measure for England and Wales and each force that "
                    f"supplied offences, {result.start:%d %B %Y} to {result.end:%d %B %Y}, with "
                    "its 95% interval, its peer group's pooled figure, where it lies against "
                    "England and Wales (funnel limits) and what its quarterly control chart "
                    "says.",
        columns=(*DIMENSIONS, *COUNTS, *FIGURES, *PERIOD_EXTRA), rows=tuple(period_rows),
        totals=frozenset((NATIONAL, NATIONAL_LABEL, m.id, m.name) for m in result.computed),
        notes=(result.peer_note, "Intervals: exact Poisson for rates and counts, Wilson for "
               "shares, distribution-free (order statistics) for medians.",
               "Rates are per 10,000 children a year: children are residents under 18 at the "
               "2021 Census, ages 15-17 estimated from the 15-19 band (docs/performance.md)."))
    tables = [measures, period, _quarters_table(result, _quarter_rows(result),
                                                national_only=True), currency_table(result)]
    return tables, list(_relations(result, period, tables[2]))


def currency_table(result: PerformanceResult) -> StatTable:
    """P14, as at the day the framework was run: each force's latest published problem
    profile, the days since and whether it is current; England and Wales's row says how many
    forces' are. Dates and days, no count of people: nothing to protect. A cell that does not
    apply (no profile, or the national row's dates) is None, shown as [z]."""
    current = sum(1 for c in result.currency if c.current)
    rows: list[tuple[Cell, ...]] = [
        (NATIONAL, NATIONAL_LABEL, None, None, None,
         f"{current} of {len(result.currency)} forces")]
    rows.extend((c.force_code, c.force_label, c.published_text, c.period or None, c.days,
                 c.current_text) for c in result.currency)
    return StatTable(
        name="profile_currency",
        title=f"P14 Problem-profile currency, as at {result.as_at:%d %B %Y}",
        description="Each force's latest problem profile of group-based child sexual "
                    "exploitation published with 'tessera profile', the period it covers, the "
                    "days since it was published and whether it is current (published within "
                    f"{CURRENT_DAYS} days: HMICFRS 2023 asked for a refresh at least once a "
                    "year).",
        columns=(*DIMENSIONS[:2], Column("published", "Latest profile published", "dimension"),
                 Column("period", "Period covered", "dimension"),
                 Column("days", "Days since", "figure", protected=False, decimals=0),
                 Column("current", "Current (within a year)", "dimension")),
        rows=tuple(rows),
        notes=(SEEN_NOTE,
               "Every profile 'tessera profile' publishes holds the group-based assessment "
               "and the partner agencies' data P14 also asks about (its sections on "
               "definitions and networks, and on partner data).",))


def restricted_quarters(result: PerformanceResult) -> StatTable:
    """Every force's quarters with control limits: the restricted edition only.

    Why not published: 16 counts a quarter for 44 forces are thousands of small counts, most
    under 10; published they would be nearly all hidden, and the protection of so many cells
    linked by sums takes longer than the release may. The published edition carries each
    force's control-chart verdict over the period and the national quarters.
    """
    return _quarters_table(result, _quarter_rows(result), national_only=False)


def _quarter_rows(result: PerformanceResult) -> list[tuple[Cell, ...]]:
    rows: list[tuple[Cell, ...]] = []
    for code, label in _places(result):
        for measure in result.computed:
            found = result.figures[(code, measure.id)]
            points = {p.label: p for p in found.chart.points}
            scale = UNIT_SCALE.get(measure.kind, 1.0)
            centre = None if found.chart.centre is None else round(found.chart.centre * scale, 2)
            for quarter, figure in found.series:
                point = points.get(quarter_label(quarter))
                causes = ", ".join(point.rules) if point and point.rules else "none"
                limits = ((None, None) if point is None or centre is None else
                          (round(point.lower * scale, 2), round(point.upper * scale, 2)))
                rows.append((
                    code, label, measure.id, quarter_label(quarter), *_counts(measure, figure),
                    *_values(figure), centre, *limits,
                    causes if centre is not None else None))
    return rows


def _quarters_table(result: PerformanceResult, rows: list[tuple[Cell, ...]], *,
                    national_only: bool) -> StatTable:
    if national_only:
        rows = [row for row in rows if row[0] == NATIONAL]
    return StatTable(
        name="national_quarters" if national_only else "force_quarters",
        title=("England and Wales by quarter, with control limits" if national_only else
               "Each force's measures by quarter, with control limits (restricted)"),
        description="Every computed measure per quarter, with the centre line and 3-sigma "
                    "limits of its control chart and the special-cause rules each point "
                    "breaks (docs/performance.md).",
        columns=(*DIMENSIONS[:3], Column("quarter", "Quarter", "dimension"), *COUNTS,
                 *FIGURES, *QUARTER_EXTRA),
        rows=tuple(rows))


def _counts(measure: Measure, figure: Figure) -> tuple[Cell, Cell]:
    return figure.numerator, figure.denominator


def _values(figure: Figure) -> tuple[Cell, Cell, Cell]:
    return figure.value, figure.low, figure.high


def _count_names(measure: Measure) -> tuple[str, str | None]:
    """The names of the counts in a row's numerator and denominator cells."""
    if measure.kind == "median":
        return measure.denominator, None
    return measure.numerator, measure.denominator if measure.kind == "share" else None


def _relations(result: PerformanceResult, period: StatTable,
               quarters: StatTable) -> Iterator[Relation]:
    """National = sum of forces over the period; the national period = sum of its quarters;
    and the same count shown under two measures (recorded CSA offences are P1's numerator and
    P2's denominator) is one figure."""
    places = _places(result)
    labels = [quarter_label(q) for q in result.quarters]
    same: dict[tuple[str, str, str], list[CellRef]] = {}
    for measure in result.computed:
        names = _count_names(measure)
        national = (NATIONAL, NATIONAL_LABEL, measure.id, measure.name)
        for column, name in zip(("numerator", "denominator"), names, strict=True):
            if name is None:
                continue
            yield Relation(period.cell(national, column),
                           tuple(period.cell((c, lbl, measure.id, measure.name), column)
                                 for c, lbl in places[1:]))
            yield Relation(period.cell(national, column),
                           tuple(quarters.cell((NATIONAL, NATIONAL_LABEL, measure.id, q), column)
                                 for q in labels))
            for code, label in places:
                same.setdefault((code, "period", name), []).append(
                    period.cell((code, label, measure.id, measure.name), column))
            for quarter in labels:
                same.setdefault((NATIONAL, quarter, name), []).append(
                    quarters.cell((NATIONAL, NATIONAL_LABEL, measure.id, quarter), column))
    for cells in same.values():
        for other in cells[1:]:
            yield Relation(cells[0], (other,))


def _figures_hidden(result: PerformanceResult, edition: Edition,
                    rule: DisclosureRule) -> Edition:
    """The edition with each figure hidden ([c]) whose counts are hidden (its comparisons
    with peers and with England and Wales too: each bounds the hidden figure), a rate or count
    from fewer than `rule.reliable_from` events marked [u], and, for a force and measure with any
    hidden count, the peer figure, centre line and limits hidden too (each is made from the
    counts of the whole series or of other forces)."""
    period = edition.tables["force_measures"]
    quarters = edition.tables["national_quarters"]
    hidden_series = _hidden_series(period) | _hidden_series(quarters)
    kinds = {m.id: m.kind for m in result.measures}
    peers = {f.code: f.peers for f in result.forces}
    return Edition(edition.kind, {
        **edition.tables,
        "force_measures": _hide(period, ("value", "interval_low", "interval_high",
                                         "peer_comparison", "funnel"),
                                ("trend",), hidden_series, kinds, rule, peers),
        "national_quarters": _hide(quarters, ("value", "interval_low", "interval_high"),
                                ("centre", "lower_limit", "upper_limit", "special_cause"),
                                hidden_series, kinds, rule, {}),
    })


def _hidden_series(table: EditionTable) -> set[tuple[str, str]]:
    numerator, denominator = table.table.index("numerator"), table.table.index("denominator")
    code, measure = table.table.index("force_code"), table.table.index("measure_id")
    return {(str(row[code]), str(row[measure])) for row in table.rows
            if Symbol.CONFIDENTIAL in (row[numerator], row[denominator])}


def _hide(table: EditionTable, own: Sequence[str], series: Sequence[str],
          hidden_series: set[tuple[str, str]], kinds: Mapping[str, str], rule: DisclosureRule,
          peers: dict[str, tuple[str, ...]]) -> EditionTable:
    index = table.table.index
    rows: list[tuple[Shown, ...]] = []
    for row in table.rows:
        cells = list(row)
        code, measure = str(row[index("force_code")]), str(row[index("measure_id")])
        counts = (row[index("numerator")], row[index("denominator")])
        symbol: Symbol | None = None
        if Symbol.CONFIDENTIAL in counts:
            symbol = Symbol.CONFIDENTIAL
        elif kinds[measure] in ("rate", "count") and isinstance(counts[0], int) \
                and counts[0] < rule.reliable_from:
            symbol = Symbol.LOW_RELIABILITY
        if symbol is not None:
            for key in own:
                if cells[index(key)] is not None:
                    cells[index(key)] = symbol
        if (code, measure) in hidden_series:
            for key in series:
                if cells[index(key)] is not None:
                    cells[index(key)] = Symbol.CONFIDENTIAL
        if any((peer, measure) in hidden_series for peer in peers.get(code, ())) \
                and cells[index("peer_value")] is not None:
            cells[index("peer_value")] = Symbol.CONFIDENTIAL
        rows.append(tuple(cells))
    return EditionTable(table.table, tuple(rows))
