"""Similar forces: each force's peer group, computed from sourced figures about its area.

Why computed: a force is fairly compared with forces whose areas are like its own, and a peer
group chosen by hand cannot be checked. The method (docs/performance.md):
- the dimensions are the four the brief asks for, each from a sourced figure: the number of
  residents and the share of them under 18 (2021 Census, `child_population.sql`), population
  density (those residents per square kilometre of land, `area_figures.sql`) and deprivation
  (the population-weighted composite UK deprivation score of the area's councils, one scale
  for England and Wales, `area_figures.sql`). Residents and density are on a log scale: a
  force twice the size (or twice as dense) is as different from one half its size as the
  other way round;
- each dimension is standardised (mean 0, standard deviation 1 across the force areas), so
  none dominates by its unit;
- a force's peers are the `PEERS` other forces nearest to it by Euclidean distance, ties
  broken by force code, so the same figures always give the same groups;
- a warehouse loaded before land areas and deprivation were in the code lists has neither:
  the groups then use the first two dimensions, and every comparison says so;
- British Transport Police has no area and no peer group.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

PEERS = 7
"""The size of a peer group, as HMICFRS's most similar groups (a force and 7 others)."""
DIMENSIONS = ("log residents", "share of residents under 18", "log residents per km2",
              "deprivation score")
CENSUS_DIMENSIONS = DIMENSIONS[:2]
"""The dimensions every warehouse holds (the other two need `reference.council_areas`)."""


@dataclass(frozen=True)
class AreaFigures:
    """The sourced figures of one force area (land and deprivation None when not held)."""

    force_code: str
    residents: int
    children: int
    land_km2: float | None = None
    deprivation: float | None = None

    @property
    def density(self) -> float | None:
        """Residents per square kilometre of land."""
        return self.residents / self.land_km2 if self.land_km2 else None


def peer_groups(areas: Sequence[AreaFigures], size: int = PEERS) -> dict[str, tuple[str, ...]]:
    """Each force's `size` nearest forces (nearest first), by the standardised dimensions
    (`dimensions_used`)."""
    usable = sorted((a for a in areas if a.residents > 0), key=lambda a: a.force_code)
    if len(usable) < 2:
        return {a.force_code: () for a in usable}
    full = len(dimensions_used(usable)) == len(DIMENSIONS)
    points = dict(zip((a.force_code for a in usable), _standardised(usable, full), strict=True))
    groups: dict[str, tuple[str, ...]] = {}
    for code, point in points.items():
        others = sorted((_distance(point, other), other_code)
                        for other_code, other in points.items() if other_code != code)
        groups[code] = tuple(other_code for _, other_code in others[:size])
    return groups


def dimensions_used(areas: Sequence[AreaFigures]) -> tuple[str, ...]:
    """All four dimensions when every area has a land area and a deprivation score, else the
    Census two."""
    full = all(a.density is not None and a.deprivation is not None
               for a in areas if a.residents > 0)
    return DIMENSIONS if full else CENSUS_DIMENSIONS


def _features(area: AreaFigures, full: bool) -> tuple[float, ...]:
    census = (math.log(area.residents), area.children / area.residents)
    if not full or area.density is None or area.deprivation is None:
        return census
    return (*census, math.log(area.density), area.deprivation)


def _standardised(areas: Sequence[AreaFigures], full: bool) -> list[tuple[float, ...]]:
    raw = [_features(a, full) for a in areas]
    columns = list(zip(*raw, strict=True))
    scaled = []
    for column in columns:
        mean = sum(column) / len(column)
        sd = math.sqrt(sum((v - mean) ** 2 for v in column) / len(column)) or 1.0
        scaled.append([(v - mean) / sd for v in column])
    return [tuple(values) for values in zip(*scaled, strict=True)]


def _distance(a: Sequence[float], b: Sequence[float]) -> float:
    return math.sqrt(sum((x - y) ** 2 for x, y in zip(a, b, strict=True)))


def peer_note(groups: Mapping[str, tuple[str, ...]], used: Sequence[str] = DIMENSIONS) -> str:
    """What every peer comparison says about its method (and any dimension left out)."""
    missing = [d for d in DIMENSIONS if d not in used]
    sources = ("residents and their age: 2021 Census" if missing else
               "residents and their age: 2021 Census; land area: mySociety's council register; "
               "deprivation: mySociety's composite UK index of multiple deprivation, weighted "
               "by council population")
    left_out = (f" Not used, because this warehouse does not hold their figures yet (run "
                f"'tessera ingest' to refresh its code lists): {' and '.join(missing)}."
                if missing else "")
    return (f"Peer groups: the {PEERS} forces nearest by {', '.join(used)} (standardised; "
            f"{sources}).{left_out} {len(groups)} forces have a peer group.")
