"""Key people and brokers of each community, without assuming a hierarchy.

Why within communities: research on group-based exploitation finds loose, collaborative groups
more than ringleaders, so no single score ranks "leaders"; three standard measures (degree,
betweenness, eigenvector) are shown side by side, as analysts' tools show them. Betweenness and
eigenvector centrality are worked out inside each community, where they mean something (across
the disconnected national graph they would not) and stay cheap at national scale.
A broker is a person whose removal would split their community (an articulation point), whose
ties reach another community, or whose ties span two police forces: the people through whom
information, victims or objects pass between groups.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from itertools import chain, pairwise
from typing import Literal

import igraph as ig
import numpy as np
import numpy.typing as npt

from tessera.analysis.network.arrays import Bools, Ints, graph_arrays, membership
from tessera.analysis.network.communities import Community
from tessera.analysis.network.graph import NetworkGraph

BrokerReason = Literal["articulation_point", "between_communities", "between_forces"]


@dataclass(frozen=True)
class KeyPerson:
    """One person of a community and their centrality: degree counts distinct neighbours in
    the whole graph; betweenness and eigenvector are within the community."""

    community_id: str
    person: str
    role: str
    degree: int
    betweenness: float
    eigenvector: float


@dataclass(frozen=True)
class Broker:
    """A person who joins parts of the network, and why."""

    community_id: str
    person: str
    reasons: tuple[BrokerReason, ...]


ROLES = ("associate", "victim", "perpetrator", "victim and perpetrator")
"""A person's role by (victim, perpetrator) flags: index victim + 2 * perpetrator."""
DENSE_UP_TO = 16
"""Communities of at most this many vertices get their eigenvector centrality from one batched
dense eigendecomposition per size; larger ones from igraph, one call each. At scale 1 (20,000
groups, 500 of more than 16 vertices) 16 took 0.8 s of CPU, 48 took 3.3 s: the cubic cost of
the larger dense matrices outweighs igraph's cost per call."""


def role_of(network: NetworkGraph, vertex: int) -> str:
    """'victim', 'perpetrator', 'victim and perpetrator' or 'associate' (intelligence only)."""
    v = network.graph.vs[vertex]
    return ROLES[bool(v["victim"]) + 2 * bool(v["perpetrator"])]


def roles(network: NetworkGraph) -> list[str]:
    """`role_of` every vertex (objects get the role of a person with neither flag)."""
    arrays = graph_arrays(network)
    return [ROLES[r] for r in (arrays.victim + 2 * arrays.perpetrator.astype(np.int64)).tolist()]


def display_ids(network: NetworkGraph) -> list[str]:
    """`display_id` of every vertex, read column by column."""
    graph = network.graph
    return [str(p or c or n) for p, c, n in zip(graph.vs["person_id"], graph.vs["child_id"],
                                                 graph.vs["node_id"], strict=True)]


def key_people(network: NetworkGraph, community: Community) -> list[KeyPerson]:
    """The community's people by betweenness, then degree (highest first)."""
    return key_people_of(network, [community])[community.community_id]


def key_people_of(network: NetworkGraph, shown: list[Community], each: int | None = None
                  ) -> dict[str, list[KeyPerson]]:
    """`key_people` of each community shown (its first `each`, or all), by community id.

    Why together: betweenness within a community is betweenness in the graph of every shown
    community's inner edges (no shortest path leaves a component), so one igraph call gives
    it for all; eigenvector centrality is per community, so the many small ones are solved
    together as a batch of small dense matrices, and only the few large ones one by one.
    """
    inner, members = _inner(network, shown)
    betweenness = np.asarray(inner.betweenness(directed=False), dtype=float)
    eigenvector = _eigenvector(inner, [len(c.vertices) for c in shown])
    degree = np.asarray(network.weighted.degree(), dtype=np.int64)[members]
    arrays = graph_arrays(network)
    group = np.repeat(np.arange(len(shown)), [len(c.vertices) for c in shown])
    person = arrays.person[members]
    ids = display_ids(network)
    names = np.array([ids[v] for v in members.tolist()], dtype=object)
    rounded = np.round(betweenness, 2)
    rank = np.unique(names, return_inverse=True)[1] if len(names) else np.array([], int)
    order = np.lexsort((rank, -degree, -rounded, group))
    order = order[person[order]]
    first = np.searchsorted(group[order], np.arange(len(shown)))
    position = np.arange(len(order)) - first[group[order]]
    if each is not None:
        order = order[position < each]
    role = arrays.victim.astype(np.int64) + 2 * arrays.perpetrator.astype(np.int64)
    found: dict[str, list[KeyPerson]] = {c.community_id: [] for c in shown}
    for i in order.tolist():
        vertex = int(members[i])
        found[shown[group[i]].community_id].append(KeyPerson(
            shown[group[i]].community_id, ids[vertex], ROLES[role[vertex]], int(degree[i]),
            float(rounded[i]), round(float(eigenvector[i]), 3)))
    return found


def _inner(network: NetworkGraph, shown: list[Community]) -> tuple[ig.Graph, Ints]:
    """A bare graph of the shown communities' vertices (each community's in a run, in order)
    and the merged edges between two vertices of the same community; and the graph vertex
    each of its vertices is."""
    simple = network.weighted
    members = np.fromiter((v for c in shown for v in c.vertices), dtype=np.int64,
                          count=sum(len(c.vertices) for c in shown))
    local = np.full(simple.vcount(), -1, dtype=np.int64)
    local[members] = np.arange(len(members), dtype=np.int64)
    group = np.full(simple.vcount(), -1, dtype=np.int64)
    group[members] = np.repeat(np.arange(len(shown)), [len(c.vertices) for c in shown])
    ends = np.array(simple.get_edgelist(), dtype=np.int64).reshape(-1, 2)
    one, two = group[ends[:, 0]], group[ends[:, 1]]
    keep = (one == two) & (one >= 0)
    pairs = np.stack([local[ends[keep, 0]], local[ends[keep, 1]]], axis=1)
    return ig.Graph(n=len(members), edges=pairs.tolist()), members


def _eigenvector(inner: ig.Graph, sizes: list[int]) -> npt.NDArray[np.float64]:
    """Eigenvector centrality (highest 1) within each run of `sizes` vertices of `inner`.

    Why a dense eigendecomposition for small communities: a community is connected, so its
    adjacency matrix has one largest eigenvalue whose eigenvector is positive (Perron-Frobenius);
    that vector, scaled so its highest is 1, is what igraph's eigenvector_centrality returns,
    and numpy finds it for thousands of same-sized matrices in one call.
    """
    result = np.zeros(inner.vcount(), dtype=float)
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64) if sizes else \
        np.array([], dtype=np.int64)
    ends = np.array(inner.get_edgelist(), dtype=np.int64).reshape(-1, 2)
    owner = np.repeat(np.arange(len(sizes)), sizes)
    edges_of = np.bincount(owner[ends[:, 0]], minlength=len(sizes)) if len(ends) else \
        np.zeros(len(sizes), dtype=np.int64)
    size_of = np.array(sizes, dtype=np.int64)
    for size in sorted(set(sizes)):
        chosen = np.flatnonzero((size_of == size) & (edges_of > 0))
        if not len(chosen):
            continue
        if size > DENSE_UP_TO:
            for n in chosen.tolist():
                sub = inner.induced_subgraph(range(int(starts[n]), int(starts[n]) + size))
                with warnings.catch_warnings():
                    # A community is connected, but the leaves of a long chain still score
                    # nearly zero and igraph warns that the graph "may not be connected".
                    warnings.simplefilter("ignore", RuntimeWarning)
                    result[starts[n]:starts[n] + size] = sub.eigenvector_centrality()
            continue
        batch = np.zeros((len(chosen), size, size), dtype=float)
        slot = np.full(len(sizes), -1, dtype=np.int64)
        slot[chosen] = np.arange(len(chosen))
        mine = slot[owner[ends[:, 0]]] >= 0
        which = slot[owner[ends[mine, 0]]]
        row = ends[mine, 0] - starts[owner[ends[mine, 0]]]
        column = ends[mine, 1] - starts[owner[ends[mine, 1]]]
        batch[which, row, column] = 1.0
        batch[which, column, row] = 1.0
        vectors = np.abs(np.linalg.eigh(batch)[1][:, :, -1])
        vectors /= vectors.max(axis=1, keepdims=True)
        index = starts[chosen][:, None] + np.arange(size)[None, :]
        result[index] = vectors
    return result


def brokers(network: NetworkGraph, found: list[Community],
            only: set[str] | None = None) -> list[Broker]:
    """Every person who is a broker for at least one reason, by community then id (with
    `only`, the people of those communities alone)."""
    arrays = graph_arrays(network)
    vertices = network.graph.vcount()
    member_of = membership(vertices, [c.vertices for c in found])
    wanted = [c for c in found if only is None or c.community_id in only]
    cut = _cut_people(network, [c for c in wanted if c.perpetrators > 1])
    across = np.zeros(vertices, dtype=bool)
    crossing = member_of[arrays.source] != member_of[arrays.target]
    across[arrays.source[crossing]] = True
    across[arrays.target[crossing]] = True
    has_force = arrays.force.codes >= 0
    ends = np.concatenate([arrays.source[has_force], arrays.target[has_force]])
    codes = np.concatenate([arrays.force.codes[has_force]] * 2)
    width = max(len(arrays.force.values), 1)
    pairs = np.unique(ends * width + codes)
    forces = np.bincount(pairs // width, minlength=vertices) > 1
    chosen = np.zeros(vertices, dtype=bool)
    chosen[[v for c in wanted for v in c.vertices]] = True
    candidates = np.flatnonzero(chosen & arrays.person & (cut | across | forces))
    ids = display_ids(network)
    names = [c.community_id for c in found]
    result = []
    for v in candidates.tolist():
        reasons: list[BrokerReason] = []
        if cut[v]:
            reasons.append("articulation_point")
        if across[v]:
            reasons.append("between_communities")
        if forces[v]:
            reasons.append("between_forces")
        result.append(Broker(names[member_of[v]], ids[v], tuple(reasons)))
    return sorted(result, key=lambda b: (b.community_id, b.person))


def _cut_people(network: NetworkGraph, groups: list[Community]) -> Bools:
    """People whose removal leaves the perpetrators of their community in two or more parts.

    Why perpetrators: a person is trivially an articulation point of their own phone or of a
    victim only they are known to abuse; a broker joins offenders who would otherwise not be
    joined.
    How, without removing each articulation point in turn: in the block-cut tree of the
    communities' inner graph (one node per biconnected block, one per articulation point),
    removing a point splits its community into one part per tree branch at that point; so
    summing perpetrators up the tree once gives, for every point, how many branches hold one.
    """
    arrays = graph_arrays(network)
    cut = np.zeros(network.graph.vcount(), dtype=bool)
    if not groups:
        return cut
    inner, members = _inner(network, groups)
    # igraph's C routine gives each block as the edges of a spanning tree of it (the
    # `VertexCover` wrapper turns them into vertex sets in a Python loop, slow at scale).
    trees, points = ig.GraphBase.biconnected_components(inner, True)
    if not points:
        return cut
    count = len(trees)
    point_node = np.full(inner.vcount(), -1, dtype=np.int64)
    point_node[points] = count + np.arange(len(points))
    sizes = [len(t) for t in trees]
    spanning = np.fromiter(chain.from_iterable(trees), dtype=np.int64, count=sum(sizes))
    ends = np.array(inner.get_edgelist(), dtype=np.int64).reshape(-1, 2)[spanning]
    owner = np.repeat(np.arange(count, dtype=np.int64), sizes)
    width = inner.vcount()
    held = np.unique(np.concatenate([owner * width + ends[:, 0], owner * width + ends[:, 1]]))
    in_block, block_of = held % width, held // width
    is_point = point_node[in_block] >= 0
    nodes = count + len(points)
    weight = np.zeros(nodes + 1, dtype=np.int64)
    perpetrator = arrays.perpetrator[members]
    np.add.at(weight, block_of[~is_point], perpetrator[in_block[~is_point]])
    weight[count:nodes] = perpetrator[points]
    tree_edges = np.stack([block_of[is_point], point_node[in_block[is_point]]], axis=1)
    tree = ig.Graph(n=nodes + 1, edges=tree_edges.tolist())
    component = np.asarray(tree.connected_components().membership[:nodes], dtype=np.int64)
    roots = np.unique(component, return_index=True)[1]
    root = nodes
    tree.add_edges([(root, int(r)) for r in roots.tolist()])
    order, layers, parents = tree.bfs(root)
    parent = np.asarray(parents, dtype=np.int64)
    parent[root] = -1
    total = weight.copy()
    for start, stop in reversed(list(pairwise(layers[1:]))):
        level = np.asarray(order[start:stop], dtype=np.int64)
        np.add.at(total, parent[level], total[level])
    block_nodes = np.arange(count)
    positive = np.zeros(nodes + 1, dtype=np.int64)
    np.add.at(positive, parent[block_nodes], total[block_nodes] > 0)
    point_nodes = np.arange(count, nodes)
    whole = total[np.asarray(roots)[component[point_nodes]]]
    rest = (parent[point_nodes] != root) & (whole - total[point_nodes] > 0)
    parts = positive[point_nodes] + rest
    split = np.asarray(points, dtype=np.int64)[parts >= 2]
    cut[members[split]] = True
    return cut & arrays.person
