"""The network graph: people and the objects they share, joined by dated, sourced edges.

Why one graph of people and objects: offenders who never appear on the same offence are still
joined when intelligence places them on the same phone, car or address, or when they abuse the
same child; an object is a node, so two people sharing a phone are two steps apart and the
community detection sees the tie without a rule that says which objects count. Every edge keeps
its date, supplying agency, source and grading, so an analyst can weigh it and an export can
carry it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cached_property

import igraph as ig
import pyarrow as pa

from tessera.analysis.network.queries import NETWORK_SQL
from tessera.analysis.network.ties import edge_strengths, tie_rules
from tessera.warehouse.engine import Engine

OBJECT_PREFIX = "O-"
"""Node ids of objects start so (`O-<object kind>-<pseudonymised value>`); people's with `N-`."""


@dataclass(frozen=True)
class NetworkGraph:
    """The igraph graph and the index of its node ids.

    Vertex attributes: `node_id`, `kind` ('person' or 'object'), `person_id`, `child_id`,
    `victim`, `perpetrator`, `charged`, `object_kind`. Edge attributes: `kind`, `first_seen`,
    `last_seen`, `agency_code`, `source`, `grading`, `offence_key`, `force_code`, `strength`
    (how much it ties its ends, from `tie_rules.csv`: `ties.edge_strengths`). Parallel edges
    are kept: each is one record. There is no `name` attribute, so nothing that reads the graph
    can mistake an id for a name.
    """

    graph: ig.Graph
    index: dict[str, int]

    @cached_property
    def weighted(self) -> ig.Graph:
        """The graph with parallel edges merged into one whose `weight` counts them (for
        centrality, which reads ties, not records) and whose `strength` sums theirs (for
        community detection, see `ties.edge_strengths`); made once."""
        simple = self.graph.copy()
        simple.es["weight"] = [1.0] * simple.ecount()
        simple.simplify(multiple=True, loops=True,
                        combine_edges={"weight": "sum", "strength": "sum"})
        return simple


def build_graph(engine: Engine) -> NetworkGraph:
    """The whole graph from the warehouse's analysis zone (pseudonymous keys only)."""
    return graph_from_tables(engine.arrow(NETWORK_SQL.sql("nodes")),
                             engine.arrow(NETWORK_SQL.sql("edges")))


def graph_from_tables(nodes: pa.Table, edges: pa.Table) -> NetworkGraph:
    """The graph of `nodes` (people) and `edges`; an edge's end that is not a person is an
    object node. People with no edge stay out: alone, they are in no network.

    Why column by column: at national scale over five years there are millions of person
    records and most have no edge; reading Arrow columns keeps one list per column rather
    than one dictionary per row.
    """
    sources, targets = edges["source_node"].to_pylist(), edges["target_node"].to_pylist()
    ids: list[str] = []
    index: dict[str, int] = {}
    for end in (*sources, *targets):
        if end not in index:
            index[end] = len(ids)
            ids.append(end)
    graph = ig.Graph(n=len(ids), edges=[(index[a], index[b])
                                        for a, b in zip(sources, targets, strict=True)])
    graph.vs["node_id"] = ids
    graph.vs["kind"] = ["object" if i.startswith(OBJECT_PREFIX) else "person" for i in ids]
    for attribute in ("person_id", "child_id", "victim", "perpetrator", "charged"):
        graph.vs[attribute] = [None] * len(ids)
    row_of = {node: row for row, node in enumerate(nodes["node"].to_pylist()) if node in index}
    vertices = [index[node] for node in row_of]
    rows = pa.array(list(row_of.values()), type=pa.int64())
    for attribute in ("person_id", "child_id", "victim", "perpetrator", "charged"):
        values = nodes[attribute].take(rows).to_pylist()
        graph.vs[vertices][attribute] = values
    for attribute in ("victim", "perpetrator", "charged"):
        graph.vs[attribute] = [bool(value) for value in graph.vs[attribute]]
    graph.vs["object_kind"] = [i.split("-")[1] if i.startswith(OBJECT_PREFIX) else None
                               for i in ids]
    for attribute in ("kind", "first_seen", "last_seen", "agency_code", "source", "grading",
                      "offence_key", "force_code"):
        graph.es[attribute] = edges[attribute].to_pylist()
    graph.es["strength"] = edge_strengths(graph, tie_rules())
    return NetworkGraph(graph=graph, index=index)


def display_id(vertex: ig.Vertex) -> str:
    """The pseudonymous id an analyst sees: person_id, else child_id, else the node id (an
    object, or a person before linkage)."""
    return str(vertex["person_id"] or vertex["child_id"] or vertex["node_id"])


def edge_date(edge: ig.Edge) -> date:
    """When an edge was first seen (the offence date for crime-record edges)."""
    value: date = edge["first_seen"]
    return value
