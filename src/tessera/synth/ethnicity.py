"""Ethnicity as agencies write it: ONS 2021 codes, or police self-defined 18+1 codes.

Why two spellings: police extracts carry the 18+1 codes (W1, A2, ...) that officers record and
the core dataset accepts as aliases; social care, health and education use ONS codes. Both are
written from the same true ethnic group, with 'not stated' / 'not known' or an empty value where
the agency did not record it.

Why no group may gain from the errors: data drawn at population base rates must show no group
standing out in the audit. So a misrecorded group is drawn at the base rates too (a uniform
draw inflated the small groups by 8-15%), and Roma, which 18+1 has no code for, is written with
its ONS 2021 code (16) rather than folded into W3, Gypsy or Irish Traveller (which tripled that
group's rates and left Roma at none).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from tessera.dataset import codelist
from tessera.synth import codes
from tessera.synth.rates import ETHNIC_GROUPS

ROMA = "16"
"""ONS 2021 White: Roma. 18+1 has no code for it, so police extracts carry the ONS code, which
the core dataset accepts from every agency."""
NOT_RECORDED = ("NS", "NK")


def _police_codes() -> tuple[str, ...]:
    by_ons: dict[str, str] = {}
    for row in codelist("ethnicity_police_sde").rows:
        by_ons.setdefault(row["maps_to"], row["code"])
    by_ons[ROMA] = ROMA
    return tuple(by_ons[g] for g in ETHNIC_GROUPS)


POLICE_CODES = _police_codes()
"""Police 18+1 code of each ONS group, aligned with ETHNIC_GROUPS."""
TEXT: tuple[str, ...] = (*ETHNIC_GROUPS, *NOT_RECORDED, *sorted(set(POLICE_CODES)))
"""Every ethnicity value written; recorded ethnicity is an index into it (-1 empty)."""
_POLICE_INDEX = np.array([TEXT.index(c) for c in POLICE_CODES])
_MISSING_INDEX = np.array([TEXT.index(c) for c in NOT_RECORDED])
SOURCES = {code: codes.index("ethnicity_source", code)
           for code in ("self_defined", "officer_defined", "third_party")}


def recorded_ethnicity(rng: np.random.Generator, truth: np.ndarray, police: bool,
                       missing: np.ndarray | float, shares: np.ndarray,
                       wrong: float = 0.01) -> np.ndarray:
    """What an agency writes for people of group `truth` (index of ETHNIC_GROUPS).

    A `missing` share is 'NS', 'NK' or empty (a third each); a `wrong` share is a group drawn
    at the population `shares` (over ETHNIC_GROUPS), as happens when someone else states it, so
    each group loses and gains as many records as it has people and none is inflated.
    """
    n = len(truth)
    misrecorded = rng.choice(len(ETHNIC_GROUPS), size=n, p=shares)
    group = np.where(rng.random(n) < wrong, misrecorded, truth)
    written = _POLICE_INDEX[group] if police else group
    gone = rng.random(n) < missing
    how = rng.integers(0, 3, n)
    blank = np.where(how < 2, _MISSING_INDEX[np.minimum(how, 1)], -1)
    return np.where(gone, blank, written).astype(np.int16)


def recorded_source(rng: np.random.Generator, ethnicity: np.ndarray,
                    weights: Mapping[str, float]) -> np.ndarray:
    """Who defined each recorded ethnicity; empty when none was recorded."""
    source = codes.draw(rng, "ethnicity_source", weights, len(ethnicity))
    known = ethnicity >= 0
    known &= ~np.isin(ethnicity, _MISSING_INDEX)
    return np.where(known, source, -1).astype(np.int16)
