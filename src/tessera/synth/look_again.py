"""Closed group-based cases that later evidence reaches: what a look-again review must find.

Why: forces are asked to look again at group-based CSE cases closed with no further action
(Operation Beaconport: police or CPS took no further action between 1 January 2010 and 31 March
2025, with at least two suspects; ../shared/reference/policy/look_again.md), and a review is
worth most where something new has arrived since: the suspect named by another victim in a
later offence, later intelligence on the suspect, new phones, vehicles or addresses tying the
suspect to others, or the victim's later social care referral for child sexual exploitation
(CIN factor 11A) or going missing (10A) (issue 12). A share of the eligible cases is given
such evidence here, dated after the closure; `look_again_truth.py` then lists every eligible
case the finished data gives new evidence, planted or not.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Literal

import numpy as np

from tessera.synth import codes
from tessera.synth.associations import OBJECT_LINK, OBJECT_SOURCE, Associations, LinkRows
from tessera.synth.calibration import CATEGORIES, day_number
from tessera.synth.investigation import ROLE
from tessera.synth.objects import ObjectValues
from tessera.synth.offending import FAMILY, PEER, TRUST, Offences, Parties
from tessera.synth.population import World, shift_years

EvidenceKind = Literal["later_offence", "later_intelligence", "new_object", "victim_referral"]
NO_FURTHER_ACTION = ("9", "10", "14", "15", "16", "21")
"""Outcome types that are a police or CPS decision to take no further action: evidential
difficulties (14-16) and not in the public interest (9 CPS, 10 and 21 police). Assumption: the
NCA's wording is "no further action"; outcomes where a prosecution was prevented (5, 11-13,
17) or another body acts (20) are not a decision against action and are left out."""
BEACONPORT_FROM = day_number(date(2010, 1, 1))
BEACONPORT_TO = day_number(date(2025, 3, 31))
"""NFA decisions from 1 January 2010 to 31 March 2025 (NCA, 2025; look_again.md)."""
MIN_SUSPECTS = 2
"""At least two suspects (NCA, 2025): perpetrator person records, named or not."""
GROUP_BASED_CODE = "71"
"""Beaconport's scope is group-based CSE: the audit's rule, the CSE flag or Home Office code
71 (as `tessera look-again`'s default rules, src/tessera/analysis/lookagain)."""
NEW_EVIDENCE = 0.3
"""Share of the eligible cases, closed early enough for anything to follow, given new evidence
(assumption: more than 800 closed cases re-opened by June 2025 out of some thousands closed)."""
EVIDENCE_GAP_DAYS = 30
"""New evidence arrives at least this long after the closure."""
EVIDENCE_MIX: dict[EvidenceKind, float] = {"later_offence": 35, "later_intelligence": 25,
                                           "new_object": 25, "victim_referral": 15}
"""What the planted evidence is (assumption: each of the issue's kinds, later offences most)."""
SECOND_EVIDENCE = 0.3
"""Chance a case with new evidence gets a second item of another kind (assumption)."""
REFERRAL_FACTORS = {"11A;10A": 50, "11A": 30, "10A": 20}
"""Assessment factors of a planted later referral: CSE, going missing, or both."""
LATER_OFFENCE_TRIES = 20


@dataclass(frozen=True)
class Evidence:
    """Planted evidence: the closed case (offence index), its kind, the suspect or victim it
    is about (true person), its date and, for a later offence, that offence's index."""

    case: np.ndarray
    kind: np.ndarray
    person: np.ndarray
    day: np.ndarray
    offence: np.ndarray

    def of_kind(self, kind: EvidenceKind) -> np.ndarray:
        """Rows of one kind of evidence."""
        return np.flatnonzero(self.kind == kind)


def eligible_cases(offences: Offences, parties: Parties) -> np.ndarray:
    """Offences Operation Beaconport would select: group-based CSE closed with no further
    action in its window, with at least MIN_SUSPECTS perpetrators (distinct people, named or
    not)."""
    perpetrator = (parties.role == ROLE["suspect"]) | (parties.role == ROLE["offender"])
    suspects = np.bincount(parties.offence[perpetrator], minlength=len(offences))
    nfa = np.isin(offences.outcome, codes.indices("outcome_types", NO_FURTHER_ACTION))
    group_based = offences.cse | (offences.code == codes.index("offence_codes",
                                                               GROUP_BASED_CODE))
    return np.asarray(nfa & group_based & (offences.outcome_date >= BEACONPORT_FROM)
                      & (offences.outcome_date <= BEACONPORT_TO) & (suspects >= MIN_SUSPECTS))


def parties_by_offence(parties: Parties, n_offences: int) -> tuple[np.ndarray, np.ndarray]:
    """Party rows in offence order and where each offence's start: offence `o`'s parties are
    `order[bounds[o]:bounds[o + 1]]` (one sort instead of a scan per offence)."""
    order = np.argsort(parties.offence, kind="stable")
    return order, np.searchsorted(parties.offence[order], np.arange(n_offences + 1))


def _later_offence_pool(offences: Offences, parties: Parties) -> dict[int, np.ndarray]:
    """By force, the perpetrator parties of single-perpetrator offences outside any network
    that a suspect can be put into: named, and neither family, trust nor a peer."""
    perpetrator = (parties.role == ROLE["suspect"]) | (parties.role == ROLE["offender"])
    o = parties.offence
    fits = (perpetrator & parties.identified & (offences.network[o] < 0)
            & (offences.intended[o] == CATEGORIES.index("single_perpetrator"))
            & ~np.isin(parties.relationship, (FAMILY, TRUST, PEER)))
    rows = np.flatnonzero(fits)
    return {int(f): rows[offences.force[o[rows]] == f] for f in np.unique(offences.force[o[rows]])}


def plant_evidence(world: World, offences: Offences, parties: Parties
                   ) -> tuple[Parties, Evidence]:
    """Give a share of the eligible cases new evidence after their closure.

    A later offence is an existing single-perpetrator offence of the same force, recorded after
    the closure against another victim, whose perpetrator becomes the case's suspect (so no
    count changes); the other kinds are only decided here (their links and referrals are made
    with the records). Returns the parties with those perpetrators replaced, and the evidence.
    """
    rng, period, dob = world.rng, world.period, world.people.column("dob")
    room = eligible_cases(offences, parties) & (
        offences.outcome_date + EVIDENCE_GAP_DAYS <= period.end)
    cases = np.flatnonzero(room & (rng.random(len(offences)) < NEW_EVIDENCE))
    perpetrator = (parties.role == ROLE["suspect"]) | (parties.role == ROLE["offender"])
    order, bounds = parties_by_offence(parties, len(offences))
    pool = _later_offence_pool(offences, parties)
    person = parties.person.copy()
    taken: set[int] = set()
    kinds = list(EVIDENCE_MIX)
    weight = np.array(list(EVIDENCE_MIX.values()), dtype=float)
    found: list[tuple[int, str, int, int, int]] = []
    for case in map(int, cases):
        rows = order[bounds[case]:bounds[case + 1]]
        suspects = parties.person[rows[perpetrator[rows] & parties.identified[rows]]]
        victims = parties.person[rows[parties.role[rows] == ROLE["victim"]]]
        if not len(suspects):
            continue
        after = int(offences.outcome_date[case]) + EVIDENCE_GAP_DAYS
        count = 2 if rng.random() < SECOND_EVIDENCE else 1
        for kind in rng.choice(len(kinds), size=count, replace=False, p=weight / weight.sum()):
            suspect = int(rng.choice(suspects))
            if kinds[kind] == "later_offence":
                party = _later_party(rng, offences, parties, (order, bounds), pool,
                                     int(offences.force[case]), after, set(victims.tolist()),
                                     taken)
                if party >= 0:
                    taken.add(party)
                    person[party] = suspect
                    later = int(parties.offence[party])
                    found.append((case, "later_offence", suspect,
                                  int(offences.recorded[later]), later))
                continue
            if kinds[kind] == "victim_referral":
                victim = int(rng.choice(victims))
                last = min(period.end, int(shift_years(dob[victim:victim + 1], 18)[0]) - 1)
                if last >= after:
                    found.append((case, "victim_referral", victim,
                                  int(rng.integers(after, last + 1)), -1))
                continue
            found.append((case, kinds[kind], suspect, int(rng.integers(after, period.end + 1)),
                          -1))
    columns = list(zip(*found, strict=True)) if found else [(), (), (), (), ()]
    return replace(parties, person=person), Evidence(
        case=np.array(columns[0], dtype=np.int64), kind=np.array(columns[1], dtype=object),
        person=np.array(columns[2], dtype=np.int64), day=np.array(columns[3], dtype=np.int64),
        offence=np.array(columns[4], dtype=np.int64))


def _later_party(rng: np.random.Generator, offences: Offences, parties: Parties,
                 index: tuple[np.ndarray, np.ndarray], pool: dict[int, np.ndarray], force: int,
                 after: int, victims: set[int], taken: set[int]) -> int:
    """A perpetrator party of a later single-perpetrator offence of `force`, recorded on or
    after `after` against none of `victims` (-1 if none found in a few tries)."""
    rows = pool.get(force, np.empty(0, dtype=np.int64))
    later = rows[offences.recorded[parties.offence[rows]] >= after]
    for _ in range(LATER_OFFENCE_TRIES if len(later) else 0):
        party = int(rng.choice(later))
        offence = int(parties.offence[party])
        rows = index[0][index[1][offence]:index[1][offence + 1]]
        victim = parties.person[rows[parties.role[rows] == ROLE["victim"]]]
        if party not in taken and not victims & set(victim.tolist()):
            return party
    return -1


def evidence_associations(world: World, evidence: Evidence, offences: Offences,
                          parties: Parties, party_record: np.ndarray,
                          objects: ObjectValues) -> Associations:
    """Links for planted intelligence: the suspect with another named suspect of the same
    force (later_intelligence), or the suspect and another suspect at a new phone, vehicle or
    address (new_object), first seen on the evidence's day."""
    rng, period = world.rng, world.period
    perpetrator = ((parties.role == ROLE["suspect"]) | (parties.role == ROLE["offender"])) \
        & parties.identified
    force_of = offences.force[parties.offence[perpetrator]]
    named = party_record[perpetrator]
    by_force = {int(f): np.unique(named[force_of == f]) for f in np.unique(force_of)}
    order, bounds = parties_by_offence(parties, len(offences))
    rows = LinkRows()
    for i in (*evidence.of_kind("later_intelligence"), *evidence.of_kind("new_object")):
        case, suspect, day = int(evidence.case[i]), int(evidence.person[i]), int(evidence.day[i])
        force = offences.force[case]
        mine = order[bounds[case]:bounds[case + 1]]
        case_records = party_record[mine]
        own = case_records[parties.person[mine] == suspect][0]
        others = by_force.get(int(force), np.empty(0, dtype=np.int64))
        others = others[~np.isin(others, case_records)]
        if not len(others):
            continue
        other = int(rng.choice(others))
        last = int(rng.integers(day, period.end + 1))
        if evidence.kind[i] == "later_intelligence":
            rows.add(int(own), "associate", "intelligence_report", day, last, linked=other)
            continue
        kind = str(rng.choice(["phone", "vehicle", "address"]))
        value = str((objects.phones(1) if kind == "phone" else objects.vehicles(1)
                     if kind == "vehicle" else objects.addresses(np.array([force])))[0])
        for record in (int(own), other):
            rows.add(record, OBJECT_LINK[kind], OBJECT_SOURCE[kind], day, last,
                     object_kind=kind, object_value=value)
    return rows.build(rng)

