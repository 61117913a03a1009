"""The national audit (measure M5): run every table over the warehouse and pick the headlines.

Why a service: the CLI and, later, the web app call `run_audit` and render what it returns;
neither knows which queries exist or how figures are shaped.
"""

from __future__ import annotations

from tessera.analysis.audit.ethnicity import ethnicity_basis_table
from tessera.analysis.audit.perpetrators import perpetrators_table
from tessera.analysis.audit.rates import share
from tessera.analysis.audit.rejections import rejected_related_table, rejected_rows_table
from tessera.analysis.audit.results import AuditResult, Headline
from tessera.analysis.audit.tables import (
    category_by_force_table,
    children_table,
    completeness_by_stage_table,
    data_completeness_table,
    nationality_table,
    network_group_table,
    offence_categories_table,
    outcomes_table,
    profile_table,
)
from tessera.analysis.results import CellRef, StatTable
from tessera.analysis.sql import require_tables
from tessera.warehouse.engine import Engine

REQUIRED_TABLES: tuple[tuple[str, str], ...] = (
    ("analysis", "offence"), ("analysis", "offence_party"), ("analysis", "party_demographics"),
    ("analysis", "person_record"), ("reference", "offence_codes"), ("reference", "party_role"),
    ("reference", "police_forces"), ("reference", "age_bands"), ("reference", "sex"),
    ("reference", "ethnicity"), ("reference", "capture_stage"), ("reference", "outcome_types"),
    ("reference", "nationality"), ("ops", "deliveries"), ("ops", "rejected_references"),
    ("analysis", "association"), ("analysis", "person_link"),
)
"""Warehouse tables the audit reads; a missing one means nothing has been loaded yet."""

HEADLINE_CATEGORIES: tuple[str, ...] = (
    "csa_offences", "intra_familial_any", "institutional_any", "more_than_one_perpetrator",
    "intra_familial", "institutional", "group_based_cse", "online",
)
"""The headline figures in order: all CSA within the family and in an institution come before
the categories that need more than one perpetrator, so neither is read as the other."""
SUB_CATEGORIES = frozenset({"intra_familial", "institutional", "group_based_cse"})


def run_audit(engine: Engine) -> AuditResult:
    """Run the national audit over the warehouse behind `engine`.

    Returns every table, in report order: offence categories, by force, group-based CSE by
    flag and through the network, victim and offender
    profiles, ethnicity completeness by stage and what the ethnicity figures rest on,
    outcomes, nationality, victims as children (by child_id), perpetrators as people (by
    person_id), field completeness, and the input rows rejected with the offences per
    category that lost a related row to rejection.
    Raises `AnalysisError` when the warehouse has not been loaded.
    """
    require_warehouse(engine)
    runs = linkage_runs(engine)
    categories = offence_categories_table(engine)
    tables = {
        "offence_categories": categories,
        "category_by_force": category_by_force_table(engine),
        "network_group": network_group_table(engine),
        "victim_profile": profile_table(engine, "victim"),
        "offender_profile": profile_table(engine, "perpetrator"),
        "completeness_by_stage": completeness_by_stage_table(engine),
        "ethnicity_basis": ethnicity_basis_table(engine),
        "outcomes": outcomes_table(engine),
        "nationality": nationality_table(engine),
        "children": children_table(engine, runs),
        "perpetrators": perpetrators_table(engine, runs),
        "data_completeness": data_completeness_table(engine),
        "rejected_rows": rejected_rows_table(engine),
        "rejected_related": rejected_related_table(engine, categories),
    }
    return AuditResult(tables=tables, headlines=headlines(
        categories, tables["children"], tables["perpetrators"], runs > 0))


def linkage_runs(engine: Engine) -> int:
    """How many times `tessera link` has run on this warehouse (0: children not joined)."""
    if not engine.table_exists("ops", "linkage_runs"):
        return 0
    return int(engine.scalar("SELECT count(*) FROM ops.linkage_runs"))


def require_warehouse(engine: Engine) -> None:
    """Fail with a clear message if a table the audit reads is missing."""
    require_tables(engine, REQUIRED_TABLES)


def headlines(categories: StatTable, children: StatTable, perpetrators: StatTable,
              linked: bool) -> tuple[Headline, ...]:
    """The figures the report opens with: the national categories, then people.

    The sub-categories are given as a share of offences with more than one perpetrator, the
    way the published taskforce figures are quoted, and their labels say so; the others
    (all CSA within the family or in an institution among them) as a share of CSA offences.
    Perpetrators are given as named people, with the records of unidentified suspects beside
    them, so a record is never read as a person; `linked` says whether people were counted
    by person_id ('tessera link' has run) or one per record.
    """
    keys = {key[0]: key for key in (categories.row_key(row) for row in categories.rows)}
    counts = {str(code): value if isinstance(value, int) else 0 for code, value in
              zip(categories.column("category_code"), categories.column("offences"),
                  strict=True)}
    labels = dict(zip(categories.column("category_code"), categories.column("category"),
                      strict=True))

    def cell(code: str) -> CellRef:
        return categories.cell(keys[code], "offences")

    multiple = "offences with more than one perpetrator", "more_than_one_perpetrator"
    csa = "CSA offences", "csa_offences"
    result = [Headline(label=str(labels["csa_offences"]), value=counts["csa_offences"],
                       detail="recorded child sexual abuse offences",
                       sources=(cell("csa_offences"),))]
    for code in HEADLINE_CATEGORIES[1:]:
        base_label, base = multiple if code in SUB_CATEGORIES else csa
        percent = share(counts[code], counts[base])
        detail = (f"{percent}% of {counts[base]:,} {base_label}" if percent is not None
                  else f"no {base_label}")
        result.append(Headline(label=str(labels[code]), value=counts[code], detail=detail,
                               sources=(cell(code), cell(base))))
    victims, victims_key = children.records()[0], children.row_key(children.rows[0])
    if victims["children"]:
        result.append(Headline(
            label="Children who were victims", value=int(str(victims["children"])),
            detail=f"one child_id each, from {victims['victim_records']:,} victim records",
            sources=(children.cell(victims_key, "children"),
                     children.cell(victims_key, "victim_records"))))
    named, named_key = perpetrators.records()[0], perpetrators.row_key(perpetrators.rows[0])
    result.append(Headline(
        label="Named perpetrators", value=int(str(named["people"])),
        detail=(f"{'one person_id each' if linked else 'one per record until linked'}; "
                f"besides them, {named['unidentified_records']:,} records of unidentified "
                "suspects"),
        sources=tuple(perpetrators.cell(named_key, column)
                      for column in ("people", "unidentified_records"))))
    return tuple(result)
