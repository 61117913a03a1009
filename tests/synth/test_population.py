"""True people: ages and dates of birth, base rates, and relatives who are not the same person."""

from __future__ import annotations

import numpy as np
import pytest

from tessera.synth.calibration import period
from tessera.synth.names import name_book
from tessera.synth.places import geography
from tessera.synth.population import (
    People,
    World,
    age_on,
    dob_for_age,
    new_people,
    shift_years,
    siblings_of,
)
from tessera.synth.rates import load_rates


def _world(seed: int = 0) -> World:
    return World(np.random.default_rng(seed), period(2023, 1), load_rates(), name_book(),
                  geography(), People())


def _day(text: str) -> int:
    return int(np.datetime64(text, "D").astype(np.int64))


def test_age_is_counted_in_whole_birthdays() -> None:
    """The day before a birthday is still the younger age; leap-day births age on 28 Feb."""
    dob = np.array([_day("2010-06-15"), _day("2010-06-15"), _day("2008-02-29")])
    on = np.array([_day("2023-06-14"), _day("2023-06-15"), _day("2023-02-28")])
    assert age_on(dob, on).tolist() == [12, 13, 14]
    assert shift_years(np.array([_day("2008-02-29")]), 1)[0] == _day("2009-02-28")


def test_dates_of_birth_give_exactly_the_age_asked() -> None:
    """Victims must be under 18 at the offence for the audit's age rule, so exact matters."""
    rng = np.random.default_rng(4)
    age = rng.integers(0, 18, 50_000)
    on = rng.integers(_day("2020-01-01"), _day("2024-01-01"), 50_000)
    assert (age_on(dob_for_age(rng, age, on), on) == age).all()


def test_demographics_follow_population_base_rates() -> None:
    """Everyone is drawn from the same Census shares: no assumption about any role."""
    world = _world()
    people = new_people(world, dob=np.full(60_000, _day("2000-01-01")),
                        force=np.zeros(60_000, dtype=np.int16))
    sex = world.people.column("sex")[people]
    ethnicity = world.people.column("ethnicity")[people]
    assert sex.mean() == pytest.approx(world.rates.sex[1], abs=0.01)
    shares = np.bincount(ethnicity, minlength=19) / len(people)
    assert np.abs(shares - world.rates.ethnicity).max() < 0.01


def test_siblings_and_twins_share_a_home_but_not_an_identity() -> None:
    """The hard non-matches: same family name and postcode (twins: same birthday), yet other
    people with their own NHS numbers."""
    world = _world(1)
    child = new_people(world, dob=np.full(2_000, _day("2012-05-05")),
                       force=np.full(2_000, 5, dtype=np.int16))
    sibling = siblings_of(world, child, twin_share=0.5)
    p = world.people
    for column in ("family", "postcode", "household", "la"):
        assert (p.column(column)[child] == p.column(column)[sibling]).all()
    assert (p.column("nhs")[child] != p.column("nhs")[sibling]).all()
    twins = (p.column("dob")[child] == p.column("dob")[sibling]).mean()
    assert 0.4 < twins < 0.6
