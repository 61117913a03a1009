"""The network for analysts' own tools: GraphML (Gephi, yEd, networkx, igraph) and an import
file for i2 Analyst's Notebook (links as CSV, one row per link with both ends, its entities'
attributes, and the import specification that maps the columns).

Why these carry ids only: an export leaves Tessera, so people are shown by the pseudonymous id
(person_id, child_id) and objects by their pseudonymised key; resolving one to a name is for a
cleared role, through a logged look-up. Why every link keeps its date, source and grading: an
analyst weighs intelligence by its 3x5x2 grade and must see what was known when.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import igraph as ig

from tessera.analysis.network import Community, NetworkGraph
from tessera.analysis.network.communities import community_of_vertices
from tessera.analysis.network.context import (
    OFFENCE_ATTRIBUTES,
    OffenceContext,
    subgraph,
    with_context,
)
from tessera.analysis.network.graph import display_id
from tessera.analysis.network.roles import roles
from tessera.errors import PublicationError

I2_ENTITY_TYPES = {"person": "Person", "phone": "Telephone", "vehicle": "Vehicle",
                   "address": "Address", "online_account": "Online Account",
                   "offence": "Offence", "place": "Location"}
"""i2 entity types for people, each object kind, offences and places."""
ENTITY_COLUMNS = ("entity_id", "entity_type", "label", "role", "community_id", "charged",
                  "offence_date", "offence_code", "setting", "place")
OFFENCE_COLUMNS = (("offence_date", "offence_date"), ("offence_code", "ho_offence_code"),
                   ("setting", "setting"), ("place", "lsoa"))
"""The entity columns an offence (or place) fills, and the vertex attribute each is read from."""
LINK_COLUMNS = ("link_id", "end1_id", "end1_type", "end1_label", "end2_id", "end2_type",
                "end2_label", "link_type", "date_first", "date_last", "supplied_by",
                "intelligence_source", "grading", "offence_key", "force")
IMPORT_SPECIFICATION = """i2 Analyst's Notebook import specification for links.csv
(Tabular import, one row per link; entities.csv holds each entity's attributes)

Entity 1   identity: end1_id    type: end1_type    label: end1_label
Entity 2   identity: end2_id    type: end2_type    label: end2_label
Link       type: link_type      identity: link_id  direction: none
           date: date_first (yyyy-mm-dd)
           attributes: date_last, supplied_by, intelligence_source, grading (3x5x2),
                       offence_key, force
Merge entities on identity, so a person, object, offence or place in many rows is one chart
item. Identities are pseudonymous (person_id P-..., child_id C-..., objects O-<kind>-<key>,
offences X-<offence key>); places are 2021 LSOAs (L-<code>). A person's link to an offence
has their role as its type (victim, suspect, offender); an offence's link to its place is
occurred_in. Resolving an id to a name is for a cleared role, through a logged look-up.
"""


@dataclass(frozen=True)
class I2Files:
    """The three files of an i2 import."""

    links: Path
    entities: Path
    specification: Path


def export_graph(network: NetworkGraph, found: list[Community],
                 community: Community | None = None,
                 context: OffenceContext | None = None) -> ig.Graph:
    """The whole graph, or one community's subgraph, with the offences and places of
    `context` (`context.offence_context`) around its people, with plain attributes a GraphML
    reader keeps: text, numbers, booleans (dates as yyyy-mm-dd, no value as empty text)."""
    only = community.vertices if community is not None else None
    graph, ids = (with_context(network, context, community_of_vertices(found), only)
                  if context is not None else
                  subgraph(network, community_of_vertices(found), only)[:2])
    people = roles(network)
    role_of = [people[v] for v in (sorted(only) if only is not None
                                   else range(network.graph.vcount()))]
    graph.vs["community_id"] = [ids.get(v.index, "") for v in graph.vs]
    graph.vs["role"] = [role_of[v] if kind == "person" else "object" if kind == "object" else kind
                        for v, kind in enumerate(graph.vs["kind"])]
    for attribute in ("person_id", "child_id", "object_kind",
                      *(a for a in OFFENCE_ATTRIBUTES if a in graph.vs.attributes())):
        graph.vs[attribute] = [_text(value) for value in graph.vs[attribute]]
    for attribute in graph.es.attributes():
        graph.es[attribute] = [_text(value) for value in graph.es[attribute]]
    return graph


def write_graphml(network: NetworkGraph, found: list[Community], path: Path,
                  community: Community | None = None,
                  context: OffenceContext | None = None) -> Path:
    """Write the graph (or one community), with `context`'s offences and places, as GraphML
    to `path`."""
    graph = export_graph(network, found, community, context)
    _writable(path)
    graph.write_graphml(str(path))
    return path


def write_i2(network: NetworkGraph, found: list[Community], folder: Path,
             community: Community | None = None,
             context: OffenceContext | None = None) -> I2Files:
    """Write `links.csv`, `entities.csv` and `import_specification.txt` to `folder` (with
    `context`'s offences and places as entities)."""
    graph = export_graph(network, found, community, context)
    files = I2Files(folder / "links.csv", folder / "entities.csv",
                    folder / "import_specification.txt")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise PublicationError(f"cannot write the i2 import to {folder}: {exc.strerror}") \
            from exc
    _writable(files.links)
    held = set(graph.vs.attributes())
    with files.entities.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(ENTITY_COLUMNS)
        writer.writerows((entity_id(v), entity_type(v), entity_id(v), v["role"],
                          v["community_id"], charged(v),
                          *(_text(v[key]) if key in held else "" for _, key in OFFENCE_COLUMNS))
                         for v in graph.vs)
    with files.links.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(LINK_COLUMNS)
        for e in graph.es:
            one, two = graph.vs[e.source], graph.vs[e.target]
            writer.writerow((f"L-{e.index + 1}", entity_id(one), entity_type(one),
                             entity_id(one), entity_id(two), entity_type(two),
                             entity_id(two), e["kind"], e["first_seen"], e["last_seen"],
                             e["agency_code"], e["source"], e["grading"], e["offence_key"],
                             e["force_code"]))
    files.specification.write_text(IMPORT_SPECIFICATION, encoding="utf-8")
    return files


def entity_id(vertex: ig.Vertex) -> str:
    """An exported vertex's identity: a person's pseudonymous id, else its node id."""
    return display_id(vertex) if vertex["kind"] == "person" else str(vertex["node_id"])


def entity_type(vertex: ig.Vertex) -> str:
    """An exported vertex's i2 entity type."""
    return I2_ENTITY_TYPES.get(vertex["object_kind"] or vertex["kind"], "Entity")


def charged(vertex: ig.Vertex) -> str:
    """'yes' or 'no' for a person or object; nothing for an offence or place."""
    if vertex["kind"] in ("offence", "place"):
        return ""
    return "yes" if vertex["charged"] else "no"


def _text(value: object) -> str:
    if value is None:
        return ""
    return value.isoformat() if isinstance(value, date) else str(value)


def _writable(path: Path) -> None:
    """Fail in one line before writing when `path` cannot be written."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch()
    except OSError as exc:
        raise PublicationError(f"cannot write {path}: {exc.strerror}") from exc
