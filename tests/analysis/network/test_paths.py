"""Time-respecting paths and growth on hand-made dates."""

from __future__ import annotations

from datetime import date

from tessera.analysis.network import build_graph, communities, contacts_before_offence
from tessera.analysis.network.communities import community_of_vertices
from tessera.analysis.network.growth import growth
from tessera.analysis.network.paths import path_before
from tests.analysis.network.hand_graph import HandGraph
from tests.analysis.network.network_fixture import NetworkWarehouse


def test_a_path_uses_no_edge_seen_after_the_date(net: NetworkWarehouse) -> None:
    """TA1 and TA2 each offend alone in 2023. TA1 was on a phone in 2022; TA2 is first seen on
    it in 2024, so before 2024 they were not in contact; by 2025 they were, through the
    phone."""
    net.crime("TR-1", "TV1", ["TA1m"], on=date(2023, 6, 1))
    net.crime("TR-2", "TV2", ["TA2m"], on=date(2023, 7, 1))
    net.shares("TA1m", "phone", "07700 900123", seen=date(2022, 1, 1))
    net.shares("TA2m", "phone", "07700 900123", seen=date(2024, 1, 1))
    net.link_ids()
    network = build_graph(net.engine)
    one, two = net.node("TA1m"), net.node("TA2m")
    assert path_before(network, one, two, date(2024, 1, 1)) == ()
    later = path_before(network, one, two, date(2025, 1, 1))
    assert len(later) == 3 and later[1].startswith("O-phone-")


def test_an_earlier_offence_is_a_contact_before_a_later_one(net: NetworkWarehouse) -> None:
    """TB1 and TB2 abused the same child in 2022 (each alone); when they offend together in
    2023, the earlier shared victim is the path between them."""
    net.crime("TS-1", "TSV", ["TB1m"], on=date(2022, 3, 1))
    net.crime("TS-2", "TSV", ["TB2m"], on=date(2022, 4, 1))
    later = net.crime("TS-3", "TSV2", ["TB1m", "TB2m"], on=date(2023, 3, 1))
    net.link_ids()
    network = build_graph(net.engine)
    (contact,) = contacts_before_offence(network, later)
    victim = "C-" + net.person_key("TSV")[:16].upper()
    assert contact.path[1] == victim
    assert {contact.first, contact.second} == {net.person_id("TB1m"), net.person_id("TB2m")}


def test_growth_counts_people_and_offences_by_quarter(net: NetworkWarehouse) -> None:
    """Two offenders abuse a child in Q1 and another in Q2, and intelligence ties a third man
    to them in Q4: people to date are 3, 4 and 5, and each offence counts in the quarter it
    began."""
    net.crime("GR-1", "GV1", ["GA1m", "GA2m"], on=date(2022, 2, 1))
    net.crime("GR-2", "GV2", ["GA1m", "GA2m"], on=date(2022, 5, 1))
    net.w.person("GA3m")
    net.knows("GA3m", "GA1m", seen=date(2022, 11, 1))
    network = build_graph(net.engine)
    found = communities(network)
    where = community_of_vertices(found)[network.index["N-" + net.person_key("GA1m")]]
    community = {c.community_id: c for c in found}[where]
    quarters = {q.quarter: q for q in growth(network, community)}
    assert quarters["2022-Q1"].offences == 1 and quarters["2022-Q2"].offences == 1
    assert quarters["2022-Q1"].people_to_date == 3
    assert quarters["2022-Q2"].people_to_date == 4
    assert (quarters["2022-Q4"].new_people, quarters["2022-Q4"].people_to_date) == (1, 5)


def test_a_later_shortcut_is_not_used_before_it_was_seen() -> None:
    """A and C were tied through B in 2021; a direct tie between them is first seen in 2024.
    Before 2024 the path is A, B, C; before 2025 it is the direct tie; before 2021, none."""
    hand = HandGraph()
    hand.tie("N-A", "N-B", on=date(2021, 3, 1)).tie("N-B", "N-C", on=date(2021, 6, 1))
    hand.tie("N-A", "N-C", on=date(2024, 2, 1))
    network = hand.build()
    assert path_before(network, "N-A", "N-C", date(2024, 1, 1)) == ("N-A", "N-B", "N-C")
    assert path_before(network, "N-A", "N-C", date(2025, 1, 1)) == ("N-A", "N-C")
    assert path_before(network, "N-A", "N-C", date(2021, 1, 1)) == ()


def test_a_path_never_goes_backwards_in_time_through_a_tie_seen_on_the_day() -> None:
    """A tie first seen on the offence's own day is not before it: the two offenders of OF-9
    (2023-05-01) met through a phone only that day, so nothing joined them before."""
    hand = HandGraph(perpetrators={"N-P", "N-Q"})
    hand.tie("N-P", "N-Q", kind="co_offending", offence="OF-9", on=date(2023, 5, 1))
    hand.tie("N-P", "O-phone-7", on=date(2023, 5, 1)).tie("N-Q", "O-phone-7",
                                                          on=date(2023, 5, 1))
    (contact,) = contacts_before_offence(hand.build(), "OF-9")
    assert contact.path == ()
