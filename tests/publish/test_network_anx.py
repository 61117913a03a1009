"""The i2 Analyst's Notebook chart (ANX XML), parsed back as ANB would read it."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

import pytest

from tessera.analysis.network import NetworkGraph, communities
from tessera.errors import PublicationError
from tessera.publish.network_anx import write_anx
from tests.analysis.network.hand_graph import HandGraph, random_graph

IDENTIFYING = ("name", "given_name", "family_name", "date_of_birth", "postcode")


def _graph() -> NetworkGraph:
    """Two offenders of one offence against a child, and a phone both use (graded 2B and 1A,
    from two forces); a third offender elsewhere with a name-like quote and ampersand in the
    force code, to show values are escaped."""
    hand = HandGraph(perpetrators={"N-A", "N-B", "N-C"}, victims={"N-V"})
    hand.tie("N-A", "N-B", kind="co_offending", offence="OF-1", on=date(2023, 3, 1))
    hand.tie("N-A", "N-V", kind="victim_offender", offence="OF-1", on=date(2023, 3, 1))
    hand.tie("N-B", "N-V", kind="victim_offender", offence="OF-1", on=date(2023, 3, 1))
    hand.tie("N-A", "O-phone-1", kind="phone_contact", on=date(2023, 2, 1), grading="2B")
    hand.tie("N-B", "O-phone-1", kind="phone_contact", on=date(2023, 2, 3), grading="1A",
             force="essex")
    hand.tie("N-C", "O-vehicle-9", kind="vehicle_use", on=date(2022, 1, 1), force='a"&<b')
    return hand.build()


def _items(path: Path) -> tuple[dict[str, ET.Element], list[ET.Element], ET.Element]:
    root = ET.parse(path).getroot()
    entities = {e.get("EntityId", ""): e for e in root.iter("Entity")}
    links = [item for item in root.iter("ChartItem") if item.find("Link") is not None]
    return entities, links, root


def test_the_chart_holds_every_entity_and_link_and_each_link_joins_two_entities(
        tmp_path: Path) -> None:
    """One entity per vertex, one link per edge; every End1Id and End2Id is an entity; people
    are identified by pseudonymous id, objects by their key; link types and entity types are
    declared."""
    network = _graph()
    path = write_anx(network, communities(network), tmp_path / "chart.anx")
    entities, links, root = _items(path)
    assert root.tag == "Chart"
    assert (len(entities), len(links)) == (network.graph.vcount(), network.graph.ecount())
    for item in links:
        link = item.find("Link")
        assert link is not None
        assert link.get("End1Id") in entities and link.get("End2Id") in entities
    identities = {e.get("Identity") for e in entities.values()}
    assert {"P-A", "P-B", "C-V", "O-phone-1"} <= identities
    declared = {t.get("Name") for t in root.iter("LinkType")}
    assert declared == {"co_offending", "victim_offender", "phone_contact", "vehicle_use"}
    assert {t.get("Name") for t in root.iter("EntityType")} == {"Person", "Telephone",
                                                                 "Vehicle"}
    assert all(s.get("Type") in declared for s in root.iter("LinkStyle"))
    text = path.read_text(encoding="utf-8").lower()
    assert not any(f'"{word}"' in text for word in IDENTIFYING)


def test_links_carry_their_date_source_and_grading(tmp_path: Path) -> None:
    """Each phone link is dated (DateSet, DateTime), sourced (agency, intelligence source)
    and graded, as item properties, attributes and a card; crime-record links have no grade;
    odd characters in a value come back as written."""
    network = _graph()
    _, links, _ = _items(write_anx(network, communities(network), tmp_path / "chart.anx"))
    phones = [item for item in links if item.get("Label") == "phone_contact"]
    assert len(phones) == 2
    for item in phones:
        assert item.get("DateSet") == "true" and item.get("DateTime", "").startswith("2023-02-0")
        assert item.get("SourceType") == "intelligence_report"
        attributes = {a.get("AttributeClass"): a.get("Value") for a in item.iter("Attribute")}
        card = item.find("Link/CardCollection/Card")
        assert card is not None and attributes["Grading (3x5x2)"] in card.get("Summary", "")
    assert {(i.get("SourceReference"), a.get("Value")) for i in phones
            for a in i.iter("Attribute") if a.get("AttributeClass") == "Grading (3x5x2)"} == \
        {("kent", "2B"), ("essex", "1A")}
    crime = [item for item in links if item.get("SourceType") == "crime_record"]
    assert len(crime) == 3 and not any(a.get("AttributeClass") == "Grading (3x5x2)"
                                       for item in crime for a in item.iter("Attribute"))
    vehicle = next(item for item in links if item.get("Label") == "vehicle_use")
    assert vehicle.get("SourceReference") == 'a"&<b'
    assert {a.get("Value") for a in vehicle.iter("Attribute")} >= {'a"&<b'}


@pytest.mark.parametrize("seed", range(3))
def test_one_community_holds_its_members_and_the_links_between_them(
        seed: int, tmp_path: Path) -> None:
    """On random graphs: the community's vertices as entities and exactly the edges with
    both ends inside it as links, every link's ends among them."""
    network = random_graph(seed).build()
    found = communities(network)
    community = found[0]
    entities, links, root = _items(write_anx(network, found, tmp_path / "c.anx", community))
    inside = network.graph.es.select(_within=list(community.vertices))
    assert (len(entities), len(links)) == (len(community.vertices), len(inside))
    assert all(item.find("Link").get(end) in entities  # type: ignore[union-attr]
               for item in links for end in ("End1Id", "End2Id"))
    assert {a.get("Value") for a in root.iter("Attribute") if a.get("AttributeClass") ==
            "Community"} == {community.community_id}


def test_an_unwritable_path_is_one_clear_error(tmp_path: Path) -> None:
    """A file where a folder should be: a PublicationError naming the path."""
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    network = _graph()
    with pytest.raises(PublicationError, match="cannot write"):
        write_anx(network, communities(network), blocker / "chart.anx")
