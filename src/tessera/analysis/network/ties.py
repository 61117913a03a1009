"""How much each edge of the graph ties its two ends, and which perpetrators are tied by
offending rather than by what they share.

Why weigh edges: analysts discount intelligence by its 3x5x2 grading, an object shared by many
unrelated people (a hostel's address, a shared phone line) and family ties that explain why
people share a home, a phone or a car. Two people who share such things are not a group; the
generator's decoys (households and shared accommodation of unrelated suspects) are exactly
that, and an unweighted graph reported 197 of 200 of them as groups (issue 12). The weights are
data (`tie_rules.csv`, each with its rationale), read once.

Why an offence-related tie before calling a community a group: sharing an address or a phone
says people know each other, not that they offend together. A community is reported as a
possible group only when two or more of its perpetrators are tied by offending: the same
offence, two or more of the same children, or one child and an association between them
(intelligence linking the two, or both to one object). One child abused by two people who are
otherwise unconnected is repeat victimisation, as the audit's rule reads it.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from itertools import combinations

import igraph as ig

from tessera.errors import ConfigurationError

CRIME_KINDS = ("co_offending", "victim_offender")
"""Edge kinds from the crime record (strength 1: the record is the evidence)."""
SOURCES = ("1", "2", "3")
ASSESSMENTS = ("A", "B", "C", "D", "E")
RULES = (*(f"source_{s}" for s in SOURCES), *(f"assessment_{a}" for a in ASSESSMENTS),
         "ungraded", "family", "max_sharers")
TIE_RULES = "tie_rules.csv"


@dataclass(frozen=True)
class TieRules:
    """The weights of `tie_rules.csv`: by grading's source and assessment, for ungraded and
    family links, and the most people an object may be linked to and still tie them."""

    source: dict[str, float]
    assessment: dict[str, float]
    ungraded: float
    family: float
    max_sharers: int

    def intelligence(self, kind: str, grading: str | None) -> float:
        """The strength of one intelligence link: source times assessment weight, the
        `ungraded` weight when it has no grading (or one that is not 3x5x2), none for
        family."""
        if kind == "family":
            return self.family
        if grading and len(grading) == 2 and grading[0] in self.source \
                and grading[1].upper() in self.assessment:
            return self.source[grading[0]] * self.assessment[grading[1].upper()]
        return self.ungraded


@cache
def tie_rules() -> TieRules:
    """The package's `tie_rules.csv`, checked: every rule once, weights from 0 to 1,
    `max_sharers` a whole number of at least 2. A wrong file is a `ConfigurationError`
    naming the row and rule."""
    text = resources.files(__package__).joinpath(TIE_RULES).read_text(encoding="utf-8")
    values: dict[str, float] = {}
    for line, row in enumerate(csv.DictReader(text.splitlines()), start=2):
        rule, raw = row.get("rule") or "", row.get("value") or ""
        if rule not in RULES or rule in values:
            raise ConfigurationError(f"{TIE_RULES} row {line}: rule {rule!r} is unknown or "
                                     "repeated")
        try:
            values[rule] = float(raw)
        except ValueError:
            raise ConfigurationError(f"{TIE_RULES} row {line}: {rule} value {raw!r} is not "
                                     "a number") from None
        limit = (2, 1e9) if rule == "max_sharers" else (0.0, 1.0)
        if not limit[0] <= values[rule] <= limit[1]:
            raise ConfigurationError(f"{TIE_RULES} row {line}: {rule} value {raw!r} is "
                                     f"outside {limit[0]:g} to {limit[1]:g}")
    missing = [r for r in RULES if r not in values]
    if missing:
        raise ConfigurationError(f"{TIE_RULES}: no row for {', '.join(missing)}")
    return TieRules(source={s: values[f"source_{s}"] for s in SOURCES},
                    assessment={a: values[f"assessment_{a}"] for a in ASSESSMENTS},
                    ungraded=values["ungraded"], family=values["family"],
                    max_sharers=int(values["max_sharers"]))


def edge_strengths(graph: ig.Graph, rules: TieRules) -> list[float]:
    """Each edge's strength: 1 for a crime-record edge; an intelligence link's grading
    weight; a link to an object shared by k people, that weight over k - 1 (each of them has
    k - 1 ties through it, so a pair's tie is shared out), and none when k is over
    `max_sharers`."""
    is_object = [kind == "object" for kind in graph.vs["kind"]]
    sharers = [len(set(graph.neighbors(v))) if is_object[v] else 0
               for v in range(graph.vcount())]
    strengths = []
    for (one, two), kind, grading in zip(graph.get_edgelist(), graph.es["kind"],
                                         graph.es["grading"], strict=True):
        if kind in CRIME_KINDS:
            strengths.append(1.0)
            continue
        strength = rules.intelligence(kind, grading)
        shared = max(sharers[one], sharers[two])
        if shared > rules.max_sharers:
            strength = 0.0
        elif shared > 2:
            strength /= shared - 1
        strengths.append(strength)
    return strengths


def tied_perpetrators(graph: ig.Graph, inside: Iterable[ig.Edge]) -> set[int]:
    """Perpetrators tied to another perpetrator of the community by offending: perpetrators
    of one offence; or two who offended against two or more of the same children; or
    against one same child and are also associated (an intelligence link between them, or
    both linked to one object, with strength above 0, so not family, not graded E and not an
    object of a hostel). Pairs the intelligence records as family are never tied through a
    child."""
    perpetrator, victim = graph.vs["perpetrator"], graph.vs["victim"]
    tied: set[int] = set()
    abusers: dict[int, set[int]] = {}
    associated: set[tuple[int, int]] = set()
    family: set[tuple[int, int]] = set()
    on_object: dict[int, set[int]] = {}
    for e in inside:
        one, two = e.tuple
        pair = (min(one, two), max(one, two))
        if e["kind"] == "co_offending":
            tied |= {one, two}
        elif e["kind"] == "victim_offender":
            for child, adult in ((one, two), (two, one)):
                if victim[child] and perpetrator[adult]:
                    abusers.setdefault(child, set()).add(adult)
        elif e["kind"] == "family":
            family.add(pair)
        elif e["strength"] > 0:
            if graph.vs[two]["kind"] == "object":
                on_object.setdefault(two, set()).add(one)
            elif graph.vs[one]["kind"] == "object":
                on_object.setdefault(one, set()).add(two)
            else:
                associated.add(pair)
    for people in on_object.values():
        associated.update(combinations(sorted(people), 2))
    children: dict[tuple[int, int], int] = {}
    for adults in abusers.values():
        for pair in combinations(sorted(adults), 2):
            children[pair] = children.get(pair, 0) + 1
    for pair, shared in children.items():
        if pair not in family and (shared >= 2 or pair in associated):
            tied.update(pair)
    return tied
