"""The `tessera` command: one sub-command per job, each thin.

A command parses its options, calls one service and prints the result with Rich. Any
`TesseraError` becomes one line on stderr and the error's exit status, never a traceback.
Exit status: 0 done; 1 done, but some input rows were rejected (they are listed); 2 an input
could not be read or an option is wrong, and nothing was loaded.
"""

from __future__ import annotations

import shutil
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from tessera.config import Settings, load_settings
from tessera.errors import TesseraError

if TYPE_CHECKING:
    from tessera.warehouse.loading import IngestResult

app = typer.Typer(help=__doc__, no_args_is_help=True, pretty_exceptions_enable=False,
                  add_completion=False)
dataset_app = typer.Typer(help="The core dataset definition.", no_args_is_help=True)
app.add_typer(dataset_app, name="dataset")

console = Console()
errors = Console(stderr=True)

WarehouseOption = Annotated[Path | None, typer.Option(
    help="DuckDB warehouse file [default: $TESSERA_WAREHOUSE or ./tessera.duckdb].")]
OutputOption = Annotated[Path | None, typer.Option(
    help="Folder for reports and rejections [default: $TESSERA_OUTPUT or ./tessera-output].")]


def main() -> None:
    """Entry point: run the app, turning Tessera's errors into one line and an exit status."""
    try:
        app()
    except TesseraError as exc:
        errors.print(f"[bold red]error:[/] {exc.message}", highlight=False, soft_wrap=True)
        sys.exit(exc.exit_code)


@contextmanager
def progress_bar(description: str) -> Iterator[Callable[[str, float], None]]:
    """A Rich progress bar driven by a service's `progress(description, fraction)` callback."""
    with Progress(TextColumn("{task.description:<40}"), BarColumn(), TextColumn(
            "{task.percentage:>3.0f}%"), TimeElapsedColumn(), console=console,
            transient=False) as bar:
        task = bar.add_task(description, total=1.0)

        def update(step: str, fraction: float) -> None:
            bar.update(task, description=step[:40], completed=fraction)

        yield update
        bar.update(task, completed=1.0)


@dataset_app.command("describe")
def dataset_describe(
    format: Annotated[Literal["text", "markdown"], typer.Option(
        "--format", help="text prints tables; markdown writes the data dictionary file.")] = "text",
    out: Annotated[Path, typer.Option(help="Where --format markdown writes.")] = Path(
        "docs/core-dataset.md"),
) -> None:
    """Print the data dictionary: every entity, field, rule and code list."""
    from tessera.dataset import ENTITIES
    from tessera.dataset.dictionary import dictionary_markdown, entity_rules, field_rules

    if format == "markdown":
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(dictionary_markdown() + "\n", encoding="utf-8")
        console.print(f"Wrote the data dictionary to {out}")
        return
    for entity in ENTITIES:
        table = Table(title=f"{entity.name}: {entity.description}", title_justify="left")
        for column in ("field", "description", "rules"):
            table.add_column(column)
        for f in entity.fields:
            table.add_row(f.name, f.description, field_rules(f))
        console.print(table)
        for rule in entity_rules(entity):
            console.print(f"  - {rule}")


@app.command()
def synth(
    out: Annotated[Path, typer.Option(help="Folder to write extracts/ and ground_truth/ to.")],
    scale: Annotated[float, typer.Option(help="1 = the national volume of 2023.")] = 1.0,
    years: Annotated[int, typer.Option(min=1, help="Years of offences to generate.")] = 1,
    seed: Annotated[int, typer.Option(help="Random seed; the same seed gives the same files.")]
    = 0,
    format: Annotated[Literal["csv", "parquet"], typer.Option("--format")] = "csv",
    bad_share: Annotated[float, typer.Option(min=0.0, max=0.5, help=(
        "Share of rows made invalid on purpose, so validation has work."))] = 0.005,
    rates: Annotated[Path | None, typer.Option(help=(
        "CSV of dimension,code,weight overriding the ONS 2021 population base rates."))] = None,
) -> None:
    """Write a synthetic national set of agency extracts, with ground truth kept apart."""
    from tessera.synth import generate

    started = time.perf_counter()
    with progress_bar("generating") as update:
        summary = generate(out, scale=scale, years=years, seed=seed, file_format=format,
                           bad_share=bad_share, rates=rates, progress=update)
    console.print(f"Wrote {summary.files} files ({sum(summary.rows.values()):,} rows, "
                  f"{summary.offences:,} offences, {summary.bad_rows:,} rows made invalid) to "
                  f"{summary.extracts} in {time.perf_counter() - started:.1f}s; "
                  f"ground truth in {summary.ground_truth}")


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Extract files or folders of them.")],
    warehouse: WarehouseOption = None,
    output: OutputOption = None,
) -> None:
    """Validate extracts and load them into the warehouse as one atomic batch."""
    settings = load_settings(warehouse=warehouse, output=output)
    result = _ingest(paths, settings)
    if result.rows_rejected:
        raise typer.Exit(1)


def _ingest(paths: list[Path], settings: Settings, *, per_file: bool = True) -> IngestResult:
    from tessera.sources.core_files import Delivery
    from tessera.warehouse.loading import ingest as load
    from tessera.warehouse.pseudonym import load_secret

    key = load_secret(settings.secret_key, settings.secret_key_file)
    delivery = Delivery.find(paths)
    started = time.perf_counter()
    with progress_bar("loading") as update:
        result = load(delivery, warehouse=settings.warehouse, key=key, output=settings.output,
                      progress=lambda step, done, total: update(step, done / max(total, 1)))
    _print_ingest(result, time.perf_counter() - started, settings, per_file=per_file)
    return result


def _print_ingest(result: IngestResult, seconds: float, settings: Settings, *,
                  per_file: bool = True) -> None:
    """Rows in, loaded and rejected per file (or per entity, for the demo's 1,000 files)."""
    table = Table(title=f"Batch {result.batch_id} into {settings.warehouse}", title_justify="left")
    table.add_column("file" if per_file else "files")
    table.add_column("entity")
    for column in ("rows in", "loaded", "rejected"):
        table.add_column(column, justify="right")
    if per_file:
        for f in result.files:
            done = ("already loaded", "-") if f.already_loaded_in is not None else (
                f"{f.rows_loaded:,}", f"{f.rows_rejected:,}")
            table.add_row(str(f.path), f.entity, f"{f.rows_in:,}", *done,
                          style="red" if f.rows_rejected else None)
    else:
        for t in result.by_entity():
            table.add_row(f"{t.files:,}", t.entity, f"{t.rows_in:,}", f"{t.rows_loaded:,}",
                          f"{t.rows_rejected:,}", style="red" if t.rows_rejected else None)
    console.print(table)
    console.print(f"rows in {result.rows_in:,} = loaded {result.rows_loaded:,} + rejected "
                  f"{result.rows_rejected:,}  ({seconds:.1f}s, "
                  f"{result.rows_in / max(seconds, 1e-9):,.0f} rows/s)")
    if result.rejections_csv:
        _print_rejections(result)


def _print_rejections(result: IngestResult) -> None:
    """The first rejections on screen, and where all of them are."""
    table = Table(title=f"First {len(result.first_rejections)} of {result.rows_rejected:,} "
                  "rejected rows", title_justify="left")
    for column in ("file", "row", "field", "rule", "message"):
        table.add_column(column, overflow="fold")
    for r in result.first_rejections:
        table.add_row(r["file"], str(r["row"]), r["field"], r["rule"], r["message"])
    console.print(table)
    console.print(f"Every rejected row, with file, row, field, rule and what to fix: "
                  f"{result.rejections_csv}")


@app.command()
def audit(
    explain: Annotated[str | None, typer.Option(
        metavar="CRIME_REF", help="Show which rule placed this offence in its category.")]
    = None,
    warehouse: WarehouseOption = None,
    output: OutputOption = None,
) -> None:
    """The national audit of group-based offending (measure M5): tables, CSVs and a report."""
    settings = load_settings(warehouse=warehouse, output=output)
    _audit(settings, explain)


def _audit(settings: Settings, explain: str | None) -> None:
    from tessera.analysis.audit import explain_offence, run_audit
    from tessera.publish.audit_report import write_audit
    from tessera.publish.terminal import render_audit_tables, render_explanation
    from tessera.warehouse.engine import Engine

    with Engine.open(settings.warehouse, read_only=True) as engine:
        if explain:
            for renderable in render_explanation(explain_offence(engine, explain)):
                console.print(renderable)
            return
        with console.status("Running the audit queries"):
            result = run_audit(engine)
    for table in render_audit_tables(result):
        console.print(table)
    with console.status("Writing the CSVs and the HTML report"):
        outputs = write_audit(result, settings.output)
    console.print(f"Audit report: {outputs.report}\nTables as CSV: {outputs.folder}")


@app.command()
def link(
    records: Annotated[Path, typer.Option(help=(
        "CSV of person records: record_id and any of given_name, family_name, "
        "date_of_birth, sex, postcode, nhs_number, upn."))],
    out: Annotated[Path, typer.Option(help="CSV to write record_id, cluster_id to.")],
    threshold: Annotated[float, typer.Option(help="Match probability at which records join.")]
    = 0.9,
) -> None:
    """Deduplicate a standalone file of person records into clusters of the same person."""
    from tessera.linkage import link_records
    from tessera.linkage.files import read_records, write_clusters

    with console.status("Linking records"):
        clusters = link_records(read_records(records), threshold=threshold)
    write_clusters(clusters, out)
    people = len(set(clusters.column("cluster_id").to_pylist()))
    console.print(f"{clusters.num_rows:,} records, {people:,} people: wrote {out}")


@app.command()
def demo(
    out: Annotated[Path, typer.Option(help="Folder for the demo's data, warehouse and report.")]
    = Path("tessera-demo"),
    scale: Annotated[float, typer.Option(help="1 = the national volume of 2023.")] = 1.0,
    seed: Annotated[int, typer.Option()] = 2023,
) -> None:
    """Synthetic national year, then ingest, then the national audit, in one go."""
    from tessera.synth import generate

    # The demo owns its folder: each run starts from fresh extracts and a fresh warehouse.
    shutil.rmtree(out / "synthetic", ignore_errors=True)
    for stale in (out / "tessera.duckdb", out / "tessera.duckdb.wal"):
        stale.unlink(missing_ok=True)
    started = time.perf_counter()
    console.rule("1. Synthetic agency extracts")
    with progress_bar("generating") as update:
        summary = generate(out / "synthetic", scale=scale, years=1, seed=seed,
                           progress=update)
    console.print(f"{summary.files} files, {sum(summary.rows.values()):,} rows, "
                  f"{summary.offences:,} offences")
    console.rule("2. Validate and load")
    settings = load_settings(warehouse=out / "tessera.duckdb", output=out / "output")
    _ingest([summary.extracts], settings, per_file=False)
    console.rule("3. National audit")
    _audit(settings, None)
    console.print(f"Demo finished in {time.perf_counter() - started:.0f}s. Open "
                  f"{settings.output / 'audit' / 'report.html'} in a browser; explain any "
                  f"offence with: tessera audit --warehouse {settings.warehouse} --explain "
                  "CRIME_REF")
