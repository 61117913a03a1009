"""Offences and parties: who, how old, how related, and codes that fit the victim."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from scipy.stats import chisquare

from tessera.synth.offending import (
    ACQUAINTANCE,
    FAMILY,
    ONLINE_CONTACT,
    PEER,
    TRUST,
    perpetrator_ages,
)
from tessera.synth.rates import BaseRates, age_band, load_rates

from .conftest import Sql

DRAWN = 40_000


def _ages(rates: BaseRates, seed: int = 3) -> np.ndarray:
    """Ages for a mix of relationships and victims' ages, as the offence patterns give."""
    rng = np.random.default_rng(seed)
    relationship = rng.choice([FAMILY, TRUST, PEER, ACQUAINTANCE, ONLINE_CONTACT], DRAWN)
    return perpetrator_ages(rng, relationship, rng.integers(0, 18, DRAWN), rates)


def _band_counts(ages: np.ndarray, rates: BaseRates) -> np.ndarray:
    return np.array([((ages >= low) & (ages <= high)).sum()
                     for low, high in map(age_band, rates.perpetrator_age_bands)])


def test_perpetrator_ages_fit_the_configured_bands() -> None:
    """Goodness of fit: the bands' counts are what the published shares give, by chi-square."""
    rates = load_rates()
    ages = _ages(rates)
    counts = _band_counts(ages, rates)
    assert counts.sum() == DRAWN and ages.min() >= 10
    assert chisquare(counts, rates.perpetrator_age * DRAWN).pvalue > 0.01
    assert counts[0] / DRAWN == pytest.approx(0.52, abs=0.01)  # children 10-17 (VKPP)


def test_no_single_age_piles_up() -> None:
    """Within each band every age holds its even share up to chance: none is five standard
    deviations above it (the old clip put twice the share at 10)."""
    rates = load_rates()
    ages = _ages(rates)
    for low, high in map(age_band, rates.perpetrator_age_bands):
        per_age = np.bincount(ages[(ages >= low) & (ages <= high)] - low,
                              minlength=high - low + 1)
        assert per_age.max() < per_age.mean() + 5 * np.sqrt(per_age.mean()), (low, high)


def test_adults_in_a_position_of_trust_are_adults_and_the_bands_still_hold() -> None:
    """Adults in trust draw from the adult bands alone; the others make up the difference,
    so all together still fit the configured bands."""
    rates = load_rates()
    rng = np.random.default_rng(6)
    relationship = rng.choice([FAMILY, TRUST, PEER], DRAWN, p=[0.5, 0.2, 0.3])
    ages = perpetrator_ages(rng, relationship, rng.integers(0, 18, DRAWN), rates)
    assert ages[relationship == TRUST].min() >= 18
    assert chisquare(_band_counts(ages, rates), rates.perpetrator_age * DRAWN).pvalue > 0.01


def test_older_relationships_get_the_older_ages() -> None:
    """Ages are handed out by relationship: peers younger than adults in a position of trust."""
    rng = np.random.default_rng(4)
    relationship = np.repeat([PEER, TRUST], DRAWN // 2)
    ages = perpetrator_ages(rng, relationship, rng.integers(10, 18, DRAWN), load_rates())
    assert np.median(ages[relationship == PEER]) < 18 <= np.median(ages[relationship == TRUST])


def test_a_changed_configuration_moves_the_ages(tmp_path: Path) -> None:
    """A rates file with other bands and shares is what the ages follow, and its source is
    what the ground truth will name."""
    path = tmp_path / "rates.csv"
    path.write_text("dimension,code,weight,source\nperpetrator_age,10-17,0.2,scenario\n"
                    "perpetrator_age,18-39,0.5,scenario\nperpetrator_age,40-69,0.3,scenario\n",
                    encoding="utf-8")
    rates = load_rates(path)
    counts = _band_counts(_ages(rates), rates)
    # 0.006 with this seed: a fit, at a level one seed in a thousand would fail by chance
    assert chisquare(counts, rates.perpetrator_age * DRAWN).pvalue > 0.001
    assert counts[0] / DRAWN == pytest.approx(0.2, abs=0.01)
    assert ("perpetrator_age", "18-39", 0.5, "scenario") in rates.table()


def test_victims_are_children_and_most_are_teenagers(db: Sql) -> None:
    """Victims are 0-17 at the offence, most often 13-15; perpetrators within the configured
    bands, 10-79, about half of them children (VKPP)."""
    rows = {role: (lo, hi, teens, minors) for role, lo, hi, teens, minors in db.all("""
        SELECT role, min(a), max(a), avg(CAST(a BETWEEN 13 AND 15 AS INTEGER)),
               avg(CAST(a < 18 AS INTEGER))
        FROM (SELECT role, CAST(age_at_offence AS INTEGER) AS a FROM offence_party
              WHERE age_at_offence IS NOT NULL) GROUP BY 1""")}
    lo, hi, teens, _ = rows["victim"]
    assert lo == 0 and hi == 17 and teens > 0.3
    lo, hi, _, minors = rows["suspect"]
    assert lo >= 10 and hi <= 79 and 0.4 < minors < 0.6


def test_codes_respect_the_victims_age(db: Sql) -> None:
    """An under-13 code never has an older first victim; a 16-and-over code never a younger."""
    wrong = db.one("""
        SELECT count(*) FILTER (WHERE ho_offence_code IN ('19E', '19H', '17B', '20B')
                                AND youngest >= 13),
               count(*) FILTER (WHERE ho_offence_code IN ('19C', '19F') AND youngest < 16)
        FROM offence o JOIN (SELECT _folder, crime_ref,
                                    min(CAST(age_at_offence AS INTEGER)) AS youngest
                             FROM offence_party WHERE role = 'victim' GROUP BY ALL) v
        USING (_folder, crime_ref)""")
    assert wrong == (0, 0)


def test_repeat_victims_and_repeat_offenders_are_one_record(
        db: Sql) -> None:
    """The same person in several offences of a force is one person_record there."""
    repeated = dict(db.all("""SELECT role, count(*) FROM (
        SELECT role, _folder, person_record_id FROM offence_party GROUP BY ALL
        HAVING count(DISTINCT crime_ref) > 1) GROUP BY 1"""))
    assert repeated["victim"] > 50 and repeated["suspect"] > 20


def test_family_offenders_often_share_the_victims_name(db: Sql) -> None:
    """Within-family abuse: perpetrators and victims often have one family name."""
    share = db.one("""
        WITH p AS (SELECT op.*, upper(r.family_name) AS family
                   FROM offence_party op JOIN person_record r ON r._folder = op._folder
                   AND r.source_record_id = op.person_record_id)
        SELECT avg(CAST(v.family = s.family AS INTEGER)) FROM p s
        JOIN p v ON v._folder = s._folder AND v.crime_ref = s.crime_ref AND v.role = 'victim'
        WHERE s.relationship_to_victim = 'family_member'""")[0]
    assert 0.5 < share < 0.9


def test_suspects_are_mostly_male_at_the_published_share(db: Sql) -> None:
    """Perpetrators' sex comes from the published share (82% male, VKPP 2023), not from the
    population's, which made half of them female."""
    male, known = db.one("""
        SELECT count(*) FILTER (WHERE p.sex = 'M'), count(*)
        FROM (SELECT DISTINCT _folder, person_record_id FROM offence_party
              WHERE role = 'suspect') AS s
        JOIN person_record AS p
          ON p._folder = s._folder AND p.source_record_id = s.person_record_id
        WHERE p.sex IN ('M', 'F')""")
    assert known > 1000 and 0.77 < male / known < 0.87


def test_no_spike_of_suspects_at_the_youngest_age(db: Sql) -> None:
    """Ages 10 to 13 each hold a similar share of young suspects: none piles up at 10, the
    age a clip would push every younger sibling or peer to."""
    counts = dict(db.all("""
        SELECT CAST(age_at_offence AS INTEGER) AS a, count(*) FROM offence_party
        WHERE role = 'suspect' AND CAST(age_at_offence AS INTEGER) BETWEEN 10 AND 13
        GROUP BY 1"""))
    assert set(counts) == {10, 11, 12, 13}
    assert counts[10] < 1.5 * min(counts[11], counts[12], counts[13])


def test_suspects_are_never_under_ten_and_half_are_children(db: Sql) -> None:
    """In the files: nobody under the age of criminal responsibility, and about the published
    share of 10-17-year-olds (a little under it: network members are adults)."""
    youngest, children, known = db.one("""
        SELECT min(CAST(age_at_offence AS INTEGER)),
               count(*) FILTER (WHERE CAST(age_at_offence AS INTEGER) < 18), count(*)
        FROM offence_party WHERE role IN ('suspect', 'offender') AND age_at_offence <> ''""")
    assert youngest >= 10
    assert 0.45 < children / known < 0.55
    (in_trust,) = db.one("""
        SELECT min(CAST(age_at_offence AS INTEGER)) FROM offence_party
        WHERE relationship_to_victim = 'position_of_trust' AND age_at_offence <> ''""")
    assert in_trust >= 18
