"""Children's social care, health and education: the records around each child.

Why: a single child identifier (measure M3) has to be built from exactly these records. Child
victims appear in several agencies with independently noisy identities (about 40% with a social
care referral, most before the offence; most with a GP and a school record), alongside
children who are not victims, among them victims' brothers, sisters and twins, who share a
family name and a postcode and are the hard non-matches. Perpetrators appear here only if they
are children in their own right; adults are police records only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from tessera.synth import codes
from tessera.synth.calibration import NO_DATE, scaled
from tessera.synth.investigation import ROLE
from tessera.synth.offending import Offences, Parties
from tessera.synth.places import agencies
from tessera.synth.population import (
    World,
    age_on,
    dob_for_age,
    new_people,
    shift_years,
    siblings_of,
)
from tessera.synth.records import PersonRecords, build_records, concat_records
from tessera.synth.referrals import (
    Referrals,
    concat_referrals,
    draw_referrals,
    later_referrals,
)

BACKGROUND_PER_YEAR = 45_000
"""Children known to agencies who are not victims in the data, in a national year."""
VICTIM_SIBLING = 0.25
BACKGROUND_SIBLING = 0.30
TWIN_SHARE = 0.08
VICTIM, SIBLING, BACKGROUND = 0, 1, 2
KNOWN_TO: dict[str, tuple[float, float, float]] = {
    "social_care": (0.40, 0.30, 0.75),
    "health": (0.70, 0.50, 0.15),
    "education": (0.70, 0.50, 0.15),
}
"""Chance a victim, a victim's sibling and a background child has a record at each kind."""
EXTRA_CONTACTS = 0.10
"""Mean number of contacts after the first."""
HISTORY_DAYS = 3 * 365
"""How far before the period a child's agency history reaches."""
HEALTH_SETTINGS: dict[str, dict[str, float]] = {
    "under5": {"gp": 80, "emergency_department": 20},
    "child": {"gp": 60, "emergency_department": 25, "school_nursing": 10, "mental_health": 5},
    "teen": {"gp": 45, "emergency_department": 18, "sexual_health": 12, "school_nursing": 8,
             "mental_health": 15, "maternity": 2},
    "after": {"gp": 30, "emergency_department": 20, "sexual_health": 20, "mental_health": 25,
              "school_nursing": 5},
}
EDUCATION_SETTINGS: dict[str, dict[str, float]] = {
    "school_age": {"school": 95, "alternative_provision": 5},
    "sixteen": {"further_education": 70, "school": 20, "alternative_provision": 10},
}
CONCERN = {"after": 0.35, "before": 0.08, "other": 0.04}
"""Chance a contact records a safeguarding concern: a victim's after the abuse, a victim's
before it, and anyone else's."""


@dataclass
class Children:
    """The children agencies hold records of, with what their records depend on."""

    person: np.ndarray
    group: np.ndarray
    """VICTIM, SIBLING or BACKGROUND."""
    first_offence: np.ndarray
    """committed_from of the child's first offence as a victim (NO_DATE if none)."""
    first_recorded: np.ndarray
    exploited: np.ndarray
    """A victim of an offence flagged CSE or of a network."""
    by_child: np.ndarray
    """A victim of a perpetrator aged under 18."""

    def take(self, rows: np.ndarray) -> Children:
        """The children at `rows`."""
        return Children(self.person[rows], self.group[rows], self.first_offence[rows],
                        self.first_recorded[rows], self.exploited[rows], self.by_child[rows])


@dataclass
class Contacts:
    """contact rows; `record` indexes the agency person records."""

    record: np.ndarray
    agency_type: np.ndarray
    setting: np.ndarray
    date: np.ndarray
    concern: np.ndarray

    def __len__(self) -> int:
        return len(self.record)


def _victims(world: World, offences: Offences, parties: Parties) -> Children:
    """Each distinct victim with their first offence and what kind of abuse it was."""
    dob = world.people.column("dob")
    victim = parties.role == ROLE["victim"]
    perpetrator = ~victim & (parties.role != ROLE["witness"])
    age = age_on(dob[parties.person], offences.committed_from[parties.offence])
    by_child_offence = np.bincount(parties.offence[perpetrator & (age < 18)],
                                   minlength=len(offences)) > 0
    person, inverse = np.unique(parties.person[victim], return_inverse=True)
    offence = parties.offence[victim]
    first = np.full(len(person), np.iinfo(np.int64).max)
    np.minimum.at(first, inverse, offences.committed_from[offence])
    recorded = np.full(len(person), np.iinfo(np.int64).max)
    np.minimum.at(recorded, inverse, offences.recorded[offence])
    exploited = np.bincount(inverse, weights=(offences.cse | (offences.network > 0))[offence],
                            minlength=len(person)) > 0
    by_child = np.bincount(inverse, weights=by_child_offence[offence],
                           minlength=len(person)) > 0
    return Children(person, np.full(len(person), VICTIM, np.int8), first, recorded, exploited,
                    by_child)


def _others(world: World, person: np.ndarray, group: int) -> Children:
    n = len(person)
    none = np.full(n, NO_DATE, dtype=np.int64)
    return Children(person, np.full(n, group, np.int8), none, none, np.zeros(n, bool),
                    np.zeros(n, bool))


def child_subjects(world: World, offences: Offences, parties: Parties, scale: float,
                   years: int) -> Children:
    """Victims still children in the agencies' window, their siblings, and other children."""
    rng, period, people = world.rng, world.period, world.people
    victims = _victims(world, offences, parties)
    dob = people.column("dob")[victims.person]
    adult = shift_years(dob, 18) - 1
    victims = victims.take(np.flatnonzero(adult >= period.start - HISTORY_DAYS))
    with_sibling = victims.person[rng.random(len(victims.person)) < VICTIM_SIBLING]
    siblings = siblings_of(world, with_sibling, TWIN_SHARE)
    n = scaled(BACKGROUND_PER_YEAR, scale, years)
    share = world.geo.force_share.copy()
    share[world.geo.btp] = 0
    force = rng.choice(len(share), size=n, p=share / share.sum())
    background = new_people(world, force=force, dob=dob_for_age(
        rng, rng.integers(0, 18, n), np.full(n, period.end)))
    background_siblings = siblings_of(
        world, background[rng.random(n) < BACKGROUND_SIBLING], TWIN_SHARE)
    parts = [victims, _others(world, siblings, SIBLING),
             _others(world, np.concatenate([background, background_siblings]), BACKGROUND)]
    return Children(*(np.concatenate([getattr(p, f) for p in parts]) for f in (
        "person", "group", "first_offence", "first_recorded", "exploited", "by_child")))


def _window(world: World, children: Children, from_age: int
            ) -> tuple[np.ndarray, np.ndarray]:
    """First and last day a child can have a record (from `from_age`, while under 18)."""
    period = world.period
    dob = world.people.column("dob")[children.person]
    lo = np.maximum(np.maximum(dob, shift_years(dob, from_age)),
                    period.start - HISTORY_DAYS)
    hi = np.minimum(shift_years(dob, 18) - 1, period.end)
    return lo, hi


def draw_contacts(world: World, children: Children, kind: str, first_record: int
                  ) -> tuple[Contacts, np.ndarray]:
    """Contacts of each child (one record each, numbered from `first_record`), and the
    earliest contact date per record."""
    rng = world.rng
    lo, hi = _window(world, children, 4 if kind == "education" else 0)
    count = 1 + rng.poisson(EXTRA_CONTACTS, len(children.person))
    child = np.repeat(np.arange(len(children.person)), count)
    victim = children.group[child] == VICTIM
    after_start = np.maximum(lo[child], children.first_recorded[child])
    after = victim & (after_start <= hi[child]) & (rng.random(len(child)) < 0.6)
    start = np.where(after, after_start, lo[child])
    date = start + np.floor(rng.random(len(child)) * (hi[child] - start + 1)).astype(np.int64)
    after = victim & (date >= children.first_offence[child])
    age = age_on(world.people.column("dob")[children.person[child]], date)
    keys: tuple[str, ...]
    if kind == "health":
        tables, keys = HEALTH_SETTINGS, ("under5", "child", "teen", "after")
        key = np.where(after, 3, np.where(age < 5, 0, np.where(age < 13, 1, 2)))
    else:
        tables, keys = EDUCATION_SETTINGS, ("school_age", "sixteen")
        key = (age >= 16).astype(np.int64)
    setting = codes.draw_by_key(rng, "contact_setting", tables, keys, key)
    male = world.people.column("sex")[children.person[child]] == 1
    setting = np.where(male & (setting == codes.index("contact_setting", "maternity")),
                       codes.index("contact_setting", "gp"), setting)
    chance = np.where(after, CONCERN["after"], np.where(victim, CONCERN["before"],
                                                          CONCERN["other"]))
    first = np.full(len(children.person), world.period.end, dtype=np.int64)
    np.minimum.at(first, child, date)
    return Contacts(record=first_record + child,
                    agency_type=np.full(len(child), codes.index("agency_type", kind), np.int16),
                    setting=setting.astype(np.int16), date=date,
                    concern=rng.random(len(child)) < chance), first


def _known_to(world: World, children: Children, kind: str) -> np.ndarray:
    """Rows of the children with a record at agencies of `kind` (and a day to have it on)."""
    known = world.rng.random(len(children.person)) < np.array(KNOWN_TO[kind])[children.group]
    lo, hi = _window(world, children, 4 if kind == "education" else 0)
    return np.flatnonzero(known & (lo <= hi))


def agency_extracts(world: World, children: Children, later: tuple[np.ndarray, np.ndarray],
                    factors: Mapping[str, float]) -> tuple[PersonRecords, Referrals, Contacts]:
    """Person records, referrals and contacts of social care, health and education.

    `later` is (person, date) of referrals planted as new evidence on closed cases, with
    `factors`: those children are known to social care, and referred on those dates too.
    Records are numbered social care first, then health, then education; a record's date of
    birth may be disturbed only up to its earliest referral or contact.
    """
    registry = agencies()
    la = world.people.column("la")[children.person]
    person, day = later
    planted = np.isin(children.person, person) & (children.group == VICTIM)
    rows = np.union1d(_known_to(world, children, "social_care"), np.flatnonzero(planted))
    referrals, first = draw_referrals(world, children.take(rows), 0)
    position = {int(p): i for i, p in enumerate(children.person[rows]) if planted[rows[i]]}
    placed = np.array([p in position for p in person.tolist()], dtype=bool)
    record = np.array([position[int(p)] for p in person[placed]], dtype=np.int64)
    referrals = concat_referrals([referrals, later_referrals(world, record, day[placed],
                                                            factors)])
    np.minimum.at(first, record, day[placed])
    records = [build_records(world, children.person[rows], registry.social_care(la[rows]),
                             "social_care", dob_limit=first)]
    contacts: list[Contacts] = []
    size = len(rows)
    for kind in ("health", "education"):
        rows = _known_to(world, children, kind)
        found, first = draw_contacts(world, children.take(rows), kind, size)
        agency = (registry.health(world.geo.la_force[la[rows]]) if kind == "health"
                  else registry.education(la[rows]))
        records.append(build_records(world, children.person[rows], agency, kind,
                                     dob_limit=first))
        contacts.append(found)
        size += len(rows)
    return (concat_records(records), referrals,
            Contacts(*(np.concatenate([getattr(c, f) for c in contacts]) for f in (
                "record", "agency_type", "setting", "date", "concern"))))
