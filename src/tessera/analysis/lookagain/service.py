"""The look-again list (M8): eligible closed cases ranked by the new evidence linked to them
since they closed.

Why a service: `tessera look-again` (and later the web app's snapshot) calls
`look_again_warehouse` and renders what it returns; neither knows the queries. The queries
find the eligible cases and every item of evidence (`cases.sql`, `evidence.sql`); here each
case is scored by the weights file and the list ranked.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa

from tessera.analysis.lookagain.queries import lookagain_sql
from tessera.analysis.lookagain.results import Case, Contribution, Evidence, LookAgainResult
from tessera.analysis.lookagain.rules import EligibilityRules
from tessera.analysis.lookagain.weights import FeatureWeight
from tessera.analysis.network import CommunityRef
from tessera.analysis.sql import require_tables
from tessera.dataset.codelists import codelist
from tessera.errors import AnalysisError, ConfigurationError
from tessera.warehouse.engine import Engine

REQUIRED_TABLES: tuple[tuple[str, str], ...] = (
    ("analysis", "offence"), ("analysis", "offence_party"), ("analysis", "person_record"),
    ("analysis", "association"), ("analysis", "referral"), ("analysis", "person_link"),
    ("reference", "outcome_types"), ("reference", "party_role"),
    ("reference", "assessment_factor"), ("reference", "offence_codes"),
)
"""Warehouse tables the list reads; a missing one means nothing has been loaded yet."""
COMMUNITY_TABLE = "lookagain_community"
COMMUNITY_SCHEMA = pa.schema([("person_id", pa.string()), ("community_id", pa.string()),
                              ("size", pa.int64())])


@dataclass(frozen=True)
class Community:
    """What the list needs to know of a person's network community (from the network
    analysis): which community it is and how many people it has."""

    community_id: str
    size: int


def network_communities(refs: Mapping[str, CommunityRef]) -> dict[str, Community]:
    """Each person_id's community from the network analysis (`person_communities` of
    `tessera network`'s graph, same seed), for the `charged_community` feature; the list
    itself checks who in it was charged after the case closed. Taken as an argument so a run
    that has just built the graph (the demo) does not build it again."""
    return {person_id: Community(ref.community_id, ref.people)
            for person_id, ref in refs.items()}


def look_again_warehouse(warehouse: Path, *, rules: EligibilityRules,
                         weights: tuple[FeatureWeight, ...], force: str | None = None,
                         communities: Mapping[str, Community] | None = None,
                         ) -> LookAgainResult:
    """The list from the warehouse file at `warehouse`, opened read-only."""
    if not warehouse.exists():
        raise AnalysisError(f"{warehouse}: no warehouse here yet; run 'tessera ingest' first")
    with Engine.open(warehouse, read_only=True) as engine:
        return run_look_again(engine, rules=rules, weights=weights, force=force,
                              communities=communities)


def run_look_again(engine: Engine, *, rules: EligibilityRules,
                   weights: tuple[FeatureWeight, ...], force: str | None = None,
                   communities: Mapping[str, Community] | None = None) -> LookAgainResult:
    """Rank the eligible closed cases of the warehouse behind `engine`.

    `force` keeps one force's cases (their evidence may come from any force). `communities`
    maps person_id to the person's network community; until the network analysis supplies
    it, the charged-community feature finds nothing. Raises `ConfigurationError` for an
    unknown force and `AnalysisError` when the warehouse has not been loaded.
    """
    require_warehouse(engine)
    if force is not None and force not in codelist("police_forces").codes:
        raise ConfigurationError(f"--force {force}: no such force code; see the police_forces "
                                 "code list ('tessera dataset describe')")
    params: dict[str, Any] = {**rules.params(), "force": force}
    register_communities(engine, communities or {})
    try:
        case_rows = engine.rows(lookagain_sql("cases"), params)
        evidence_rows = engine.rows(lookagain_sql("evidence"), params)
    finally:
        engine.unregister(COMMUNITY_TABLE)
    trails: dict[str, list[Evidence]] = defaultdict(list)
    for row in evidence_rows:
        trails[row["case_key"]].append(Evidence(
            row["feature"], row["evidence_on"], row["agency_code"], row["evidence_key"],
            row["subject_key"], row["detail"]))
    cases = [scored_case(row, tuple(trails[row["case_key"]]), weights) for row in case_rows]
    return LookAgainResult(cases=tuple(sorted(cases, key=rank_order)), rules=rules,
                           weights=weights, force=force, communities_supplied=bool(communities))


def scored_case(row: Mapping[str, Any], evidence: tuple[Evidence, ...],
                weights: tuple[FeatureWeight, ...]) -> Case:
    """One case from its `cases.sql` row and evidence, with each feature's contribution."""
    items = Counter(item.feature for item in evidence)
    return Case(
        case_key=row["case_key"], force_code=row["force_code"],
        ho_offence_code=row["ho_offence_code"], outcome_type=row["outcome_type"],
        outcome_group=row["outcome_group"], closed_on=row["closed_on"],
        group_based=bool(row["group_based"]), suspects=int(row["suspects"]),
        victims=int(row["victims"]),
        contributions=tuple(Contribution(w, items[w.feature]) for w in weights),
        evidence=evidence)


def rank_order(case: Case) -> tuple[float, int, str]:
    """Highest score first; among equal scores, more items of evidence first, then by key
    so the order is the same on every run."""
    return (-case.score, -len(case.evidence), case.case_key)


def register_communities(engine: Engine, communities: Mapping[str, Community]) -> None:
    """Expose the person_id -> community mapping to the SQL as `lookagain_community`."""
    table = pa.table({
        "person_id": list(communities),
        "community_id": [c.community_id for c in communities.values()],
        "size": [c.size for c in communities.values()]}, schema=COMMUNITY_SCHEMA)
    engine.register(COMMUNITY_TABLE, table)


def require_warehouse(engine: Engine) -> None:
    """Fail with a clear message if a table the list reads is missing."""
    require_tables(engine, REQUIRED_TABLES)
