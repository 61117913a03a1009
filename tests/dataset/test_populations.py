"""Checks on the Census 2021 populations in the code lists: every figure adds up to the totals
of the source it claims (age_bands.csv, region_age_populations.csv, region_populations.csv,
local_authority_populations.csv, police_forces.csv)."""

from __future__ import annotations

from collections import Counter
from itertools import pairwise

from tessera.dataset import codelist

BAND_COLUMNS = ("aged_0_4", "aged_5_9", "aged_10_14", "aged_15_19")
PERTURBATION = 100
"""ONS perturbs Census 2021 counts area by area, so the sum of 174 authorities may differ from
the national figure by a few people; 100 is far below any transcription error that matters
(the issue found the old bands 214,000 too many)."""


TOP_AGE = 100
"""The single-year table's last age: 'Aged 100 years and over'."""
TABLE_PERTURBATION = 5
"""Two Census 2021 tables of the same region differ by a few people in one band (3 at most
here), because each table is perturbed separately; sums of many bands drift further, and are
held to PERTURBATION."""
FIVE_YEAR_BANDS = {
    **{f"aged_{low}_{low + 4}": (low, low + 4) for low in range(0, 85, 5)},
    "aged_85_plus": (85, TOP_AGE),
}


def _number(value: str) -> int:
    return int(value)


def _england_and_wales_by_single_year() -> Counter[int]:
    """People of each single year of age, summed over the ten regions."""
    years: Counter[int] = Counter()
    for row in codelist("region_age_populations").rows:
        years[int(row["age"])] += _number(row["population"])
    return years


def test_age_bands_add_up_to_the_authorities_total() -> None:
    """The national bands must add to the national population, not exceed it."""
    bands = codelist("age_bands").column("population")
    authorities = codelist("local_authority_populations").column("all_ages")
    assert abs(sum(map(_number, bands.values()))
               - sum(map(_number, authorities.values()))) <= PERTURBATION


def test_age_bands_are_contiguous_and_cover_every_age() -> None:
    rows = sorted(codelist("age_bands").rows, key=lambda r: int(r["min_age"]))
    assert int(rows[0]["min_age"]) == 0
    for before, after in pairwise(rows):
        assert int(after["min_age"]) == int(before["max_age"]) + 1


def test_age_bands_are_the_sum_of_the_single_years() -> None:
    """Every band, 10-12 and 16-17 included, is counted from single years of age, not split
    evenly from a five-year band, so none is approximate or recalled."""
    years = _england_and_wales_by_single_year()
    for row in codelist("age_bands").rows:
        low, high = int(row["min_age"]), min(int(row["max_age"]), TOP_AGE)
        assert _number(row["population"]) == sum(years[a] for a in range(low, high + 1))
        assert "approximate" not in row["source"] and "recalled" not in row["source"]
        assert "commit" in row["source"]


def test_single_years_cover_every_region_and_age_once() -> None:
    """Ten regions (nine English and Wales) by ages 0 to 100 (100 meaning 100 and over)."""
    rows = codelist("region_age_populations").rows
    assert {(r["region_code"], int(r["age"])) for r in rows} == {
        (region, age) for region in codelist("region_populations").codes
        for age in range(TOP_AGE + 1)}
    assert len(rows) == 10 * (TOP_AGE + 1)


def test_single_years_agree_with_ts007a_region_by_region() -> None:
    """The single-year table, summed to five-year bands, gives each region's TS007A bands to
    within a few people (ONS perturbs each table separately): a transcription error in any
    figure would show here."""
    by_region: dict[str, Counter[int]] = {}
    for row in codelist("region_age_populations").rows:
        by_region.setdefault(row["region_code"], Counter())[int(row["age"])] = _number(
            row["population"])
    for region in codelist("region_populations").rows:
        years = by_region[region["code"]]
        for column, (low, high) in FIVE_YEAR_BANDS.items():
            band = sum(years[a] for a in range(low, high + 1))
            assert abs(band - _number(region[column])) <= TABLE_PERTURBATION, (
                region["label"], column)
        assert abs(sum(years.values()) - _number(region["all_ages"])) <= PERTURBATION


def test_regions_add_up_to_england_and_wales() -> None:
    regions = sum(_number(p) for p in codelist("region_populations").column("all_ages").values())
    single = sum(_england_and_wales_by_single_year().values())
    authorities = sum(map(_number,
                          codelist("local_authority_populations").column("all_ages").values()))
    assert abs(regions - authorities) <= PERTURBATION
    assert abs(single - authorities) <= PERTURBATION


def test_each_authority_adds_up_and_is_sourced() -> None:
    for row in codelist("local_authority_populations").rows:
        assert sum(_number(row[c]) for c in BAND_COLUMNS) <= _number(row["all_ages"])
        assert "TS007A" in row["source"] and "commit" in row["source"]


def test_authorities_are_the_upper_tier_list() -> None:
    assert (set(codelist("local_authority_populations").codes)
            == set(codelist("local_authorities").codes))


def test_force_areas_are_the_sum_of_their_authorities() -> None:
    """Each force population is its authorities' sum, so the 43 areas add up to England and
    Wales exactly as the authorities do."""
    force_of = codelist("local_authorities").column("force_code")
    expected: Counter[str] = Counter()
    for code, people in codelist("local_authority_populations").column("all_ages").items():
        expected[force_of[code]] += _number(people)
    forces = codelist("police_forces")
    given = {code: _number(p) for code, p in forces.column("population").items() if p}
    assert given == dict(expected)
    assert all("Census 2021" in forces.column("source")[code] for code in given)


def test_force_areas_add_up_to_the_national_bands() -> None:
    forces = sum(_number(p) for p in codelist("police_forces").column("population").values() if p)
    bands = sum(map(_number, codelist("age_bands").column("population").values()))
    assert abs(forces - bands) <= PERTURBATION
