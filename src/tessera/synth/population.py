"""The true people of the synthetic world, and how their demographics are drawn.

Why one store of true people: every agency record (police, social care, health, school) is a
noisy view of one of these people, and the ground truth links each record back to its person.
Sex, ethnicity and nationality come from population base rates for everyone, whatever part the
person plays, so the generator carries no assumption about who offends or who is victimised.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from tessera.synth.calibration import Period
from tessera.synth.identity import draw_nhs_numbers, draw_upn_bodies, unique_bodies
from tessera.synth.names import NameBook, draw_family, draw_given
from tessera.synth.places import Geography, draw_las, draw_postcodes
from tessera.synth.rates import BaseRates

COLUMNS: dict[str, type] = {
    "sex": np.int8, "dob": np.int64, "given": np.int32, "family": np.int32,
    "ethnicity": np.int8, "nationality": np.int16, "nhs": np.int64, "upn": np.int64,
    "household": np.int64, "postcode": object, "force": np.int16, "la": np.int16,
    "disability": np.bool_,
}
"""A true person's attributes: sex 0 F / 1 M, dob in days since 1970, names as vocabulary
indices, ethnicity an index of `rates.ETHNIC_GROUPS`, nationality of the rates' codes, upn a
12-digit body (0 when the person never had one)."""

DISABILITY_SHARE = 0.07
UPN_BORN_AFTER_YEARS = 26
"""People younger than this at the period end went to school under the UPN scheme."""


class People:
    """Append-only column store of true people; an index is a person's true_person_id."""

    def __init__(self) -> None:
        self._chunks: dict[str, list[np.ndarray]] = {c: [] for c in COLUMNS}
        self._cache: dict[str, np.ndarray] = {}
        self._size = 0
        self._households = 0

    def __len__(self) -> int:
        return self._size

    def add(self, columns: Mapping[str, np.ndarray]) -> np.ndarray:
        """Append people (every column given); returns their indices."""
        n = len(columns["sex"])
        for name, dtype in COLUMNS.items():
            values: np.ndarray = np.asarray(columns[name], dtype=dtype)
            if len(values) != n:
                raise ValueError(f"column {name} has {len(values)} values, not {n}")
            self._chunks[name].append(values)
        self._cache.clear()
        first = self._size
        self._size += n
        return np.arange(first, self._size, dtype=np.int64)

    def column(self, name: str) -> np.ndarray:
        """One attribute of every person so far (read only; use `replace` to change it)."""
        if name not in self._cache:
            chunks = self._chunks[name]
            self._cache[name] = (np.concatenate(chunks) if chunks
                                 else np.empty(0, dtype=COLUMNS[name]))
        return self._cache[name]

    def replace(self, name: str, values: np.ndarray) -> None:
        """Replace one attribute of everyone (used to make identifiers unique at the end)."""
        self._chunks[name] = [np.asarray(values, dtype=COLUMNS[name])]
        self._cache.pop(name, None)

    def new_households(self, n: int) -> np.ndarray:
        """`n` fresh household ids (people sharing one live at one postcode)."""
        first = self._households
        self._households += n
        return np.arange(first, self._households, dtype=np.int64)


@dataclass
class World:
    """Everything one generation run shares: its random stream, period, rates and people."""

    rng: np.random.Generator
    period: Period
    rates: BaseRates
    names: NameBook
    geo: Geography
    people: People


def calendar_parts(days: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    d = np.asarray(days, dtype=np.int64).astype("datetime64[D]")
    years = d.astype("datetime64[Y]")
    months = d.astype("datetime64[M]")
    return (years.astype(np.int64) + 1970, months.astype(np.int64) % 12 + 1,
            (d - months).astype(np.int64) + 1)


def age_on(dob: np.ndarray, day: np.ndarray) -> np.ndarray:
    """Age in whole years on `day` of people born on `dob` (both in days since 1970)."""
    y0, m0, d0 = calendar_parts(dob)
    y1, m1, d1 = calendar_parts(day)
    before_birthday = (m1 < m0) | ((m1 == m0) & (d1 < d0))
    return np.asarray(y1 - y0 - before_birthday, dtype=np.int64)


def shift_years(days: np.ndarray, years: np.ndarray | int) -> np.ndarray:
    """The same calendar day `years` later (29 February becomes 28 February if need be)."""
    y, m, d = calendar_parts(days)
    month = ((y + years - 1970) * 12 + m - 1).astype("datetime64[M]")
    first = month.astype("datetime64[D]")
    last = (month + 1).astype("datetime64[D]") - 1
    return np.asarray(np.minimum(first + (d - 1), last), dtype=np.int64)


def dob_for_age(rng: np.random.Generator, age: np.ndarray, on_day: np.ndarray) -> np.ndarray:
    """A date of birth that makes each person exactly `age` on `on_day`."""
    latest = shift_years(on_day, -np.asarray(age))
    earliest = shift_years(on_day, -np.asarray(age) - 1) + 1
    dob = earliest + np.floor(rng.random(len(latest)) * (latest - earliest + 1)).astype(np.int64)
    wrong = age_on(dob, on_day) != age
    return np.where(wrong, latest, dob)


def draw_ages(rng: np.random.Generator, weights: np.ndarray, n: int,
              first_age: int = 0) -> np.ndarray:
    """`n` ages; `weights[i]` is the relative weight of age `first_age + i`."""
    p = np.asarray(weights, dtype=float)
    return first_age + rng.choice(len(p), size=n, p=p / p.sum())


def new_people(world: World, *, dob: np.ndarray, force: np.ndarray,
               sex: np.ndarray | None = None, family: np.ndarray | None = None,
               household: np.ndarray | None = None, postcode: np.ndarray | None = None,
               la: np.ndarray | None = None, ethnicity: np.ndarray | None = None,
               nationality: np.ndarray | None = None) -> np.ndarray:
    """Add people born on `dob` living in `force`; anything not given is drawn.

    Passing `family`, `household`, `postcode`, `la` and `ethnicity` from another person makes a
    relative who lives with them (how siblings, twins and family members are made).
    """
    rng, rates, geo = world.rng, world.rates, world.geo
    n = len(dob)
    force = np.asarray(force, dtype=np.int16)
    if sex is None:
        sex = rng.choice(2, size=n, p=rates.sex).astype(np.int8)
    if la is None:
        la = draw_las(rng, geo, force)
    entry_year = calendar_parts(shift_years(np.asarray(dob), 5))[0]
    schooled = age_on(np.asarray(dob), np.full(n, world.period.end)) < UPN_BORN_AFTER_YEARS
    upn = np.where(schooled, draw_upn_bodies(rng, geo.la_number[la], entry_year), 0)
    return world.people.add({
        "sex": sex,
        "dob": dob,
        "given": draw_given(rng, world.names, sex),
        "family": draw_family(rng, world.names, n) if family is None else family,
        "ethnicity": (rng.choice(len(rates.ethnicity), size=n, p=rates.ethnicity)
                      if ethnicity is None else ethnicity),
        "nationality": (rng.choice(len(rates.nationality), size=n, p=rates.nationality)
                        if nationality is None else nationality),
        "nhs": draw_nhs_numbers(rng, n),
        "upn": upn,
        "household": world.people.new_households(n) if household is None else household,
        "postcode": draw_postcodes(rng, geo, force) if postcode is None else postcode,
        "force": force,
        "la": la,
        "disability": rng.random(n) < DISABILITY_SHARE,
    })


def perpetrator_sexes(world: World, n: int) -> np.ndarray:
    """The sex of `n` new perpetrators, at the published share (rates.perpetrator_sex)."""
    return world.rng.choice(2, size=n, p=world.rates.perpetrator_sex).astype(np.int8)


def relatives_of(world: World, of: np.ndarray, dob: np.ndarray,
                 same_household: np.ndarray | bool = True,
                 same_family_name: np.ndarray | bool = True,
                 sex: np.ndarray | None = None) -> np.ndarray:
    """New people related to `of`: sharing family name and (where asked) home and ethnicity;
    of `sex` if given, else drawn."""
    p = world.people
    n = len(of)
    home = np.broadcast_to(np.asarray(same_household), n)
    name = np.broadcast_to(np.asarray(same_family_name), n)
    force = p.column("force")[of]
    rng = world.rng
    made = new_people(
        world, dob=dob, force=force, sex=sex,
        family=np.where(name, p.column("family")[of], draw_family(rng, world.names, n)),
        household=np.where(home, p.column("household")[of], p.new_households(n)),
        postcode=np.where(home, p.column("postcode")[of],
                          draw_postcodes(rng, world.geo, force)),
        la=np.where(home, p.column("la")[of], draw_las(rng, world.geo, force)),
        ethnicity=np.where(home | (rng.random(n) < 0.8), p.column("ethnicity")[of],
                           rng.choice(len(world.rates.ethnicity), size=n,
                                      p=world.rates.ethnicity)),
        nationality=np.where(rng.random(n) < 0.9, p.column("nationality")[of],
                             rng.choice(len(world.rates.nationality), size=n,
                                        p=world.rates.nationality)))
    _rename_namesakes(world, made, of, home)
    return made


def _rename_namesakes(world: World, made: np.ndarray, of: np.ndarray,
                      home: np.ndarray) -> None:
    """Give a relative at home a given name other than the person they live with.

    Why: parents do not give two of their children one name, so two children of one family
    and one address with one given name are one child; a generator that let it happen by
    chance would teach linkage the opposite.
    """
    given = world.people.column("given").copy()
    sex = world.people.column("sex")
    for _ in range(10):
        clash = made[home & (given[made] == given[of])]
        if not len(clash):
            break
        given[clash] = draw_given(world.rng, world.names, sex[clash])
    world.people.replace("given", given)


def move_in(world: World, people: np.ndarray, to: int, same_family_name: bool) -> None:
    """Make `people` live with person `to` (their household, postcode and authority), and
    if asked take their family name: how a decoy household or shared house is made from
    people drawn apart."""
    p = world.people
    columns = ("household", "postcode", "la") + (("family",) if same_family_name else ())
    for name in columns:
        values = p.column(name).copy()
        values[people] = values[to]
        p.replace(name, values)


def siblings_of(world: World, of: np.ndarray, twin_share: float) -> np.ndarray:
    """A brother or sister of each of `of`, at home with them; `twin_share` are twins.

    Why: siblings (same family name and postcode) and twins (also the same date of birth)
    are different people, the hard non-matches a linkage method must keep apart.
    """
    rng = world.rng
    dob = world.people.column("dob")[of]
    gap = rng.integers(300, 6 * 365, size=len(of)) * rng.choice([-1, 1], size=len(of))
    twin = rng.random(len(of)) < twin_share
    oldest = shift_years(np.full(len(of), world.period.end), -17)
    youngest = world.period.end - 30
    sibling_dob = dob + gap
    # An older sibling who would be an adult is a younger one instead (and the other way
    # round). Clamping to the limit would give thousands of unrelated children one shared
    # birthday, which no real register has and which linkage would rightly find suspicious.
    outside = (sibling_dob < oldest) | (sibling_dob > youngest)
    sibling_dob = np.where(outside, dob - gap, sibling_dob)
    still = (sibling_dob < oldest) | (sibling_dob > youngest)
    sibling_dob = np.where(still, rng.integers(oldest, youngest), sibling_dob)
    return relatives_of(world, of, np.where(twin, dob, sibling_dob))


def make_identifiers_unique(world: World) -> None:
    """Redraw NHS numbers and UPNs that two people happen to share (different draws collide)."""
    people = world.people
    nhs = people.column("nhs").copy()
    _, first = np.unique(nhs, return_index=True)
    repeat = np.ones(len(nhs), dtype=bool)
    repeat[first] = False
    while repeat.any():
        nhs[repeat] = draw_nhs_numbers(world.rng, int(repeat.sum()))
        _, first = np.unique(nhs, return_index=True)
        repeat = np.ones(len(nhs), dtype=bool)
        repeat[first] = False
    people.replace("nhs", nhs)
    people.replace("upn", unique_bodies(world.rng, people.column("upn")))
