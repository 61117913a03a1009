"""The parts of a profile read from other products: the network communities active in the
force area and the forces they reach (`analysis.network`), and the data quality of the
agencies that supply the area (`analysis.quality`).

Why here and not in SQL: both products already compute these (communities by Leiden on the
graph, scores per delivery); the profile only selects a force's share of their results.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from tessera.analysis.audit.rates import share
from tessera.analysis.network import Community
from tessera.analysis.profile.results import NATIONAL, Period
from tessera.analysis.quality import QualityResult
from tessera.analysis.results import Cell, Column, Rows, StatTable
from tessera.dataset.codelists import codelist

POOR_COMPLETENESS = 0.9
"""An agency whose latest delivery fills fewer of its fields than this is named a gap."""


def active_groups(code: str, period: Period, found: Sequence[Community]) -> list[Community]:
    """Communities with two or more perpetrators, with offences or intelligence in the force
    (any force for the national profile), and dated within the period."""
    return [c for c in found if c.is_group
            and (code == NATIONAL or code in c.forces)
            and (c.first is None or c.first <= period.end)
            and (c.last is None or c.last >= period.start)]


def networks_table(code: str, period: Period, found: Sequence[Community]) -> StatTable:
    """How many network communities are active in the area, how many reach other forces, and
    the perpetrators, victims and offences they hold."""
    groups = active_groups(code, period, found)
    cross = [c for c in groups if c.cross_force]
    counts = {
        "groups": len(groups),
        "cross_force": len(cross),
        "perpetrators": sum(c.perpetrators for c in groups),
        "victims": sum(c.victims for c in groups),
        "offences": sum(c.offences for c in groups),
        "charged": sum(1 for c in groups if c.charged),
    }
    labels = {
        "groups": "Communities with two or more perpetrators active in the area",
        "cross_force": "Of them: reaching another force (cross-border)",
        "perpetrators": "Perpetrators in those communities",
        "victims": "Victims in those communities",
        "offences": "Offences in those communities",
        "charged": "Communities with a charged offender",
    }
    return StatTable(
        name="networks",
        title="Networks active in the area",
        description="Communities of the network graph (docs/network.md) with offences or "
                    "intelligence in the force area and ties dated within the period.",
        columns=(Column("measure_code", "Measure code", "dimension"),
                 Column("measure", "Measure", "dimension"),
                 Column("count", "Number", "count"),
                 Column("share", "Share of communities (%)", "share", of="count",
                        per=Rows("count", "measure_code", ("groups",)))),
        rows=tuple((key, labels[key], value,
                    share(value, counts["groups"]) if key in ("cross_force", "charged")
                    else None) for key, value in counts.items()),
        notes=("Communities are found once over the whole graph, so a force's communities are "
               "the national ones that touch it; their people and offences may be in other "
               "forces too.",),
    )


def cross_border_table(code: str, period: Period, found: Sequence[Community]) -> StatTable:
    """The other forces the area's communities reach, with how many communities each shares."""
    names = codelist("police_forces").column("label")
    groups = active_groups(code, period, found)
    shared: Counter[str] = Counter()
    for group in groups:
        if code == NATIONAL:
            if group.cross_force:
                shared.update(group.forces)
        else:
            shared.update(f for f in group.forces if f != code)
    rows: tuple[tuple[Cell, ...], ...] = tuple(
        (force, str(names.get(force, force)), count)
        for force, count in sorted(shared.items(), key=lambda item: (-item[1], item[0])))
    return StatTable(
        name="cross_border",
        title="Cross-border links: forces the area's communities reach",
        description=("For each other force, the communities active in the area that also have "
                     "offences or intelligence there." if code != NATIONAL else
                     "For each force, the communities spanning two or more forces it is "
                     "part of."),
        columns=(Column("force_code", "Force code", "dimension"),
                 Column("force", "Force", "dimension"),
                 Column("communities", "Communities shared", "count")),
        rows=rows,
        notes=(() if rows else ("No community active in the area reaches another force.",)),
    )


def area_agencies_table(code: str, quality: QualityResult | None) -> StatTable:
    """The agencies that supply the area (the force and its local authorities; every agency
    nationally) with the completeness and overall score of their latest delivery."""
    authorities = codelist("local_authorities").column("force_code")
    area = {str(la) for la, force in authorities.items() if force == code} | {code}
    agencies = [a for a in (quality.agencies if quality else ())
                if code == NATIONAL or a.agency_code in area]
    rows: list[tuple[Cell, ...]] = []
    for agency in sorted(agencies, key=lambda a: (a.dimensions()["completeness"] or 0.0,
                                                  a.agency_code)):
        completeness = agency.dimensions()["completeness"]
        rows.append((agency.agency_code, agency.agency_label,
                     None if completeness is None else round(100 * completeness, 1),
                     None if agency.score is None else round(agency.score, 1),
                     "yes" if completeness is not None and completeness < POOR_COMPLETENESS
                     else "no"))
    return StatTable(
        name="area_agencies",
        title="Agencies supplying the area: completeness and quality",
        description="Each agency's latest delivery scored by 'tessera quality' "
                    "(docs/quality.md), the least complete first.",
        columns=(Column("agency_code", "Agency code", "dimension"),
                 Column("agency", "Agency", "dimension"),
                 Column("completeness", "Completeness (%)", "figure", decimals=1),
                 Column("score", "Quality score (of 100)", "figure", decimals=1),
                 Column("poor", f"Below {POOR_COMPLETENESS:.0%} complete", "figure")),
        rows=tuple(rows),
        notes=(("Health and education agencies are not tied to a force area and are listed "
                "only in the national profile.",) if code != NATIONAL else ())
        + (() if quality else ("No delivery was profiled at ingest, so no agency is "
                               "scored.",)),
    )
