"""How a community grew: its people and offences quarter by quarter.

Why quarters: networks of this kind run over months; a quarter is fine enough to see a group
form and draw in new victims, and coarse enough that dates in the analysis zone (some held only
to the month) do not move a count.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from tessera.analysis.network.arrays import NO_DAY, Ints, graph_arrays, inside, membership
from tessera.analysis.network.communities import Community
from tessera.analysis.network.graph import NetworkGraph


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
    return growth_of(network, [community])


def growth_of(network: NetworkGraph, shown: list[Community]) -> list[Quarter]:
    """`growth` of each community shown, one after another.

    A person is first seen in the quarter of their earliest edge inside the community; an
    offence begins in the quarter of its earliest edge there. Worked out for every community
    at once over arrays of edges (one community at a time, the edges were walked in Python).
    """
    arrays = graph_arrays(network)
    member_of = membership(network.graph.vcount(), [c.vertices for c in shown])
    within = inside(arrays, member_of) & (arrays.first_day != NO_DAY)
    day = arrays.first_day[within]
    ends = np.concatenate([arrays.source[within], arrays.target[within]])
    days = np.concatenate([day, day])
    person = arrays.person[ends]
    people_group, people_quarter = _earliest(member_of[ends[person]], ends[person],
                                             days[person])
    offence = arrays.offence.codes[within]
    has = offence >= 0
    offence_group, offence_quarter = _earliest(member_of[arrays.source[within]][has],
                                               offence[has], day[has])
    width = 4 * 10_000
    new = np.unique(people_group * width + people_quarter, return_counts=True)
    begun = np.unique(offence_group * width + offence_quarter, return_counts=True)
    keys = np.union1d(new[0], begun[0])
    new_count = np.zeros(len(keys), dtype=np.int64)
    new_count[np.searchsorted(keys, new[0])] = new[1]
    begun_count = np.zeros(len(keys), dtype=np.int64)
    begun_count[np.searchsorted(keys, begun[0])] = begun[1]
    group = keys // width
    to_date = np.cumsum(new_count)
    before = np.concatenate([[0], to_date])[np.searchsorted(group, group)]
    return [Quarter(shown[g].community_id, f"{q // 4}-Q{q % 4 + 1}", n, known - b, o)
            for g, q, n, known, b, o in zip(group.tolist(), (keys % width).tolist(),
                                            new_count.tolist(), to_date.tolist(),
                                            before.tolist(), begun_count.tolist(), strict=True)]


def _earliest(group: Ints, item: Ints, day: Ints) -> tuple[Ints, Ints]:
    """For each distinct (group, item), the group and the quarter (year * 4 + quarter - 1) of
    its earliest day."""
    order = np.lexsort((day, item, group))
    group, item, day = group[order], item[order], day[order]
    first = np.ones(len(order), dtype=bool)
    first[1:] = (group[1:] != group[:-1]) | (item[1:] != item[:-1])
    months = day[first].astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)
    return group[first], (months // 12 + 1970) * 4 + (months % 12) // 3
