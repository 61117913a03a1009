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
import numpy as np

from tessera.analysis.network.arrays import (
    EPOCH,
    bare_graph,
    graph_arrays,
    inside,
    membership,
)
from tessera.analysis.network.communities import Community
from tessera.analysis.network.graph import NetworkGraph, display_id
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
    arrays = graph_arrays(network)
    codes = arrays.offence.values
    edges = (np.flatnonzero(arrays.offence.codes == codes.index(offence_key))
             if offence_key in codes else np.array([], dtype=np.int64))
    if not len(edges):
        raise AnalysisError(f"no offence {offence_key!r} in the network graph")
    earlier = _earlier(network, int(arrays.first_day[edges].min()))
    ends = np.unique(np.concatenate([arrays.source[edges], arrays.target[edges]]))
    perpetrators = ends[arrays.perpetrator[ends]].tolist()
    return [Contact(offence_key, display_id(network.graph.vs[a]),
                    display_id(network.graph.vs[b]), _path(network, earlier, a, b))
            for a, b in combinations(perpetrators, 2)]


def community_contacts(network: NetworkGraph, community: Community) -> list[Contact]:
    """`contacts_before_offence` for every offence inside the community with two or more
    perpetrators, earliest first."""
    arrays = graph_arrays(network)
    member_of = membership(network.graph.vcount(), [community.vertices])
    kinds = arrays.kind.values
    co = inside(arrays, member_of) & (arrays.kind.codes == (
        kinds.index("co_offending") if "co_offending" in kinds else -2))
    first: dict[str, int] = {}
    for code, day in zip(arrays.offence.codes[co].tolist(), arrays.first_day[co].tolist(),
                         strict=True):
        key = arrays.offence.values[code]
        first[key] = min(first.get(key, day), day)
    return [c for key in sorted(first, key=lambda k: (first[k], k))
            for c in contacts_before_offence(network, key)]


def _earlier(network: NetworkGraph, before: date | int) -> ig.Graph:
    """The graph's ties first seen before `before` (a date, or days since 1970-01-01), every
    vertex kept, with no attributes (so making it copies no attribute per vertex)."""
    arrays = graph_arrays(network)
    day = before if isinstance(before, int) else (before - EPOCH).days
    return bare_graph(network).subgraph_edges(
        np.flatnonzero(arrays.first_day < day).tolist(), delete_vertices=False)


def _path(network: NetworkGraph, earlier: ig.Graph, start: int, end: int) -> tuple[str, ...]:
    """Ids along the shortest path in `earlier`; empty when the ends are not joined."""
    if start == end or end not in earlier.subcomponent(start):
        return ()
    return tuple(display_id(network.graph.vs[v]) for v in earlier.get_shortest_path(start, end))
