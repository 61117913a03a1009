"""Checks on the council land areas and deprivation scores (council_areas.csv): every council
is a lower-tier or unitary council of England or Wales that the local authority code lists
place in a force area, every territorial force area has councils, and the totals are those of
England and Wales."""

from __future__ import annotations

from collections import defaultdict

from tessera.dataset import codelist

COUNCIL_PREFIXES = ("E06", "E07", "E08", "E09", "W06")


def _force_of_each_council() -> dict[str, str]:
    upper = codelist("local_authorities").column("force_code")
    districts = codelist("local_authority_districts").column("upper_tier_code")
    return {code: upper[districts.get(code, code)]
            for code in codelist("council_areas").codes
            if districts.get(code, code) in upper}


def test_every_council_is_placed_in_a_force_area_once() -> None:
    codes = codelist("council_areas").codes
    assert len(codes) == len(set(codes)) == 318
    assert all(code.startswith(COUNCIL_PREFIXES) for code in codes)
    assert set(_force_of_each_council()) == set(codes)


def test_every_territorial_force_has_land_and_a_deprivation_score() -> None:
    """43 force areas (British Transport Police has none), each with land; England and Wales
    is about 151,000 km2 of land and about 59.7 million people in 2020."""
    rows = {r["code"]: r for r in codelist("council_areas").rows}
    land: dict[str, float] = defaultdict(float)
    for code, force in _force_of_each_council().items():
        land[force] += float(rows[code]["land_km2"])
        assert 0 < float(rows[code]["deprivation_score"]) < 100, code
    forces = set(codelist("police_forces").codes) - {"btp"}
    assert set(land) == forces and all(area > 0 for area in land.values())
    assert 150_500 < sum(land.values()) < 151_500
    people = sum(int(r["population_2020"]) for r in rows.values())
    assert 59_000_000 < people < 60_500_000
