"""Demographic statements about parties at each investigation stage (party_demographics).

Why several statements per party: measure M4 asks for ethnicity "gathered at the end of an
investigation, not only at its start". Every victim and perpetrator party has a statement at
report; those whose case went further have more (arrest, charge, end of investigation), and
later statements are more complete (about 35% missing at report, 8% at the end), so the audit
can show completeness by stage and use the latest.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tessera.dataset import codelist
from tessera.synth import codes
from tessera.synth.ethnicity import recorded_ethnicity, recorded_source
from tessera.synth.investigation import OFFENDER_OUTCOMES, ROLE, STATUS
from tessera.synth.offending import Offences, Parties
from tessera.synth.population import World

STAGES = ("report", "arrest", "charge", "investigation_end")
MISSING = {"report": 0.32, "arrest": 0.20, "charge": 0.12, "investigation_end": 0.08}
"""Share of statements with ethnicity not stated, not known or empty, by stage."""
UNIDENTIFIED_MISSING = 0.7
NATIONALITY_RECORDED = {"report": 0.35, "arrest": 0.6, "charge": 0.7, "investigation_end": 0.6}
SOURCE_AT_REPORT = {"self_defined": 60, "officer_defined": 30, "third_party": 10}
SOURCE_LATER = {"self_defined": 85, "officer_defined": 12, "third_party": 3}
END_STATEMENT = 0.45
"""Share of parties of a closed offence re-stated at the end of the investigation (never a
suspect who was not identified: nothing more is learnt about them)."""


@dataclass
class Statements:
    """party_demographics rows: the party, the stage and what was stated."""

    party: np.ndarray
    stage: np.ndarray
    ethnicity: np.ndarray
    source: np.ndarray
    nationality: np.ndarray

    def __len__(self) -> int:
        return len(self.party)


def _stage_rows(rng: np.random.Generator, offences: Offences, parties: Parties
                ) -> dict[str, np.ndarray]:
    outcome = offences.outcome[parties.offence]
    closed = offences.status[parties.offence] == STATUS["closed"]
    victim = parties.role == ROLE["victim"]
    perpetrator = (parties.role == ROLE["suspect"]) | (parties.role == ROLE["offender"])
    charged = outcome == codes.index("outcome_types", "1")
    disposed = np.isin(outcome, codes.indices("outcome_types", OFFENDER_OUTCOMES))
    arrest_p = np.where(disposed, 0.95, np.where(closed, 0.4, 0.25))
    u = rng.random(len(parties))
    known = perpetrator & parties.identified
    return {
        "report": np.flatnonzero(victim | perpetrator),
        "arrest": np.flatnonzero(known & (u < arrest_p)),
        "charge": np.flatnonzero(known & charged & (u < arrest_p)),
        "investigation_end": np.flatnonzero((victim | known) & closed
                                            & (rng.random(len(parties)) < END_STATEMENT)),
    }


def party_statements(world: World, offences: Offences, parties: Parties) -> Statements:
    """Every statement for every victim and perpetrator party."""
    rng, people = world.rng, world.people
    nationality_index = np.array([codelist("nationality").codes.index(c)
                                  for c in world.rates.nationality_codes])
    out: dict[str, list[np.ndarray]] = {k: [] for k in
                                        ("party", "stage", "ethnicity", "source", "nationality")}
    for stage, rows in _stage_rows(rng, offences, parties).items():
        person = parties.person[rows]
        known = parties.identified[rows]
        ethnicity = recorded_ethnicity(rng, people.column("ethnicity")[person], True,
                                       np.where(known, MISSING[stage], UNIDENTIFIED_MISSING),
                                       world.rates.ethnicity)
        weights = SOURCE_AT_REPORT if stage == "report" else SOURCE_LATER
        source = np.where(known, recorded_source(rng, ethnicity, weights),
                          recorded_source(rng, ethnicity, {"third_party": 1}))
        nationality = np.where(known & (rng.random(len(rows)) < NATIONALITY_RECORDED[stage]),
                               nationality_index[people.column("nationality")[person]], -1)
        out["party"].append(rows)
        out["stage"].append(np.full(len(rows), codes.index("capture_stage", stage)))
        out["ethnicity"].append(ethnicity)
        out["source"].append(source)
        out["nationality"].append(nationality)
    return Statements(
        party=np.concatenate(out["party"]).astype(np.int64),
        stage=np.concatenate(out["stage"]).astype(np.int16),
        ethnicity=np.concatenate(out["ethnicity"]).astype(np.int16),
        source=np.concatenate(out["source"]).astype(np.int16),
        nationality=np.concatenate(out["nationality"]).astype(np.int16))
