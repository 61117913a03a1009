"""Offences and their parties for every kind of offence that is not a network's.

Why each offence is drawn from its kind's pattern: the calibration fixes how many offences of
each category there are, and each pattern makes its offences satisfy exactly its category's
audit rule (see `patterns.py`), so recomputing the categories from the written files gives
back the targets. Victims and perpetrators are true people (see `population.py`); repeat
victims and repeat offenders are the same person in several offences of one force.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields
from typing import TypeVar

import numpy as np

from tessera.synth import codes
from tessera.synth.calibration import CATEGORIES
from tessera.synth.investigation import (
    ROLE,
    draw_outcomes,
    perpetrator_roles,
    suspect_unidentified,
)
from tessera.synth.patterns import (
    NO_SETTING_FOR_ONLINE,
    SINGLE,
    Pattern,
    by_relationship,
    code_key,
    code_matrix,
    relationship_key,
)
from tessera.synth.population import (
    World,
    age_on,
    dob_for_age,
    draw_ages,
    new_people,
    perpetrator_sexes,
    relatives_of,
)
from tessera.synth.rates import MIN_PERPETRATOR_AGE, BaseRates

FAMILY = codes.index("relationship", "family_member")
TRUST = codes.index("relationship", "position_of_trust")
PEER = codes.index("relationship", "peer")
ACQUAINTANCE = codes.index("relationship", "acquaintance")
ONLINE_CONTACT = codes.index("relationship", "online_contact")
ONLINE_SETTING = codes.index("setting", "online")
ONLINE_PLACE = codes.index("location_type", "online")
UNKNOWN_SUSPECT = {"stranger": 40, "": 40, "online_contact": 20}
"""What a victim can say of a suspect the police never identify."""
ADULT_AGE = 18
"""Bands from this age are adults': the only ones an adult in a position of trust is drawn from."""
REPEAT_AGE_TOLERANCE = 5
"""Years a repeat offender's age may differ from the age drawn for the party they fill."""
OPEN_UNIDENTIFIED = 0.12
"""Open single-perpetrator offences whose suspect is not (yet) identified."""


@dataclass
class Offences:
    """Offences, column-wise: dates in days since 1970, codes as code-list indices."""

    force: np.ndarray
    recorded: np.ndarray
    committed_from: np.ndarray
    committed_to: np.ndarray
    code: np.ndarray
    cse: np.ndarray
    online_flag: np.ndarray
    setting: np.ndarray
    location: np.ndarray
    outcome: np.ndarray
    outcome_date: np.ndarray
    status: np.ndarray
    network: np.ndarray
    """Network number, -1 for offences outside any network."""
    intended: np.ndarray
    """Index in CATEGORIES of the kind the offence was drawn as (never written)."""

    def __len__(self) -> int:
        return len(self.force)


@dataclass
class Parties:
    """Offence parties, column-wise; `offence` indexes `Offences`, `person` the true people."""

    offence: np.ndarray
    person: np.ndarray
    role: np.ndarray
    relationship: np.ndarray
    identified: np.ndarray
    """False for a perpetrator the police could not identify (a nameless record)."""

    def __len__(self) -> int:
        return len(self.offence)


T = TypeVar("T", Offences, Parties)


def _concat(cls: type[T], items: Sequence[T]) -> T:
    return cls(**{f.name: np.concatenate([getattr(i, f.name) for i in items])
                  for f in fields(cls)})


def combine(batches: Sequence[tuple[Offences, Parties]]) -> tuple[Offences, Parties]:
    """One table of offences and one of parties from several batches (party links kept)."""
    offset = 0
    parties: list[Parties] = []
    for offences, batch in batches:
        parties.append(Parties(batch.offence + offset, batch.person, batch.role,
                               batch.relationship, batch.identified))
        offset += len(offences)
    return (_concat(Offences, [b[0] for b in batches]), _concat(Parties, parties))


def same_group_donor(rng: np.random.Generator, group: np.ndarray, donor: np.ndarray,
                     want: np.ndarray) -> np.ndarray:
    """For each `want` row, a random `donor` row in the same group (-1 if the group has none).

    Why: repeat victims and repeat offenders are the same person in another offence of the
    same force, picked for a whole batch at once.
    """
    rows = np.flatnonzero(donor)
    groups = int(group.max()) + 1 if len(group) else 1
    order = rows[np.argsort(group[rows], kind="stable")]
    count = np.bincount(group[rows], minlength=groups)
    start = np.cumsum(count) - count
    g = group[want]
    slot = start[g] + np.floor(rng.random(len(g)) * count[g]).astype(np.int64)
    return np.where(count[g] > 0, order[np.minimum(slot, max(len(order) - 1, 0))], -1) \
        if len(order) else np.full(len(g), -1)


def committed_dates(rng: np.random.Generator, recorded: np.ndarray,
                    lag: tuple[float, float, float]) -> tuple[np.ndarray, np.ndarray]:
    """committed_from and committed_to before the recording date (some abuse reported years
    later)."""
    n = len(recorded)
    kind = rng.choice(3, size=n, p=np.array(lag) / sum(lag))
    days = np.where(kind == 0, rng.integers(0, 31, n),
                    np.where(kind == 1, rng.integers(31, 366, n), rng.integers(366, 12 * 365, n)))
    committed_from = recorded - days
    span = np.where(rng.random(n) < 0.5, 0, rng.integers(1, 180, n))
    return committed_from, np.minimum(committed_from + span, recorded)


def perpetrator_ages(rng: np.random.Generator, relationship: np.ndarray,
                     victim_age: np.ndarray, rates: BaseRates) -> np.ndarray:
    """Ages at the offence: the published age bands overall, handed out by relationship.

    Why two steps: the published figures give the ages of all perpetrators, not by
    relationship, while the relationship says who is older than whom (a parent than a
    sibling, a peer than an adult met online). So ages are drawn from the configured bands
    (`rates.perpetrator_age`, uniform within each band: no age piles up, nobody is under the
    lowest band) and given out in the order of the ages the relationships suggest: the
    youngest drawn age to the party its relationship makes youngest. An adult in a position
    of trust is an adult: drawn from the adult bands alone, with the others' shares moved so
    that all together keep the configured shares (`shares_beside`), wherever the adults in
    trust are fewer than the adult share (not in the institutional pattern, which is mostly
    them and so has more adults than the bands).
    """
    limits = rates.perpetrator_age_limits()
    adult = limits[:, 0] >= ADULT_AGE
    trust = (relationship == TRUST) & bool(rates.perpetrator_age[adult].sum())
    age = np.empty(len(relationship), dtype=np.int64)
    age[trust] = band_ages(rng, limits, np.where(adult, rates.perpetrator_age, 0.0),
                           int(trust.sum()))
    others = np.flatnonzero(~trust)
    drawn = np.sort(band_ages(rng, limits, shares_beside(rates.perpetrator_age, adult,
                                                         float(trust.mean())), len(others)))
    order = np.lexsort((rng.random(len(others)),
                        relationship_ages(rng, relationship[others], victim_age[others])))
    age[others[order]] = drawn
    return age


def band_ages(rng: np.random.Generator, limits: np.ndarray, weights: np.ndarray, n: int
              ) -> np.ndarray:
    """`n` ages: a band by `weights`, then an age uniform within it."""
    band = rng.choice(len(limits), size=n, p=weights / weights.sum())
    return np.asarray(rng.integers(limits[band, 0], limits[band, 1] + 1))


def shares_beside(shares: np.ndarray, adult: np.ndarray, fixed_adults: float) -> np.ndarray:
    """The bands' shares for the rest, when a share `fixed_adults` of all is drawn from the
    adult bands alone, so that the two together have `shares`: the adult bands give up what
    the fixed adults take (no band below zero, when they are more than the adult share)."""
    adult_share = float(shares[adult].sum())
    if not fixed_adults or not adult_share:
        return shares
    rest = np.where(adult, np.maximum(shares * (1 - fixed_adults / adult_share), 0.0), shares)
    return np.asarray(rest / rest.sum()) if rest.sum() else shares


def relationship_ages(rng: np.random.Generator, relationship: np.ndarray,
                      victim_age: np.ndarray) -> np.ndarray:
    """The age each relationship suggests (parents, siblings, peers, adults in trust...): used
    only to order perpetrators by age, never as their age."""
    n = len(relationship)
    u = rng.random(n)
    age = rng.integers(18, 71, n)
    family = np.where(u < 0.55, victim_age + rng.integers(18, 46, n),
                      np.where(u < 0.8, victim_age + rng.integers(1, 9, n),
                               victim_age + rng.integers(25, 56, n)))
    young = rng.random(n)
    age = np.where(relationship == FAMILY, family, age)
    age = np.where(relationship == TRUST, rng.integers(20, 66, n), age)
    age = np.where(relationship == PEER, np.minimum(victim_age + rng.integers(-2, 4, n), 19),
                   age)
    age = np.where((relationship == ACQUAINTANCE) & (young < 0.3), rng.integers(14, 20, n), age)
    return np.where((relationship == ONLINE_CONTACT) & (young < 0.15), rng.integers(13, 19, n),
                    age)


def draw_victims(world: World, force: np.ndarray, age: np.ndarray, on_day: np.ndarray,
                 repeat: float) -> np.ndarray:
    """A victim per offence; a `repeat` share is an earlier victim of the same force."""
    rng = world.rng
    n = len(force)
    person = np.full(n, -1, dtype=np.int64)
    want = rng.random(n) < repeat
    fresh = ~want
    person[fresh] = new_people(world, dob=dob_for_age(rng, age[fresh], on_day[fresh]),
                               force=force[fresh])
    donor = same_group_donor(rng, force, fresh, want)
    rows = np.flatnonzero(want)
    candidate = np.where(donor >= 0, person[np.maximum(donor, 0)], -1)
    dob = world.people.column("dob")
    their_age = age_on(dob[np.maximum(candidate, 0)], on_day[rows])
    ok = (candidate >= 0) & (their_age >= 0) & (their_age < 18)
    person[rows[ok]] = candidate[ok]
    left = rows[~ok]
    person[left] = new_people(world, dob=dob_for_age(rng, age[left], on_day[left]),
                              force=force[left])
    return person


def draw_perpetrators(world: World, pattern: Pattern, victim: np.ndarray,
                      relationship: np.ndarray, age: np.ndarray, on_day: np.ndarray,
                      force: np.ndarray, identified: np.ndarray) -> np.ndarray:
    """A person per perpetrator party: family members are relatives of the victim."""
    rng = world.rng
    n = len(victim)
    dob = dob_for_age(rng, age, on_day)
    sex = perpetrator_sexes(world, n)
    person = np.full(n, -1, dtype=np.int64)
    family = relationship == FAMILY
    person[family] = relatives_of(
        world, victim[family], dob[family],
        same_household=rng.random(int(family.sum())) < pattern.household,
        same_family_name=rng.random(int(family.sum())) < pattern.family_name,
        sex=sex[family])
    want = ~family & identified & (rng.random(n) < pattern.repeat_perpetrator)
    fresh = ~family & ~want
    person[fresh] = new_people(world, dob=dob[fresh], force=force[fresh], sex=sex[fresh])
    donor = same_group_donor(rng, force, fresh & identified, want)
    rows = np.flatnonzero(want)
    candidate = np.where(donor >= 0, person[np.maximum(donor, 0)], -1)
    their_age = age_on(world.people.column("dob")[np.maximum(candidate, 0)], on_day[rows])
    # A repeat offender only where their age fits this offence's relationship (a "peer" of 78
    # from an offence years apart would not, nor a child in a position of trust), and never
    # under the age of responsibility.
    ok = ((candidate >= 0) & (their_age >= MIN_PERPETRATOR_AGE)
          & (np.abs(their_age - age[rows]) <= REPEAT_AGE_TOLERANCE)
          & ((relationship[rows] != TRUST) | (their_age >= ADULT_AGE)))
    person[rows[ok]] = candidate[ok]
    left = rows[~ok]
    person[left] = new_people(world, dob=dob[left], force=force[left], sex=sex[left])
    return person


def draw_places(rng: np.random.Generator, pattern: Pattern, first: np.ndarray
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Setting, location, online flag and CSE flag from the first perpetrator's relationship.

    An online offence is always visible to the audit's online rule: flagged, or (when not
    flagged) placed online. Settings 'family' and 'institution' are kept when online, so going
    online never moves an offence out of its category.
    """
    n = len(first)
    key = relationship_key(first)
    keys, tables = by_relationship(pattern.setting)
    setting = codes.draw_by_key(rng, "setting", dict(zip(keys, tables, strict=True)), keys,
                                key)
    place_keys = tuple(pattern.location)
    row_of = np.full(len(codes.codes("setting")) + 1, -1)
    for r, k in enumerate(place_keys):
        row_of[codes.index("setting", k) + 1] = r
    location = codes.draw_by_key(rng, "location_type", pattern.location, place_keys,
                                 row_of[setting + 1])
    _, online_p = by_relationship(pattern.online)
    online = rng.random(n) < np.array(online_p, dtype=float)[key]
    flagged = online & (rng.random(n) < 0.9)
    closed_setting = np.isin(setting, codes.indices("setting", NO_SETTING_FOR_ONLINE))
    place_online = (online & ~flagged) | (flagged & ~closed_setting & (rng.random(n) < 0.5))
    location = np.where(place_online, ONLINE_PLACE, location).astype(np.int16)
    setting = np.where(online & ~closed_setting & (rng.random(n) < 0.4), ONLINE_SETTING,
                       setting).astype(np.int16)
    _, cse_p = by_relationship(pattern.cse)
    cse = rng.random(n) < np.array(cse_p, dtype=float)[key]
    return setting, location, flagged, cse


def draw_codes(rng: np.random.Generator, code_71: float, sex: np.ndarray, age: np.ndarray,
               cse: np.ndarray, online: np.ndarray) -> np.ndarray:
    """Home Office code for each offence, from its first victim's sex and age."""
    matrix, columns = code_matrix(code_71)
    return np.asarray(columns[codes.draw_rows(rng, matrix, code_key(sex, age, cse, online))])


def slots(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(row owner, position within owner) for `counts[i]` rows per owner."""
    owner = np.repeat(np.arange(len(counts)), counts)
    return owner, np.arange(len(owner)) - np.repeat(np.cumsum(counts) - counts, counts)


def draw_offences(world: World, pattern: Pattern, force: np.ndarray
                  ) -> tuple[Offences, Parties]:
    """Offences of one pattern recorded by `force` (one offence per entry)."""
    rng, period, people = world.rng, world.period, world.people
    n = len(force)
    recorded = period.start + rng.integers(0, period.days, n)
    committed_from, committed_to = committed_dates(rng, recorded, pattern.lag)
    outcome, outcome_date, status = draw_outcomes(rng, recorded, period, pattern.outcomes)
    victim = draw_victims(world, force, draw_ages(rng, np.array(pattern.victim_ages), n),
                          committed_from, pattern.repeat_victim)
    victim_age = age_on(people.column("dob")[victim], committed_from)

    p = np.array(pattern.perpetrators, dtype=float)
    count = 1 + rng.choice(len(p), size=n, p=p / p.sum())
    off, slot = slots(count)
    relationship = np.where(
        slot == 0, codes.draw(rng, "relationship", pattern.first_relationship, len(off)),
        codes.draw(rng, "relationship", pattern.other_relationship or {"": 1}, len(off)))
    if pattern is SINGLE:
        unknown = suspect_unidentified(rng, outcome, OPEN_UNIDENTIFIED)[off]
        relationship = np.where(unknown, codes.draw(rng, "relationship", UNKNOWN_SUSPECT,
                                                    len(off)), relationship)
    else:
        unknown = (slot > 0) & (rng.random(len(off)) < pattern.unidentified)
    relationship = relationship.astype(np.int16)
    perpetrator = draw_perpetrators(
        world, pattern, victim[off], relationship,
        perpetrator_ages(rng, relationship, victim_age[off], world.rates), committed_from[off],
        force[off], ~unknown)

    setting, location, online_flag, cse = draw_places(rng, pattern, relationship[slot == 0])
    online = online_flag | (setting == ONLINE_SETTING) | (location == ONLINE_PLACE)
    code = draw_codes(rng, pattern.code_71, people.column("sex")[victim], victim_age, cse,
                      online)

    # A second victim (a sibling at home, else a friend) in the first victim's age band, so
    # the code (chosen for the first victim's age) fits every victim.
    extra = np.flatnonzero(rng.random(n) < pattern.extra_victim)
    band_low = np.select([victim_age[extra] < 13, victim_age[extra] < 16], [0, 13], 16)
    band_high = np.select([victim_age[extra] < 13, victim_age[extra] < 16], [12, 15], 17)
    extra_age = np.clip(victim_age[extra] + rng.integers(-4, 5, len(extra)), band_low,
                        band_high)
    extra_dob = dob_for_age(rng, extra_age, committed_from[extra])
    at_home = relationship[slot == 0][extra] == FAMILY
    twin = at_home & (rng.random(len(extra)) < 0.05)
    extra_dob = np.where(twin, people.column("dob")[victim[extra]], extra_dob)
    extra_person = relatives_of(world, victim[extra], extra_dob, same_household=at_home,
                                same_family_name=at_home)
    witness = np.flatnonzero(rng.random(n) < pattern.witness)
    witness_person = new_people(
        world, dob=dob_for_age(rng, rng.integers(18, 71, len(witness)),
                               committed_from[witness]), force=force[witness])

    parties = Parties(
        offence=np.concatenate([np.arange(n), extra, off, witness]),
        person=np.concatenate([victim, extra_person, perpetrator, witness_person]),
        role=np.concatenate([np.full(n + len(extra), ROLE["victim"]),
                             perpetrator_roles(outcome[off], ~unknown),
                             np.full(len(witness), ROLE["witness"])]).astype(np.int16),
        relationship=np.concatenate([np.full(n + len(extra), -1), relationship,
                                     np.full(len(witness), -1)]).astype(np.int16),
        identified=np.concatenate([np.ones(n + len(extra), bool), ~unknown,
                                   np.ones(len(witness), bool)]))
    offences = Offences(
        force=np.asarray(force, dtype=np.int16), recorded=recorded,
        committed_from=committed_from, committed_to=committed_to, code=code.astype(np.int16),
        cse=cse, online_flag=online_flag, setting=setting, location=location, outcome=outcome,
        outcome_date=outcome_date, status=status, network=np.full(n, -1, dtype=np.int32),
        intended=np.full(n, CATEGORIES.index(pattern.category), dtype=np.int8))
    return offences, parties

