"""How much an edge ties its ends (tie_rules.csv) and which perpetrators are tied by
offending, on hand-made cases whose answer can be worked out on paper."""

from __future__ import annotations

from datetime import date

import pytest

from tessera.analysis.network import build_graph, communities
from tessera.analysis.network.communities import Community, community_of_vertices
from tessera.analysis.network.ties import tie_rules
from tests.analysis.network.network_fixture import NetworkWarehouse


def _community_of(net: NetworkWarehouse, person: str) -> Community:
    network = build_graph(net.engine)
    found = communities(network)
    where = community_of_vertices(found)
    mine = where[network.index["N-" + net.person_key(person)]]
    return next(c for c in found if c.community_id == mine)


def test_the_tie_rules_file_is_complete_and_grades_as_3x5x2() -> None:
    rules = tie_rules()
    assert rules.intelligence("associate", "1A") == 1.0
    assert rules.intelligence("associate", "3B") == pytest.approx(0.5 * 0.8)
    assert rules.intelligence("phone_contact", "2E") == 0.0
    assert rules.intelligence("phone_contact", None) == rules.ungraded
    assert rules.intelligence("family", "1A") == rules.family == 0.0
    assert rules.max_sharers == 10


def test_one_child_and_a_shared_phone_tie_two_perpetrators(net: NetworkWarehouse) -> None:
    """Two men who abused the same child on different days and share a phone are a group."""
    net.crime("TP-1", "TPV1", ["TP1m"], on=date(2023, 1, 1))
    net.crime("TP-2", "TPV1", ["TP2m"], on=date(2023, 3, 1))
    net.shares("TP1m", "phone", "07700 900011", seen=date(2023, 1, 1))
    net.shares("TP2m", "phone", "07700 900011", seen=date(2023, 2, 1))
    community = _community_of(net, "TP1m")
    assert (community.perpetrators, community.tied_perpetrators) == (2, 2)
    assert community.is_group


def test_two_shared_children_tie_two_perpetrators(net: NetworkWarehouse) -> None:
    for crime_ref, perpetrator, child in (("TC-1", "TC1m", "TCV1"), ("TC-2", "TC2m", "TCV1"),
                                          ("TC-3", "TC1m", "TCV2"), ("TC-4", "TC2m", "TCV2")):
        net.crime(crime_ref, child, [perpetrator], on=date(2023, 1, 1))
    assert _community_of(net, "TC1m").tied_perpetrators == 2


def test_a_shared_phone_graded_e_ties_no_one(net: NetworkWarehouse) -> None:
    """Intelligence suspected to be false (assessment E) neither joins two men nor, with a
    child in common, makes them a group."""
    net.crime("TE-1", "TEV1", ["TE1m"], on=date(2023, 1, 1))
    net.crime("TE-2", "TEV1", ["TE2m"], on=date(2023, 3, 1))
    net.shares("TE1m", "phone", "07700 900012", seen=date(2023, 1, 1), grading="3E")
    net.shares("TE2m", "phone", "07700 900012", seen=date(2023, 2, 1), grading="3E")
    assert not _community_of(net, "TE1m").is_group


def test_a_hostel_address_ties_no_one(net: NetworkWarehouse) -> None:
    """Eleven residents of one hostel, two of whom abused the same child: the address is
    linked to more people than max_sharers, so it carries no strength, joins no one in a
    community and makes no group."""
    net.crime("TH-1", "THV1", ["TH0m"], on=date(2023, 1, 1))
    net.crime("TH-2", "THV1", ["TH1m"], on=date(2023, 3, 1))
    for n in range(2, 11):
        net.crime(f"TH-{n + 1}", f"THV{n}", [f"TH{n}m"], on=date(2023, 1, 1))
    for n in range(11):
        net.shares(f"TH{n}m", "address", "1 Hostel Row", seen=date(2023, 1, 1))
    network = build_graph(net.engine)
    address = [e for e in network.graph.es if e["kind"] == "address_link"]
    assert len(address) == 11 and all(e["strength"] == 0.0 for e in address)
    assert not _community_of(net, "TH0m").is_group
    assert _community_of(net, "TH5m").people == 2  # the resident and his victim alone


def test_an_object_of_a_few_is_shared_out_among_them(net: NetworkWarehouse) -> None:
    """A phone graded 1A linked to three people gives each link half a tie (1 / (3 - 1))."""
    for n in range(3):
        net.crime(f"TS-{n}", f"TSV{n}", [f"TS{n}m"], on=date(2023, 1, 1))
        net.shares(f"TS{n}m", "phone", "07700 900013", seen=date(2023, 1, 1))
    network = build_graph(net.engine)
    assert [e["strength"] for e in network.graph.es if e["kind"] == "phone_contact"] \
        == [0.5, 0.5, 0.5]
