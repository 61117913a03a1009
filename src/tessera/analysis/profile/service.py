"""Problem profiles of group-based child sexual exploitation (HMICFRS 2023 recommendation 2):
run every query once for all forces and shape each force's sections.

Why one pass for all forces: `tessera profile --all` writes 44 profiles and the national one;
each query groups by force (and 'national'), so the cost is that of one profile, not 45. The
network communities are found once too (`analysis.network`), as the audit's network count is
read from its step, so neither is derived again here.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from tessera.analysis.audit.rules import network_params
from tessera.analysis.audit.service import REQUIRED_TABLES as AUDIT_TABLES
from tessera.analysis.network import Community, build_graph, communities
from tessera.analysis.profile.area import (
    area_agencies_table,
    cross_border_table,
    networks_table,
)
from tessera.analysis.profile.queries import profile_sql
from tessera.analysis.profile.results import NATIONAL, Period, Profile, Section
from tessera.analysis.profile.tables import (
    banded_table,
    definitions_table,
    ethnicity_stage_table,
    field_completeness_table,
    label,
    measures_table,
    nature_table,
    not_held_table,
    people_table,
    timeliness_table,
    trend_table,
)
from tessera.analysis.quality import QualityResult, run_quality
from tessera.analysis.results import StatTable
from tessera.analysis.sql import require_tables
from tessera.dataset.codelists import codelist
from tessera.errors import AnalysisError, NothingToScoreError
from tessera.warehouse.engine import Engine

REQUIRED_TABLES: tuple[tuple[str, str], ...] = (
    *AUDIT_TABLES, ("analysis", "referral"), ("analysis", "contact"),
    ("reference", "local_authorities"), ("reference", "outcome_types"),
)
"""Warehouse tables the profile reads; a missing one means nothing has been loaded yet."""

QUERIES: tuple[str, ...] = ("definitions", "trend", "nature", "people", "ethnicity_stage",
                            "co_offending", "partner", "outcomes", "gaps",
                            "field_completeness")

SECTIONS: tuple[Section, ...] = (
    Section("definitions", "1. Definitions and how cases were found",
            "The definition used and what each way of finding group-based CSE finds.",
            ("definitions",)),
    Section("scale", "2. Scale and trend",
            "Recorded CSA and group-based CSE offences month by month, with England and Wales "
            "beside them.", ("trend",)),
    Section("nature", "3. Nature",
            "Places and settings, familial against non-familial, peer-on-peer and online.",
            ("nature",)),
    Section("victims", "4. Victims",
            "Who the victims are, with the completeness of each characteristic; missing "
            "episodes and what agencies knew are in the partner data.", ("victim_profile",)),
    Section("offenders", "5. Suspects and offenders",
            "Who the perpetrators are, how complete ethnicity and nationality are by stage and "
            "source, and how often they offend together.",
            ("perpetrator_profile", "ethnicity_stage", "co_offending")),
    Section("partners", "6. Partner data",
            "What children's social care, health and education knew of the same children "
            "(by child_id).", ("partner",)),
    Section("outcomes", "7. Outcomes and timeliness",
            "Home Office outcome groups and the days to outcome and to charge.",
            ("outcomes", "timeliness")),
    Section("networks", "8. Networks and cross-border links",
            "Communities of the network graph active in the area and the forces they reach.",
            ("networks", "cross_border")),
    Section("gaps", "9. Intelligence gaps",
            "Fields and agencies with poor completeness, places with offences but no "
            "intelligence, children known for exploitation with no police record, and what "
            "the warehouse does not hold.",
            ("gaps", "field_completeness", "area_agencies", "not_held")),
)
"""The sections in checklist order (point 10, recommendations, is for the force to write)."""


def default_period(engine: Engine) -> Period:
    """The span of recorded dates of the warehouse's offences; `AnalysisError` if none."""
    (span,) = engine.rows("SELECT min(recorded_date) AS first, max(recorded_date) AS last "
                          "FROM analysis.offence")
    if span["first"] is None:
        raise AnalysisError("the warehouse has no offences; run 'tessera ingest' first")
    return Period(span["first"], span["last"])


def force_codes() -> dict[str, str]:
    """Every police force's code and name, in code-list order."""
    return {str(code): str(name) for code, name in
            codelist("police_forces").column("label").items()}


def run_profiles(engine: Engine, forces: Sequence[str], period: Period | None = None
                 ) -> list[Profile]:
    """The problem profiles of `forces` (force codes, or `NATIONAL`) over `period` (default:
    every recorded date in the warehouse).

    Raises `AnalysisError` for an unknown force, a period that ends before it starts or a
    warehouse that has not been loaded.
    """
    known = {**force_codes(), NATIONAL: "England and Wales"}
    unknown = [code for code in forces if code not in known]
    if unknown:
        raise AnalysisError(f"no police force {unknown[0]!r}: use a code from "
                            "'tessera dataset describe' (police_forces), e.g. west-yorkshire")
    require_tables(engine, REQUIRED_TABLES)
    period = period or default_period(engine)
    if period.end < period.start:
        raise AnalysisError(f"--to {period.end} is before --from {period.start}")
    params: dict[str, Any] = {"date_from": period.start, "date_to": period.end,
                              **network_params()}
    by_force: dict[str, dict[str, list[dict[str, Any]]]] = defaultdict(
        lambda: defaultdict(list))
    for name in QUERIES:
        sql = profile_sql(name)
        for row in engine.rows(sql, {k: v for k, v in params.items() if f"${k}" in sql}):
            by_force[row["force_code"]][name].append(row)
    found = _communities(engine)
    quality = _quality(engine)
    national_trend = by_force[NATIONAL]["trend"]
    return [_profile(code, known[code], period, by_force[code], national_trend, found,
                     quality) for code in forces]


def _communities(engine: Engine) -> list[Community]:
    """Every community of the network graph (none when the warehouse holds no graph)."""
    network = build_graph(engine)
    if network.graph.vcount() == 0:
        return []
    return communities(network)


def _quality(engine: Engine) -> QualityResult | None:
    """Every agency's data quality, or None when no delivery was profiled at ingest."""
    try:
        return run_quality(engine)
    except NothingToScoreError:
        return None


def _one(rows: Sequence[Mapping[str, Any]]) -> Mapping[str, Any] | None:
    return rows[0] if rows else None


def _profile(code: str, name: str, period: Period, rows: Mapping[str, list[dict[str, Any]]],
             national_trend: Sequence[Mapping[str, Any]], found: Sequence[Community],
             quality: QualityResult | None) -> Profile:
    """One force's sections from its rows of every query."""
    outcome_labels = {str(k): str(v) for k, v in
                      codelist("outcome_groups").column("label").items()}
    bands = ("0", "1", "2", "3-4", "5+")
    tables: list[StatTable] = [
        definitions_table(_one(rows["definitions"])),
        trend_table(rows["trend"], national_trend, period),
        nature_table(rows["nature"]),
        people_table(rows["people"], "victim"),
        people_table(rows["people"], "perpetrator"),
        ethnicity_stage_table(rows["ethnicity_stage"]),
        banded_table("co_offending", "Co-offending: perpetrators per offence",
                     "CSA offences by how many perpetrator records they have (unidentified "
                     "suspects included).", rows["co_offending"], "band", bands,
                     {b: label("co_offending", b) for b in bands}),
        measures_table("partner", "Partner data: what other agencies knew of the children",
                       "Child victims of the period's CSA offences (one child_id each) with a "
                       "social care referral of each kind, or a health or education contact, "
                       "at any time.", _one(rows["partner"]),
                       ("victim_records", "unlinked_victims", "children", "referral", "f11a",
                        "f19b", "f19c", "f12a", "f10a", "health", "education",
                        "safeguarding", "known_before"), "children",
                       ("Shares are of children; victim records without a child_id "
                        "(not linked) are left out of every other row.",
                        "Missing episodes are read from assessment factor 10A; looked-after "
                        "status is not held (see the intelligence gaps).")),
        banded_table("outcomes", "Outcomes", "CSA offences by the group of their Home "
                     "Office outcome type; open when none is assigned yet.", rows["outcomes"],
                     "outcome_group", tuple(outcome_labels), outcome_labels),
        timeliness_table(rows["outcomes"]),
        networks_table(code, period, found),
        cross_border_table(code, period, found),
        measures_table("gaps", "Intelligence gaps found in the data",
                       "Places with offences but no intelligence on their perpetrators, and "
                       "children social care knew were exploited who are in no police record.",
                       _one(rows["gaps"]),
                       ("places", "quiet_places", "quiet_offences", "cse_children",
                        "no_police_record"), "places",
                       ("Intelligence: any association (analysis.association) of a "
                        "perpetrator of an offence in the place, whatever its date.",
                        "Children referred for CSE are counted by the local authority's force "
                        "area (none for British Transport Police, which has no local "
                        "authorities); the national row counts every referral.")),
        field_completeness_table(rows["field_completeness"]),
        area_agencies_table(code, quality),
        not_held_table(),
    ]
    return Profile(force_code=code, force_label=name, period=period, sections=SECTIONS,
                   tables={t.name: t for t in tables})


def parse_period(start: date | None, end: date | None, engine: Engine) -> Period:
    """The period of `--from` and `--to`, each defaulting to the warehouse's span."""
    span = default_period(engine)
    return Period(start or span.start, end or span.end)
