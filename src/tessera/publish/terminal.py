"""Runs in the terminal: Rich tables for `tessera audit`, its `--explain` walk-through,
`tessera link` and `tessera quality`.

Why shorter than the report: a terminal is for checking a run, so identifier columns and the
19-category ethnicity rows are left out here (they are in the CSVs and the HTML report).
"""

from __future__ import annotations

from dataclasses import replace

from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from tessera.analysis.audit import AuditResult, ExplainedOffence, OffenceExplanation
from tessera.analysis.audit.tables import DIMENSION_LABELS
from tessera.analysis.network import NetworkResult
from tessera.analysis.quality import QualityResult
from tessera.analysis.results import StatTable
from tessera.linkage.service import LinkRun
from tessera.publish.cells import format_cell, is_numeric

HIDDEN_KEYS = frozenset({"category_code", "force_code", "outcome_group_code",
                         "nationality_code"})
HIDDEN_KINDS = frozenset({"interval_low", "interval_high"})
"""Identifier and interval columns: useful in CSV, noise in a terminal."""

TERMINAL_COLUMNS: dict[str, tuple[str, ...]] = {
    "category_by_force": ("force", "csa_offences", "rate", "more_than_one_perpetrator",
                          "group_based_cse", "online"),
    "agency_scores": ("agency", "score", "trend", "completeness", "linked"),
    "consistency_flags": ("agency_code", "measure", "what", "earlier", "now", "z"),
    "ethnicity_basis": ("party", "people", "known_share", "self_defined_at_end_share"),
    "communities": ("community_id", "people", "perpetrators", "tied_perpetrators", "victims",
                    "offences"),
    "key_people": ("community_id", "person", "role", "degree", "betweenness"),
    **{profile: ("characteristic", "category", "people", "share_of_known", "rate")
       for profile in ("victim_profile", "offender_profile")},
}
"""Tables too wide for a terminal, and the keys of the columns shown of them."""

GROUP_COLUMN = "offence_group"

HIDDEN_ROWS = {("victim_profile", DIMENSION_LABELS["ethnicity"]),
               ("offender_profile", DIMENSION_LABELS["ethnicity"])}
"""(table, characteristic) rows left to the CSV and the report."""


def render_audit_tables(result: AuditResult) -> list[Table]:
    """Rich tables of the audit, in report order, each with its notes as the caption.

    A table with an offence group column is shown as one table per group, without that
    column, so it fits a terminal.
    """
    rendered: list[Table] = []
    for name, table in result.tables.items():
        rendered.extend(audit_table(name, part) for part in split_by_group(table))
    return rendered


def split_by_group(table: StatTable) -> list[StatTable]:
    """`table` as one table per offence group (notes naming a group go with it)."""
    if GROUP_COLUMN not in (column.key for column in table.columns):
        return [table]
    index = table.index(GROUP_COLUMN)
    groups = list(dict.fromkeys(row[index] for row in table.rows))
    named = [n for n in table.notes if any(f"({g})" in n for g in groups)]
    parts = []
    for position, group in enumerate(groups):
        notes = [n for n in named if f"({group})" in n]
        if position == len(groups) - 1:
            notes += [n for n in table.notes if n not in named]
        parts.append(replace(
            table, title=f"{table.title}: {group}",
            columns=table.columns[:index] + table.columns[index + 1:],
            rows=tuple(row[:index] + row[index + 1:] for row in table.rows
                       if row[index] == group),
            totals=frozenset(key[1:] for key in table.totals if key[0] == group),
            notes=tuple(notes)))
    return parts


def audit_table(name: str, table: StatTable) -> Table:
    """One audit table for the terminal, numbers right-aligned."""
    wanted = TERMINAL_COLUMNS.get(name)
    shown = [i for i, column in enumerate(table.columns)
             if column.key not in HIDDEN_KEYS and column.kind not in HIDDEN_KINDS
             and (wanted is None or column.key in wanted)]
    keys = [column.key for column in table.columns]
    rows = [row for row in table.rows
            if not ("characteristic" in keys
                    and (name, row[keys.index("characteristic")]) in HIDDEN_ROWS)]
    caption = [table.description, *table.notes]
    if len(rows) < len(table.rows):
        caption.append("The 19 ethnic group categories are in the CSV and the HTML report.")
    if wanted is not None:
        caption.append("All columns are in the CSV and the HTML report.")
    rich_table = Table(title=table.title, caption="\n".join(caption), caption_justify="left",
                       title_justify="left", header_style="bold")
    for index in shown:
        column = table.columns[index]
        values = [row[index] for row in rows]
        # Wide enough for the longest word or number, so text wraps between words only.
        if is_numeric(column, values):
            widest = max((len(format_cell(v, column)) for v in values), default=1)
            rich_table.add_column(column.label, justify="right", min_width=widest)
        else:
            words = [w for v in [column.label, *values] if isinstance(v, str)
                     for w in v.split()]
            rich_table.add_column(column.label,
                                  min_width=min(max(map(len, words), default=1), 14))
    for row in rows:
        # Text, not markup: Rich would read a symbol such as [c] as a style tag and drop it.
        rich_table.add_row(*(Text(format_cell(row[i], table.columns[i])) for i in shown),
                           style="bold" if table.is_total(row) else None)
    return rich_table


def render_explanation(explanation: OffenceExplanation) -> list[RenderableType]:
    """For each offence with the crime reference: its facts, each rule in order, the result."""
    renderables: list[RenderableType] = []
    for offence in explanation.offences:
        facts = Table.grid(padding=(0, 2))
        facts.add_column(style="bold")
        facts.add_column()
        for name, value in offence.facts:
            facts.add_row(name, value)
        rules = Table(header_style="bold", expand=True)
        rules.add_column("Rule")
        rules.add_column("Matched", justify="center")
        rules.add_column("What it says", ratio=1)
        for check in offence.checks:
            mark = Text("yes", style="green") if check.matched else Text("no", style="dim")
            label = Text(check.rule, style="bold reverse" if check.decided else "")
            rules.add_row(label, mark, check.text)
        verdict = (f"Category: {offence.category_label}"
                   + (" (also online)" if offence.online else "")
                   + ("" if offence.counted else "; not counted in the audit"))
        renderables.append(Panel(
            Group(facts, Text(""), rules, Text(""), Text(verdict, style="bold"), Text(""),
                  _network_explanation(offence)),
            title=f"{explanation.crime_ref} — {offence.force_label} ({offence.agency_code})",
            title_align="left"))
    return renderables


def _network_explanation(offence: ExplainedOffence) -> RenderableType:
    """The associations that place the offence in the network count, or why none does."""
    if not offence.network:
        return Text("Group-based through the network: no (no association found). "
                    + offence.network_rule)
    table = Table(title="Group-based through the network: yes, by these associations",
                  title_justify="left", caption=offence.network_rule, caption_justify="left")
    for name in ("Kind", "Perpetrator", "Other perpetrator", "Date", "Source", "Shared"):
        table.add_column(name)
    for a in offence.network:
        table.add_row(a.kind, a.person_key, a.other_person_key,
                      "" if a.seen_on is None else a.seen_on.isoformat(), a.source, a.via)
    return table


def render_linkage(run: LinkRun) -> list[Table]:
    """What a linkage run did and, with a ground truth, how good it is."""
    summary = Table(title=f"Linkage run {run.run_id} (threshold {run.threshold})",
                    title_justify="left", show_header=False)
    summary.add_column("what")
    summary.add_column("how many", justify="right")
    for label, value in (("person records", run.records), ("people", run.people),
                         ("children (child_id)", run.children),
                         ("suspects and offenders (person_id)", run.persons),
                         ("ids kept from the last run", run.kept), ("new ids", run.new),
                         ("merges", run.merged), ("splits", run.split)):
        summary.add_row(label, f"{value:,}")
    tables = [summary]
    if run.quality is not None:
        quality = Table(title="Against the ground truth", title_justify="left")
        for column in ("level", "precision", "recall", "F1"):
            quality.add_column(column, justify="left" if column == "level" else "right")
        for name, scores in (("record pairs", run.quality.pairs),
                             ("people (exact clusters)", run.quality.clusters),
                             ("record pairs of children", run.quality.child_pairs)):
            quality.add_row(name, f"{scores.precision:.4f}", f"{scores.recall:.4f}",
                            f"{scores.f1:.4f}")
        tables.append(quality)
    return tables


def render_quality(result: QualityResult, *, lowest: int | None = None) -> list[Table]:
    """The agencies' scores and the latest falls beyond chance.

    With `lowest`, only that many agencies, lowest score first (the demo's short view);
    otherwise every agency, in code order as in the report.
    """
    scores = result.tables["agency_scores"]
    if lowest is not None:
        index = scores.index("score")
        ranked = sorted(scores.rows, key=lambda row: _number_or_inf(row[index]))
        scores = replace(scores, title=f"{scores.title}: the {lowest} lowest",
                         rows=tuple(ranked[:lowest]))
    tables = [audit_table("agency_scores", scores)]
    flags = result.tables["consistency_flags"]
    if flags.rows:
        tables.append(audit_table("consistency_flags", flags))
    return tables


def _number_or_inf(value: object) -> float:
    """A score to sort by; an agency without one sorts last."""
    return float(value) if isinstance(value, int | float) else float("inf")


NETWORK_ROWS = 20
"""Communities printed by `tessera network` (the largest); the CSV and report have all."""


def render_network(result: NetworkResult) -> list[Table]:
    """The largest communities and the key people of those printed; for one community, also
    how each offence's perpetrators were in contact before it."""
    communities = result.tables["communities"]
    shown = communities.rows[:NETWORK_ROWS]
    ids = {row[0] for row in shown}
    people = result.tables["key_people"]
    if len(shown) < len(communities.rows):
        communities = replace(communities, rows=shown, title=(
            f"{communities.title}: the {NETWORK_ROWS} largest of {len(communities.rows):,}"))
    people = replace(people, rows=tuple(r for r in people.rows if r[0] in ids))
    tables = [audit_table("communities", communities), audit_table("key_people", people)]
    if "contacts" in result.tables:
        tables.append(audit_table("contacts", result.tables["contacts"]))
    return tables
