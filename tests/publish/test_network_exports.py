"""GraphML and i2 exports of the network, read back as an analyst's tool would."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import igraph as ig
import pytest

from tessera.analysis.network import NetworkGraph, build_graph, communities
from tessera.errors import PublicationError
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


def test_an_unwritable_path_is_one_clear_error(network: NetworkGraph, tmp_path: Path) -> None:
    """A file where a folder should be: a PublicationError naming the path."""
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    with pytest.raises(PublicationError, match="cannot write"):
        write_graphml(network, communities(network), blocker / "graph.graphml")
