"""Similar forces: each force's peer group, computed from sourced figures about its area.

Why computed: a force is fairly compared with forces whose areas are like its own, and a peer
group chosen by hand cannot be checked. The method (docs/performance.md):
- the dimensions are the sourced area figures Tessera holds: the number of residents (on a
  log scale: a force twice the size is as different from one half its size as the other way
  round) and the share of residents under 18, both from the 2021 Census
  (`child_population.sql`). Density and deprivation are NOT held offline (no land area or
  Index of Multiple Deprivation by force area is in the code lists yet), so they are missing
  dimensions and every comparison says so;
- each dimension is standardised (mean 0, standard deviation 1 across the force areas), so
  neither dominates by its unit;
- a force's peers are the `PEERS` other forces nearest to it by Euclidean distance, ties
  broken by force code, so the same figures always give the same groups;
- British Transport Police has no area and no peer group.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

PEERS = 7
"""The size of a peer group, as HMICFRS's most similar groups (a force and 7 others)."""
DIMENSIONS = ("log residents", "share of residents under 18")
MISSING_DIMENSIONS = ("population density", "deprivation")
"""Dimensions the brief asks for that have no sourced figure in Tessera yet."""


@dataclass(frozen=True)
class AreaFigures:
    """The sourced figures of one force area."""

    force_code: str
    residents: int
    children: int


def peer_groups(areas: Sequence[AreaFigures], size: int = PEERS) -> dict[str, tuple[str, ...]]:
    """Each force's `size` nearest forces (nearest first), by the standardised dimensions."""
    usable = sorted((a for a in areas if a.residents > 0), key=lambda a: a.force_code)
    if len(usable) < 2:
        return {a.force_code: () for a in usable}
    points = {a.force_code: _standardised(usable)[i] for i, a in enumerate(usable)}
    groups: dict[str, tuple[str, ...]] = {}
    for code, point in points.items():
        others = sorted((_distance(point, other), other_code)
                        for other_code, other in points.items() if other_code != code)
        groups[code] = tuple(other_code for _, other_code in others[:size])
    return groups


def _features(area: AreaFigures) -> tuple[float, float]:
    return math.log(area.residents), area.children / area.residents


def _standardised(areas: Sequence[AreaFigures]) -> list[tuple[float, ...]]:
    raw = [_features(a) for a in areas]
    columns = list(zip(*raw, strict=True))
    scaled = []
    for column in columns:
        mean = sum(column) / len(column)
        sd = math.sqrt(sum((v - mean) ** 2 for v in column) / len(column)) or 1.0
        scaled.append([(v - mean) / sd for v in column])
    return [tuple(values) for values in zip(*scaled, strict=True)]


def _distance(a: Sequence[float], b: Sequence[float]) -> float:
    return math.sqrt(sum((x - y) ** 2 for x, y in zip(a, b, strict=True)))


def peer_note(groups: Mapping[str, tuple[str, ...]]) -> str:
    """What every peer comparison says about its method and its missing dimensions."""
    return (f"Peer groups: the {PEERS} forces nearest by {' and '.join(DIMENSIONS)} (2021 "
            "Census, standardised). Not used, because no sourced figure is held yet: "
            f"{' and '.join(MISSING_DIMENSIONS)}. {len(groups)} forces have a peer group.")
