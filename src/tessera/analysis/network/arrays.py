"""The network graph as columns: one numpy array per edge or vertex attribute.

Why: the analysis after the graph is built (summaries, brokers, key people, growth, paths)
asks the same questions of every edge and vertex: which community are its ends in, when was
it first seen, which force is it from. Asked one igraph `Edge` at a time, that is a Python
call per edge per question, and at five national years (over a million vertices, three
quarters of a million edges) it was most of the run. Held once as arrays, each question is one
vectorised numpy step. The arrays are made once per graph and kept beside it (weakly, so they
go when the graph goes).
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass
from datetime import date

import igraph as ig
import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from tessera.analysis.network.graph import NetworkGraph

Ints = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]
NO_DAY = np.iinfo(np.int64).max
"""A missing date, as days: after every real one, so a minimum ignores it."""
EPOCH = date(1970, 1, 1)
"""Day 0 of the arrays' dates."""


@dataclass(frozen=True)
class Codes:
    """A text column as integer codes into `values` (-1 where there is no value)."""

    codes: Ints
    values: tuple[str, ...]


@dataclass(frozen=True)
class GraphArrays:
    """Edge ends and attributes, and vertex flags, as arrays indexed like the graph.

    Dates are days since 1970-01-01 (`NO_DAY` where missing).
    """

    source: Ints
    target: Ints
    first_day: Ints
    last_day: Ints
    kind: Codes
    force: Codes
    offence: Codes
    person: Bools
    victim: Bools
    perpetrator: Bools
    charged: Bools


_CACHE: dict[int, GraphArrays] = {}
_BARE: dict[int, ig.Graph] = {}
"""Arrays by `id` of their graph (an igraph `Graph` cannot be a dictionary key); each entry
is dropped when its graph is collected, so a new graph never finds an old graph's arrays."""


def graph_arrays(network: NetworkGraph) -> GraphArrays:
    """The arrays of `network`'s graph, made on first use."""
    graph = network.graph
    found = _CACHE.get(id(graph))
    if found is None:
        found = _CACHE[id(graph)] = _arrays(graph)
        weakref.finalize(graph, _CACHE.pop, id(graph), None)
    return found


def bare_graph(network: NetworkGraph) -> ig.Graph:
    """The graph's vertices and edges without attributes (same ids, same edge order), made
    on first use: its subgraphs copy no attribute of a million vertices."""
    graph = network.graph
    found = _BARE.get(id(graph))
    if found is None:
        arrays = graph_arrays(network)
        found = _BARE[id(graph)] = ig.Graph(
            n=graph.vcount(), edges=np.stack([arrays.source, arrays.target], axis=1).tolist())
        weakref.finalize(graph, _BARE.pop, id(graph), None)
    return found


def _arrays(graph: ig.Graph) -> GraphArrays:
    ends = np.array(graph.get_edgelist(), dtype=np.int64).reshape(-1, 2)
    return GraphArrays(
        source=ends[:, 0].copy(), target=ends[:, 1].copy(),
        first_day=_days(graph.es["first_seen"] if graph.ecount() else []),
        last_day=_days(graph.es["last_seen"] if graph.ecount() else []),
        kind=_codes(graph.es["kind"] if graph.ecount() else []),
        force=_codes(graph.es["force_code"] if graph.ecount() else []),
        offence=_codes(graph.es["offence_key"] if graph.ecount() else []),
        person=np.array([k == "person" for k in graph.vs["kind"]], dtype=bool),
        victim=np.array(graph.vs["victim"], dtype=bool),
        perpetrator=np.array(graph.vs["perpetrator"], dtype=bool),
        charged=np.array(graph.vs["charged"], dtype=bool))


def _days(values: list[object]) -> Ints:
    days = pa.array(values, type=pa.date32()).cast(pa.int32())
    return np.asarray(pc.fill_null(days.cast(pa.int64()), NO_DAY), dtype=np.int64)


def _codes(values: list[object]) -> Codes:
    encoded = pa.array(values, type=pa.string()).dictionary_encode()
    codes = np.asarray(pc.fill_null(encoded.indices.cast(pa.int64()), -1), dtype=np.int64)
    return Codes(codes, tuple(encoded.dictionary.to_pylist()))


def membership(vertices: int, groups: list[tuple[int, ...]] | list[list[int]]) -> Ints:
    """Each vertex's group number (its position in `groups`), -1 for none."""
    found = np.full(vertices, -1, dtype=np.int64)
    if groups:
        sizes = np.fromiter((len(g) for g in groups), dtype=np.int64, count=len(groups))
        members = np.fromiter((v for g in groups for v in g), dtype=np.int64,
                              count=int(sizes.sum()))
        found[members] = np.repeat(np.arange(len(groups), dtype=np.int64), sizes)
    return found


def inside(arrays: GraphArrays, member_of: Ints) -> Bools:
    """Edges whose two ends are in the same group."""
    one, two = member_of[arrays.source], member_of[arrays.target]
    return np.asarray((one == two) & (one >= 0), dtype=bool)


def distinct_per_group(group: Ints, value: Ints, groups: int) -> Ints:
    """How many distinct `value`s (>= 0) each group number holds."""
    keep = (group >= 0) & (value >= 0)
    width = int(value[keep].max()) + 1 if keep.any() else 1
    pairs = np.unique(group[keep] * width + value[keep])
    return np.bincount(pairs // width, minlength=groups).astype(np.int64)
