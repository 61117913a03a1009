"""Time-respecting paths: who was in contact with whom before an offence.

Why dated: an analyst asking whether two suspects knew each other before an offence must not
be shown a phone they shared a year later; only edges first seen before the date count, so a
path here is evidence of contact that existed at the time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from itertools import combinations

import igraph as ig

from tessera.analysis.network.communities import Community
from tessera.analysis.network.graph import NetworkGraph, display_id, edge_date
from tessera.errors import AnalysisError


@dataclass(frozen=True)
class Contact:
    """Two perpetrators of an offence and the path that joined them before it (people and
    objects by pseudonymous id, ends included); empty when nothing did."""

    offence_key: str
    first: str
    second: str
    path: tuple[str, ...]


def path_before(network: NetworkGraph, source: str, target: str, before: date
                ) -> tuple[str, ...]:
    """The shortest path from node `source` to node `target` over edges first seen before
    `before`, as ids; empty when there is none."""
    return _path(network, _earlier(network, before), network.index[source],
                 network.index[target])


def contacts_before_offence(network: NetworkGraph, offence_key: str) -> list[Contact]:
    """Each pair of the offence's perpetrators and how they were in contact before it, through
    earlier offences, shared children, objects or intelligence."""
    edges = network.graph.es.select(offence_key=offence_key)
    if not edges:
        raise AnalysisError(f"no offence {offence_key!r} in the network graph")
    earlier = _earlier(network, min(edge_date(e) for e in edges))
    perpetrators = sorted({v for e in edges for v in e.tuple
                           if network.graph.vs[v]["perpetrator"]})
    return [Contact(offence_key, display_id(network.graph.vs[a]),
                    display_id(network.graph.vs[b]), _path(network, earlier, a, b))
            for a, b in combinations(perpetrators, 2)]


def community_contacts(network: NetworkGraph, community: Community) -> list[Contact]:
    """`contacts_before_offence` for every offence inside the community with two or more
    perpetrators, earliest first."""
    inside = network.graph.es.select(_within=list(community.vertices))
    first: dict[str, date] = {}
    for e in inside:
        if e["kind"] == "co_offending":
            first[e["offence_key"]] = edge_date(e)
    return [c for key in sorted(first, key=lambda k: (first[k], k))
            for c in contacts_before_offence(network, key)]


def _earlier(network: NetworkGraph, before: date) -> ig.Graph:
    """The graph with only the edges first seen before `before` (every vertex kept)."""
    graph = network.graph
    return graph.subgraph_edges([e.index for e in graph.es if edge_date(e) < before],
                                delete_vertices=False)


def _path(network: NetworkGraph, earlier: ig.Graph, start: int, end: int) -> tuple[str, ...]:
    """Ids along the shortest path in `earlier`; empty when the ends are not joined."""
    if start == end or end not in earlier.subcomponent(start):
        return ()
    return tuple(display_id(network.graph.vs[v]) for v in earlier.get_shortest_path(start, end))
