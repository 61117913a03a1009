"""Person records: one person as one agency knows them, with that agency's noise.

Why a record per (agency, person): the core dataset's person_record is an agency's view, and
linkage works across these views. In a police force a perpetrator in several offences is one
record; an unidentified suspect is a record of their own in each offence, with no name, no
date of birth, sex 'U' and no identifiers (the audit still counts them as a perpetrator).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields

import numpy as np

from tessera.dataset import codelist
from tessera.synth.calibration import NO_DATE
from tessera.synth.ethnicity import recorded_ethnicity, recorded_source
from tessera.synth.investigation import ROLE
from tessera.synth.noise import PROFILE_NAMES, Identity, blank_identity, noisy_identity
from tessera.synth.offending import Offences, Parties
from tessera.synth.places import agencies
from tessera.synth.population import World, age_on, shift_years
from tessera.synth.rates import MIN_PERPETRATOR_AGE


@dataclass(frozen=True)
class Recording:
    """How one kind of agency records demographics (identity noise is in `noise.py`)."""

    profile: str
    police_codes: bool
    ethnicity_missing: float
    ethnicity_source: dict[str, float]
    nationality_recorded: float
    disability_recorded: float


RECORDING: dict[str, Recording] = {
    "police_victim": Recording("police_victim", True, 0.20,
                               {"self_defined": 75, "officer_defined": 15, "third_party": 10},
                               0.5, 0.3),
    "police_perpetrator": Recording("police_perpetrator", True, 0.30,
                                    {"self_defined": 70, "officer_defined": 28,
                                     "third_party": 2}, 0.5, 0.2),
    "social_care": Recording("social_care", False, 0.08,
                             {"self_defined": 40, "third_party": 60}, 0.6, 0.95),
    "health": Recording("health", False, 0.12, {"self_defined": 30, "third_party": 70},
                        0.4, 0.5),
    "education": Recording("education", False, 0.06, {"self_defined": 20, "third_party": 80},
                           0.6, 0.9),
}
UNIDENTIFIED_ETHNICITY_MISSING = 0.6
"""An unidentified suspect's ethnicity is only a victim's description, when there is one."""


@dataclass
class PersonRecords:
    """Person records of every agency, column-wise (missing: -1, 0 or None)."""

    person: np.ndarray
    agency: np.ndarray
    given: np.ndarray
    family: np.ndarray
    dob: np.ndarray
    sex: np.ndarray
    nhs: np.ndarray
    upn: np.ndarray
    postcode: np.ndarray
    ethnicity: np.ndarray
    ethnicity_source: np.ndarray
    disability: np.ndarray
    """-1 not recorded, 0 false, 1 true."""
    nationality: np.ndarray
    """Index into the nationality code list, -1 not recorded."""
    identified: np.ndarray

    def __len__(self) -> int:
        return len(self.person)


def concat_records(items: Sequence[PersonRecords]) -> PersonRecords:
    """All records in one table, in the order given."""
    return PersonRecords(**{f.name: np.concatenate([getattr(i, f.name) for i in items])
                            for f in fields(PersonRecords)})


def _nationality_index(world: World) -> np.ndarray:
    allowed = codelist("nationality").codes
    return np.array([allowed.index(c) for c in world.rates.nationality_codes])


def build_records(world: World, person: np.ndarray, agency: np.ndarray, kind: str,
                  dob_limit: np.ndarray | None = None,
                  identified: np.ndarray | None = None) -> PersonRecords:
    """Records of `person` at `agency`, recorded the way agencies of `kind` do."""
    rng, people = world.rng, world.people
    n = len(person)
    how = RECORDING[kind]
    profile = np.full(n, PROFILE_NAMES.index(how.profile))
    limit = np.full(n, world.period.end) if dob_limit is None else dob_limit
    identity: Identity = noisy_identity(world, person, profile, limit)
    known = np.ones(n, bool) if identified is None else identified
    identity = blank_identity(identity, ~known)
    missing = np.where(known, how.ethnicity_missing, UNIDENTIFIED_ETHNICITY_MISSING)
    ethnicity = recorded_ethnicity(rng, people.column("ethnicity")[person], how.police_codes,
                                   missing, world.rates.ethnicity)
    source = recorded_source(rng, ethnicity, how.ethnicity_source)
    source = np.where(known | (source < 0), source,
                      recorded_source(rng, ethnicity, {"third_party": 1}))
    disability = np.where(known & (rng.random(n) < how.disability_recorded),
                          people.column("disability")[person].astype(np.int8), -1)
    nationality = np.where(known & (rng.random(n) < how.nationality_recorded),
                           _nationality_index(world)[people.column("nationality")[person]], -1)
    return PersonRecords(
        person=np.asarray(person, dtype=np.int64), agency=np.asarray(agency, dtype=np.int32),
        given=identity.given, family=identity.family, dob=identity.dob, sex=identity.sex,
        nhs=identity.nhs, upn=identity.upn, postcode=identity.postcode,
        ethnicity=ethnicity, ethnicity_source=source.astype(np.int16),
        disability=disability.astype(np.int8), nationality=nationality.astype(np.int16),
        identified=known)


def police_records(world: World, offences: Offences, parties: Parties
                   ) -> tuple[PersonRecords, np.ndarray]:
    """Police person records and, for each party, the index of its record.

    One record per (force, identified person); one per unidentified party.
    """
    force = offences.force[parties.offence].astype(np.int64)
    size = max(len(world.people), 1)
    known_rows = np.flatnonzero(parties.identified)
    keys, inverse = np.unique(force[known_rows] * size + parties.person[known_rows],
                              return_inverse=True)
    unknown_rows = np.flatnonzero(~parties.identified)
    party_record = np.empty(len(parties), dtype=np.int64)
    party_record[known_rows] = inverse
    party_record[unknown_rows] = len(keys) + np.arange(len(unknown_rows))
    person = np.concatenate([keys % size, parties.person[unknown_rows]])
    record_force = np.concatenate([keys // size, force[unknown_rows]])
    n = len(person)
    victim = np.bincount(party_record[parties.role == ROLE["victim"]], minlength=n) > 0
    limit = np.full(n, world.period.end, dtype=np.int64)
    np.minimum.at(limit, party_record, offences.committed_from[parties.offence])
    # A transposed date of birth may make someone younger, but never a suspect under the age
    # of criminal responsibility at their first offence.
    limit = np.where(victim, limit, shift_years(limit, -MIN_PERPETRATOR_AGE))
    identified = np.arange(n) < len(keys)
    agency = agencies().police(record_force)
    parts = [build_records(world, person[rows], agency[rows], kind, limit[rows],
                           identified[rows])
             for kind, rows in (("police_victim", np.flatnonzero(victim)),
                                ("police_perpetrator", np.flatnonzero(~victim)))]
    order = np.concatenate([np.flatnonzero(victim), np.flatnonzero(~victim)])
    records = concat_records(parts)
    position = np.empty(n, dtype=np.int64)
    position[order] = np.arange(n)
    return records, position[party_record]


PERPETRATOR_AGE_KNOWN = 0.8
"""Share of identified parties without a recorded date of birth whose age is still written."""


def party_ages(world: World, offences: Offences, parties: Parties, records: PersonRecords,
               party_record: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """age_at_offence of each party, and where it is missing.

    Worked out from the record's own date of birth, so a clean row's age always agrees with
    the person record it points at; unidentified suspects have no age.
    """
    on_day = offences.committed_from[parties.offence]
    dob = records.dob[party_record]
    true_dob = world.people.column("dob")[parties.person]
    age = age_on(np.where(dob == NO_DATE, true_dob, dob), on_day)
    missing = ~parties.identified | ((dob == NO_DATE) & (
        world.rng.random(len(parties)) >= PERPETRATOR_AGE_KNOWN))
    return age, missing
