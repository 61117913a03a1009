"""The network analysis in one call: graph, communities, key people, brokers and growth.

Why a service: `tessera network` and the look-again list call it and render what it returns;
neither knows how the graph is built or the communities found.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tessera.analysis.network.communities import (
    SEED,
    Community,
    CommunityRef,
    communities,
    person_communities,
)
from tessera.analysis.network.graph import NetworkGraph, build_graph
from tessera.analysis.network.growth import growth_of
from tessera.analysis.network.paths import community_contacts
from tessera.analysis.network.roles import brokers, key_people_of
from tessera.analysis.network.tables import (
    brokers_table,
    communities_table,
    contacts_table,
    growth_table,
    key_people_table,
)
from tessera.analysis.results import StatTable
from tessera.errors import AnalysisError, NothingToScoreError
from tessera.warehouse.engine import Engine

KEY_PEOPLE_EACH = 5
"""Key people listed per community in the national summary; one community lists all."""


@dataclass(frozen=True)
class NetworkResult:
    """The graph, every community, the ones shown (groups, or the one asked for) and tables."""

    network: NetworkGraph
    communities: list[Community]
    shown: list[Community]
    tables: dict[str, StatTable]


def run_network(engine: Engine, *, community_id: str | None = None, seed: int = SEED
                ) -> NetworkResult:
    """Build the graph and analyse it; with `community_id`, the tables cover that community
    alone, list all its people and add how each offence's perpetrators were in contact
    before it. An unknown id is an `AnalysisError`."""
    network = build_graph(engine)
    if network.graph.vcount() == 0:
        raise NothingToScoreError("the warehouse holds no offences or intelligence to build a "
                                  "network from (run tessera ingest first)")
    found = communities(network, seed)
    if community_id is None:
        shown = [c for c in found if c.is_group]
        each: int | None = KEY_PEOPLE_EACH
    else:
        shown = [c for c in found if c.community_id == community_id]
        if not shown:
            raise AnalysisError(f"no community {community_id!r}: ids run from C-0001 to "
                                f"C-{len(found):04d}")
        each = None
    ids = {c.community_id for c in shown}
    people = [p for found_people in key_people_of(network, shown, each).values()
              for p in found_people]
    tables = {
        "communities": communities_table(shown),
        "key_people": key_people_table(people),
        "brokers": brokers_table(brokers(network, found, only=ids)),
        "growth": growth_table(growth_of(network, shown)),
    }
    if community_id is not None:
        tables["contacts"] = contacts_table(community_contacts(network, shown[0]))
    return NetworkResult(network=network, communities=found, shown=shown, tables=tables)


def person_communities_in(warehouse: Path, *, seed: int = SEED) -> dict[str, CommunityRef]:
    """For each person_id in the warehouse, their community and whether it holds a charged
    offender (for the look-again list)."""
    with Engine.open(warehouse, read_only=True) as engine:
        network = build_graph(engine)
    return person_communities(network, communities(network, seed))
