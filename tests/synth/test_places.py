"""Forces, local authorities and postcodes."""

from __future__ import annotations

import re

import numpy as np
import pytest

from tessera.dataset import entity
from tessera.synth.places import agencies, draw_las, draw_lsoas, draw_postcodes, geography


def test_force_shares_follow_population_with_btp_small() -> None:
    """Shares sum to one; BTP has its fixed half per cent."""
    geo = geography()
    assert geo.force_share.sum() == pytest.approx(1.0)
    assert geo.force_share[geo.btp] == pytest.approx(0.005)


def test_places_belong_to_their_force() -> None:
    """A home LA is in the force area (anywhere for BTP); postcodes and LSOAs are valid."""
    geo = geography()
    rng = np.random.default_rng(0)
    force = rng.integers(0, len(geo.forces), 5_000)
    la = draw_las(rng, geo, force)
    territorial = force != geo.btp
    assert (geo.la_force[la[territorial]] == force[territorial]).all()
    postcode = re.compile(entity("person_record").field("postcode").pattern or "")
    assert all(postcode.fullmatch(p) for p in draw_postcodes(rng, geo, force))
    lsoa = re.compile(entity("offence").field("lsoa").pattern or "")
    assert all(lsoa.fullmatch(v) for v in draw_lsoas(rng, geo, force))


def test_every_agency_has_a_folder_name() -> None:
    """Police by force code, social care and education by LA code, health 'nhs-<force>'."""
    registry = agencies()
    assert registry.codes[registry.health(np.array([0]))[0]].startswith("nhs-")
    assert len(set(zip(registry.codes, registry.kinds, strict=True))) == len(registry.codes)
