"""How each agency's record of a person departs from the truth.

Why independent noise per record: a linkage method must cope with what really happens between
agencies (a nickname at school, a misspelt surname at the police station, day and month of
birth swapped, no NHS number on a police record, occasionally a wrong but valid number) while
one agency's record is never "the truth". Each record draws its own noise, so a child's police,
social care, health and school records disagree in different ways.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

from tessera.synth.calibration import NO_DATE
from tessera.synth.names import NICKNAME_SLOTS, TYPO_VARIANTS
from tessera.synth.places import draw_postcodes
from tessera.synth.population import World, calendar_parts


@dataclass(frozen=True)
class NoiseProfile:
    """Chance of each disturbance (or, for identifiers, of the identifier being recorded)."""

    typo: float
    nickname: float
    swap_names: float
    transpose_dob: float
    missing_dob: float
    nhs_recorded: float
    upn_recorded: float
    wrong_number: float
    missing_postcode: float
    moved: float
    upper_family: float
    unknown_sex: float


PROFILES: dict[str, NoiseProfile] = {
    "police_victim": NoiseProfile(
        typo=0.03, nickname=0.08, swap_names=0.01, transpose_dob=0.0, missing_dob=0.0,
        nhs_recorded=0.08, upn_recorded=0.02, wrong_number=0.003, missing_postcode=0.12,
        moved=0.05, upper_family=0.3, unknown_sex=0.0),
    "police_perpetrator": NoiseProfile(
        typo=0.04, nickname=0.10, swap_names=0.015, transpose_dob=0.015, missing_dob=0.03,
        nhs_recorded=0.04, upn_recorded=0.0, wrong_number=0.003, missing_postcode=0.15,
        moved=0.08, upper_family=0.3, unknown_sex=0.003),
    "social_care": NoiseProfile(
        typo=0.03, nickname=0.05, swap_names=0.01, transpose_dob=0.015, missing_dob=0.005,
        nhs_recorded=0.70, upn_recorded=0.45, wrong_number=0.003, missing_postcode=0.05,
        moved=0.06, upper_family=0.02, unknown_sex=0.003),
    "health": NoiseProfile(
        typo=0.02, nickname=0.02, swap_names=0.005, transpose_dob=0.01, missing_dob=0.0,
        nhs_recorded=0.97, upn_recorded=0.0, wrong_number=0.002, missing_postcode=0.03,
        moved=0.05, upper_family=0.0, unknown_sex=0.002),
    "education": NoiseProfile(
        typo=0.02, nickname=0.04, swap_names=0.005, transpose_dob=0.01, missing_dob=0.0,
        nhs_recorded=0.03, upn_recorded=0.97, wrong_number=0.002, missing_postcode=0.03,
        moved=0.04, upper_family=0.0, unknown_sex=0.002),
}
PROFILE_NAMES = tuple(PROFILES)


def _per_row(profile: np.ndarray, name: str) -> np.ndarray:
    return np.asarray(np.array([getattr(PROFILES[p], name) for p in PROFILE_NAMES])[profile])


@dataclass
class Identity:
    """Identifying fields as one agency recorded them (-1, NO_DATE, 0 or None where not
    recorded)."""

    given: np.ndarray
    family: np.ndarray
    dob: np.ndarray
    sex: np.ndarray
    """0 F, 1 M, 2 U (not known)."""
    nhs: np.ndarray
    upn: np.ndarray
    postcode: np.ndarray


def _chance(rng: np.random.Generator, profile: np.ndarray, name: str) -> np.ndarray:
    return rng.random(len(profile)) < _per_row(profile, name)


def _transposed(dob: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each date with day and month swapped, and whether that is a different real date."""
    year, month, day = calendar_parts(dob)
    possible = (day <= 12) & (day != month)
    swapped = (((year - 1970) * 12 + np.minimum(day, 12) - 1).astype("datetime64[M]")
               .astype("datetime64[D]") + (month - 1)).astype(np.int64)
    return swapped, possible


def noisy_identity(world: World, person: np.ndarray, profile: np.ndarray,
                   dob_limit: np.ndarray) -> Identity:
    """Record identities of `person` under each row's profile (an index of PROFILE_NAMES).

    A transposed date of birth is only used where it stays on or before `dob_limit` (the
    earliest offence the record is party to, or the period end), so clean rows never put a
    birth after an offence.
    """
    rng, names, people = world.rng, world.names, world.people
    n = len(person)
    given = people.column("given")[person]
    family = people.column("family")[person]
    nick = _chance(rng, profile, "nickname") & names.has_nickname[given]
    given = np.where(nick, names.nickname[given, rng.integers(0, NICKNAME_SLOTS, n)], given)
    given = np.where(_chance(rng, profile, "typo"),
                     names.typo[given, rng.integers(0, TYPO_VARIANTS, n)], given)
    family = np.where(_chance(rng, profile, "typo"),
                      names.typo[family, rng.integers(0, TYPO_VARIANTS, n)], family)
    swap = _chance(rng, profile, "swap_names")
    given, family = np.where(swap, family, given), np.where(swap, given, family)
    family = np.where(_chance(rng, profile, "upper_family"), names.upper[family], family)

    dob = people.column("dob")[person]
    swapped, possible = _transposed(dob)
    transpose = possible & _chance(rng, profile, "transpose_dob") & (swapped <= dob_limit)
    dob = np.where(transpose, swapped, dob)
    dob = np.where(_chance(rng, profile, "missing_dob"), NO_DATE, dob)
    sex = np.where(_chance(rng, profile, "unknown_sex"), 2, people.column("sex")[person])

    everyone_nhs = people.column("nhs")
    nhs = np.where(_chance(rng, profile, "nhs_recorded"), everyone_nhs[person], 0)
    wrong = (nhs > 0) & _chance(rng, profile, "wrong_number")
    nhs = np.where(wrong, everyone_nhs[rng.integers(0, len(everyone_nhs), n)], nhs)
    everyone_upn = people.column("upn")
    upn = np.where(_chance(rng, profile, "upn_recorded"), everyone_upn[person], 0)
    wrong = (upn > 0) & _chance(rng, profile, "wrong_number")
    with_upn = np.flatnonzero(everyone_upn > 0)
    if len(with_upn):
        upn = np.where(wrong, everyone_upn[with_upn[rng.integers(0, len(with_upn), n)]], upn)

    postcode = people.column("postcode")[person].copy()
    moved = _chance(rng, profile, "moved")
    postcode[moved] = draw_postcodes(rng, world.geo, people.column("force")[person[moved]])
    postcode[_chance(rng, profile, "missing_postcode")] = None
    return Identity(given=given.astype(np.int32), family=family.astype(np.int32), dob=dob,
                    sex=sex.astype(np.int8), nhs=nhs, upn=upn, postcode=postcode)


def blank_identity(identity: Identity, unknown: np.ndarray) -> Identity:
    """Empty every identifying field of the `unknown` rows (unidentified suspects): no name,
    no date of birth, sex 'U', no identifiers."""
    values = {f.name: getattr(identity, f.name).copy() for f in fields(identity)}
    for name in ("given", "family"):
        values[name][unknown] = -1
    values["dob"][unknown] = NO_DATE
    values["sex"][unknown] = 2
    values["nhs"][unknown] = 0
    values["upn"][unknown] = 0
    values["postcode"][unknown] = None
    return Identity(**values)
