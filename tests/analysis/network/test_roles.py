"""Key people and brokers on a hand-made bridge between two groups."""

from __future__ import annotations

from datetime import date

from tessera.analysis.network import build_graph, communities
from tessera.analysis.network.communities import community_of_vertices
from tessera.analysis.network.graph import NetworkGraph
from tessera.analysis.network.roles import brokers, key_people
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
