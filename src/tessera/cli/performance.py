"""`tessera performance`: the police performance framework (measure M7) as a national
dashboard, a page per force and a workbook, through disclosure control."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import typer

from tessera.cli import CaseworkOption, OutputOption, WarehouseOption, _provenance, app, console
from tessera.config import Settings, load_settings

if TYPE_CHECKING:
    from tessera.analysis.performance import PerformanceResult


QuarterFromOption = Annotated[datetime | None, typer.Option(
    "--from", formats=["%Y-%m-%d"],
    help="First day measured (YYYY-MM-DD), widened to the start of its quarter "
         "\\[default: the first offence held].")]
QuarterToOption = Annotated[datetime | None, typer.Option(
    "--to", formats=["%Y-%m-%d"],
    help="Last day measured (YYYY-MM-DD), widened to the end of its quarter "
         "\\[default: the last offence held].")]


@app.command()
def performance(
    warehouse: WarehouseOption = None,
    output: OutputOption = None,
    start: QuarterFromOption = None,
    end: QuarterToOption = None,
    casework_url: CaseworkOption = None,
) -> None:
    """Per-force performance measures (measure M7): values, intervals, control charts, peer
    groups and the funnel against England and Wales.

    Needs a warehouse loaded by `tessera ingest`. Every measure is defined in
    analysis/performance/measures.csv (docs/performance.md); those whose source Tessera does
    not hold are listed as "no source yet". P12 and P13 count the casework store's look-again
    referrals and review requests; P14 (problem-profile currency) is as at today, from the
    profiles `tessera profile` has published. Writes the national dashboard (`index.html`), a
    page per force, the tables as CSV and `performance.ods`/`.xlsx` to the output folder's
    `performance/`, all after disclosure control, and each force's quarters unsuppressed to
    `restricted/performance/`. Exit status 2 when there is no warehouse or no offences.
    """
    settings = load_settings(warehouse=warehouse, output=output, casework_url=casework_url)
    run_performance_command(settings, start=start, end=end)


def performance_result(settings: Settings, start: datetime | None = None,
                       end: datetime | None = None) -> PerformanceResult:
    """The framework over the settings' warehouse, with the look-again referrals (P12), review
    requests and decided reviews (P13a, P13b) the settings' casework store holds; shared with
    `tessera publish performance`."""
    from tessera.analysis.performance import run_performance
    from tessera.casework.lookagain_decisions import referrals_made
    from tessera.casework.store import Casework, store_exists
    from tessera.casework.tracker import reviews_decided, reviews_received
    from tessera.warehouse.engine import Engine

    with Engine.open(settings.warehouse, read_only=True) as engine:
        counts = {}
        if store_exists(settings.casework_url):
            casework = Casework.open(settings.casework_url)
            try:
                with casework.reading() as session:
                    counts = {"look_again_referrals": referrals_made(session),
                              "review_requests": reviews_received(session),
                              **reviews_decided(session)}
            finally:
                casework.close()
        else:
            console.print(f"No casework store at {settings.casework_url}: P12 and P13 count "
                          "nothing (give --casework-url).", highlight=False, markup=False)
        return run_performance(engine, start.date() if start else None,
                               end.date() if end else None, casework=counts)


def run_performance_command(settings: Settings, *, start: datetime | None = None,
                            end: datetime | None = None) -> PerformanceResult:
    """Run the framework over the settings' warehouse and write it out; the result, for
    `tessera demo` to publish for the web app."""
    from tessera.analysis.performance import NATIONAL
    from tessera.publish.performance_report import write_performance

    provenance = _provenance(settings)
    result = performance_result(settings, start, end)
    files = write_performance(result, settings.output, provenance=provenance)
    console.print(provenance, highlight=False)
    no_source = sum(1 for m in result.measures if m.no_source)
    console.print(f"{len(result.computed)} measures computed by quarter, "
                  f"{len(result.measures) - len(result.computed) - no_source} as at "
                  f"{result.as_at}, {no_source} with no source yet, for "
                  f"{len(result.forces)} forces, {result.start} to {result.end}.",
                  highlight=False)
    for measure in result.computed:
        found = result.figures[(NATIONAL, measure.id)]
        value = found.figure.value
        shown = ("–" if value is None else f"{value:,.0f}" if float(value).is_integer()
                 else f"{value:,}")
        console.print(f"  {measure.id:<4} {measure.name}: {shown} ({measure.unit}); "
                      f"{found.chart.verdict}", highlight=False)
    current = sum(1 for c in result.currency if c.current)
    for measure in (m for m in result.measures if m.status == "as at"):
        console.print(f"  {measure.id:<4} {measure.name}: {current} of {len(result.currency)} "
                      "forces have a profile published within a year", highlight=False)
    console.print(f"Dashboard: {files.dashboard}\nWorkbook: {files.ods}\nRestricted "
                  f"quarters: {files.restricted}", highlight=False)
    return result
