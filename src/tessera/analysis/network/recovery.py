"""How well the communities recover the generator's true networks: the adjusted Rand index.

Why here and not in the benchmark alone: the tests check the figure on a small warehouse and the
benchmark at scale, and both must compute it the same way. Only the generator's ground truth
can say which network an offender belongs to, so this reads `identity.offence` (crime
references) to join it; it is a measure of the method on synthetic data, never run on real
extracts.
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from math import comb
from pathlib import Path

from pyarrow import csv as pa_csv

from tessera.analysis.network.communities import Community, community_of_vertices
from tessera.analysis.network.graph import NetworkGraph
from tessera.analysis.network.queries import NETWORK_SQL
from tessera.warehouse.engine import Engine

TRUTH = "network_truth"
"""The name the ground truth's offences are registered under for `true_network.sql`."""
PERSONS = "persons_truth"
"""The name the ground truth's people are registered under for `decoys_reported`."""


@dataclass(frozen=True)
class Recovery:
    """The adjusted Rand index over the perpetrators of true networks, and the share of true
    networks whose perpetrators all fall in one community (recovered whole)."""

    perpetrators: int
    networks: int
    adjusted_rand_index: float
    recovered_whole: float


def adjusted_rand_index(truth: Sequence[str], found: Sequence[str]) -> float:
    """Hubert and Arabie's adjusted Rand index of two labellings of the same items (1 when
    they agree exactly, about 0 when no better than chance)."""
    pairs = Counter(zip(truth, found, strict=True))
    together = sum(comb(n, 2) for n in pairs.values())
    in_truth = sum(comb(n, 2) for n in Counter(truth).values())
    in_found = sum(comb(n, 2) for n in Counter(found).values())
    expected = in_truth * in_found / comb(len(truth), 2) if len(truth) > 1 else 0.0
    most = (in_truth + in_found) / 2
    if most == expected:
        return 1.0
    return (together - expected) / (most - expected)


def recovery(engine: Engine, network: NetworkGraph, membership: Mapping[int, str],
             truth_offences: Path) -> Recovery:
    """Score a partition of the graph's vertices (`membership`: vertex -> community label,
    as `community_of_vertices` gives, or a peer's) against ground_truth/offences.csv of the
    generator run the warehouse holds."""
    engine.register(TRUTH, pa_csv.read_csv(truth_offences))
    try:
        rows = engine.rows(NETWORK_SQL.sql("true_network"))
    finally:
        engine.unregister(TRUTH)
    scored = [(r["network_id"], membership[network.index[r["node"]]]) for r in rows
              if r["node"] in network.index]
    truth = [t for t, _ in scored]
    by_network: dict[str, set[str]] = {}
    for t, c in scored:
        by_network.setdefault(t, set()).add(c)
    whole = sum(1 for cs in by_network.values() if len(cs) == 1)
    return Recovery(perpetrators=len(scored), networks=len(by_network),
                    adjusted_rand_index=adjusted_rand_index(truth, [c for _, c in scored]),
                    recovered_whole=whole / len(by_network) if by_network else 1.0)


def decoys_reported(engine: Engine, network: NetworkGraph, found: Sequence[Community],
                    ground_truth: Path) -> tuple[int, int]:
    """How many of the generator's decoy groups (ground_truth/decoys.csv: people who share an
    address or a phone innocently) are reported as a group: all their people in one community
    that `is_group`; and how many decoy groups there are. Joins the truth's people to graph
    nodes through `identity.person_record` (synthetic data only)."""
    engine.register(PERSONS, pa_csv.read_csv(ground_truth / "persons.csv"))
    try:
        rows = engine.rows(
            f"SELECT t.true_person_id, 'N-' || coalesce(l.linked_id, i.record_key) AS node "
            f"FROM {PERSONS} AS t JOIN identity.person_record AS i "
            "ON i.agency_code = t.agency_code AND i.source_record_id = t.source_record_id "
            "LEFT JOIN analysis.person_link AS l ON l.record_key = i.record_key")
    finally:
        engine.unregister(PERSONS)
    nodes: dict[str, set[str]] = {}
    for row in rows:
        nodes.setdefault(row["true_person_id"], set()).add(row["node"])
    groups: dict[str, set[str]] = {}
    with (ground_truth / "decoys.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            groups.setdefault(row["decoy_id"], set()).update(nodes.get(row["true_person_id"],
                                                                        set()))
    where = community_of_vertices(list(found))
    by_id = {c.community_id: c for c in found}
    reported = 0
    for members in groups.values():
        placed = {where[network.index[n]] for n in members if n in network.index}
        if len(placed) == 1 and by_id[placed.pop()].is_group:
            reported += 1
    return reported, len(groups)
