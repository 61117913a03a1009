"""The tracker's indicators that only the warehouse can give, as typed tables for disclosure.

Why here and not in the web app: the warehouse is a DuckDB file the app must not hold open, so
`tessera tracker publish` computes these once, the publish layer protects them, and the
casework store keeps the published snapshot the tracker page reads.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from datetime import date

from tessera.analysis.audit.queries import AUDIT_SQL
from tessera.analysis.audit.rates import share
from tessera.analysis.audit.rules import PARTY_LABELS
from tessera.analysis.profile.currency import SEEN_NOTE, ProfileCurrency, profile_currency
from tessera.analysis.quality.service import run_quality
from tessera.analysis.results import Cell, Column, StatTable
from tessera.analysis.sql import NamedSql, require_tables
from tessera.errors import NothingToScoreError
from tessera.warehouse.engine import Engine

READS: dict[str, tuple[str, ...]] = {
    "ethnicity_end_by_force": ("offence_category", "party_statement"),
}
"""The tracker's SQL files and the audit's steps each reads."""

TRACKER_SQL = NamedSql(__package__, READS, uses=(AUDIT_SQL,))

FORCE = Column("force", "Police force", "dimension")


def warehouse_indicators(engine: Engine) -> dict[str, StatTable]:
    """Every warehouse indicator the tracker shows, by indicator code (indicators.csv).

    The core dataset's is left out, with no error, when nothing has been profiled yet: the
    tracker then shows that slot as not published.
    """
    require_tables(engine, [("analysis", "offence_party"), ("analysis", "party_demographics")])
    tables = {"ethnicity_recording": ethnicity_end_by_force_table(engine)}
    with contextlib.suppress(NothingToScoreError):
        tables["core_dataset"] = core_dataset_table(engine)
    if engine.table_exists("ops", "profile_releases"):
        tables["problem_profiles"] = profile_currency_table(profile_currency(engine,
                                                                             date.today()))
    return tables


def ethnicity_end_by_force_table(engine: Engine) -> StatTable:
    """Casey recommendation 4: known ethnicity at the end of the investigation, by force."""
    rows: tuple[tuple[Cell, ...], ...] = tuple(
        (r["force_label"], PARTY_LABELS[r["party"]], int(r["statements"]), int(r["known"]),
         int(r["statements"]) - int(r["known"]), share(int(r["known"]), int(r["statements"])))
        for r in engine.rows(TRACKER_SQL.sql("ethnicity_end_by_force")))
    return StatTable(
        name="ethnicity_recording",
        title="Ethnicity recorded at the end of the investigation, by force",
        description="Demographic statements about the victims and perpetrators of each force's "
                    "CSA offences taken at the end of the investigation, and the share giving a "
                    "known ONS 2021 ethnic group.",
        columns=(FORCE, Column("party", "Party", "dimension"),
                 Column("statements", "Statements", "count"),
                 Column("known", "Known ethnicity", "count"),
                 Column("not_known", "Not known or not stated", "count"),
                 Column("known_share", "Known (%)", "share", of="known", per="statements")),
        rows=rows,
        notes=("Measure M4 of the core dataset; the audit's table 'Ethnicity completeness by "
               "investigation stage' gives every stage nationally.",))


def core_dataset_table(engine: Engine) -> StatTable:
    """IICSA recommendation 1: the agencies supplying the core dataset and their quality score."""
    agencies = run_quality(engine).agencies
    rows: tuple[tuple[Cell, ...], ...] = tuple(
        (a.agency_label, len(a.deliveries), None if a.score is None else round(a.score, 1))
        for a in agencies)
    return StatTable(
        name="core_dataset",
        title="Agencies supplying the core dataset, and their data quality score",
        description="Each agency that has delivered data, the number of its deliveries, and "
                    "the overall quality score (out of 100) of its latest one.",
        columns=(Column("agency", "Agency", "dimension"),
                 Column("deliveries", "Deliveries", "count", protected=False),
                 Column("score", "Quality score (out of 100)", "figure", decimals=1)),
        rows=rows,
        notes=("docs/quality.md explains the score.",))


def profile_currency_table(forces: Sequence[ProfileCurrency]) -> StatTable:
    """HMICFRS 2023 recommendation 2: how current each force's problem profile is, from the
    profiles `tessera profile` has published (dates only: nothing to protect)."""
    rows: tuple[tuple[Cell, ...], ...] = tuple(
        (f.force_label, f.published_text, f.period, None if f.days is None else f.days // 30,
         f.current_text)
        for f in forces)
    return StatTable(
        name="problem_profiles",
        title="Problem profiles of group-based child sexual exploitation, by force",
        description="When each force's latest problem profile was published by Tessera, the "
                    "period it covers, and whether it is current (published within a year).",
        columns=(FORCE, Column("published", "Latest profile published", "dimension"),
                 Column("period", "Period covered", "dimension"),
                 Column("months", "Months since", "figure", protected=False, decimals=0),
                 Column("current", "Current (within a year)", "dimension")),
        rows=rows,
        notes=(SEEN_NOTE,))
