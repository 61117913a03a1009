"""How a community grew: its people and offences quarter by quarter.

Why quarters: networks of this kind run over months; a quarter is fine enough to see a group
form and draw in new victims, and coarse enough that dates in the analysis zone (some held only
to the month) do not move a count.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from tessera.analysis.network.communities import Community
from tessera.analysis.network.graph import NetworkGraph, edge_date


@dataclass(frozen=True)
class Quarter:
    """One quarter of a community: people first seen in it, people known by its end, and
    offences that began in it."""

    community_id: str
    quarter: str
    new_people: int
    people_to_date: int
    offences: int


def quarter_of(day: date) -> str:
    """`2024-Q1` style label."""
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def growth(network: NetworkGraph, community: Community) -> list[Quarter]:
    """The community's quarters from its first edge to its last, in order (quarters with
    nothing new are left out)."""
    graph = network.graph
    members = list(community.vertices)
    inside = graph.es.select(_within=members)
    first_seen: dict[int, date] = {}
    offence_start: dict[str, date] = {}
    for e in inside:
        for v in e.tuple:
            if graph.vs[v]["kind"] == "person":
                first_seen[v] = min(first_seen.get(v, edge_date(e)), edge_date(e))
        if e["offence_key"]:
            offence_start[e["offence_key"]] = edge_date(e)
    quarters = sorted({quarter_of(d) for d in [*first_seen.values(), *offence_start.values()]})
    rows, known = [], 0
    for q in quarters:
        new = sum(1 for d in first_seen.values() if quarter_of(d) == q)
        known += new
        rows.append(Quarter(community.community_id, q, new, known,
                            sum(1 for d in offence_start.values() if quarter_of(d) == q)))
    return rows
