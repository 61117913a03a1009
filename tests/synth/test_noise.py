"""Each agency's record departs from the truth in its own, realistic ways."""

from __future__ import annotations

import numpy as np
import pytest

from tessera.synth.calibration import NO_DATE, period
from tessera.synth.names import name_book
from tessera.synth.noise import PROFILE_NAMES, Identity, blank_identity, noisy_identity
from tessera.synth.places import geography
from tessera.synth.population import People, World, calendar_parts, new_people
from tessera.synth.rates import load_rates


@pytest.fixture(scope="module")
def world() -> World:
    """20,000 children born in 2012."""
    w = World(np.random.default_rng(3), period(2023, 1), load_rates(), name_book(),
              geography(), People())
    new_people(w, dob=np.random.default_rng(1).integers(15_340, 15_705, 20_000),
               force=np.full(20_000, 10, dtype=np.int16))
    return w


def _identity(world: World, profile: str) -> Identity:
    person = np.arange(len(world.people))
    return noisy_identity(world, person, np.full(len(person), PROFILE_NAMES.index(profile)),
                          np.full(len(person), world.period.end))


def test_identifiers_depend_on_the_agency(world: World) -> None:
    """Health records carry NHS numbers, schools UPNs, the police rarely either."""
    health, school, police = (_identity(world, p) for p in ("health", "education",
                                                            "police_victim"))
    assert (health.nhs > 0).mean() > 0.95 and (health.upn > 0).mean() == 0
    assert (school.upn > 0).mean() > 0.95 and (school.nhs > 0).mean() < 0.05
    assert (police.nhs > 0).mean() < 0.12


def test_disturbances_are_realistic_and_rare(world: World) -> None:
    """A few per cent of names differ; transposed dates of birth swap day and month."""
    p = world.people
    record = _identity(world, "social_care")
    changed = (record.given != p.column("given")).mean()
    assert 0.03 < changed < 0.15
    moved = record.dob != p.column("dob")
    moved &= record.dob != NO_DATE
    y0, m0, d0 = calendar_parts(p.column("dob")[moved])
    y1, m1, d1 = calendar_parts(record.dob[moved])
    assert moved.sum() > 50
    assert (y0 == y1).all() and (m0 == d1).all() and (d0 == m1).all()


def test_unidentified_suspects_have_nothing_to_link_on(world: World) -> None:
    """No name, no date of birth, sex 'U', no identifiers."""
    record = blank_identity(_identity(world, "police_perpetrator"),
                            np.ones(len(world.people), bool))
    assert (record.given == -1).all() and (record.dob == NO_DATE).all()
    assert (record.sex == 2).all() and not record.nhs.any() and not record.upn.any()
    assert all(v is None for v in record.postcode)
