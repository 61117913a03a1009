"""How each kind of offence is drawn: ages, relationships, settings, places, flags and codes.

Why as tables: the calibration depends on each category's offences matching the audit's rules
(a within-family offence has a family member or the family setting, an "other" multi-perpetrator
offence has none of family, trust, institution, CSE flag or code 71). Keeping every distribution
here, as data, makes those guarantees reviewable in one place. Demographics are not here: they
come from population base rates for every role (see `rates.py`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TypeVar

import numpy as np

from tessera.synth import codes

Weights = Mapping[str, float]
V = TypeVar("V")
ANY = "*"
"""Key of a by-relationship table used for every relationship not listed."""

SINGLE_AGES = (1, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 17, 19, 17, 12, 9)
FAMILY_AGES = (2, 3, 4, 5, 6, 7, 8, 8, 8, 8, 8, 8, 8, 8, 7, 6, 4, 3)
INSTITUTION_AGES = (0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 11, 10, 8, 6)
PEER_AGES = (0, 0, 0, 0, 0, 1, 1, 2, 3, 4, 6, 8, 12, 16, 18, 16, 12, 9)
NETWORK_AGES = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 3, 8, 14, 16, 12, 8)
"""Relative weight of each victim age 0-17 at the offence (most victims are 13-15)."""

CODE_MIX: dict[str, Weights] = {
    "F0": {"19E": 22, "20B": 38, "21": 18, "22B": 6, "88A": 6, "71": 3, "86": 4, "88E": 3},
    "F1": {"19D": 20, "22B": 24, "20A": 14, "88A": 12, "71": 8, "73": 3, "23": 3, "86": 6,
           "88E": 4, "22A": 3},
    "F2": {"19C": 22, "20A": 34, "71": 12, "73": 10, "22A": 8, "86": 6, "23": 4, "88E": 4},
    "M0": {"19H": 28, "17B": 44, "21": 15, "88A": 5, "71": 3, "86": 5},
    "M1": {"19G": 24, "17A": 24, "22B": 26, "88A": 10, "71": 6, "23": 3, "86": 5, "88E": 2},
    "M2": {"19F": 22, "17A": 40, "71": 12, "73": 10, "22A": 8, "86": 5, "88E": 3},
}
"""Home Office codes by victim sex and age band (0: under 13, 1: 13-15, 2: 16-17). Each code's
own age definition is respected (19E only under 13, 19C only 16 and over), so the codes that are
not child-identifiable (20A, 17A, 19C, 22A, ...) are counted through the victim-age rule."""
CODE_KEYS = tuple(CODE_MIX)
ONLINE_CODES = ("88A", "86", "88E")
"""Grooming, indecent images and exposure: more common when the offence is online."""


@dataclass(frozen=True)
class Pattern:
    """The distributions one kind of (non-network) offence is drawn from."""

    category: str
    victim_ages: tuple[int, ...]
    perpetrators: tuple[float, ...]
    """Relative weight of 1, 2, 3, ... perpetrators."""
    first_relationship: Weights
    other_relationship: Weights
    setting: Mapping[str, Weights]
    """By the first perpetrator's relationship (ANY for the rest)."""
    location: Mapping[str, Weights]
    """By setting ('' for no setting recorded)."""
    online: Mapping[str, float]
    """Chance the offence is online, by the first perpetrator's relationship."""
    cse: Mapping[str, float]
    """Chance the force flags it as CSE, by the first perpetrator's relationship."""
    code_71: float
    """Weight multiplier of code 71; 0 never draws it."""
    outcomes: str
    lag: tuple[float, float, float]
    """Chance the offence is reported within a month, within a year, or years later."""
    extra_victim: float = 0.04
    witness: float = 0.02
    repeat_victim: float = 0.0
    repeat_perpetrator: float = 0.0
    unidentified: float = 0.0
    """Multi-perpetrator: share of perpetrator parties not identified."""
    family_name: float = 0.7
    """Family members who share the victim's family name (others are step-relatives)."""
    household: float = 0.6
    """Family members who live with the victim."""


SINGLE = Pattern(
    category="single_perpetrator",
    victim_ages=SINGLE_AGES,
    perpetrators=(1.0,),
    first_relationship={"family_member": 32, "acquaintance": 22, "peer": 16,
                        "online_contact": 11, "stranger": 8, "position_of_trust": 5,
                        "other": 5, "": 1},
    other_relationship={},
    setting={"family_member": {"family": 80, "": 20},
             "position_of_trust": {"institution": 70, "other": 15, "": 15},
             "peer": {"other": 50, "group": 10, "": 40},
             "acquaintance": {"other": 55, "": 45},
             "online_contact": {"other": 30, "": 70},
             ANY: {"other": 55, "": 45}},
    location={"family": {"dwelling": 85, "other": 8, "vehicle_taxi": 3, "": 4},
              "institution": {"school": 40, "care_home": 25, "other": 30, "": 5},
              "group": {"dwelling": 35, "street_park": 25, "other": 20, "hotel": 10,
                        "vehicle_taxi": 10},
              "other": {"dwelling": 45, "street_park": 20, "vehicle_taxi": 8, "hotel": 4,
                        "takeaway_shop": 3, "school": 5, "other": 10, "": 5},
              "": {"dwelling": 40, "street_park": 10, "other": 10, "school": 3, "": 37}},
    online={"online_contact": 0.92, "peer": 0.15, "acquaintance": 0.12, "family_member": 0.03,
            "position_of_trust": 0.08, ANY: 0.12},
    cse={"acquaintance": 0.06, "online_contact": 0.08, "stranger": 0.05, "other": 0.05,
         "peer": 0.02, ANY: 0.0},
    code_71=1.0, outcomes="single", lag=(0.62, 0.28, 0.10),
    repeat_victim=0.20, repeat_perpetrator=0.15)

INTRA_FAMILIAL = Pattern(
    category="intra_familial",
    victim_ages=FAMILY_AGES,
    perpetrators=(0, 85, 13, 2),
    first_relationship={"family_member": 1},
    other_relationship={"family_member": 75, "acquaintance": 10, "other": 15},
    setting={ANY: {"family": 80, "": 20}},
    location={"family": {"dwelling": 90, "other": 5, "vehicle_taxi": 5},
              "": {"dwelling": 80, "": 20}},
    online={ANY: 0.05}, cse={ANY: 0.02},
    code_71=1.0, outcomes="multiple", lag=(0.45, 0.35, 0.20), extra_victim=0.10)

INSTITUTIONAL = Pattern(
    category="institutional",
    victim_ages=INSTITUTION_AGES,
    perpetrators=(0, 80, 16, 4),
    first_relationship={"position_of_trust": 1},
    other_relationship={"position_of_trust": 70, "acquaintance": 15, "other": 15},
    setting={ANY: {"institution": 80, "other": 10, "": 10}},
    location={"institution": {"school": 40, "care_home": 30, "other": 30},
              "other": {"other": 60, "school": 20, "care_home": 20},
              "": {"school": 30, "care_home": 30, "other": 40}},
    online={ANY: 0.10}, cse={ANY: 0.03},
    code_71=1.0, outcomes="multiple", lag=(0.40, 0.35, 0.25), extra_victim=0.08)

OTHER_MULTIPLE = Pattern(
    category="other_multiple",
    victim_ages=PEER_AGES,
    perpetrators=(0, 70, 20, 8, 2),
    first_relationship={"peer": 50, "acquaintance": 25, "online_contact": 15, "stranger": 10},
    other_relationship={"peer": 50, "acquaintance": 25, "online_contact": 10, "stranger": 10,
                        "other": 5},
    setting={ANY: {"group": 45, "other": 30, "": 25}},
    location={"group": {"dwelling": 40, "street_park": 30, "other": 15, "hotel": 8,
                        "vehicle_taxi": 7},
              "other": {"dwelling": 45, "street_park": 25, "other": 15, "vehicle_taxi": 8,
                        "hotel": 7},
              "": {"dwelling": 40, "street_park": 20, "other": 20, "": 20}},
    online={"online_contact": 0.9, ANY: 0.15}, cse={ANY: 0.0},
    code_71=0.0, outcomes="multiple", lag=(0.70, 0.25, 0.05), unidentified=0.08)
"""Groups of peers and acquaintances: none of the family, trust, institution or CSE markers,
so the audit's first-match rules leave them in 'other_multiple'."""

PATTERNS: tuple[Pattern, ...] = (SINGLE, INTRA_FAMILIAL, INSTITUTIONAL, OTHER_MULTIPLE)

NO_SETTING_FOR_ONLINE = ("family", "institution")
"""Settings an online offence keeps (only open settings become 'online')."""


def by_relationship(table: Mapping[str, V]) -> tuple[tuple[str, ...], list[V]]:
    """Expand a by-relationship table to one entry per relationship code ('' included)."""
    keys = ("", *codes.codes("relationship"))
    return keys, [table[k] if k in table else table[ANY] for k in keys]


def relationship_key(relationship: np.ndarray) -> np.ndarray:
    """Row of `by_relationship`'s expansion for each relationship index (-1 is row 0)."""
    return np.asarray(relationship, dtype=np.int64) + 1


def code_matrix(code_71: float) -> tuple[np.ndarray, np.ndarray]:
    """A (24 x codes) matrix: rows are sex-age key + 6 * cse + 12 * online.

    Code 71 is weighted by `code_71` (times 6 when the force flags CSE); grooming and image
    codes are more likely online.
    """
    tables: dict[str, Weights] = {}
    keys: list[str] = []
    for online in (False, True):
        for cse in (False, True):
            for key in CODE_KEYS:
                row = dict(CODE_MIX[key])
                if "71" in row:
                    row["71"] *= code_71 * (6.0 if cse else 1.0)
                if online:
                    row = {c: w * (4.0 if c in ONLINE_CODES else 1.0) for c, w in row.items()}
                name = f"{key}{int(cse)}{int(online)}"
                tables[name] = row
                keys.append(name)
    return codes.weight_matrix("offence_codes", tables, tuple(keys))


def code_key(sex: np.ndarray, age: np.ndarray, cse: np.ndarray,
             online: np.ndarray) -> np.ndarray:
    """Row of `code_matrix` for each offence from its first victim's sex and age."""
    band = np.where(age < 13, 0, np.where(age < 16, 1, 2))
    return (np.asarray(sex, dtype=np.int64) * 3 + band + 6 * np.asarray(cse, dtype=np.int64)
            + 12 * np.asarray(online, dtype=np.int64))
