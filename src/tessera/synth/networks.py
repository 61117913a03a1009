"""Group-based child sexual exploitation from networks of offenders.

Why from networks and not offence by offence: network analysis (measure M9) and the problem
profiles (M6) look for real structure: the same few offenders acting together against several
victims over months, sharing phones, cars and addresses, sometimes across two forces. Each
network here is such a structure, and its offences are what the audit counts as group-based CSE
(the CSE flag or code 71, several perpetrators, none of them family or in a position of trust).

Some networks never offend together ("intelligence-only"): their members abuse the same
victims on separate occasions and share phones, cars and addresses, which only graded
intelligence records. The policy notes (../shared/reference/policy/networks.md: Cockbain's work
on UK localised grooming) describe loose, collaborative groups more than hierarchies, so their
members are tied by a random tree of links plus extra ones, not round one leader.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from tessera.synth import codes
from tessera.synth.calibration import CATEGORIES
from tessera.synth.investigation import ROLE, draw_outcomes, perpetrator_roles
from tessera.synth.objects import ObjectValues
from tessera.synth.offending import ONLINE_PLACE, ONLINE_SETTING, Offences, Parties, draw_codes
from tessera.synth.patterns import NETWORK_AGES
from tessera.synth.population import (
    World,
    age_on,
    dob_for_age,
    draw_ages,
    new_people,
    perpetrator_sexes,
    relatives_of,
)

MEMBERS = (3, 8)
VICTIMS = (2, 6)
WINDOW_DAYS = (60, 270)
"""Each network abuses its victims over a window of two to nine months."""
CROSS_FORCE = 0.10
"""Share of networks whose offences are recorded by two forces."""
RELATED_MEMBERS = 0.30
"""Share of networks with two members of one family (brothers, cousins)."""
PERPETRATORS = {2: 45, 3: 35, 4: 20}
KEY_INDIVIDUAL = 0.5
"""How much more often than the others the first member takes part in an offence."""
UNIDENTIFIED = 0.10
"""Share of perpetrator parties the police could not identify."""
ONLINE = 0.25
CSE_FLAGGED = 0.92
"""The rest are not flagged but carry code 71, which the audit's rule also reads."""
CODE_71_WEIGHT = 3.0
RELATIONSHIP = {"acquaintance": 45, "stranger": 15, "online_contact": 15, "other": 20, "": 5}
SETTING = {"group": 60, "other": 20, "": 20}
PLACE = {"hotel": 20, "vehicle_taxi": 25, "takeaway_shop": 15, "dwelling": 25,
         "street_park": 10, "other": 5}
OPEN_BOOST = 0.10
"""Network investigations stay open longer."""
INTELLIGENCE_MEMBERS = (3, 6)
INTELLIGENCE_VICTIMS = (2, 5)
"""Members and victims of an intelligence-only network (assumption: a little smaller than the
co-offending networks, whose sizes are also assumptions)."""
ABUSERS_PER_VICTIM = (2, 3)
"""Members who each abuse one victim of an intelligence-only network on their own
(assumption: "several" offenders per victim, as in the co-offending networks)."""
OFFENCES_PER_PAIR = (1, 2)
"""Offences one member commits against one victim (assumption)."""
INTELLIGENCE_CROSS_FORCE = 0.25
"""Share of intelligence-only networks recorded by two forces (assumption; higher than
CROSS_FORCE because offending apart, in several places, is what hides them). At least one,
when there are any, so that every set holds the case a single force cannot see."""

NetworkKind = Literal["co_offending", "intelligence_only"]


@dataclass(frozen=True)
class Network:
    """One network: its forces, people, active window and the objects its members share."""

    number: int
    kind: NetworkKind
    """co_offending: members offend together; intelligence_only: never on one offence."""
    forces: tuple[int, ...]
    members: np.ndarray
    victims: np.ndarray
    start: int
    end: int
    objects: tuple[tuple[str, str], ...]
    """(object_kind code, value) pairs."""


def _forces(world: World, n: int, cross_force: float = CROSS_FORCE, at_least_one: bool = False
            ) -> tuple[np.ndarray, np.ndarray]:
    """Home force by population (BTP never leads a network) and, for a `cross_force` share
    (at least one if asked), a second force."""
    rng, geo = world.rng, world.geo
    share = geo.force_share.copy()
    share[geo.btp] = 0
    share /= share.sum()
    home = rng.choice(len(share), size=n, p=share)
    second = np.full(n, -1)
    spans = rng.random(n) < cross_force
    if at_least_one and n and not spans.any():
        spans[int(rng.integers(0, n))] = True
    for j in np.flatnonzero(spans):
        other = share.copy()
        other[home[j]] = 0
        second[j] = rng.choice(len(other), p=other / other.sum())
    return home, second


def _objects(objects: ObjectValues, rng: np.random.Generator, force: int
             ) -> tuple[tuple[str, str], ...]:
    phones = objects.phones(int(rng.integers(1, 4)))
    vehicles = objects.vehicles(int(rng.integers(1, 3)))
    addresses = objects.addresses(np.full(int(rng.integers(1, 3)), force))
    accounts = objects.accounts(int(rng.integers(0, 3)))
    return (tuple(("phone", str(v)) for v in phones) + tuple(("vehicle", str(v)) for v in vehicles)
            + tuple(("address", str(v)) for v in addresses)
            + tuple(("online_account", str(v)) for v in accounts))


def _windows(world: World, n: int) -> tuple[np.ndarray, np.ndarray]:
    """First and last day of each network's active window, inside the period."""
    rng, period = world.rng, world.period
    length = rng.integers(WINDOW_DAYS[0], WINDOW_DAYS[1] + 1, n)
    start = period.start + np.floor(rng.random(n) * (period.days - length)).astype(np.int64)
    return start, start + length


def _members(world: World, home: np.ndarray, members_n: np.ndarray, start: np.ndarray
             ) -> tuple[np.ndarray, np.ndarray]:
    """Every network's members, network after network (some with two of one family), and
    where each network's members start."""
    rng = world.rng
    member_force = np.repeat(home, members_n)
    member = new_people(world, dob=dob_for_age(rng, rng.integers(18, 56, len(member_force)),
                                               np.repeat(start, members_n)),
                        force=member_force, sex=perpetrator_sexes(world, len(member_force)))
    first_member = np.cumsum(members_n) - members_n
    related = np.flatnonzero(rng.random(len(home)) < RELATED_MEMBERS)
    sibling_dob = world.people.column("dob")[member[first_member[related]]] \
        + rng.integers(-8 * 365, 8 * 365, len(related))
    member[first_member[related] + 1] = relatives_of(
        world, member[first_member[related]], sibling_dob, same_household=False,
        sex=perpetrator_sexes(world, len(related)))
    return member, first_member


def _victims(world: World, home: np.ndarray, second: np.ndarray, victims_n: np.ndarray,
             end: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every network's victims, their forces, and where each network's victims start.

    A two-force network has its first victim in the home force and its last in the second
    (so offences are recorded by both); the others are in the second force 40% of the time.
    """
    rng = world.rng
    victim_force = np.repeat(home, victims_n)
    first_victim = np.cumsum(victims_n) - victims_n
    away = (np.repeat(second, victims_n) >= 0) & (rng.random(len(victim_force)) < 0.4)
    spans = (second >= 0) & (victims_n >= 2)
    away[first_victim[spans]] = False
    away[first_victim[spans] + victims_n[spans] - 1] = True
    victim_force = np.where(away, np.repeat(second, victims_n), victim_force)
    victim = new_people(world, dob=dob_for_age(
        rng, draw_ages(rng, np.array(NETWORK_AGES), len(victim_force)),
        np.repeat(end, victims_n)), force=victim_force)
    return victim, victim_force, first_victim


def _network_offences(world: World, network_of: np.ndarray, victim_person: np.ndarray,
                      force: np.ndarray, committed_from: np.ndarray, end: np.ndarray,
                      category: str, first_number: int) -> Offences:
    """Dates, outcome, flags, setting, place and code of network offences, one per row of
    `network_of` (index of the network, numbered from `first_number`), against
    `victim_person` in `force`."""
    rng, period = world.rng, world.period
    n = len(network_of)
    committed_to = np.minimum(committed_from + rng.integers(0, 15, n), end[network_of])
    recorded = np.minimum(committed_to + rng.integers(0, 46, n), period.end)
    outcome, outcome_date, status = draw_outcomes(rng, recorded, period, "network", OPEN_BOOST)
    online = rng.random(n) < ONLINE
    flagged = online & (rng.random(n) < 0.9)
    setting = codes.draw(rng, "setting", SETTING, n)
    location = codes.draw(rng, "location_type", PLACE, n)
    location = np.where((online & ~flagged) | (flagged & (rng.random(n) < 0.3)), ONLINE_PLACE,
                        location).astype(np.int16)
    setting = np.where(online & (rng.random(n) < 0.2), ONLINE_SETTING, setting).astype(np.int16)
    cse = rng.random(n) < CSE_FLAGGED
    age = age_on(world.people.column("dob")[victim_person], committed_from)
    code = draw_codes(rng, CODE_71_WEIGHT, world.people.column("sex")[victim_person], age, cse,
                      online)
    code = np.where(cse, code, codes.index("offence_codes", "71")).astype(np.int16)
    return Offences(
        force=force.astype(np.int16), recorded=recorded, committed_from=committed_from,
        committed_to=committed_to, code=code, cse=cse, online_flag=flagged, setting=setting,
        location=location, outcome=outcome, outcome_date=outcome_date, status=status,
        network=network_of.astype(np.int32) + first_number,
        intended=np.full(n, CATEGORIES.index(category), dtype=np.int8))


def _network(number: int, kind: NetworkKind, forces: tuple[int, ...], members: np.ndarray,
             victims: np.ndarray, start: int, end: int, objects: ObjectValues,
             rng: np.random.Generator) -> Network:
    return Network(number=number, kind=kind, forces=forces, members=members, victims=victims,
                   start=start, end=end, objects=_objects(objects, rng, forces[0]))


def draw_networks(world: World, n_networks: int, n_offences: int, objects: ObjectValues
                  ) -> tuple[Offences, Parties, list[Network]]:
    """`n_networks` networks committing `n_offences` offences between them (at least two
    each when there are enough), two to four members together in each offence."""
    rng = world.rng
    home, second = _forces(world, n_networks)
    members_n = rng.integers(MEMBERS[0], MEMBERS[1] + 1, n_networks)
    victims_n = rng.integers(VICTIMS[0], VICTIMS[1] + 1, n_networks)
    weight = (members_n * victims_n).astype(float)
    least = 2 if n_offences >= 2 * n_networks else 1
    per_network = least + rng.multinomial(n_offences - least * n_networks,
                                          weight / weight.sum())
    victims_n = np.minimum(victims_n, per_network)
    start, end = _windows(world, n_networks)
    member, first_member = _members(world, home, members_n, start)
    victim, victim_force, first_victim = _victims(world, home, second, victims_n, end)

    offence_victim: list[np.ndarray] = []
    committed: list[np.ndarray] = []
    party_offence: list[np.ndarray] = []
    party_member: list[np.ndarray] = []
    party_known: list[np.ndarray] = []
    networks: list[Network] = []
    offset = 0
    for j in range(n_networks):
        k, m, v = int(per_network[j]), int(members_n[j]), int(victims_n[j])
        who = np.concatenate([np.arange(v), rng.integers(0, v, k - v)])
        offence_victim.append(first_victim[j] + who)
        committed.append(start[j] + rng.integers(0, end[j] - start[j] + 1, k))
        count = np.minimum(rng.choice(list(PERPETRATORS), size=k,
                                      p=np.array(list(PERPETRATORS.values())) / 100), m)
        # The first member is the key individual: in most offences, and in the first
        # offence against each victim (identified there), so he is known to every force the
        # network spans.
        weight = rng.random((k, m))
        weight[:, 0] -= KEY_INDIVIDUAL
        weight[:v, 0] = -1.0
        order = np.argsort(weight, axis=1)
        chosen = np.arange(m)[None, :] < count[:, None]
        party_offence.append(offset + np.nonzero(chosen)[0])
        party_member.append(first_member[j] + order[chosen])
        party_known.append((order[chosen] == 0) & (np.nonzero(chosen)[0] < v))
        offset += k
        forces = (int(home[j]),) if second[j] < 0 else (int(home[j]), int(second[j]))
        networks.append(_network(
            j + 1, "co_offending", forces, member[first_member[j]:first_member[j] + m],
            victim[first_victim[j]:first_victim[j] + v], int(start[j]), int(end[j]), objects,
            rng))

    v_row = np.concatenate(offence_victim)
    n = len(v_row)
    network_of = np.repeat(np.arange(n_networks), per_network)
    offences = _network_offences(world, network_of, victim[v_row], victim_force[v_row],
                                 np.concatenate(committed), end, "group_based_cse", 1)
    off = np.concatenate(party_offence)
    key = np.concatenate(party_known)
    others_unknown = min(1.0, UNIDENTIFIED * len(off) / max(int((~key).sum()), 1))
    identified = key | (rng.random(len(off)) >= others_unknown)
    parties = Parties(
        offence=np.concatenate([np.arange(n), off]),
        person=np.concatenate([victim[v_row], member[np.concatenate(party_member)]]),
        role=np.concatenate([np.full(n, ROLE["victim"]),
                             perpetrator_roles(offences.outcome[off], identified)]
                            ).astype(np.int16),
        relationship=np.concatenate([np.full(n, -1), codes.draw(
            rng, "relationship", RELATIONSHIP, len(off))]).astype(np.int16),
        identified=np.concatenate([np.ones(n, bool), identified]))
    return offences, parties, networks


def _abusers(rng: np.random.Generator, m: int, v: int, two_forces: bool
             ) -> tuple[np.ndarray, np.ndarray]:
    """(victim, member) pairs of one intelligence-only network: each victim abused by
    ABUSERS_PER_VICTIM members on their own, every member abusing someone, and in a two-force
    network the first member abusing the first victim and the last (one in each force)."""
    pairs = {(i, int(a)) for i in range(v)
             for a in rng.choice(m, size=min(m, int(rng.integers(ABUSERS_PER_VICTIM[0],
                                                                ABUSERS_PER_VICTIM[1] + 1))),
                                 replace=False)}
    pairs |= {(int(rng.integers(0, v)), a) for a in range(m)
              if all(b != a for _, b in pairs)}
    if two_forces:
        pairs |= {(0, 0), (v - 1, 0)}
    victim_of, member_of = np.array(sorted(pairs)).T
    return victim_of, member_of


def draw_intelligence_networks(world: World, n_networks: int, first_number: int,
                               objects: ObjectValues
                               ) -> tuple[Offences, Parties, list[Network]]:
    """Networks whose members never offend together: each abuses the shared victims alone.

    Why: such a group is a network only through what links its members (the same victims,
    phones, cars, addresses in graded intelligence), which no offence record shows; every
    offence has one perpetrator, so the audit's flag-based rule counts it single-perpetrator,
    and only a network analysis can see it (issue 12). Every member is identified (the
    association links hang on named records); numbering follows the co-offending networks.
    """
    rng = world.rng
    home, second = _forces(world, n_networks, INTELLIGENCE_CROSS_FORCE, at_least_one=True)
    members_n = rng.integers(INTELLIGENCE_MEMBERS[0], INTELLIGENCE_MEMBERS[1] + 1, n_networks)
    victims_n = rng.integers(INTELLIGENCE_VICTIMS[0], INTELLIGENCE_VICTIMS[1] + 1, n_networks)
    start, end = _windows(world, n_networks)
    member, first_member = _members(world, home, members_n, start)
    victim, victim_force, first_victim = _victims(world, home, second, victims_n, end)

    offence_victim: list[np.ndarray] = []
    offence_member: list[np.ndarray] = []
    networks: list[Network] = []
    for j in range(n_networks):
        m, v = int(members_n[j]), int(victims_n[j])
        victim_of, member_of = _abusers(rng, m, v, bool(second[j] >= 0))
        times = rng.integers(OFFENCES_PER_PAIR[0], OFFENCES_PER_PAIR[1] + 1, len(victim_of))
        offence_victim.append(first_victim[j] + np.repeat(victim_of, times))
        offence_member.append(first_member[j] + np.repeat(member_of, times))
        forces = (int(home[j]),) if second[j] < 0 else (int(home[j]), int(second[j]))
        networks.append(_network(
            first_number + j, "intelligence_only", forces,
            member[first_member[j]:first_member[j] + m],
            victim[first_victim[j]:first_victim[j] + v], int(start[j]), int(end[j]), objects,
            rng))
    v_row = np.concatenate(offence_victim)
    n = len(v_row)
    network_of = np.repeat(np.arange(n_networks), [len(o) for o in offence_victim])
    committed = start[network_of] + np.floor(
        rng.random(n) * (end - start + 1)[network_of]).astype(np.int64)
    offences = _network_offences(world, network_of, victim[v_row], victim_force[v_row],
                                 committed, end, "single_perpetrator", first_number)
    identified = np.ones(n, bool)
    parties = Parties(
        offence=np.concatenate([np.arange(n), np.arange(n)]),
        person=np.concatenate([victim[v_row], member[np.concatenate(offence_member)]]),
        role=np.concatenate([np.full(n, ROLE["victim"]),
                             perpetrator_roles(offences.outcome, identified)]).astype(np.int16),
        relationship=np.concatenate([np.full(n, -1), codes.draw(
            rng, "relationship", RELATIONSHIP, n)]).astype(np.int16),
        identified=np.concatenate([np.ones(n, bool), identified]))
    return offences, parties, networks
