"""Community summaries and growth held to their plain, one-edge-at-a-time definitions."""

from __future__ import annotations

from datetime import date

import pytest

from tessera.analysis.network import Community, NetworkGraph, communities
from tessera.analysis.network.growth import growth_of, quarter_of
from tessera.analysis.network.ties import tied_perpetrators
from tests.analysis.network.hand_graph import HandGraph, random_graph


def _plain_summary(network: NetworkGraph, community: Community) -> tuple[object, ...]:
    """The figures, worked out from the community's vertices and the edges inside it."""
    graph = network.graph
    members = list(community.vertices)
    people = [graph.vs[v] for v in members if graph.vs[v]["kind"] == "person"]
    inside = graph.es.select(_within=members)
    dates = [d for e in inside for d in (e["first_seen"], e["last_seen"]) if d is not None]
    return (len(people), sum(v["victim"] for v in people), sum(v["perpetrator"] for v in people),
            len(tied_perpetrators(graph, inside)), sum(v["charged"] for v in people),
            sum(not (v["victim"] or v["perpetrator"]) for v in people),
            len(members) - len(people), len({e["offence_key"] for e in inside if e["offence_key"]}),
            tuple(sorted({e["force_code"] for e in inside if e["force_code"]})),
            min(dates, default=None), max(dates, default=None))


@pytest.mark.parametrize("seed", range(8))
def test_summaries_match_their_plain_definition(seed: int) -> None:
    """Every community's people by role, tied perpetrators, objects, offences, forces and
    time span, on random graphs; numbered by people, then vertices, first."""
    network = random_graph(seed).build()
    found = communities(network)
    for community in found:
        figures = (community.people, community.victims, community.perpetrators,
                   community.tied_perpetrators, community.charged, community.associates,
                   community.objects, community.offences, community.forces, community.first,
                   community.last)
        assert figures == _plain_summary(network, community), community.community_id
    order = [(-c.people, -len(c.vertices)) for c in found]
    assert order == sorted(order)
    assert [c.community_id for c in found] == [f"C-{n:04d}" for n in range(1, len(found) + 1)]


def test_a_child_two_associated_offenders_abused_ties_them_and_a_phone_only_does_not() -> None:
    """N-A and N-B each offended against child N-V (separate offences) and share a phone:
    both tied (ties.py). N-C and N-D share only a phone: neither tied."""
    hand = HandGraph(perpetrators={"N-A", "N-B", "N-C", "N-D"}, victims={"N-V"})
    hand.tie("N-A", "N-V", kind="victim_offender", offence="OF-1", on=date(2022, 1, 5))
    hand.tie("N-B", "N-V", kind="victim_offender", offence="OF-2", on=date(2022, 9, 5),
             force="essex")
    hand.tie("N-A", "O-phone-2", on=date(2022, 3, 1)).tie("N-B", "O-phone-2", on=date(2022, 3, 1))
    hand.tie("N-C", "O-phone-1").tie("N-D", "O-phone-1")
    found = {c.people: c for c in communities(hand.build())}
    child, phone = found[3], found[2]
    assert (child.perpetrators, child.tied_perpetrators, child.offences) == (2, 2, 2)
    assert child.forces == ("essex", "kent") and child.cross_force
    assert (child.first, child.last) == (date(2022, 1, 5), date(2022, 9, 5))
    assert (phone.perpetrators, phone.tied_perpetrators, phone.objects) == (2, 0, 1)


@pytest.mark.parametrize("seed", range(6))
def test_growth_matches_its_plain_definition(seed: int) -> None:
    """People by the quarter of their earliest edge inside the community, people to date,
    offences by the quarter of their earliest edge, on random graphs."""
    network = random_graph(seed).build()
    found = communities(network)
    rows = {(q.community_id, q.quarter): (q.new_people, q.people_to_date, q.offences)
            for q in growth_of(network, found)}
    expected = {}
    for community in found:
        inside = network.graph.es.select(_within=list(community.vertices))
        first: dict[int, date] = {}
        begun: dict[str, date] = {}
        for e in inside:
            for v in e.tuple:
                if network.graph.vs[v]["kind"] == "person":
                    first[v] = min(first.get(v, e["first_seen"]), e["first_seen"])
            if e["offence_key"]:
                begun[e["offence_key"]] = min(begun.get(e["offence_key"], e["first_seen"]),
                                              e["first_seen"])
        known = 0
        for quarter in sorted({quarter_of(d) for d in [*first.values(), *begun.values()]}):
            new = sum(quarter_of(d) == quarter for d in first.values())
            known += new
            expected[(community.community_id, quarter)] = (
                new, known, sum(quarter_of(d) == quarter for d in begun.values()))
    assert rows == expected
