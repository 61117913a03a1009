"""Decoys: suspects who share an address or a phone innocently, and must not be found as a
network.

Why: people who live together share an address and often a landline, and intelligence records
them at it; a household or a house in multiple occupation (HMO) where two or more residents
are suspects in unrelated offences looks, in the association extracts, like members sharing an
address. A network analysis that calls every shared address a network would find these; the
ground truth lists them so that such false networks can be counted. Decoys are suspects of
single-perpetrator offences outside any network, each with their own victims: no offence and
no victim in common.
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
from tessera.synth.population import World

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
    """One decoy group: its kind, police person records and the objects they share."""

    number: int
    kind: DecoyKind
    records: tuple[int, ...]
    objects: tuple[tuple[str, str], ...]


def _candidates(offences: Offences, parties: Parties, party_record: np.ndarray,
                members: np.ndarray) -> np.ndarray:
    """Records of identified perpetrators whose every offence is single-perpetrator and
    outside any network; those who are also a victim, a witness or a member of a network are
    left out."""
    perpetrator = ((parties.role == ROLE["suspect"]) | (parties.role == ROLE["offender"]))
    single = (offences.network[parties.offence] < 0) & (
        offences.intended[parties.offence] == CATEGORIES.index("single_perpetrator"))
    bad = np.zeros(int(party_record.max()) + 1 if len(party_record) else 0, dtype=bool)
    bad[party_record[~(perpetrator & parties.identified & single)]] = True
    bad[party_record[np.isin(parties.person, members)]] = True
    records = np.unique(party_record[perpetrator & parties.identified & single])
    return np.asarray(records[~bad[records]])


def _victims_of(offences: Offences, parties: Parties, party_record: np.ndarray
                ) -> dict[int, set[int]]:
    """Each perpetrator record's victims (true people), for the decoys' candidates."""
    victim_of: dict[int, set[int]] = {}
    victims = parties.role == ROLE["victim"]
    by_offence: dict[int, list[int]] = {}
    for o, p in zip(parties.offence[victims], parties.person[victims], strict=True):
        by_offence.setdefault(int(o), []).append(int(p))
    perpetrator = ~victims & (parties.role != ROLE["witness"])
    for o, r in zip(parties.offence[perpetrator], party_record[perpetrator], strict=True):
        victim_of.setdefault(int(r), set()).update(by_offence.get(int(o), []))
    return victim_of


def draw_decoys(world: World, offences: Offences, parties: Parties, party_record: np.ndarray,
                record_force: np.ndarray, members: np.ndarray, objects: ObjectValues,
                scale: float, years: int) -> list[Decoy]:
    """Groups of suspects of one force, no two sharing a victim, who live at one address.

    `record_force` is each police record's force; `members` the true people of every
    network (never decoys).
    """
    rng = world.rng
    records = _candidates(offences, parties, party_record, members)
    victim_of = _victims_of(offences, parties, party_record)
    forces = np.unique(record_force[records])
    pool = {int(f): [int(r) for r in rng.permutation(records[record_force[records] == f])]
            for f in forces}
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
            record = left.pop()
            # A candidate who shares a victim with one already chosen is dropped (rare).
            if not victim_of.get(record, set()) & seen:
                chosen.append(record)
                seen |= victim_of.get(record, set())
        if len(chosen) < 2:
            continue
        shared = [("address", str(objects.addresses(np.array([force]))[0]))]
        if household:
            shared.append(("phone", str(objects.phones(1)[0])))
        decoys.append(Decoy(len(decoys) + 1, "household" if household
                            else "shared_accommodation", tuple(chosen), tuple(shared)))
    return decoys


def decoy_associations(world: World, decoys: list[Decoy]) -> Associations:
    """The intelligence that makes decoys look linked: each resident at the shared address
    (and a household's landline), and a household's family link."""
    rng, period = world.rng, world.period
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
        for object_kind, value in decoy.objects:
            for record in decoy.records:
                add(record, OBJECT_LINK[object_kind], object_kind=object_kind,
                    object_value=value)
        if decoy.kind == "household":
            add(decoy.records[0], "family", linked=decoy.records[1])
    return rows.build(rng)
