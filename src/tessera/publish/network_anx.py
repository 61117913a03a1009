"""The network as an i2 Analyst's Notebook chart: ANX XML (Analyst's Notebook Exchange).

Why ANX beside the CSV import: the CSV needs an analyst to map its columns once in ANB's import
wizard; an `.anx` file opens as a chart (File > Open) with every entity, link, date, source and
grade already in place. What it holds is what the CSV holds: people and objects by pseudonymous
id only (resolving one to a name is for a cleared role, through a logged look-up), every link
dated, with the agency that supplied it, the intelligence source and the 3x5x2 grading.

The layout follows the ANX schema as charts written by ANB and by other exporters use it:
`Chart` holds the attribute classes, entity types and link types, then `ChartItemCollection`:
one `ChartItem` per entity (`End/Entity` with `EntityId`, `Identity` and an `Icon/IconStyle`
naming its type), then one per link (`Link` with `End1Id`/`End2Id` naming entities, a
`CardCollection` with its source and grade, and a `LinkStyle` naming its type), each link's
`ChartItem` dated (`DateSet`, `DateTime`) and sourced (`SourceType`, `SourceReference`).

Why streamed: a national graph has over a million entities; each chart item is built as a
small element tree and written at once through the standard library's XML writer (which
escapes every value), so the whole chart is never held in memory.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path
from xml.sax.saxutils import XMLGenerator
from xml.sax.xmlreader import AttributesImpl

import igraph as ig

from tessera.analysis.network import Community, NetworkGraph
from tessera.analysis.network.context import OffenceContext
from tessera.errors import PublicationError
from tessera.publish.network_exports import charged, entity_id, entity_type, export_graph

ICON_FILES = {"Person": "Person", "Telephone": "Phone", "Vehicle": "Car", "Address": "House",
              "Online Account": "Computer", "Offence": "Crime", "Location": "Location",
              "Entity": "General"}
"""The ANB standard icon each entity type is drawn with (by its icon file name; those of
offences and places, like the rest, not checked in ANB, which is not available here: an icon
file ANB does not know is drawn with its default icon)."""
ENTITY_ATTRIBUTES = (("Role", "role"), ("Community", "community_id"), ("Charged", "charged"),
                     ("Offence date", "offence_date"), ("Offence code", "ho_offence_code"),
                     ("Setting", "setting"), ("Place", "lsoa"))
"""Entity attribute classes and the exported vertex attribute each is read from (an offence's
or place's own are empty for people and objects, and left out)."""
LINK_ATTRIBUTES = (("Last seen", "last_seen"), ("Supplied by", "agency_code"),
                   ("Intelligence source", "source"), ("Grading (3x5x2)", "grading"),
                   ("Offence key", "offence_key"), ("Force", "force_code"))
"""Link attribute classes and the exported edge attribute each is read from."""
TIME_ATTRIBUTES = frozenset({"Last seen", "Offence date"})
"""Attribute classes that hold a date (`AttTime`); the rest are text (`AttText`)."""
COLUMNS = 40
"""Entities per column of the starting layout (ANB's own layouts rearrange them)."""
SPACING = 120
"""Distance between neighbouring entities of the starting layout, in chart units."""
CLASSIFICATION = ("Restricted: pseudonymous ids of people, for cleared analysts; not for "
                  "publication.")


def write_anx(network: NetworkGraph, found: list[Community], path: Path,
              community: Community | None = None,
              context: OffenceContext | None = None) -> Path:
    """Write the graph (or one community), with `context`'s offences and places, as an ANX
    chart to `path`."""
    graph = export_graph(network, found, community, context)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = path.open("w", encoding="utf-8")
    except OSError as exc:
        raise PublicationError(f"cannot write {path}: {exc.strerror}") from exc
    with handle:
        xml = XMLGenerator(handle, encoding="utf-8", short_empty_elements=True)
        xml.startDocument()
        xml.startElement("Chart", AttributesImpl({"Rigorous": "false",
                                                  "IdReferenceLinking": "false"}))
        for element in _definitions(graph):
            _emit(xml, element)
        xml.startElement("ChartItemCollection", AttributesImpl({}))
        for vertex in graph.vs:
            _emit(xml, _entity_item(vertex))
        for edge in graph.es:
            _emit(xml, _link_item(graph, edge))
        xml.endElement("ChartItemCollection")
        _emit(xml, _summary(community))
        xml.endElement("Chart")
        xml.endDocument()
    return path


def _definitions(graph: ig.Graph) -> list[ET.Element]:
    """The chart's attribute classes, entity types and link types (only those used)."""
    classes = ET.Element("AttributeClassCollection")
    for name, _ in (*ENTITY_ATTRIBUTES, *LINK_ATTRIBUTES):
        ET.SubElement(classes, "AttributeClass", {
            "Name": name, "Type": "AttTime" if name in TIME_ATTRIBUTES else "AttText",
            "ShowValue": "true", "Visible": "true"})
    entity_types = ET.Element("EntityTypeCollection")
    for name in sorted({entity_type(v) for v in graph.vs}):
        ET.SubElement(entity_types, "EntityType", {
            "Name": name, "IconFile": ICON_FILES[name], "Colour": "0",
            "PreferredRepresentation": "RepresentAsIcon"})
    link_types = ET.Element("LinkTypeCollection")
    for name in sorted(set(graph.es["kind"]) if graph.ecount() else set()):
        ET.SubElement(link_types, "LinkType", {"Name": name, "Colour": "0"})
    return [classes, entity_types, link_types]


def _entity_item(vertex: ig.Vertex) -> ET.Element:
    """One entity: its pseudonymous id as identity and label, its type's icon, its role,
    community and whether charged as attributes; placed on a grid to start with."""
    x, y = (vertex.index // COLUMNS) * SPACING, (vertex.index % COLUMNS) * SPACING
    identity = entity_id(vertex)
    item = ET.Element("ChartItem", {"Label": identity, "DateSet": "false",
                                    "XPosition": str(x)})
    end = ET.SubElement(item, "End", {"X": str(x), "Y": str(y)})
    entity = ET.SubElement(end, "Entity", {"EntityId": str(vertex["node_id"]),
                                           "Identity": identity, "LabelIsIdentity": "true"})
    ET.SubElement(ET.SubElement(entity, "Icon"), "IconStyle", {"Type": entity_type(vertex)})
    held = vertex.attributes()
    values = {**held, "charged": charged(vertex)}
    _attributes(item, [(name, values.get(key) or "") for name, key in ENTITY_ATTRIBUTES])
    return item


def _link_item(graph: ig.Graph, edge: ig.Edge) -> ET.Element:
    """One link between two entities: its kind as type and label, dated by when it was first
    seen, sourced by the supplying agency and source, with a card carrying the grade."""
    when = f"{edge['first_seen']}T00:00:00" if edge["first_seen"] else ""
    dated = {"DateSet": "true", "TimeSet": "false", "DateTime": when} if when else \
        {"DateSet": "false"}
    sourced = {"SourceType": edge["source"], "SourceReference": edge["agency_code"]}
    item = ET.Element("ChartItem", {"Label": edge["kind"], **dated, **sourced})
    link = ET.SubElement(item, "Link", {"End1Id": str(graph.vs[edge.source]["node_id"]),
                                        "End2Id": str(graph.vs[edge.target]["node_id"])})
    cards = ET.SubElement(link, "CardCollection")
    grade = f", graded {edge['grading']} (3x5x2)" if edge["grading"] else ""
    ET.SubElement(cards, "Card", {
        "Summary": f"{edge['kind']} from {edge['source']}{grade}", **dated, **sourced,
        "Text": f"first seen {edge['first_seen'] or 'not recorded'}, last seen "
                f"{edge['last_seen'] or 'not recorded'}"})
    ET.SubElement(link, "LinkStyle", {"Type": edge["kind"], "ArrowStyle": "ArrowNone"})
    _attributes(item, [(name, edge[key]) for name, key in LINK_ATTRIBUTES])
    return item


def _attributes(item: ET.Element, values: list[tuple[str, str]]) -> None:
    """The item's attributes that have a value (dates as ANB's date-times)."""
    held = [(name, value) for name, value in values if value]
    if not held:
        return
    collection = ET.SubElement(item, "AttributeCollection")
    for name, value in held:
        shown = f"{value}T00:00:00" if name in TIME_ATTRIBUTES else value
        ET.SubElement(collection, "Attribute", {"AttributeClass": name, "Value": shown})


def _summary(community: Community | None) -> ET.Element:
    """The chart's title, comment and classification (ANB's chart properties)."""
    summary = ET.Element("Summary")
    fields = ET.SubElement(summary, "FieldCollection")
    title = f"Tessera network: community {community.community_id}" if community else \
        "Tessera network: whole graph"
    ET.SubElement(fields, "Field", {"Type": "SummaryFieldTitle", "Field": title})
    ET.SubElement(fields, "Field", {"Type": "SummaryFieldComments", "Field": CLASSIFICATION})
    custom = ET.SubElement(summary, "CustomPropertyCollection")
    ET.SubElement(custom, "CustomProperty", {"Name": "Classification", "Type": "String",
                                             "Value": CLASSIFICATION})
    return summary


def _emit(xml: XMLGenerator, element: ET.Element) -> None:
    """Write one element tree through the streaming writer."""
    xml.startElement(element.tag, AttributesImpl(dict(element.attrib)))
    for child in element:
        _emit(xml, child)
    xml.endElement(element.tag)

