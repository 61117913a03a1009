"""The network graph and its communities on hand-made cases."""

from __future__ import annotations

from datetime import date

from tessera.analysis.network import build_graph, communities, person_communities
from tessera.analysis.network.communities import community_of_vertices
from tests.analysis.network.network_fixture import NetworkWarehouse


def test_two_offenders_who_share_a_phone_are_one_community(net: NetworkWarehouse) -> None:
    """Two offenders with different victims who never offend together, but whom intelligence
    places on the same phone, fall in one community; a third offender elsewhere does not."""
    net.crime("PH-1", "PV1", ["PA1m"], on=date(2023, 3, 1))
    net.crime("PH-2", "PV2", ["PA2m"], on=date(2023, 4, 1))
    net.crime("PH-3", "PV3", ["PA3m"], on=date(2023, 4, 1))
    net.shares("PA1m", "phone", "07700 900001", seen=date(2023, 2, 1))
    net.shares("PA2m", "phone", "07700 900001", seen=date(2023, 2, 10))
    net.link_ids()
    network = build_graph(net.engine)
    found = communities(network)
    community = community_of_vertices(found)
    one, two, three = (network.index["N-" + net.person_key(p)[:16].upper()]
                       for p in ("PA1m", "PA2m", "PA3m"))
    assert community[one] == community[two] != community[three]
    co_offending = [e for e in network.graph.es if e["kind"] == "co_offending"
                    and {e.source, e.target} == {one, two}]
    assert not co_offending


def test_every_edge_is_dated_and_sourced(net: NetworkWarehouse) -> None:
    """Crime-record edges carry the offence's date and force; intelligence edges their first
    sighting, source and grading."""
    net.crime("DS-1", "DV1", ["DA1m", "DA2m"], on=date(2022, 5, 1))
    net.shares("DA1m", "vehicle", "AB12 CDE", seen=date(2022, 6, 1), grading="2C",
               source="stop_search")
    network = build_graph(net.engine)
    edges = network.graph.es
    assert all(e["first_seen"] is not None and e["agency_code"] for e in edges)
    (vehicle,) = [e for e in edges if e["kind"] == "vehicle_use"]
    assert (vehicle["first_seen"], vehicle["source"], vehicle["grading"]) == (
        date(2022, 6, 1), "stop_search", "2C")
    kinds = {e["kind"] for e in edges if e["offence_key"]}
    assert kinds == {"co_offending", "victim_offender"}


def test_person_communities_say_whether_a_charged_offender_is_in_them(
        net: NetworkWarehouse) -> None:
    """The look-again list's question: a suspect never charged, tied by an address to an
    offender who was, is in a community with a charged offender."""
    net.crime("CH-1", "CV1", ["CA1m"], on=date(2021, 1, 1), outcome="1")
    net.crime("CH-2", "CV2", ["CA2m"], on=date(2021, 6, 1))
    net.shares("CA1m", "address", "1 High Street", seen=date(2021, 2, 1))
    net.shares("CA2m", "address", "1 High Street", seen=date(2021, 3, 1))
    net.link_ids()
    network = build_graph(net.engine)
    refs = person_communities(network, communities(network))
    suspect = "P-" + net.person_key("CA2m")[:16].upper()
    charged = "P-" + net.person_key("CA1m")[:16].upper()
    assert refs[suspect].community_id == refs[charged].community_id
    assert refs[suspect].has_charged_offender and refs[suspect].others_charged
    assert refs[charged].has_charged_offender and not refs[charged].others_charged


def test_a_community_does_not_depend_on_unrelated_data(net: NetworkWarehouse) -> None:
    """A group's community holds the same people whether or not other forces' unrelated
    offences are in the warehouse (modularity at a fixed scale, not the graph's)."""
    net.crime("UN-1", "UV1", ["UA1m", "UA2m"], on=date(2023, 1, 1))
    net.crime("UN-2", "UV2", ["UA2m", "UA3m"], on=date(2023, 2, 1))
    net.shares("UA3m", "vehicle", "XY70 ABC", seen=date(2023, 1, 5))
    net.shares("UA1m", "vehicle", "XY70 ABC", seen=date(2023, 1, 6))

    def members() -> set[str]:
        network = build_graph(net.engine)
        found = community_of_vertices(communities(network))
        mine = found[network.index["N-" + net.person_key("UA1m")]]
        return {network.graph.vs[v]["node_id"] for v, c in found.items() if c == mine}

    before = members()
    for n in range(40):
        net.crime(f"OTHER-{n}", f"OV{n}", [f"OA{n}m", f"OB{n}m"], on=date(2023, 3, 1),
                  force="kent")
    assert members() == before


def test_perpetrators_tied_by_offending_are_counted_apart(net: NetworkWarehouse) -> None:
    """Two men who share only an address are two perpetrators, neither tied; two who abused
    the same child on different days and are otherwise unconnected are not tied either
    (repeat victimisation); neither pair is reported as a group."""
    net.crime("TI-1", "TIV1", ["TI1m"], on=date(2023, 1, 1))
    net.crime("TI-2", "TIV2", ["TI2m"], on=date(2023, 2, 1))
    net.shares("TI1m", "address", "9 Mill Lane", seen=date(2022, 1, 1))
    net.shares("TI2m", "address", "9 Mill Lane", seen=date(2022, 1, 1))
    net.crime("TI-3", "TIV3", ["TI3m"], on=date(2023, 1, 1))
    net.crime("TI-4", "TIV3", ["TI4m"], on=date(2023, 3, 1))
    network = build_graph(net.engine)
    found = communities(network)
    where = community_of_vertices(found)
    by_id = {c.community_id: c for c in found}
    address = by_id[where[network.index["N-" + net.person_key("TI1m")]]]
    child = by_id[where[network.index["N-" + net.person_key("TI3m")]]]
    assert (address.perpetrators, address.tied_perpetrators) == (2, 0)
    assert (child.perpetrators, child.tied_perpetrators) == (2, 0)
    assert not address.is_group and not child.is_group
