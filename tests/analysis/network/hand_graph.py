"""Network graphs written by hand as the two tables `build_graph` reads, without a warehouse.

Why: whether a person is on the bridge between two triangles, or whether a path may use a tie
seen after a date, has an answer worked out on paper; these graphs give the analysis exactly
that shape, in milliseconds, and random ones let a test hold the vectorised analysis to the
plain one-vertex-at-a-time definition it replaced.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date

import pyarrow as pa

from tessera.analysis.network.graph import NetworkGraph, graph_from_tables

EDGE_COLUMNS = ("source_node", "target_node", "kind", "first_seen", "last_seen", "agency_code",
                "source", "grading", "offence_key", "force_code")


@dataclass
class HandGraph:
    """People (`N-...`, perpetrators or victims or neither) and objects (`O-phone-...`), and
    the ties between them."""

    perpetrators: set[str] = field(default_factory=set)
    victims: set[str] = field(default_factory=set)
    edges: list[dict[str, object]] = field(default_factory=list)

    def tie(self, one: str, two: str, *, on: date = date(2023, 1, 1), kind: str = "associate",
            force: str | None = "kent", offence: str | None = None,
            grading: str | None = "2B") -> HandGraph:
        """A tie between nodes `one` and `two` first (and last) seen `on`."""
        self.edges.append({
            "source_node": one, "target_node": two, "kind": kind, "first_seen": on,
            "last_seen": on, "agency_code": force or "ncsc", "source":
                "crime_record" if offence else "intelligence_report",
            "grading": None if offence else grading, "offence_key": offence,
            "force_code": force})
        return self

    def build(self) -> NetworkGraph:
        """The graph `build_graph` would make of these tables."""
        people = sorted({str(e[end]) for e in self.edges for end in ("source_node",
                                                                     "target_node")
                         if str(e[end]).startswith("N-")})
        nodes = pa.table({
            "node": people,
            "person_id": [f"P-{p[2:]}" if p in self.perpetrators else None for p in people],
            "child_id": [f"C-{p[2:]}" if p in self.victims else None for p in people],
            "victim": [p in self.victims for p in people],
            "perpetrator": [p in self.perpetrators for p in people],
            "charged": [False for _ in people]})
        edges = pa.table({c: pa.array([e[c] for e in self.edges],
                                      type=pa.date32() if c.endswith("_seen") else pa.string())
                          for c in EDGE_COLUMNS})
        return graph_from_tables(nodes, edges)


def random_graph(seed: int, people: int = 40, ties: int = 55) -> HandGraph:
    """A random graph of small components: people (about half perpetrators, a third victims),
    a few phones, ties over four years and three forces."""
    rng = random.Random(seed)
    hand = HandGraph()
    names = [f"N-{seed}-{i:03d}" for i in range(people)]
    hand.perpetrators = {n for n in names if rng.random() < 0.5}
    hand.victims = {n for n in names if rng.random() < 0.3}
    phones = [f"O-phone-{seed}-{i}" for i in range(4)]
    for number in range(ties):
        one = rng.choice(names)
        two = rng.choice(phones) if rng.random() < 0.15 else rng.choice(names)
        if one == two:
            continue
        offence = f"OF-{number % 9}" if rng.random() < 0.4 else None
        kind = ("co_offending" if one in hand.perpetrators and two in hand.perpetrators
                else "victim_offender") if offence else "associate"
        hand.tie(one, two, on=date(2020 + rng.randrange(4), rng.randrange(1, 13), 1),
                 kind=kind, force=rng.choice(["kent", "essex", "surrey", None]),
                 offence=offence)
    return hand
