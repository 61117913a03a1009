"""GraphML and i2 exports of the network, read back as an analyst's tool would."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import igraph as ig
import pytest

from tessera.analysis.network import NetworkGraph, build_graph, communities
from tessera.analysis.network.context import OffenceContext, offence_context
from tessera.errors import PublicationError
from tessera.publish.network_anx import write_anx
from tessera.publish.network_exports import write_graphml, write_i2
from tessera.warehouse.engine import Engine
from tests.analysis.network.network_fixture import NetworkWarehouse

IDENTIFYING = {"name", "given_name", "family_name", "date_of_birth", "postcode", "nhs_number",
               "upn", "label"}


@pytest.fixture
def network() -> Iterator[NetworkGraph]:
    """The audit fixture with a phone two offenders share, graded 2B, linked."""
    with Engine.open(None) as engine:
        net = NetworkWarehouse(engine)
        net.crime("EX-1", "EV1", ["EA1m"], on=date(2023, 3, 1))
        net.crime("EX-2", "EV2", ["EA2m"], on=date(2023, 4, 1))
        net.shares("EA1m", "phone", "07700 900555", seen=date(2023, 2, 1), grading="2B")
        net.shares("EA2m", "phone", "07700 900555", seen=date(2023, 2, 3), grading="2B")
        net.link_ids()
        yield build_graph(engine)


def test_graphml_reads_back_with_the_same_nodes_and_edges_and_no_names(
        network: NetworkGraph, tmp_path: Path) -> None:
    """igraph reads the file back whole; no attribute could carry a name."""
    found = communities(network)
    path = write_graphml(network, found, tmp_path / "graph.graphml")
    back = ig.Graph.Read_GraphML(str(path))
    assert (back.vcount(), back.ecount()) == (network.graph.vcount(), network.graph.ecount())
    assert not IDENTIFYING & (set(back.vs.attributes()) | set(back.es.attributes()))
    assert set(back.vs["node_id"]) == set(network.graph.vs["node_id"])
    graded = [e for e in back.es if e["grading"] == "2B"]
    assert len(graded) == 2 and all(e["first_seen"].startswith("2023-02") for e in graded)


def test_graphml_of_one_community_holds_its_members_only(
        network: NetworkGraph, tmp_path: Path) -> None:
    """The community's vertices, and the edges between them."""
    found = communities(network)
    community = found[0]
    back = ig.Graph.Read_GraphML(str(write_graphml(network, found, tmp_path / "c.graphml",
                                                   community)))
    assert back.vcount() == len(community.vertices)
    assert set(back.vs["community_id"]) == {community.community_id}
    inside = network.graph.es.select(_within=list(community.vertices))
    assert back.ecount() == len(inside)


def test_i2_import_has_entities_and_links_with_dates_sources_and_grading(
        network: NetworkGraph, tmp_path: Path) -> None:
    """Every vertex is an entity and every edge a link; intelligence links carry their date,
    source and grade, and both ends' ids are entities."""
    files = write_i2(network, communities(network), tmp_path / "i2")
    with files.entities.open(encoding="utf-8") as handle:
        entities = list(csv.DictReader(handle))
    with files.links.open(encoding="utf-8") as handle:
        links = list(csv.DictReader(handle))
    assert len(entities) == network.graph.vcount() and len(links) == network.graph.ecount()
    ids = {e["entity_id"] for e in entities}
    assert all(link["end1_id"] in ids and link["end2_id"] in ids for link in links)
    phones = [link for link in links if link["link_type"] == "phone_contact"]
    assert len(phones) == 2
    assert all(link["grading"] == "2B" and link["intelligence_source"] == "intelligence_report"
               and link["date_first"].startswith("2023-02") and link["end2_type"] == "Telephone"
               for link in phones)
    assert all(link["date_first"] for link in links)
    assert "end1_id" in files.specification.read_text(encoding="utf-8")


@pytest.fixture
def around() -> Iterator[tuple[NetworkGraph, OffenceContext]]:
    """Beside the audit fixture's offences (no place recorded), the same two offences, both
    in LSOA E01011229 (one place), and a third elsewhere whose people share nothing with the
    rest; the graph and the offences around it."""
    with Engine.open(None) as engine:
        net = NetworkWarehouse(engine)
        one = net.crime("EX-1", "EV1", ["EA1m"], on=date(2023, 3, 1))
        two = net.crime("EX-2", "EV2", ["EA2m"], on=date(2023, 4, 1))
        three = net.crime("EX-3", "EV3", ["EA3m"], on=date(2023, 5, 1))
        net.shares("EA1m", "phone", "07700 900555", seen=date(2023, 2, 1), grading="2B")
        net.shares("EA2m", "phone", "07700 900555", seen=date(2023, 2, 3), grading="2B")
        for key, lsoa in ((one, "E01011229"), (two, "E01011229"), (three, "E01033012")):
            engine.execute("UPDATE analysis.offence SET lsoa = ? WHERE record_key = ?",
                           [lsoa, key])
        net.link_ids()
        network = build_graph(engine)
        yield network, offence_context(engine, network)


def test_offences_and_places_are_items_with_their_parties_and_communities(
        around: tuple[NetworkGraph, OffenceContext], tmp_path: Path) -> None:
    """Each offence is a node joined to its victim and suspect by their roles and to its
    place; two offences in one LSOA share one place node; each offence is in its
    perpetrator's community, a place in none; the graph the communities come from is
    untouched."""
    network, context = around
    before = (network.graph.vcount(), network.graph.ecount())
    found = communities(network)
    back = ig.Graph.Read_GraphML(str(write_graphml(network, found, tmp_path / "g.graphml",
                                                   context=context)))
    assert (network.graph.vcount(), network.graph.ecount()) == before
    offences = back.vs.select(kind="offence", lsoa_ne="")
    places = back.vs.select(kind="place")
    assert len(offences) == 3 and sorted(places["lsoa"]) == ["E01011229", "E01033012"]
    everything = back.vs.select(kind="offence")
    assert back.vcount() == before[0] + len(everything) + 2
    assert back.ecount() == before[1] + 3 + sum(v.degree() - (v["lsoa"] != "")
                                                 for v in everything)
    assert len(everything) == len(set(context.parties["offence_key"].to_pylist()))
    first = next(v for v in offences if v["offence_date"] == "2023-03-01")
    assert first["ho_offence_code"] and first["role"] == "offence"
    kinds = sorted(back.es[e]["kind"] for e in back.incident(first.index))
    assert kinds == ["occurred_in", "suspect", "victim"]
    shared = next(v for v in places if v["lsoa"] == "E01011229")
    assert shared.degree() == 2 and shared["community_id"] == ""
    for offence in everything:
        suspect = next(back.vs[n] for n in back.neighbors(offence.index)
                       if back.vs[n]["perpetrator"])
        assert offence["community_id"] == suspect["community_id"] != ""
    assert all(e["strength"] == "0.0" for e in back.es.select(kind_in=["victim", "suspect",
                                                                       "occurred_in"]))


def test_a_community_export_holds_its_offences_and_their_places(
        around: tuple[NetworkGraph, OffenceContext], tmp_path: Path) -> None:
    """The phone-sharing pair's community: its people and phone, its two offences and their
    one place; not the third offence or its place."""
    network, context = around
    found = communities(network)
    pair = next(c for c in found if c.perpetrators == 2)
    back = ig.Graph.Read_GraphML(str(write_graphml(network, found, tmp_path / "c.graphml",
                                                   pair, context)))
    assert len(back.vs.select(kind="offence")) == 2
    assert back.vs.select(kind="place")["lsoa"] == ["E01011229"]
    assert back.vcount() == len(pair.vertices) + 3


def test_i2_and_anx_carry_offences_and_places(around: tuple[NetworkGraph, OffenceContext],
                                              tmp_path: Path) -> None:
    """entities.csv has Offence and Location entities with the offence's date, code and
    place; links.csv has each party's role as a link type; the ANX chart defines both types
    and dates the offences."""
    network, context = around
    found = communities(network)
    files = write_i2(network, found, tmp_path / "i2", context=context)
    with files.entities.open(encoding="utf-8") as handle:
        entities = list(csv.DictReader(handle))
    with files.links.open(encoding="utf-8") as handle:
        links = list(csv.DictReader(handle))
    offences = [e for e in entities if e["entity_type"] == "Offence"]
    assert all(e["entity_id"].startswith("X-") for e in offences)
    assert {e["place"] for e in offences} == {"", "E01011229", "E01033012"}
    assert all(e["offence_date"].startswith("2023-") and e["charged"] == "" for e in offences)
    assert len([e for e in entities if e["entity_type"] == "Location"]) == 2
    ids = {e["entity_id"] for e in entities}
    victims = [link for link in links if link["link_type"] == "victim"]
    assert len(victims) >= 3 and all(link["end2_id"] in ids and link["end2_type"] == "Offence"
                                     for link in victims)
    assert sum(1 for link in links if link["link_type"] == "occurred_in") == 3
    chart = write_anx(network, found, tmp_path / "chart.anx", context=context)
    text = chart.read_text(encoding="utf-8")
    assert '<EntityType Name="Offence"' in text and '<EntityType Name="Location"' in text
    assert 'AttributeClass="Offence date" Value="2023-03-01T00:00:00"' in text


def test_an_unwritable_path_is_one_clear_error(network: NetworkGraph, tmp_path: Path) -> None:
    """A file where a folder should be: a PublicationError naming the path."""
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    with pytest.raises(PublicationError, match="cannot write"):
        write_graphml(network, communities(network), blocker / "graph.graphml")
