"""Offences and places around the network, for the graph analysts take into their own tools.

Why beside the graph, not in it: the graph the communities and key people are found in ties
people through what they share (`graph.py`). An offence is already there as the edges between
its victim and perpetrators, so an offence node would count it twice; and a place (an LSOA, the
neighbourhood an offence happened in) is shared by strangers, so as a node it would join
unrelated people into one group and sit on every shortest path. An analyst charting a group
still wants to see each offence as an item, its parties and where it happened; so exports add
offence and place nodes, joined by edges of strength 0, to a copy of the graph, each offence in
the community of its perpetrators (else of its victims) and a place in none.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

import igraph as ig
import pyarrow as pa

from tessera.analysis.network.graph import NetworkGraph
from tessera.analysis.network.queries import NETWORK_SQL
from tessera.warehouse.engine import Engine
from tessera.warehouse.identity import OFFENCE_PREFIX

PLACE_PREFIX = "L-"
"""Node ids of places start so (`L-<2021 LSOA code>`)."""
OFFENCE_ATTRIBUTES = ("offence_date", "ho_offence_code", "setting", "location_type", "lsoa",
                      "outcome_type")
"""What an offence node carries (a place node carries its `lsoa` only)."""
PLACE_EDGE = "occurred_in"


@dataclass(frozen=True)
class OffenceContext:
    """The parties of offences whose people are in the graph (one row per party: offence key,
    person node, role, whether a perpetrator, and the offence's attributes)."""

    parties: pa.Table


def offence_context(engine: Engine, network: NetworkGraph) -> OffenceContext:
    """The offences around `network`'s people, from the warehouse's analysis zone."""
    table = engine.arrow(NETWORK_SQL.sql("context"))
    keep = pa.array([node in network.index for node in table["node"].to_pylist()],
                    type=pa.bool_())
    return OffenceContext(table.filter(keep))


def with_context(network: NetworkGraph, context: OffenceContext,
                 community_ids: Mapping[int, str]) -> tuple[ig.Graph, dict[int, str]]:
    """A copy of the graph with a node per offence and per place, a party edge (its kind the
    party's role) from each person to each offence and an `occurred_in` edge from an offence
    to its place, all of strength 0; and every vertex's community id (offences in their
    perpetrators' community, else their victims'; places in none)."""
    graph = network.graph.copy()
    rows = context.parties.to_pylist()
    offences: dict[str, dict[str, object]] = {}
    members: dict[str, Counter[tuple[bool, str]]] = {}
    for row in rows:
        offences.setdefault(str(row["offence_key"]), row)
        community = community_ids.get(network.index[row["node"]])
        if community:
            members.setdefault(str(row["offence_key"]), Counter())[
                (bool(row["perpetrator"]), community)] += 1
    places = sorted({str(o["lsoa"]) for o in offences.values() if o["lsoa"]})
    first = graph.vcount()
    new_ids = [OFFENCE_PREFIX + key for key in offences] + [PLACE_PREFIX + p for p in places]
    graph.add_vertices(len(new_ids), {
        "node_id": new_ids,
        "kind": ["offence"] * len(offences) + ["place"] * len(places),
        **{name: [offence[name] for offence in offences.values()] + [None] * len(places)
           for name in OFFENCE_ATTRIBUTES if name != "lsoa"},
        "lsoa": [o["lsoa"] for o in offences.values()] + places,
        "victim": [False] * len(new_ids), "perpetrator": [False] * len(new_ids),
        "charged": [False] * len(new_ids)})
    at = {node_id: first + i for i, node_id in enumerate(new_ids)}
    edges = [(network.index[row["node"]], at[OFFENCE_PREFIX + str(row["offence_key"])], row)
             for row in rows]
    edges += [(at[OFFENCE_PREFIX + key], at[PLACE_PREFIX + str(o["lsoa"])],
               {**o, "role": PLACE_EDGE}) for key, o in offences.items() if o["lsoa"]]
    graph.add_edges([(a, b) for a, b, _ in edges], {
        "kind": [str(row["role"]) for _, _, row in edges],
        "first_seen": [row["offence_date"] for _, _, row in edges],
        "last_seen": [row["offence_date"] for _, _, row in edges],
        "agency_code": [row["force_code"] for _, _, row in edges],
        "source": ["crime_record"] * len(edges),
        "grading": [None] * len(edges),
        "offence_key": [row["offence_key"] for _, _, row in edges],
        "force_code": [row["force_code"] for _, _, row in edges],
        "strength": [0.0] * len(edges)})
    ids = dict(community_ids)
    for key, counted in members.items():
        ids[at[OFFENCE_PREFIX + key]] = max(counted, key=lambda c: (c[0], counted[c], c[1]))[1]
    return graph, ids
