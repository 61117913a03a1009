"""Intelligence links for network analysis: people with people, and people with objects.

Why built from the networks: measure M9 asks for "the complex networks" to be uncovered, so the
links a force holds must reflect who really offended together (co-offending from crime records),
who is known to whom (intelligence reports) and which phones, vehicles, addresses and accounts
members share, in each force where a member has a record. A background of ordinary links
between other suspects makes finding the networks a real task.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields
from itertools import combinations

import numpy as np

from tessera.synth import codes
from tessera.synth.calibration import NO_DATE, scaled
from tessera.synth.investigation import ROLE
from tessera.synth.networks import Network
from tessera.synth.objects import ObjectValues
from tessera.synth.offending import Offences, Parties, same_group_donor
from tessera.synth.population import World

GRADING = {"1A": 5, "1B": 8, "1C": 5, "1D": 1, "2A": 10, "2B": 25, "2C": 20, "2D": 5,
           "2E": 1, "3A": 1, "3B": 6, "3C": 8, "3D": 4, "3E": 1, "": 5}
OBJECT_LINK = {"phone": "phone_contact", "vehicle": "vehicle_use", "address": "address_link",
               "online_account": "online_contact"}
"""Association kind of a person-object link, by object kind."""
OBJECT_SOURCE = {"phone": "intelligence_report", "vehicle": "stop_search",
                 "address": "intelligence_report", "online_account": "partner_agency"}
PERSON_TIE = 0.5
"""Chance a tie between two members of an intelligence-only network who have records in one
force is a person-to-person link there (associate or phone contact) rather than a shared
phone, vehicle or address (assumption)."""
EXTRA_TIES = 0.5
"""Ties beyond the spanning tree, per member of an intelligence-only network: loose groups
have more links than a chain (assumption)."""
BACKGROUND_PER_YEAR = 12_000
"""Links between suspects outside any network, in a national year."""
BACKGROUND_PEOPLE = {"associate": 50, "family": 20, "phone_contact": 20, "online_contact": 10}
BACKGROUND_SOURCE = {"intelligence_report": 50, "custody_record": 20, "stop_search": 15,
                     "crime_record": 5, "partner_agency": 10}
BACKGROUND_OBJECTS = {"phone": 40, "vehicle": 30, "address": 20, "online_account": 10}


@dataclass
class Associations:
    """association rows; `record` and `linked` index the police person records."""

    record: np.ndarray
    linked: np.ndarray
    object_kind: np.ndarray
    object_value: np.ndarray
    kind: np.ndarray
    first_seen: np.ndarray
    last_seen: np.ndarray
    source: np.ndarray
    grading: np.ndarray

    def __len__(self) -> int:
        return len(self.record)


def concat_associations(items: Sequence[Associations]) -> Associations:
    """All association rows in one table."""
    return Associations(**{f.name: np.concatenate([getattr(i, f.name) for i in items])
                           for f in fields(Associations)})


class LinkRows:
    """Collects planted links one at a time (networks', decoys', new evidence's: a few
    thousand at national scale)."""

    def __init__(self) -> None:
        self.values: dict[str, list[object]] = {f.name: [] for f in fields(Associations)}

    def add(self, record: int, kind: str, source: str, first: int, last: int,
            linked: int = -1, object_kind: str = "", object_value: str | None = None) -> None:
        v = self.values
        v["record"].append(record)
        v["linked"].append(linked)
        v["object_kind"].append(codes.index("object_kind", object_kind))
        v["object_value"].append(object_value)
        v["kind"].append(codes.index("association_kind", kind))
        v["first_seen"].append(first)
        v["last_seen"].append(last)
        v["source"].append(codes.index("intelligence_source", source))

    def build(self, rng: np.random.Generator) -> Associations:
        v = self.values
        n = len(v["record"])
        return Associations(
            record=np.array(v["record"], dtype=np.int64),
            linked=np.array(v["linked"], dtype=np.int64),
            object_kind=np.array(v["object_kind"], dtype=np.int16),
            object_value=np.array(v["object_value"] + [None], dtype=object)[:n],
            kind=np.array(v["kind"], dtype=np.int16),
            first_seen=np.array(v["first_seen"], dtype=np.int64),
            last_seen=np.array(v["last_seen"], dtype=np.int64),
            source=np.array(v["source"], dtype=np.int16),
            grading=codes.draw(rng, "grading", GRADING, n))


def _seen(rng: np.random.Generator, network: Network, last: int) -> tuple[int, int]:
    """first_seen in the network's window, last_seen after it (at most `last`)."""
    first = int(rng.integers(network.start, network.end + 1))
    return first, int(rng.integers(first, max(first, last) + 1))


def _co_offending(rows: LinkRows, offences: Offences, parties: Parties, party_record: np.ndarray
                  ) -> tuple[dict[tuple[int, int], set[int]], dict[tuple[int, int], set[int]],
                             dict[int, dict[int, int]]]:
    """Add a co_offending link per pair of identified perpetrators of a network offence;
    return each (network, force)'s member records and victim records, and each identified
    member's record in each force."""
    perpetrator = (parties.role != ROLE["victim"]) & (parties.role != ROLE["witness"])
    by_offence: dict[int, set[int]] = {}
    members: dict[tuple[int, int], set[int]] = {}
    victims: dict[tuple[int, int], set[int]] = {}
    record_of: dict[int, dict[int, int]] = {}
    for i in np.flatnonzero(offences.network[parties.offence] > 0):
        o = int(parties.offence[i])
        key = (int(offences.network[o]), int(offences.force[o]))
        if perpetrator[i] and parties.identified[i]:
            by_offence.setdefault(o, set()).add(int(party_record[i]))
            members.setdefault(key, set()).add(int(party_record[i]))
            record_of.setdefault(int(parties.person[i]), {})[key[1]] = int(party_record[i])
        elif not perpetrator[i]:
            victims.setdefault(key, set()).add(int(party_record[i]))
    pairs: dict[tuple[int, int], list[int]] = {}
    for o, records in by_offence.items():
        for a, b in combinations(sorted(records), 2):
            seen = pairs.setdefault((a, b), [int(offences.committed_from[o])] * 2)
            seen[0] = min(seen[0], int(offences.committed_from[o]))
            seen[1] = max(seen[1], int(offences.committed_to[o]))
    for (a, b), (first, last) in sorted(pairs.items()):
        rows.add(a, "co_offending", "crime_record", first, last, linked=b)
    return members, victims, record_of


def _intelligence_ties(rows: LinkRows, rng: np.random.Generator, network: Network,
                       record_of: dict[int, dict[int, int]], last: int) -> None:
    """Tie every member of an intelligence-only network to the others through intelligence.

    Why a random tree: the members never share an offence, so only these links (and their
    shared victims) join them; a tree over them (each member tied to a random earlier one)
    guarantees the association extracts alone connect the network, and EXTRA_TIES more make it
    a loose web rather than a chain or a star. A tie within one force may be a person-to-person
    link; otherwise it is a phone, vehicle or address of the network recorded against both
    members, in whichever forces hold their records (so one phone number can join two forces).
    """
    present = [int(m) for m in network.members if int(m) in record_of]
    shared = [(k, v) for k, v in network.objects if k in ("phone", "vehicle", "address")]
    extra = round(EXTRA_TIES * len(present))
    ties = [(i, int(rng.integers(0, i))) for i in range(1, len(present))]
    for _ in range(extra if len(present) > 2 else 0):
        i, j = rng.choice(len(present), size=2, replace=False)
        ties.append((int(i), int(j)))
    for i, j in ties:
        a, b = record_of[present[i]], record_of[present[j]]
        common = sorted(set(a) & set(b))
        if common and rng.random() < PERSON_TIE:
            force = common[int(rng.integers(0, len(common)))]
            kind = "associate" if rng.random() < 0.6 else "phone_contact"
            rows.add(a[force], kind, "intelligence_report", *_seen(rng, network, last),
                     linked=b[force])
            continue
        object_kind, value = shared[int(rng.integers(0, len(shared)))]
        for held in (a, b):
            record = list(held.values())[int(rng.integers(0, len(held)))]
            rows.add(record, OBJECT_LINK[object_kind], OBJECT_SOURCE[object_kind],
                     *_seen(rng, network, last), object_kind=object_kind, object_value=value)


def _network_links(rows: LinkRows, rng: np.random.Generator, network: Network,
                   members: list[int], victims: list[int], last: int) -> None:
    """Intelligence on one network in one force: associates, shared objects, victims'
    contacts with members and their phones."""
    if len(members) > 1:
        for _ in range(int(rng.integers(1, 4))):
            a, b = rng.choice(members, size=2, replace=False)
            kind = "associate" if rng.random() < 0.6 else "phone_contact"
            rows.add(int(a), kind, "intelligence_report", *_seen(rng, network, last),
                     linked=int(b))
    for object_kind, value in network.objects:
        size = min(len(members), int(rng.integers(2, 5)))
        for member in rng.choice(members, size=size, replace=False):
            rows.add(int(member), OBJECT_LINK[object_kind], OBJECT_SOURCE[object_kind],
                     *_seen(rng, network, last), object_kind=object_kind, object_value=value)
    phones = [v for k, v in network.objects if k == "phone"]
    for victim in victims:
        if rng.random() < 0.5:
            source = "missing_person_report" if rng.random() < 0.5 else "partner_agency"
            rows.add(victim, "phone_contact", source, *_seen(rng, network, last),
                     linked=int(rng.choice(members)))
        if phones and rng.random() < 0.3:
            rows.add(victim, "phone_contact", "missing_person_report",
                     *_seen(rng, network, last), object_kind="phone",
                     object_value=str(rng.choice(phones)))


def network_associations(world: World, networks: Sequence[Network], offences: Offences,
                         parties: Parties, party_record: np.ndarray) -> Associations:
    """Co-offending, associate, phone and object links among each network's members, and
    contact links from members to victims, in every force where they have records; an
    intelligence-only network's members are also tied into one connected web."""
    rng = world.rng
    rows = LinkRows()
    members, victims, record_of = _co_offending(rows, offences, parties, party_record)
    for network in networks:
        last = min(network.end + 60, world.period.end)
        for force in network.forces:
            mine = sorted(members.get((network.number, force), set()))
            if mine:
                _network_links(rows, rng, network, mine,
                               sorted(victims.get((network.number, force), set())), last)
        if network.kind == "intelligence_only":
            _intelligence_ties(rows, rng, network, record_of, last)
    return rows.build(rng)


def background_associations(world: World, candidates: np.ndarray, force: np.ndarray,
                            objects: ObjectValues, scale: float, years: int) -> Associations:
    """Ordinary intelligence links between identified suspects of one force, and to objects.

    `candidates` are police record indices of identified perpetrators, `force` their forces.
    """
    rng, period = world.rng, world.period
    n = scaled(BACKGROUND_PER_YEAR, scale, years) if len(candidates) > 1 else 0
    pick = rng.integers(0, len(candidates), n) if n else np.empty(0, dtype=np.int64)
    record = candidates[pick]
    person_link = rng.random(n) < 0.5
    other = same_group_donor(rng, force[pick].astype(np.int64), np.ones(n, bool),
                             np.ones(n, bool)) if n else np.empty(0, dtype=np.int64)
    linked = np.where(person_link & (other >= 0), record[np.maximum(other, 0)], -1)
    person_link &= (linked >= 0) & (linked != record)
    linked = np.where(person_link, linked, -1)
    object_kind = np.where(person_link, -1, codes.draw(rng, "object_kind", BACKGROUND_OBJECTS,
                                                       n)).astype(np.int16)
    value = np.full(n, None, dtype=object)
    for kind in BACKGROUND_OBJECTS:
        rows = np.flatnonzero(object_kind == codes.index("object_kind", kind))
        if kind == "phone":
            value[rows] = objects.phones(len(rows))
        elif kind == "vehicle":
            value[rows] = objects.vehicles(len(rows))
        elif kind == "address":
            value[rows] = objects.addresses(force[pick[rows]])
        else:
            value[rows] = objects.accounts(len(rows))
    link_kind = codes.draw(rng, "association_kind", BACKGROUND_PEOPLE, n)
    for kind, association in OBJECT_LINK.items():
        link_kind = np.where(object_kind == codes.index("object_kind", kind),
                             codes.index("association_kind", association), link_kind)
    first = rng.integers(period.start - 730, period.end + 1, n)
    last = np.where(rng.random(n) < 0.1, NO_DATE,
                    np.minimum(first + rng.integers(0, 400, n), period.end))
    return Associations(
        record=record, linked=linked, object_kind=object_kind, object_value=value,
        kind=link_kind.astype(np.int16), first_seen=first, last_seen=last,
        source=codes.draw(rng, "intelligence_source", BACKGROUND_SOURCE, n),
        grading=codes.draw(rng, "grading", GRADING, n))
