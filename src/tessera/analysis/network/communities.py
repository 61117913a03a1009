"""Communities of the network graph (Leiden), and what each holds.

Why Leiden on the whole graph: the networks sought are loose and collaborative rather than
hierarchical, tied by shared children, phones, cars and addresses as much as by shared offences;
Leiden's communities are guaranteed connected and, with a fixed seed, the same on every run, so
a community id an analyst quotes today names the same people tomorrow on the same data.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import igraph as ig
import leidenalg
import numpy as np

from tessera.analysis.network.arrays import (
    NO_DAY,
    Ints,
    distinct_per_group,
    graph_arrays,
    inside,
    membership,
)
from tessera.analysis.network.graph import NetworkGraph
from tessera.analysis.network.ties import tied_perpetrators

SEED = 12
"""The Leiden seed: fixed, so the same warehouse always gives the same communities."""
SCALE = 1000.0
"""Links of the graph modularity is worked out as if for. Against the generator's true networks
(seed 7) it recovers every one at scales 0.1 and 1 (adjusted Rand index 1.0), where plain
modularity merged some at scale 1 (0.975); from 250 to 5,000 gives the same."""


@dataclass(frozen=True)
class Community:
    """One community: its vertices and the figures the summary shows.

    `tied_perpetrators` counts its perpetrators tied to another by an offence or a child (see
    `tied_perpetrators`); `offences` the distinct offences whose crime-record edges lie inside
    it; `forces` the police forces its offences and intelligence come from; `first` and `last`
    the dates of its earliest and latest edges.
    """

    community_id: str
    vertices: tuple[int, ...]
    people: int
    victims: int
    perpetrators: int
    tied_perpetrators: int
    charged: int
    associates: int
    objects: int
    offences: int
    forces: tuple[str, ...]
    first: date | None
    last: date | None

    @property
    def is_group(self) -> bool:
        """Two or more perpetrators tied by offending (`ties.tied_perpetrators`): a possible
        group, as IICSA's definition reads. Perpetrators joined only by what they share (a
        household, a hostel) are not reported as one."""
        return self.tied_perpetrators >= 2

    @property
    def cross_force(self) -> bool:
        """Its offences or intelligence come from more than one force."""
        return len(self.forces) > 1


@dataclass(frozen=True)
class CommunityRef:
    """Where one person sits: their community, its size in people and perpetrators, whether
    any of its perpetrators has been charged, and whether anyone other than this person has
    (what the look-again list asks of a suspect whose own case closed)."""

    community_id: str
    people: int
    perpetrators: int
    has_charged_offender: bool
    others_charged: bool


def communities(network: NetworkGraph, seed: int = SEED) -> list[Community]:
    """Leiden communities (see `partition`), most people first, numbered `C-0001`,
    `C-0002`, ... in that order."""
    return _summarise(network, partition(network.weighted, seed))


def partition(simple: ig.Graph, seed: int, scale: float = SCALE) -> list[list[int]]:
    """Communities maximising modularity as if the graph had `scale` links, found one
    connected component at a time.

    Why a fixed scale: plain modularity compares a group's ties with what chance would give
    in the whole graph, so the same group would be split or merged depending on how many
    other forces' data sit in the warehouse (its resolution limit grows with the graph); with
    the graph's size fixed, a force's run and the national run find the same communities.
    Why by component: communities never span two components, and a component's share of the
    objective is what `RBConfigurationVertexPartition` scores with resolution m_c / `scale`
    (m_c its weight), so each can be optimised alone. A component with m_c at most
    sqrt(2 `scale`) gains nothing from any split (a split gains at most m_c^2 / 2 `scale` and
    loses at least one link), so it is kept whole without running Leiden: that is almost
    every component, and Leiden runs on the few large ones.
    """
    simple = simple.subgraph_edges(simple.es.select(strength_gt=0), delete_vertices=False)
    membership = np.array(simple.connected_components().membership, dtype=np.int64)
    sources = np.array(simple.get_edgelist(), dtype=np.int64).reshape(-1, 2)[:, 0]
    weight = np.bincount(membership[sources], weights=simple.es["strength"],
                         minlength=int(membership.max(initial=-1)) + 1)
    parts: list[list[int]] = []
    for number, members in enumerate(_components(membership)):
        if weight[number] ** 2 <= 2 * scale:
            parts.append(members)
            continue
        found = leidenalg.find_partition(
            simple.induced_subgraph(members), leidenalg.RBConfigurationVertexPartition,
            weights="strength", resolution_parameter=weight[number] / scale, seed=seed)
        parts.extend(sorted(members[i] for i in part) for part in found if part)
    return parts


def _components(membership: Ints) -> list[list[int]]:
    """Each component's vertices in ascending order, by component number (what iterating
    igraph's clustering gives, without building its lists one by one in Python)."""
    flat = np.argsort(membership, kind="stable").tolist()
    ends = np.cumsum(np.bincount(membership)).tolist()
    starts = [0, *ends[:-1]] if ends else []
    return [flat[start:end] for start, end in zip(starts, ends, strict=True)]


def _summarise(network: NetworkGraph, groups: list[list[int]]) -> list[Community]:
    """The figures of every community from its vertices and the edges between them, ordered
    by people, then vertices, then the node id of its first vertex.

    Why all at once: one community at a time, each summary walked its own edges in Python,
    which at five national years (over 400,000 communities) took longer than finding them;
    here each figure is one array step over every edge.
    """
    arrays = graph_arrays(network)
    count = len(groups)
    member_of = membership(network.graph.vcount(), groups)
    people = _count(member_of, arrays.person, count)
    sizes = np.fromiter((len(g) for g in groups), dtype=np.int64, count=count)
    node_ids = network.graph.vs["node_id"]
    firsts = np.array([node_ids[group[0]] for group in groups])
    order = np.lexsort((firsts, -sizes, -people)).tolist()
    renumber = np.empty(count, dtype=np.int64)
    renumber[np.array(order, dtype=np.int64)] = np.arange(count, dtype=np.int64)
    member_of = np.where(member_of >= 0, renumber[np.maximum(member_of, 0)], -1)
    groups = [groups[n] for n in order]
    people, sizes = people[order], sizes[order]

    def per_vertex(flag: np.ndarray) -> Ints:
        return _count(member_of, flag & arrays.person, count)

    within = inside(arrays, member_of)
    edge_group = np.where(within, member_of[arrays.source], -1)
    victims, perpetrators = per_vertex(arrays.victim), per_vertex(arrays.perpetrator)
    charged = per_vertex(arrays.charged)
    associates = per_vertex(~(arrays.victim | arrays.perpetrator))
    tied = _count(member_of, _tied(network, within), count)
    offences = distinct_per_group(edge_group, arrays.offence.codes, count)
    forces = _forces(edge_group, arrays.force.codes, arrays.force.values, count)
    first, last = _span(edge_group, arrays.first_day, arrays.last_day, count)
    return [Community(
        community_id=f"C-{n + 1:04d}", vertices=tuple(members), people=int(people[n]),
        victims=int(victims[n]), perpetrators=int(perpetrators[n]), tied_perpetrators=int(tied[n]),
        charged=int(charged[n]), associates=int(associates[n]),
        objects=int(sizes[n] - people[n]), offences=int(offences[n]), forces=forces[n],
        first=first[n], last=last[n]) for n, members in enumerate(groups)]


def _count(member_of: Ints, flag: np.ndarray, count: int) -> Ints:
    """How many vertices of each group have `flag`."""
    held = (member_of >= 0) & flag
    return np.bincount(member_of[held], minlength=count).astype(np.int64)


def _tied(network: NetworkGraph, within: np.ndarray) -> np.ndarray:
    """Which vertices are perpetrators tied by offending (`ties.tied_perpetrators`), over
    every edge inside a community at once: each pair it ties lies inside one community (a
    child's abusers, and the people on one object, are in the child's or the object's
    community), so one call gives what a call per community would."""
    flag = np.zeros(network.graph.vcount(), dtype=bool)
    edges = network.graph.es[np.flatnonzero(within).tolist()]
    flag[sorted(tied_perpetrators(network.graph, edges))] = True
    return flag


def _forces(edge_group: Ints, force: Ints, names: tuple[str, ...], count: int
            ) -> list[tuple[str, ...]]:
    """Each community's forces (of the edges inside it), in code order."""
    keep = (edge_group >= 0) & (force >= 0)
    rank = np.argsort(np.array(names, dtype=object)).argsort() if names else np.array([])
    width = max(len(names), 1)
    pairs = np.unique(edge_group[keep] * width + rank[force[keep]].astype(np.int64)
                      if keep.any() else np.array([], dtype=np.int64))
    by_rank = sorted(names)
    found: list[list[str]] = [[] for _ in range(count)]
    for pair in pairs.tolist():
        found[pair // width].append(by_rank[pair % width])
    return [tuple(f) for f in found]


def _span(edge_group: Ints, first_day: Ints, last_day: Ints, count: int
          ) -> tuple[list[date | None], list[date | None]]:
    """Each community's earliest and latest edge date (first or last seen), None without."""
    group = np.concatenate([edge_group, edge_group])
    days = np.concatenate([first_day, last_day])
    keep = (group >= 0) & (days != NO_DAY)
    group, days = group[keep], days[keep]
    earliest = np.full(count, NO_DAY, dtype=np.int64)
    latest = np.full(count, -NO_DAY, dtype=np.int64)
    np.minimum.at(earliest, group, days)
    np.maximum.at(latest, group, days)
    epoch = date(1970, 1, 1)
    return ([None if d == NO_DAY else epoch + timedelta(days=d) for d in earliest.tolist()],
            [None if d == -NO_DAY else epoch + timedelta(days=d) for d in latest.tolist()])


def person_communities(network: NetworkGraph, found: list[Community]
                       ) -> dict[str, CommunityRef]:
    """For every person with a `person_id` (suspects and offenders once linked), the
    community they are in and whether it holds a charged offender."""
    refs: dict[str, CommunityRef] = {}
    for community in found:
        for vertex in community.vertices:
            v = network.graph.vs[vertex]
            if v["person_id"]:
                refs[v["person_id"]] = CommunityRef(
                    community.community_id, community.people, community.perpetrators,
                    community.charged > 0, community.charged - int(v["charged"]) > 0)
    return refs


def community_of_vertices(found: list[Community]) -> dict[int, str]:
    """Each vertex's community id (for exports and brokers)."""
    return {vertex: c.community_id for c in found for vertex in c.vertices}
