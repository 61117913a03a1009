"""Key people and brokers on a hand-made bridge between two groups."""

from __future__ import annotations

import warnings
from datetime import date

import pytest

from tessera.analysis.network import Community, build_graph, communities
from tessera.analysis.network.communities import community_of_vertices
from tessera.analysis.network.graph import NetworkGraph
from tessera.analysis.network.roles import brokers, display_ids, key_people
from tests.analysis.network.hand_graph import HandGraph, random_graph
from tests.analysis.network.network_fixture import NetworkWarehouse


def _bridge(net: NetworkWarehouse) -> NetworkGraph:
    """Group A (three offenders, west-yorkshire) and group B (three, kent), each offending
    together, joined only by BX, a suspect intelligence ties to one member of each."""
    net.crime("BR-A", "BVA", ["BA1m", "BA2m", "BA3m"], on=date(2022, 1, 1))
    net.crime("BR-A2", "BVA2", ["BA1m", "BA2m"], on=date(2022, 2, 1))
    net.crime("BR-B", "BVB", ["BB1m", "BB2m", "BB3m"], on=date(2022, 3, 1), force="kent")
    net.crime("BR-B2", "BVB2", ["BB1m", "BB2m"], on=date(2022, 4, 1), force="kent")
    net.crime("BR-X", "BVX", ["BXm"], on=date(2022, 5, 1))
    net.knows("BXm", "BA3m", seen=date(2021, 6, 1))
    net.shares("BXm", "phone", "07700 900777", seen=date(2021, 7, 1))
    net.shares("BB3m", "phone", "07700 900777", seen=date(2021, 7, 2), force="kent")
    net.link_ids()
    return build_graph(net.engine)


def test_the_person_on_the_bridge_is_a_broker(net: NetworkWarehouse) -> None:
    """BX is a broker (their removal splits the offenders, or their ties reach another
    community); an offender inside group A is not."""
    network = _bridge(net)
    found = communities(network)
    people = {b.person: b for b in brokers(network, found)}
    assert net.person_id("BXm") in people
    assert net.person_id("BA1m") not in people
    assert set(people[net.person_id("BXm")].reasons) & {"articulation_point", "between_communities"}


def test_a_person_known_to_two_forces_is_a_broker_between_forces(
        net: NetworkWarehouse) -> None:
    """BX also offends in kent; once linkage finds the kent record to be the same person, BX's
    ties span two forces and so does their community."""
    _bridge(net)
    net.crime("BR-K", "BVK", ["BXm"], on=date(2022, 7, 1), force="kent")
    net.link_ids()
    net.same_person("BXm", "west-yorkshire", "kent")
    network = build_graph(net.engine)
    found = communities(network)
    spanning = {b.person for b in brokers(network, found) if "between_forces" in b.reasons}
    assert net.person_id("BXm") in spanning
    assert net.person_id("BA1m") not in spanning
    bx = community_of_vertices(found)[network.index[net.node("BXm")]]
    assert {c.community_id: c for c in found}[bx].cross_force


def test_key_people_rank_the_bridge_highest_by_betweenness(net: NetworkWarehouse) -> None:
    """In the community holding the bridge, the people on it have the highest betweenness;
    each key person has the three measures."""
    network = _bridge(net)
    found = communities(network)
    bx = network.index[net.node("BXm")]
    community = {c.community_id: c for c in found}[community_of_vertices(found)[bx]]
    people = key_people(network, community)
    assert people[0].betweenness >= max(p.betweenness for p in people)
    assert all(p.degree >= 1 and 0 <= p.eigenvector <= 1 for p in people)


def _triangles() -> HandGraph:
    """Two triangles of offenders, A and B, joined only through X (no offender), who knows
    A1 and B1; A3 also has a phone and a victim no one else is tied to."""
    hand = HandGraph(perpetrators={f"N-{g}{i}" for g in "AB" for i in (1, 2, 3)},
                     victims={"N-V"})
    for group in "AB":
        for one, two in ((1, 2), (2, 3), (1, 3)):
            hand.tie(f"N-{group}{one}", f"N-{group}{two}", kind="co_offending",
                     offence=f"OF-{group}")
    hand.tie("N-X", "N-A1").tie("N-X", "N-B1", force="essex")
    hand.tie("N-A3", "O-phone-1").tie("N-A3", "N-V", kind="victim_offender", offence="OF-V")
    return hand


def test_the_people_on_a_bridge_between_two_triangles_are_articulation_brokers() -> None:
    """Removing X, A1 or B1 leaves offenders on both sides; removing A2 (inside a triangle)
    or A3 (whose removal only cuts off their own phone and victim) does not."""
    network = _triangles().build()
    cut = {b.person for b in brokers(network, communities(network))
           if "articulation_point" in b.reasons}
    assert cut == {"N-X", "P-A1", "P-B1"}


def test_a_person_with_ties_from_two_forces_is_a_broker_between_forces() -> None:
    """X's tie to A1 is from kent and to B1 from essex; B1's ties are kent and essex too."""
    network = _triangles().build()
    spanning = {b.person for b in brokers(network, communities(network))
                if "between_forces" in b.reasons}
    assert spanning == {"N-X", "P-B1"}


def _plain_cut_people(network: NetworkGraph, community: Community) -> set[int]:
    """The definition, one articulation point at a time: remove it, count the parts of the
    community that still hold a perpetrator."""
    members = list(community.vertices)
    sub = network.weighted.induced_subgraph(members)
    cut = set()
    for point in sub.articulation_points():
        if sub.vs[point]["kind"] != "person":
            continue
        rest = sub.copy()
        rest.delete_vertices([point])
        kept = [i for i in range(sub.vcount()) if i != point]
        parts = {part for part, old in zip(rest.connected_components().membership, kept,
                                           strict=True) if sub.vs[old]["perpetrator"]}
        if len(parts) > 1:
            cut.add(members[point])
    return cut


@pytest.mark.parametrize("seed", range(12))
def test_brokers_and_key_people_match_their_plain_definitions(seed: int) -> None:
    """On random graphs: the articulation brokers are exactly the people whose removal splits
    their community's perpetrators; betweenness and eigenvector centrality are igraph's on
    the community alone, degree is distinct neighbours in the whole graph."""
    network = random_graph(seed).build()
    found = communities(network)
    ids = display_ids(network)
    expected = {ids[v] for c in found if c.perpetrators > 1 for v in _plain_cut_people(network, c)}
    found_cut = {b.person for b in brokers(network, found) if "articulation_point" in b.reasons}
    assert found_cut == expected
    for community in found:
        sub = network.weighted.induced_subgraph(list(community.vertices))
        between = sub.betweenness(directed=False)
        eigen = sub.eigenvector_centrality() if sub.ecount() else [0.0] * sub.vcount()
        degree = network.weighted.degree(list(community.vertices))
        people = {p.person: p for p in key_people(network, community)}
        for i, v in enumerate(community.vertices):
            if network.graph.vs[v]["kind"] != "person":
                continue
            person = people[ids[v]]
            assert (person.degree, person.betweenness) == (degree[i], round(between[i], 2))
            assert abs(person.eigenvector - eigen[i]) < 0.0015


def test_eigenvector_centrality_of_a_long_chain_and_a_star_matches_igraph() -> None:
    """A chain of 60 people (more than are solved as a dense batch) and a star of 6: igraph's
    figures, scaled so the highest is 1."""
    hand = HandGraph()
    for i in range(59):
        hand.tie(f"N-L{i:02d}", f"N-L{i + 1:02d}")
    for i in range(5):
        hand.tie("N-S", f"N-S{i}")
    network = hand.build()
    for community in communities(network):
        sub = network.weighted.induced_subgraph(list(community.vertices))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            expected = {network.graph.vs[v]["node_id"]: round(x, 3) for v, x in
                        zip(community.vertices, sub.eigenvector_centrality(), strict=True)}
        assert {p.person: p.eigenvector for p in key_people(network, community)} == expected
