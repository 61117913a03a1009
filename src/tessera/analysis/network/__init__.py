"""Networks across forces (measure M9): the graph of people and the objects they share,
communities, key people, brokers, time-respecting paths and growth.

The typed API other products use: `build_graph(engine) -> NetworkGraph`,
`communities(graph, seed) -> list[Community]`, `person_communities(graph, communities) ->
dict[person_id, CommunityRef]` (community id, size, whether it holds a charged offender), and
`run_network` for the whole analysis.
"""

from tessera.analysis.network.communities import (
    Community,
    CommunityRef,
    communities,
    person_communities,
)
from tessera.analysis.network.graph import NetworkGraph, build_graph
from tessera.analysis.network.paths import Contact, contacts_before_offence, path_before
from tessera.analysis.network.service import NetworkResult, person_communities_in, run_network

__all__ = ["Community", "CommunityRef", "Contact", "NetworkGraph", "NetworkResult",
           "build_graph", "communities", "contacts_before_offence", "path_before",
           "person_communities", "person_communities_in", "run_network"]
