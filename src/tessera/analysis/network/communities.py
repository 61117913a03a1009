"""Communities of the network graph (Leiden), and what each holds.

Why Leiden on the whole graph: the networks sought are loose and collaborative rather than
hierarchical, tied by shared children, phones, cars and addresses as much as by shared offences;
Leiden's communities are guaranteed connected and, with a fixed seed, the same on every run, so
a community id an analyst quotes today names the same people tomorrow on the same data.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import igraph as ig
import leidenalg

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
    kinds = network.graph.vs["kind"]
    groups = sorted((sorted(members) for members in partition(network.weighted, seed)),
                    key=lambda m: (-sum(kinds[v] == "person" for v in m), -len(m),
                                   network.graph.vs[m[0]]["node_id"]))
    return [_summarise(network.graph, f"C-{number:04d}", members)
            for number, members in enumerate(groups, start=1)]


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
    components = simple.connected_components()
    membership = components.membership
    weight = [0.0] * len(components)
    for (one, _), w in zip(simple.get_edgelist(), simple.es["strength"], strict=True):
        weight[membership[one]] += w
    parts: list[list[int]] = []
    for number, members in enumerate(components):
        if weight[number] ** 2 <= 2 * scale:
            parts.append(members)
            continue
        found = leidenalg.find_partition(
            simple.induced_subgraph(members), leidenalg.RBConfigurationVertexPartition,
            weights="strength", resolution_parameter=weight[number] / scale, seed=seed)
        parts.extend([members[i] for i in part] for part in found if part)
    return parts


def _summarise(graph: ig.Graph, community_id: str, members: list[int]) -> Community:
    """The figures of one community from its vertices and the edges between them."""
    vs = [graph.vs[i] for i in members]
    people = [v for v in vs if v["kind"] == "person"]
    inside = graph.es.select(_within=members)
    dates = [d for e in inside for d in (e["first_seen"], e["last_seen"]) if d is not None]
    return Community(
        community_id=community_id,
        vertices=tuple(members),
        people=len(people),
        victims=sum(1 for v in people if v["victim"]),
        perpetrators=sum(1 for v in people if v["perpetrator"]),
        tied_perpetrators=len(tied_perpetrators(graph, inside)),
        charged=sum(1 for v in people if v["charged"]),
        associates=sum(1 for v in people if not (v["victim"] or v["perpetrator"])),
        objects=len(vs) - len(people),
        offences=len({e["offence_key"] for e in inside if e["offence_key"]}),
        forces=tuple(sorted({e["force_code"] for e in inside if e["force_code"]})),
        first=min(dates, default=None),
        last=max(dates, default=None),
    )


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
