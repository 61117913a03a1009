"""Decoys: suspects who share an address or a phone innocently, and must not be found as a
network.

Why: people who live together share an address and often a landline, and intelligence records
them at it; a household or a house in multiple occupation (HMO) where two or more residents
are suspects in unrelated offences looks, in the association extracts, like members sharing an
address. A network analysis that calls every shared address a network would find these; the
ground truth lists them so that such false networks can be counted. Decoys are suspects of
single-perpetrator offences outside any network, each with their own victims: no offence and
no victim in common; a household's two are made relatives (one family name, one home), and
shared accommodation's residents share a postcode, so the person records agree with it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from tessera.synth.associations import OBJECT_LINK, Associations, LinkRows
from tessera.synth.calibration import CATEGORIES, scaled
from tessera.synth.investigation import ROLE
from tessera.synth.objects import ObjectValues
from tessera.synth.offending import Offences, Parties
from tessera.synth.population import World, move_in

DecoyKind = Literal["household", "shared_accommodation"]
DECOYS_PER_YEAR = 200
"""Groups of suspects sharing an address innocently, in a national year (assumption: no
published figure; of the order of the networks, so that they matter when scoring)."""
HOUSEHOLD = 0.5
"""Share of decoy groups that are a household (family members or partners, two people, who
also share a landline and a family link in intelligence); the rest are shared accommodation
(an HMO or hostel, three to five unrelated residents at one address). Assumption."""
HMO_RESIDENTS = (3, 5)
SEEN_DAYS = 400
"""Longest a decoy's address link stays current (as the background links)."""
SOURCE = {"intelligence_report": 40, "custody_record": 40, "stop_search": 10,
          "partner_agency": 10}
"""Where a resident's address is recorded (assumption: custody and intelligence mostly)."""


@dataclass(frozen=True)
class Decoy:
    """One decoy group: its kind, force, true people and the objects they share."""

    number: int
    kind: DecoyKind
    force: int
    people: tuple[int, ...]
    objects: tuple[tuple[str, str], ...]


def _candidates(offences: Offences, parties: Parties, members: np.ndarray
                ) -> tuple[np.ndarray, np.ndarray]:
    """People named as the perpetrator of single-perpetrator offences outside any network,
    all in one force, and in no other part (not a victim, a witness or a network member);
    with their force."""
    perpetrator = ((parties.role == ROLE["suspect"]) | (parties.role == ROLE["offender"]))
    fits = perpetrator & parties.identified & (offences.network[parties.offence] < 0) & (
        offences.intended[parties.offence] == CATEGORIES.index("single_perpetrator"))
    size = int(parties.person.max()) + 1 if len(parties) else 0
    bad = np.zeros(size, dtype=bool)
    bad[parties.person[~fits]] = True
    bad[members[members < size]] = True
    force = offences.force[parties.offence[fits]].astype(np.int64)
    low = np.full(size, np.iinfo(np.int64).max)
    high = np.full(size, -1)
    np.minimum.at(low, parties.person[fits], force)
    np.maximum.at(high, parties.person[fits], force)
    person = np.unique(parties.person[fits])
    person = person[~bad[person] & (low[person] == high[person])]
    return person, low[person]


def _victims_of(parties: Parties) -> dict[int, set[int]]:
    """Each perpetrator's victims (true people)."""
    victim_of: dict[int, set[int]] = {}
    victims = parties.role == ROLE["victim"]
    by_offence: dict[int, list[int]] = {}
    for o, p in zip(parties.offence[victims], parties.person[victims], strict=True):
        by_offence.setdefault(int(o), []).append(int(p))
    perpetrator = ~victims & (parties.role != ROLE["witness"])
    for o, p in zip(parties.offence[perpetrator], parties.person[perpetrator], strict=True):
        victim_of.setdefault(int(p), set()).update(by_offence.get(int(o), []))
    return victim_of


def draw_decoys(world: World, offences: Offences, parties: Parties, members: np.ndarray,
                objects: ObjectValues, scale: float, years: int) -> list[Decoy]:
    """Groups of suspects of one force, no two sharing a victim, made to live at one address.

    A household's second person becomes a relative of the first (their family name and home);
    residents of shared accommodation all move to the first one's home (postcode, household),
    keeping their names. Drawn before the police records, so the records show it. `members`
    are the true people of every network (never decoys).
    """
    rng = world.rng
    people, force_of = _candidates(offences, parties, members)
    victim_of = _victims_of(parties)
    forces = np.unique(force_of)
    pool = {int(f): [int(p) for p in rng.permutation(people[force_of == f])] for f in forces}
    decoys: list[Decoy] = []
    for _ in range(scaled(DECOYS_PER_YEAR, scale, years)):
        weight = np.array([len(pool[int(f)]) for f in forces], dtype=float)
        if weight.sum() < 2:
            break
        force = int(forces[rng.choice(len(forces), p=weight / weight.sum())])
        household = bool(rng.random() < HOUSEHOLD)
        size = 2 if household else int(rng.integers(HMO_RESIDENTS[0], HMO_RESIDENTS[1] + 1))
        chosen: list[int] = []
        seen: set[int] = set()
        left = pool[force]
        while left and len(chosen) < size:
            person = left.pop()
            # A candidate who shares a victim with one already chosen is dropped (rare).
            if not victim_of.get(person, set()) & seen:
                chosen.append(person)
                seen |= victim_of.get(person, set())
        if len(chosen) < 2:
            continue
        move_in(world, np.array(chosen[1:]), chosen[0], same_family_name=household)
        postcode = world.people.column("postcode")[chosen[0]]
        shared = [("address", str(objects.addresses(np.array([force]),
                                                    np.array([postcode]))[0]))]
        if household:
            shared.append(("phone", str(objects.phones(1)[0])))
        decoys.append(Decoy(len(decoys) + 1, "household" if household
                            else "shared_accommodation", force, tuple(chosen), tuple(shared)))
    return decoys


def decoy_associations(world: World, decoys: list[Decoy], parties: Parties,
                       party_record: np.ndarray) -> Associations:
    """The intelligence that makes decoys look linked: each resident at the shared address
    (and a household's landline), and a household's family link, on their police records."""
    rng, period = world.rng, world.period
    wanted = {p for decoy in decoys for p in decoy.people}
    named = np.flatnonzero(parties.identified & np.isin(parties.person, list(wanted)))
    record_of = {int(parties.person[i]): int(party_record[i]) for i in named}
    rows = LinkRows()
    sources = list(SOURCE)
    weights = np.array(list(SOURCE.values()), dtype=float)

    def add(record: int, kind: str, linked: int = -1, object_kind: str = "",
            object_value: str | None = None) -> None:
        first = int(rng.integers(period.start - 730, period.end + 1))
        rows.add(record, kind, sources[rng.choice(len(sources), p=weights / weights.sum())],
                 first, min(first + int(rng.integers(0, SEEN_DAYS)), period.end), linked,
                 object_kind, object_value)

    for decoy in decoys:
        records = [record_of[p] for p in decoy.people]
        for object_kind, value in decoy.objects:
            for record in records:
                add(record, OBJECT_LINK[object_kind], object_kind=object_kind,
                    object_value=value)
        if decoy.kind == "household":
            add(records[0], "family", linked=records[1])
    return rows.build(rng)
