"""Checks on the Census 2021 populations in the code lists: every figure adds up to the totals
of the source it claims (age_bands.csv, local_authority_populations.csv, police_forces.csv)."""

from __future__ import annotations

from collections import Counter
from itertools import pairwise

from tessera.dataset import codelist

BAND_COLUMNS = ("aged_0_4", "aged_5_9", "aged_10_14", "aged_15_19")
PERTURBATION = 100
"""ONS perturbs Census 2021 counts area by area, so the sum of 174 authorities may differ from
the national figure by a few people; 100 is far below any transcription error that matters
(the issue found the old bands 214,000 too many)."""


def _number(value: str) -> int:
    return int(value)


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


def test_approximate_bands_say_so() -> None:
    """Bands split from five-year bands are labelled approximate, the others are not."""
    approximate = {r["code"] for r in codelist("age_bands").rows if "approximate" in r["source"]}
    assert approximate == {"10-12", "13-15", "16-17", "18-24"}
    assert not any("recalled" in r["source"] for r in codelist("age_bands").rows)


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
