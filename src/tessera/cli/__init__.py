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
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Final, Literal

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from tessera.casework.roles import AreaType, Role
from tessera.config import Settings, load_settings
from tessera.errors import TesseraError

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from tessera.analysis.lookagain import EligibilityRules, FeatureWeight, LookAgainResult
    from tessera.analysis.network import NetworkResult
    from tessera.casework.signing import Keyring
    from tessera.warehouse.loading import IngestResult

USER_HELP: Final = """Tessera joins up agencies' records of child sexual abuse and exploitation
in England and Wales.

It checks each agency's extract against one core dataset and loads it into a warehouse that
keeps names and dates of birth apart from analysis. It gives each child one identifier across
agencies, writes the national audit of group-based offending, and runs the mandatory reporting
service with a record nobody can quietly change.

**Start here:** `tessera demo` runs the whole path on a synthetic national year in a few
minutes. With real extracts: `tessera dataset describe` lists the fields and rules an extract
must meet, then `tessera ingest`, `tessera link`, `tessera quality` and `tessera audit`.
For the reporting service: `tessera users add`, then `tessera serve`.

Exit status: 0 done; 1 done, but some input rows were rejected (they are listed, with where
to fix them); 2 an input could not be read or an option is wrong, and nothing was changed.
"""
"""What `tessera --help` says to a user; the module's docstring is for developers."""
HELP_MARKUP: Final = "markdown"
"""Help is Markdown, so docstrings' paragraphs reflow and `[default: ...]` is not taken for
Rich markup (which would swallow it)."""
app = typer.Typer(help=USER_HELP, no_args_is_help=True, pretty_exceptions_enable=False,
                  add_completion=False, rich_markup_mode=HELP_MARKUP)


def _sub_app(name: str, help: str) -> typer.Typer:
    """A group of sub-commands (`tessera NAME ...`), with help written as the app's is."""
    group = typer.Typer(rich_markup_mode=HELP_MARKUP, no_args_is_help=True, help=help)
    app.add_typer(group, name=name)
    return group


dataset_app = _sub_app("dataset", "The core dataset definition.")
users_app = _sub_app("users", "Casework accounts: add, disable, enable, sessions, API tokens.")
ledger_app = _sub_app("ledger", "The tamper-evident ledger of reports and decisions.")
receipt_app = _sub_app("receipt", "Receipts given to reporters.")
keys_app = _sub_app("keys", "The service's signing key.")


console = Console()
errors = Console(stderr=True)
DEMO_LOWEST: Final = 10
"""Agencies the demo prints quality scores for (the lowest); the report has all of them."""
DEMO_LOOK_AGAIN: Final = 10
"""Closed cases the demo prints from the top of the look-again list; the report has all."""

WarehouseOption = Annotated[Path | None, typer.Option(
    help="DuckDB warehouse file \\[default: $TESSERA_WAREHOUSE or ./tessera.duckdb].")]
OutputOption = Annotated[Path | None, typer.Option(
    help="Folder for reports and rejections \\[default: $TESSERA_OUTPUT or ./tessera-output].")]
CaseworkOption = Annotated[str | None, typer.Option(
    "--casework-url", help="Casework store \\[default: $TESSERA_CASEWORK_URL or "
    "sqlite:///tessera-casework.db].")]
SigningKeyOption = Annotated[Path | None, typer.Option(
    help="Ed25519 signing key \\[default: $TESSERA_SIGNING_KEY_FILE or "
    "~/.config/tessera/signing.key].")]
PublicKeyOption = Annotated[Path | None, typer.Option(exists=True, dir_okay=False, help=(
    "The service's public keys (PEM, as 'tessera receipt public-key' prints them), to check "
    "without the private key \\[default: the signing key and its keyring].")) ]


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
    """Print the data dictionary: every entity, field, rule and code list.

    What an agency's extract must hold to load: one section per entity (file), each field
    with its type and rules, and the rules across fields. `--format markdown` writes the
    same as a document to share with suppliers.
    """
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
    out: Annotated[Path, typer.Option(
        help="Folder to write extracts/, cin_census/ and ground_truth/ to.")],
    scale: Annotated[float, typer.Option(help="1 = the national volume of 2023.")] = 1.0,
    years: Annotated[int, typer.Option(min=1, help="Years of offences to generate.")] = 1,
    seed: Annotated[int, typer.Option(help="Random seed; the same seed gives the same files.")]
    = 0,
    format: Annotated[Literal["csv", "parquet"], typer.Option("--format")] = "csv",
    bad_share: Annotated[float, typer.Option(min=0.0, max=0.5, help=(
        "Share of rows made invalid on purpose, so validation has work."))] = 0.005,
    rates: Annotated[Path | None, typer.Option(help=(
        "CSV of dimension,code,weight[,source] overriding the shares people are drawn at: "
        "ethnicity, sex, nationality, perpetrator_sex, perpetrator_age (bands LOW-HIGH, "
        "10 and over)."))] = None,
) -> None:
    """Write a synthetic national set of agency extracts, with ground truth kept apart.

    Needs only a folder. Writes `extracts/` (one file per agency and entity, to load with
    `tessera ingest`), `cin_census/` (Children in Need census returns, XML) and
    `ground_truth/` (who each record really is, to score `tessera link --truth` against;
    never loaded). Every person is made up.
    """
    from tessera.synth import generate

    started = time.perf_counter()
    with progress_bar("generating") as update:
        summary = generate(out, scale=scale, years=years, seed=seed, file_format=format,
                           bad_share=bad_share, rates=rates, progress=update)
    console.print(f"Wrote {summary.files} files ({sum(summary.rows.values()):,} rows, "
                  f"{summary.offences:,} offences, {summary.bad_rows:,} rows made invalid) to "
                  f"{summary.extracts} in {time.perf_counter() - started:.1f}s; "
                  f"{summary.census_returns} CIN census returns in {summary.census}; "
                  f"ground truth in {summary.ground_truth}")


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(
        help="Extract files, CIN census returns, or folders of them.")],
    warehouse: WarehouseOption = None,
    output: OutputOption = None,
) -> None:
    """Validate extracts and load them into the warehouse as one atomic batch.

    Needs extract files (CSV or Parquet, as `tessera dataset describe` lists), Children in
    Need census returns (DfE XML, either format), or folders of them; each file's format is
    told from its content, not its name. Valid rows are loaded with names, dates of birth
    and identifiers replaced by keyed pseudonyms; each rejected row is listed with its file,
    row, field and rule, and all of them written to a CSV in the output folder. A file that
    cannot be read stops the batch and nothing is loaded.
    """
    settings = load_settings(warehouse=warehouse, output=output)
    result = _ingest(paths, settings)
    if result.rows_rejected:
        raise typer.Exit(1)


def _ingest(paths: list[Path], settings: Settings, *, per_file: bool = True) -> IngestResult:
    from tessera.sources.delivery import Delivery
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
    register: Annotated[Path | None, typer.Option(help=(
        "Release register of the period: what earlier releases published, kept with the "
        "restricted data \\[default: OUTPUT/restricted/register-PERIOD.json]."))] = None,
    period: Annotated[str | None, typer.Option(help=(
        "Period the release covers \\[default: the years its offences were recorded in]."))]
    = None,
    round_totals: Annotated[int, typer.Option(help=(
        "Round the published totals to the nearest 5 or 10, halves away from zero (1: exact)."
        ))] = 1,
    edition: Annotated[Literal["published", "restricted"], typer.Option(help=(
        "published: disclosure controlled, written out and recorded in the register; "
        "restricted: every figure, shown on screen only, to a signed-in national analyst, "
        "each view written to the read log."))] = "published",
    user: Annotated[str | None, typer.Option(help=(
        "With --edition restricted: your casework username (the password is asked for)."))]
    = None,
    password_file: Annotated[Path | None, typer.Option(exists=True, dir_okay=False, help=(
        "With --edition restricted: read the password from this file instead."))] = None,
    purpose: Annotated[str | None, typer.Option(help=(
        "With --edition restricted: why you are viewing it (kept in the read log)."))] = None,
    warehouse: WarehouseOption = None,
    output: OutputOption = None,
    casework_url: CaseworkOption = None,
) -> None:
    """The national audit of group-based offending (measure M5): tables, CSVs and a report.

    Needs a warehouse loaded by `tessera ingest` (and, for figures by child, linked by
    `tessera link`). Prints the audit's tables and writes them as CSV with an HTML report
    to the output folder, after disclosure control: counts of 1 to 9, and the cells that
    would give them back, show as [c] (docs/disclosure.md), also against every earlier
    release of the period in the register, where this release is then recorded. `--explain`
    shows why one offence is in its category. `--edition restricted` shows every figure to a
    national analyst, and logs the view.
    """
    settings = load_settings(warehouse=warehouse, output=output)
    if edition == "restricted":
        if not user or not purpose:
            raise typer.BadParameter("--edition restricted needs --user and --purpose")
        if explain or register or period or round_totals != 1:
            raise typer.BadParameter("--edition restricted publishes nothing: it takes no "
                                     "--explain, --register, --period or --round-totals")
        _audit_restricted(settings, casework_url, user, read_password(password_file), purpose)
        return
    if user or purpose or password_file:
        raise typer.BadParameter("--user, --password-file and --purpose are for --edition "
                                 "restricted")
    _audit(settings, explain, register, period, round_totals)


def read_password(password_file: Path | None) -> str:
    """A casework user's password from a file (its first line) or, without one, asked for
    at the terminal without echo."""
    if password_file is not None:
        return password_file.read_text(encoding="utf-8").rstrip("\r\n")
    return str(typer.prompt("Password", hide_input=True))


def _audit_restricted(settings: Settings, casework_url: str | None, user: str, password: str,
                      purpose: str) -> None:
    """Every figure, unsuppressed, on screen only; the view is logged before it is shown."""
    from tessera.analysis.audit import run_audit
    from tessera.casework.editions import log_restricted_view
    from tessera.casework.signing import Signer
    from tessera.casework.store import Casework
    from tessera.publish.audit_disclosure import as_audit_result, audit_tables
    from tessera.publish.editions import restricted_edition
    from tessera.publish.terminal import render_audit_tables
    from tessera.warehouse.engine import Engine
    from tessera.warehouse.provenance import release_provenance

    with Engine.open(settings.warehouse, read_only=True) as engine:
        result = run_audit(engine)
        provenance = release_provenance(engine).sentence
    casework_settings = load_settings(casework_url=casework_url)
    casework = Casework.open(casework_settings.casework_url,
                             Signer.from_file(casework_settings.signing_key_file))
    try:
        viewer = log_restricted_view(casework, user, password,
                                     f"audit of {settings.warehouse}", purpose)
    finally:
        casework.close()
    tables, _ = audit_tables(result)
    console.print(f"Restricted edition for {viewer}: every figure, not disclosure controlled; "
                  f"do not publish or copy. This view is in the read log. {provenance}",
                  highlight=False)
    for table in render_audit_tables(as_audit_result(result, restricted_edition(tables))):
        console.print(table)


def _audit(settings: Settings, explain: str | None, register: Path | None = None,
           period: str | None = None, round_totals: int = 1) -> None:
    from tessera.analysis.audit import explain_offence, run_audit
    from tessera.analysis.audit.period import audit_period
    from tessera.publish.audit_release import default_register, release_audit
    from tessera.publish.audit_report import write_audit
    from tessera.publish.audit_spreadsheets import audit_release, write_audit_files
    from tessera.publish.disclosure import DisclosureRule
    from tessera.publish.terminal import render_audit_tables, render_explanation
    from tessera.warehouse.engine import Engine
    from tessera.warehouse.provenance import release_provenance

    rule = DisclosureRule(round_totals_to=round_totals)
    with Engine.open(settings.warehouse, read_only=True) as engine:
        if explain:
            for renderable in render_explanation(explain_offence(engine, explain)):
                console.print(renderable)
            return
        with console.status("Running the audit queries"):
            result = run_audit(engine)
        provenance = release_provenance(engine).sentence
        period = period or audit_period(engine)
    register = register or default_register(settings.output, period)
    with console.status("Disclosure control: choosing and auditing suppressions"):
        published, protection = release_audit(result, register=register, period=period,
                                              rule=rule)
    console.print(provenance, highlight=False)
    for table in render_audit_tables(published):
        console.print(table)
    release = audit_release(result, published, protection, provenance, date.today(), rule)
    with console.status("Writing the CSVs, the HTML report and the workbooks"):
        outputs = write_audit(published, settings.output, provenance=provenance)
        files = write_audit_files(release, outputs.csvs, outputs.folder)
    console.print(f"Disclosure control: {len(protection.primary)} counts of 1 to 9 and "
                  f"{len(protection.secondary)} more cells shown as [c]; the LP audit found "
                  f"none of them recoverable, with every earlier release of {period} "
                  f"({protection.seconds:.1f} s). Release recorded in {register} (keep it "
                  "with the restricted data).", markup=False, highlight=False)
    console.print(f"Audit report: {outputs.report}\nTables as CSV: {outputs.folder} "
                  f"(notes in {files.csv_metadata.name})\nWorkbooks: {files.ods}, {files.xlsx}")


@app.command()
def quality(
    warehouse: WarehouseOption = None,
    output: OutputOption = None,
) -> None:
    """Data quality per supplying agency and delivery (measure M2): scores, CSVs and a report.

    Needs a warehouse loaded by `tessera ingest` (and, for the linkage share, linked by
    `tessera link`). Scores completeness of the fields the analyses read, validity,
    timeliness, consistency with the agency's earlier deliveries and linkage to other
    agencies (docs/quality.md gives the formula); prints the scores and writes them, with
    each delivery's fields and rejections, as CSV and an HTML report to the output folder's
    `quality/`. Exit status 2 when there is no warehouse or nothing ingested to score.
    """
    settings = load_settings(warehouse=warehouse, output=output)
    _quality(settings, lowest=None)


def _quality(settings: Settings, *, lowest: int | None) -> None:
    from tessera.analysis.quality import score_warehouse
    from tessera.publish.quality_report import write_quality
    from tessera.publish.terminal import render_quality

    result = score_warehouse(settings.warehouse)
    provenance = _provenance(settings)
    console.print(provenance, highlight=False)
    for table in render_quality(result, lowest=lowest):
        console.print(table)
    outputs = write_quality(result, settings.output, provenance=provenance)
    console.print(f"Quality report: {outputs.report}\nTables as CSV: {outputs.folder}")


@app.command()
def network(
    warehouse: WarehouseOption = None,
    output: OutputOption = None,
    community: Annotated[str | None, typer.Option(
        help="One community (an id such as C-0007 from an earlier run) instead of all.")]
    = None,
    graphml: Annotated[Path | None, typer.Option(
        help="Also write the graph (or the community) as GraphML to this file.")] = None,
    i2: Annotated[Path | None, typer.Option(
        help="Also write an i2 Analyst's Notebook import (links.csv, entities.csv, "
             "import_specification.txt) to this folder.")] = None,
    anx: Annotated[Path | None, typer.Option(
        help="Also write the graph (or the community) as an i2 Analyst's Notebook chart "
             "(ANX XML) to this file.")] = None,
) -> None:
    """Networks across forces (measure M9): communities, key people, brokers and growth.

    Needs a warehouse loaded by `tessera ingest` and linked by `tessera link`. Builds one
    graph of people and the phones, vehicles, addresses and accounts they share, from
    co-offending, victims and offenders, and graded intelligence (docs/network.md); prints the
    largest communities with two or more perpetrators and their key people by pseudonymous id,
    and writes every table as CSV with an HTML report to the output folder's `network/`.
    The exports add each offence and the place (LSOA) it happened in as items of their own.
    Exit status 1 when there is no warehouse, for an unknown community or a path that cannot
    be written; 2 when the warehouse holds nothing to build a graph from.
    """
    settings = load_settings(warehouse=warehouse, output=output)
    _network(settings, community, graphml, i2, anx)


def _network(settings: Settings, community: str | None = None, graphml: Path | None = None,
             i2: Path | None = None, anx: Path | None = None) -> NetworkResult:
    from tessera.analysis.network import run_network
    from tessera.analysis.network.context import offence_context
    from tessera.publish.network_anx import write_anx
    from tessera.publish.network_exports import write_graphml, write_i2
    from tessera.publish.network_report import write_network
    from tessera.publish.terminal import render_network
    from tessera.warehouse.engine import Engine

    provenance = _provenance(settings)
    with Engine.open(settings.warehouse, read_only=True) as engine, \
            console.status("Building the graph and finding communities"):
        result = run_network(engine, community_id=community)
        context = offence_context(engine, result.network) if graphml or i2 or anx else None
    console.print(provenance, highlight=False)
    for table in render_network(result):
        console.print(table)
    only = result.shown[0] if community else None
    if graphml:
        written = write_graphml(result.network, result.communities, graphml, only, context)
        console.print(f"GraphML: {written}")
    if i2:
        files = write_i2(result.network, result.communities, i2, only, context)
        console.print(f"i2 import: {files.links}, {files.entities} "
                      f"(mapping in {files.specification.name})")
    if anx:
        chart = write_anx(result.network, result.communities, anx, only, context)
        console.print(f"i2 chart (ANX): {chart}")
    outputs = write_network(result, settings.output, provenance=provenance,
                            community_id=community)
    console.print(f"Network report: {outputs.report}\nTables as CSV: {outputs.folder}")
    return result


@app.command("look-again")
def look_again(
    force: Annotated[str | None, typer.Option(help=(
        "Only this force's closed cases (a police_forces code); their evidence may come "
        "from any force."))] = None,
    rules: Annotated[Path | None, typer.Option(help=(
        "Eligibility rules CSV (rule, value, rationale) \\[default: Operation Beaconport's, "
        "docs/look-again.md]."))] = None,
    weights: Annotated[Path | None, typer.Option(help=(
        "Feature weights CSV (feature, weight, rationale) \\[default: the documented "
        "weights, docs/look-again.md]."))] = None,
    top: Annotated[int, typer.Option(min=1, help="Cases to print.")] = 20,
    warehouse: WarehouseOption = None,
    output: OutputOption = None,
) -> None:
    """Closed cases to look at again (M8), ranked by new evidence linked since they closed.

    Lists the closed cases that meet the eligibility rules (by default Operation
    Beaconport's: group-based, no further action by the police or the CPS between 1 January
    2010 and 31 March 2025, at least two suspects), each scored by the weighted features it
    has new evidence of. Prints the top of the list and writes every case and its evidence
    trail as CSV, with an HTML report, to the output folder's `look-again/`. Run `tessera
    link` first so the same person is found across records. Exit status 2 for a bad rules
    or weights file or an unknown force.
    """
    from tessera.analysis.lookagain import load_rules, load_weights

    settings = load_settings(warehouse=warehouse, output=output)
    _look_again(settings, force=force, rules=load_rules(rules), weights=load_weights(weights),
                top=top)


def _look_again(settings: Settings, *, force: str | None, rules: EligibilityRules,
                weights: tuple[FeatureWeight, ...], top: int,
                network: NetworkResult | None = None) -> LookAgainResult:
    """The list, with the communities of `network` where the graph was just built, else of a
    graph built here."""
    from tessera.analysis.lookagain import look_again_warehouse, network_communities
    from tessera.analysis.network import person_communities, person_communities_in
    from tessera.publish.lookagain_report import render_top, write_look_again

    if network is None:
        with console.status("Finding network communities"):
            refs = person_communities_in(settings.warehouse)
    else:
        refs = person_communities(network.network, network.communities)
    result = look_again_warehouse(settings.warehouse, rules=rules, weights=weights,
                                  force=force, communities=network_communities(refs))
    provenance = _provenance(settings)
    console.print(provenance, highlight=False)
    console.print(render_top(result, top))
    outputs = write_look_again(result, settings.output, provenance=provenance)
    console.print(f"{len(result.cases):,} eligible cases, {result.with_evidence:,} with new "
                  f"evidence.\nLook-again report: {outputs.report}\nCases and evidence as "
                  f"CSV: {outputs.folder}", highlight=False)
    return result


def _provenance(settings: Settings) -> str:
    """The sentence every report prints about where the warehouse's data came from, read
    from the batch record (never a template's wording)."""
    from tessera.warehouse.engine import Engine
    from tessera.warehouse.provenance import release_provenance

    with Engine.open(settings.warehouse, read_only=True) as engine:
        return release_provenance(engine).sentence


@app.command()
def link(
    records: Annotated[Path | None, typer.Option(help=(
        "Link this CSV of person records instead of the warehouse: record_id and any of "
        "given_name, family_name, date_of_birth, sex, postcode, nhs_number, upn."))] = None,
    out: Annotated[Path | None, typer.Option(help=(
        "With --records: the CSV to write record_id, cluster_id to."))] = None,
    compare: Annotated[list[str] | None, typer.Option(metavar="COLUMN=text|identifier", help=(
        "With --records: also compare this column of the file, as text (by similarity) or "
        "as an identifier (exactly; also used to find pairs). Repeat for more."))] = None,
    truth: Annotated[Path | None, typer.Option(help=(
        "Ground truth CSV (agency_code, source_record_id, true_person_id) to score the "
        "warehouse linkage against, such as the generator's ground_truth/persons.csv."))]
    = None,
    threshold: Annotated[float | None, typer.Option(help=(
        "Match probability at which records join \\[default: 0.9; why is in "
        "tessera/linkage/settings.py]."))] = None,
    seed: Annotated[int, typer.Option(help="Seed of the model's random sampling.")] = 0,
    warehouse: WarehouseOption = None,
    output: OutputOption = None,
) -> None:
    """Link person records into people: the warehouse's child and person ids, or a file.

    Without --records, every person record in the warehouse is linked; children keep their
    child_id from run to run, merges and splits are recorded, and a quality report (HTML)
    and the trained model are written to the output folder. With --records and --out, a
    CSV of person records is deduplicated into a CSV of record_id, cluster_id.
    """
    if records is not None:
        _link_file(records, out, threshold, seed, compare or [])
        return
    settings = load_settings(warehouse=warehouse, output=output)
    _link_warehouse(settings, truth, threshold, seed)


def _link_file(records: Path, out: Path | None, threshold: float | None, seed: int,
               compare: list[str]) -> None:
    from tessera.linkage import DEFAULT_THRESHOLD, link_records
    from tessera.linkage.files import read_records, write_clusters

    if out is None:
        raise typer.BadParameter("--records needs --out, the CSV to write clusters to")
    extras = dict(option.partition("=")[::2] for option in compare)
    with console.status("Linking records"):
        clusters = link_records(read_records(records), seed=seed,
                                threshold=threshold or DEFAULT_THRESHOLD,
                                extra_columns=extras)  # type: ignore[arg-type]
    write_clusters(clusters, out)
    people = len(set(clusters.column("cluster_id").to_pylist()))
    console.print(f"{clusters.num_rows:,} records, {people:,} people: wrote {out}")


def _link_warehouse(settings: Settings, truth: Path | None, threshold: float | None,
                    seed: int) -> None:
    from tessera.linkage import DEFAULT_THRESHOLD
    from tessera.linkage.service import link_warehouse
    from tessera.publish.linkage_report import write_linkage
    from tessera.publish.terminal import render_linkage

    with progress_bar("linking") as update:
        run = link_warehouse(settings.warehouse, seed=seed, truth=truth, progress=update,
                             threshold=threshold or DEFAULT_THRESHOLD)
    for renderable in render_linkage(run):
        console.print(renderable)
    outputs = write_linkage(run, settings.output, provenance=_provenance(settings))
    console.print(f"Linkage report: {outputs.report}\nTrained model: {outputs.model}")


@app.command()
def demo(
    out: Annotated[Path, typer.Option(help="Folder for the demo's data, warehouse and report.")]
    = Path("tessera-demo"),
    scale: Annotated[float, typer.Option(help="1 = the national volume of 2023.")] = 1.0,
    seed: Annotated[int, typer.Option()] = 2023,
) -> None:
    """Synthetic national year, then ingest, link, the audit, data quality, networks, the
    look-again list, the performance framework and every force's problem profile, in one go.

    Needs nothing but a few minutes and a few GB of disk at scale 1. Writes the synthetic
    extracts, a warehouse and the linkage, audit, quality, network, look-again, performance
    and profile reports under --out, and publishes the list, the framework and the profiles
    into a casework store there for the web app; each run starts afresh there.
    """
    from tessera.analysis.lookagain import load_rules, load_weights
    from tessera.synth import generate

    # The demo owns its folder: each run starts from fresh extracts and a fresh warehouse.
    shutil.rmtree(out / "synthetic", ignore_errors=True)
    shutil.rmtree(out / "output" / "restricted", ignore_errors=True)  # the last world's register
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
    console.rule("3. One identifier per child")
    _link_warehouse(settings, summary.ground_truth / "persons.csv", None, 0)
    console.rule("4. National audit")
    _audit(settings, None)
    console.rule("5. Data quality by agency")
    _quality(settings, lowest=DEMO_LOWEST)
    console.rule("6. Networks across forces")
    network = _network(settings)
    console.rule("7. Closed cases to look at again")
    listed = _look_again(settings, force=None, rules=load_rules(), weights=load_weights(),
                         top=DEMO_LOOK_AGAIN, network=network)
    from tessera.cli.publishing import (  # the web app's copies
        publish_list,
        publish_performance_result,
        publish_profile_list,
    )
    store = f"sqlite:///{(out / 'casework.db').resolve()}"
    published = publish_list(listed, settings.warehouse, store, "tessera demo")
    console.rule("8. Problem profiles of every force")
    from tessera.cli.profile import run_profile_command
    profiles = run_profile_command(settings, None, pdf=False)
    publish_profile_list(profiles, settings.warehouse, store, "tessera demo")
    console.rule("9. Police performance framework")  # after the profiles: P14 counts them
    from tessera.cli.performance import run_performance_command
    performance = run_performance_command(replace(settings, casework_url=store))
    publish_performance_result(performance, settings.warehouse, store, "tessera demo")
    console.print(f"Demo finished in {time.perf_counter() - started:.0f}s. Open "
                  f"{settings.output / 'audit' / 'report.html'} and "
                  f"{settings.output / 'linkage' / 'report.html'} and "
                  f"{settings.output / 'quality' / 'report.html'}, "
                  f"{settings.output / 'network' / 'report.html'} and "
                  f"{settings.output / 'look-again' / 'report.html'} and "
                  f"{settings.output / 'performance' / 'index.html'} and "
                  f"{settings.output / 'profile' / 'west-yorkshire' / 'report.html'} (a PDF of "
                  "any force: tessera profile --force CODE) in a browser; explain any "
                  f"offence with: tessera audit --warehouse {settings.warehouse} --explain "
                  f"CRIME_REF\nThe look-again list, the performance framework and the profiles "
                  f"are published (look-again publication {published.publication_id}) for the "
                  f"web app: add an analyst with tessera users add NAME --role analyst "
                  f"--name NAME --area-type police_force --area-code FORCE --casework-url "
                  f"{store}, then run tessera serve --casework-url {store} and open "
                  "/look-again, /profiles and /performance", highlight=False)


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help=(
        "Address to listen on \\[default: $TESSERA_WEB_HOST or 127.0.0.1]; cookies are "
        "marked Secure unless it is loopback, so put HTTPS in front of any other."))] = None,
    port: Annotated[int | None, typer.Option(help=(
        "Port \\[default: $TESSERA_WEB_PORT or 8000]."))] = None,
    workers: Annotated[int | None, typer.Option(min=1, help=(
        "Worker processes, each listening on its own socket \\[default: one per core; on "
        "SQLite they take turns to write, queued on a file lock]."))]
    = None,
    casework_url: Annotated[str | None, typer.Option(help=(
        "Casework store \\[default: $TESSERA_CASEWORK_URL or sqlite:///tessera-casework.db]."))]
    = None,
) -> None:
    """Run the reporting service: the web pages and the JSON API (gunicorn, uvicorn workers).

    Needs a casework store (SQLite file or PostgreSQL URL; created and migrated on start)
    and at least one user (`tessera users add`). Keys for pseudonyms, sessions and signing
    are created on first start, readable only by their owner. The API's OpenAPI schema is
    at /openapi.json once it runs.
    """
    import os

    from tessera.casework.signing import Signer
    from tessera.casework.store import Casework
    from tessera.web.access import session_secret
    from tessera.web.serving import serve as serve_app

    settings = load_settings(web_host=host, web_port=port, casework_url=casework_url)
    if workers is None:
        workers = os.cpu_count() or 1
    # Migrate and create the keys once here, so workers starting together only read them;
    # the workers load the same settings from the environment.
    Casework.open(settings.casework_url).close()
    Signer.from_file(settings.signing_key_file)
    session_secret(settings.session_key_file)
    os.environ.update(TESSERA_WEB_HOST=settings.web_host, TESSERA_WEB_PORT=str(settings.web_port),
                      TESSERA_CASEWORK_URL=settings.casework_url)
    serve_app(settings.web_host, settings.web_port, workers, ready=lambda: console.print(
        f"Serving on http://{settings.web_host}:{settings.web_port} with {workers} workers; "
        "Ctrl+C stops"))


@contextmanager
def _casework_session(casework_url: str | None, *, signing: bool = False) -> Iterator[Session]:
    """One session of the casework store named by the option or settings, then close it;
    with `signing`, the store holds the service's signing key (to write what the ledger
    holds)."""
    from tessera.casework.signing import Signer
    from tessera.casework.store import Casework

    settings = load_settings(casework_url=casework_url)
    signer = Signer.from_file(settings.signing_key_file) if signing else None
    casework = Casework.open(settings.casework_url, signer)
    try:
        with casework.session() as session:
            yield session
    finally:
        casework.close()


@users_app.command("add")
def users_add(
    username: Annotated[str, typer.Argument(help="Sign-in name, no spaces.")],
    role: Annotated[Role, typer.Option(help="What the user does.")],
    name: Annotated[str, typer.Option(help="The user's name as others see it.")],
    organisation: Annotated[str | None, typer.Option(help="Employer, e.g. a school.")] = None,
    area_type: Annotated[AreaType | None, typer.Option(help=(
        "For triage and analyst users: the kind of area they work."))] = None,
    area_code: Annotated[str | None, typer.Option(help=(
        "Local authority ONS code (E06000001) or police force code (cleveland)."))] = None,
    password_file: Annotated[Path | None, typer.Option(exists=True, dir_okay=False, help=(
        "Read the password from this file (for scripts) instead of asking for it."))] = None,
    casework_url: CaseworkOption = None,
) -> None:
    """Add a casework user; the password is asked for (hidden) unless --password-file."""
    from tessera.casework.users import add_user

    password = (password_file.read_text(encoding="utf-8").rstrip("\r\n") if password_file
                else typer.prompt("Password", hide_input=True, confirmation_prompt=True))
    with _casework_session(casework_url) as session:
        add_user(session, username=username, password=password, role=role, display_name=name,
                 organisation=organisation, area_type=area_type, area_code=area_code)
    area = f" for {area_type} {area_code}" if area_code else ""
    console.print(f"Added {role.value} {username!r}{area}")


@users_app.command("disable")
def users_disable(
    username: Annotated[str, typer.Argument(help="The user to disable.")],
    casework_url: CaseworkOption = None,
) -> None:
    """Disable a user: their sessions end, they can no longer sign in or use API tokens; their
    records stay."""
    from tessera.casework.users import disable_user

    with _casework_session(casework_url) as session:
        ended = disable_user(session, username)
    console.print(f"Disabled {username!r}; ended {ended} signed-in session(s)")


@users_app.command("enable")
def users_enable(
    username: Annotated[str, typer.Argument(help="The user to enable again.")],
    casework_url: CaseworkOption = None,
) -> None:
    """Enable a disabled user: they can sign in again, and their unrevoked tokens work."""
    from tessera.casework.users import enable_user

    with _casework_session(casework_url) as session:
        enable_user(session, username)
    console.print(f"Enabled {username!r}")


@users_app.command("end-sessions")
def users_end_sessions(
    username: Annotated[str, typer.Argument(help="The user to sign out everywhere.")],
    casework_url: CaseworkOption = None,
) -> None:
    """Sign a user out everywhere at once (a lost device, a password others may know); they
    can sign in again."""
    from tessera.casework.users import end_sessions

    with _casework_session(casework_url) as session:
        ended = end_sessions(session, username)
    console.print(f"Ended {ended} signed-in session(s) of {username!r}")


@users_app.command("token")
def users_token(
    username: Annotated[str, typer.Argument(help="The user the token acts as.")],
    casework_url: CaseworkOption = None,
) -> None:
    """Print a new API token for a user (shown once; only its hash is kept)."""
    from tessera.casework.users import issue_api_token

    with _casework_session(casework_url) as session:
        token = issue_api_token(session, username)
    print(token)


@users_app.command("tokens")
def users_tokens(
    username: Annotated[str, typer.Argument(help="The user whose tokens to list.")],
    casework_url: CaseworkOption = None,
) -> None:
    """List a user's API tokens: id, created, last used, revoked (never the token itself)."""
    from tessera.casework.users import api_tokens

    with _casework_session(casework_url) as session:
        tokens = api_tokens(session, username)
    table = Table("id", "created", "last used", "revoked", title=f"API tokens of {username!r}")

    def when(moment: datetime | None) -> str:
        return f"{moment:%Y-%m-%d %H:%M} UTC" if moment else "-"

    for token in tokens:
        table.add_row(str(token.token_id), when(token.created_at), when(token.last_used_at),
                      when(token.revoked_at))
    console.print(table)


@users_app.command("revoke-token")
def users_revoke_token(
    token_id: Annotated[int, typer.Argument(help="The token's id, from 'tessera users tokens'.")],
    casework_url: CaseworkOption = None,
) -> None:
    """Revoke one API token for good: it files nothing from now on."""
    from tessera.casework.users import revoke_api_token

    with _casework_session(casework_url) as session:
        username = revoke_api_token(session, token_id)
    console.print(f"Revoked token {token_id} of {username!r}")


def _keyring(public_key: Path | None, signing_key_file: Path | None) -> Keyring:
    """The public keys to check signatures with: a PEM file given, else the signing key's."""
    from tessera.casework.signing import Keyring, Signer

    if public_key is not None:
        return Keyring.from_pem_bundle(public_key.read_text(encoding="utf-8"))
    settings = load_settings(signing_key_file=signing_key_file)
    return Signer.from_file(settings.signing_key_file).keyring


@ledger_app.command("verify")
def ledger_verify(
    expect_head: Annotated[Path | None, typer.Option(exists=True, dir_okay=False, help=(
        "A signed head kept outside the database ('tessera ledger head'): the ledger must "
        "still hold it, or it was rolled back."))] = None,
    public_key: PublicKeyOption = None,
    casework_url: CaseworkOption = None,
    signing_key_file: SigningKeyOption = None,
) -> None:
    """Check the hash chain, its signed heads, every record and every receipt.

    Exit status 0 when intact; 1 naming the first entry that does not match, then the rest.
    """
    from tessera.casework.verification import SignedHead, verify_ledger

    keyring = _keyring(public_key, signing_key_file)
    kept = SignedHead.from_json(expect_head.read_bytes()) if expect_head else None
    with _casework_session(casework_url) as session:
        check = verify_ledger(session, keyring, expect_head=kept)
    if check.ok:
        entries = "entry" if check.entries == 1 else "entries"
        signed = f", signed to entry {check.head.seq:,}" if check.head else ""
        holds = f"; holds the kept head (checkpoint {kept.n})" if kept else ""
        console.print(f"ledger intact: {check.entries:,} {entries}{signed}, every record "
                      f"and receipt matches{holds}", highlight=False)
        return
    console.print(f"[bold red]ledger not intact:[/] {check.problem}", highlight=False)
    if len(check.problems) > 1:
        console.print(f"and {len(check.problems) - 1} more problem(s):", highlight=False)
        for problem in check.problems[1:]:
            console.print(f"  {problem}", highlight=False)
    raise typer.Exit(1)


@ledger_app.command("head")
def ledger_head(casework_url: CaseworkOption = None) -> None:
    """Print the ledger's latest signed head (JSON), to keep outside the database.

    Kept somewhere the database's administrators cannot write (a printout, another
    organisation, a transparency log), it lets 'tessera ledger verify --expect-head' prove
    later that the ledger was not rolled back to an earlier copy.
    """
    from tessera.casework.verification import latest_head

    with _casework_session(casework_url) as session:
        head = latest_head(session)
    if head is None:
        errors.print("the ledger has no signed head yet: nothing has been sealed")
        raise typer.Exit(1)
    print(head.to_json())


@receipt_app.command("verify")
def receipt_verify(
    receipt: Annotated[Path, typer.Argument(exists=True, dir_okay=False,
                                            help="The receipt JSON file.")],
    public_key: PublicKeyOption = None,
    signing_key_file: SigningKeyOption = None,
) -> None:
    """Check a reporter's receipt: exit status 0 "valid", 1 "not valid"."""
    from tessera.casework.receipts import Receipt, verify_receipt

    document = Receipt.from_json(receipt.read_bytes())
    if verify_receipt(document, _keyring(public_key, signing_key_file)):
        console.print(f"valid: report {document.reference} received {document.issued_at}, "
                      f"content SHA-256 {document.content_sha256}", highlight=False)
        return
    console.print(f"not valid: {receipt} was not signed by key {document.key_id} as it stands "
                  "(altered, or signed by a key that is not this service's)", highlight=False)
    raise typer.Exit(1)


@receipt_app.command("public-key")
def receipt_public_key(signing_key_file: SigningKeyOption = None) -> None:
    """Print the public keys (PEM) anyone can check receipts and the ledger with: the current
    key first, then every key it replaced."""
    print(_keyring(None, signing_key_file).pem_bundle(), end="")


@keys_app.command("rotate")
def keys_rotate(signing_key_file: SigningKeyOption = None) -> None:
    """Replace the signing key with a new one, keeping the old public key so that receipts
    and signed heads it signed still verify; restart the service afterwards."""
    from tessera.casework.signing import rotate_signing_key

    path = load_settings(signing_key_file=signing_key_file).signing_key_file
    old, new = rotate_signing_key(path)
    console.print(f"Signing key rotated: {old} retired (kept in the keyring), {new} signs from "
                  "now. Restart 'tessera serve', and publish the keys again ('tessera receipt "
                  "public-key').", highlight=False)


@app.command("export-casework")
def export_casework(
    out: Annotated[Path, typer.Option(help="Folder to write `casework/AGENCY/*.csv` to.")],
    casework_url: CaseworkOption = None,
) -> None:
    """Write reports and decisions as core-dataset extracts for 'tessera ingest'.

    Needs the casework store. Writes one folder per local authority; reports still in the
    national queue are held back until routed. The export is logged as a read.
    """
    from tessera.casework.export import export_casework as export

    with _casework_session(casework_url, signing=True) as session:
        summary = export(session, out)
    console.print(f"Exported {summary.reports:,} reports for {summary.agencies:,} local "
                  f"authorities to {summary.folder}; {summary.held_back:,} in the national "
                  "queue held back until routed. Load with: tessera ingest "
                  f"{summary.folder}", highlight=False)


# Commands of the later products live in their own modules of this package, each registering
# itself on `app` with the shared options and console above; importing them here (last, once
# `app` exists) is what adds them to `tessera`.
from tessera.cli import commands as _commands  # noqa: E402, F401
