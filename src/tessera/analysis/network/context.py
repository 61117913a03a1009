"""Offences and places around the network, for the graph analysts take into their own tools.

Why beside the graph, not in it: the graph the communities and key people are found in ties
people through what they share (`graph.py`). An offence is already there as the edges between
its victim and perpetrators, so an offence node would count it twice; and a place (an LSOA, the
neighbourhood an offence happened in) is shared by strangers, so as a node it would join
unrelated people into one group and sit on every shortest path. An analyst charting a group
still wants to see each offence as an item, its parties and where it happened; so exports add
offence and place nodes, joined by edges of strength 0, to a copy of the graph (or of one
community), each offence in the community of its first perpetrator (else of its first victim)
and a place in none.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
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


def subgraph(network: NetworkGraph, community_ids: Mapping[int, str],
             only: Collection[int] | None = None
             ) -> tuple[ig.Graph, dict[int, str], dict[int, int] | None]:
    """A copy of the graph, or of its vertices `only` renumbered in ascending order, with the
    community ids of its vertices and (for `only`) each original vertex's new number."""
    if only is None:
        return network.graph.copy(), dict(community_ids), None
    vertices = sorted(only)
    position = {v: i for i, v in enumerate(vertices)}
    return (network.graph.induced_subgraph(vertices),
            {position[v]: c for v, c in community_ids.items() if v in position}, position)


def with_context(network: NetworkGraph, context: OffenceContext,
                 community_ids: Mapping[int, str], only: Collection[int] | None = None
                 ) -> tuple[ig.Graph, dict[int, str]]:
    """A copy of the graph (or of its vertices `only`, renumbered in order) with a node per
    offence and per place of their people, a party edge (its kind the party's role) from
    each person to each offence and an `occurred_in` edge from an offence to its place, all
    of strength 0; and every vertex's community id (an offence in its first perpetrator's
    community, else its first victim's; a place in none).

    Why column by column: at five national years the parties are over a million rows, and
    building a dictionary per row took most of a whole-graph export's time.
    """
    graph, community_ids, position = subgraph(network, community_ids, only)
    parties = context.parties
    at_vertex = [network.index[node] for node in parties["node"].to_pylist()]
    if position is not None:
        kept = [v in position for v in at_vertex]
        parties = parties.filter(pa.array(kept, type=pa.bool_()))
        at_vertex = [position[v] for v, keep in zip(at_vertex, kept, strict=True) if keep]
    keys = parties["offence_key"].to_pylist()
    first = [i for i, key in enumerate(keys) if i == 0 or key != keys[i - 1]]
    offences = parties.take(pa.array(first, type=pa.int64()))
    lsoas = offences["lsoa"].to_pylist()
    places = sorted({p for p in lsoas if p})
    number = graph.vcount()
    offence_at = {key: number + i for i, key in enumerate(offences["offence_key"].to_pylist())}
    place_at = {p: number + len(offence_at) + i for i, p in enumerate(places)}
    graph.add_vertices(len(offence_at) + len(places), {
        "node_id": [OFFENCE_PREFIX + k for k in offence_at] + [PLACE_PREFIX + p for p in places],
        "kind": ["offence"] * len(offence_at) + ["place"] * len(places),
        **{name: offences[name].to_pylist() + [None] * len(places)
           for name in OFFENCE_ATTRIBUTES if name != "lsoa"},
        "lsoa": lsoas + places,
        **{flag: [False] * (len(offence_at) + len(places))
           for flag in ("victim", "perpetrator", "charged")}})
    placed = [i for i, p in enumerate(lsoas) if p]
    ends = ([(v, offence_at[k]) for v, k in zip(at_vertex, keys, strict=True)]
            + [(number + i, place_at[lsoas[i]]) for i in placed])
    dates = parties["offence_date"].to_pylist()
    offence_dates = offences["offence_date"].to_pylist()
    forces = parties["force_code"].to_pylist()
    offence_forces = offences["force_code"].to_pylist()
    offence_keys = list(offence_at)
    graph.add_edges(ends, {
        "kind": parties["role"].to_pylist() + [PLACE_EDGE] * len(placed),
        "first_seen": dates + [offence_dates[i] for i in placed],
        "last_seen": dates + [offence_dates[i] for i in placed],
        "agency_code": forces + [offence_forces[i] for i in placed],
        "source": ["crime_record"] * len(ends),
        "grading": [None] * len(ends),
        "offence_key": keys + [offence_keys[i] for i in placed],
        "force_code": forces + [offence_forces[i] for i in placed],
        "strength": [0.0] * len(ends)})
    ids = dict(community_ids)
    for vertex, key in zip(at_vertex, keys, strict=True):
        found = community_ids.get(vertex)
        if found and offence_at[key] not in ids:
            ids[offence_at[key]] = found
    return graph, ids
