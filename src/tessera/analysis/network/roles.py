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
from typing import Literal

import igraph as ig

from tessera.analysis.network.communities import Community, community_of_vertices
from tessera.analysis.network.graph import NetworkGraph, display_id

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


def role_of(network: NetworkGraph, vertex: int) -> str:
    """'victim', 'perpetrator', 'victim and perpetrator' or 'associate' (intelligence only)."""
    v = network.graph.vs[vertex]
    roles = [name for name, held in (("victim", v["victim"]), ("perpetrator", v["perpetrator"]))
             if held]
    return " and ".join(roles) or "associate"


def key_people(network: NetworkGraph, community: Community) -> list[KeyPerson]:
    """The community's people by betweenness, then degree (highest first)."""
    simple = network.weighted
    members = list(community.vertices)
    sub = simple.induced_subgraph(members)
    betweenness = sub.betweenness(directed=False)
    with warnings.catch_warnings():
        # A community is connected, but the leaves of a long chain still score nearly zero
        # and igraph warns that the graph "may not be connected"; the figures are right.
        warnings.simplefilter("ignore", RuntimeWarning)
        eigenvector = (sub.eigenvector_centrality()
                       if sub.ecount() else [0.0] * len(members))
    degree = simple.degree(members)
    people = [KeyPerson(community.community_id, display_id(network.graph.vs[v]),
                        role_of(network, v), degree[i], round(betweenness[i], 2),
                        round(eigenvector[i], 3))
              for i, v in enumerate(members) if network.graph.vs[v]["kind"] == "person"]
    return sorted(people, key=lambda p: (-p.betweenness, -p.degree, p.person))


def _cut_people(simple: ig.Graph, community: Community) -> list[int]:
    """People of a community whose removal leaves perpetrators in two or more parts.

    Why perpetrators: a person is trivially an articulation point of their own phone or of a
    victim only they are known to abuse; a broker joins offenders who would otherwise not be
    joined.
    """
    members = list(community.vertices)
    sub = simple.induced_subgraph(members)
    perpetrator = sub.vs["perpetrator"]
    cut: list[int] = []
    for point in sub.articulation_points():
        if sub.vs[point]["kind"] != "person":
            continue
        rest = sub.copy()
        rest.delete_vertices([point])
        kept = [i for i in range(sub.vcount()) if i != point]
        parts = {part for part, old in zip(rest.connected_components().membership, kept,
                                           strict=True) if perpetrator[old]}
        if len(parts) > 1:
            cut.append(members[point])
    return cut


def brokers(network: NetworkGraph, found: list[Community]) -> list[Broker]:
    """Every person who is a broker for at least one reason, by community then id."""
    graph = network.graph
    community = community_of_vertices(found)
    simple = network.weighted
    cut = {v for c in found if c.perpetrators > 1 for v in _cut_people(simple, c)}
    result: list[Broker] = []
    for v in graph.vs:
        if v["kind"] != "person":
            continue
        edges = graph.es[graph.incident(v.index)]
        reasons: list[BrokerReason] = []
        if v.index in cut:
            reasons.append("articulation_point")
        if any(community[other] != community[v.index]
               for e in edges for other in e.tuple if other != v.index):
            reasons.append("between_communities")
        if len({e["force_code"] for e in edges if e["force_code"]}) > 1:
            reasons.append("between_forces")
        if reasons:
            result.append(Broker(community[v.index], display_id(v), tuple(reasons)))
    return sorted(result, key=lambda b: (b.community_id, b.person))
