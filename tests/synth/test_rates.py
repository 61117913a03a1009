"""Population base rates, and a rates file that overrides them."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from tessera.errors import ConfigurationError
from tessera.synth import generate
from tessera.synth.rates import ETHNIC_GROUPS, SEXES, load_rates

from .conftest import Sql


def test_defaults_are_census_shares() -> None:
    """White British is about three quarters of England and Wales; nationality mostly GBR."""
    rates = load_rates()
    assert rates.ethnicity[ETHNIC_GROUPS.index("13")] == pytest.approx(0.74, abs=0.01)
    assert rates.sex.sum() == pytest.approx(1.0)
    assert rates.nationality_codes[0] == "GBR" and rates.nationality[0] > 0.8
    assert rates.perpetrator_sex[SEXES.index("M")] == pytest.approx(0.82)
    assert "VKPP" in rates.sources["perpetrator_sex"]
    assert {source for *_, source in rates.table()} == set(rates.sources.values())


def test_a_rates_file_replaces_the_dimensions_it_names(tmp_path: Path) -> None:
    """A scenario can set its own shares: here everyone, perpetrators too, is female and
    Irish (ONS 14); the ground truth says which shares were used, and from where."""
    path = tmp_path / "rates.csv"
    path.write_text("dimension,code,weight,source\nsex,F,1,all women\nethnicity,14,1,\n"
                    "perpetrator_sex,F,1,all women\n", encoding="utf-8")
    summary = generate(tmp_path / "out", scale=0.005, seed=2, bad_share=0, rates=path)
    con = Sql(duckdb.connect())
    sexes = {r[0] for r in con.all(
        f"SELECT DISTINCT sex FROM read_csv('{summary.extracts}/*/*/person_record.csv', "
        "all_varchar=true)")}
    assert sexes <= {"F", "U"}
    irish, stated = con.one(
        f"SELECT count(*) FILTER (WHERE ethnicity = '14'), count(*) FROM read_csv("
        f"'{summary.extracts}/social_care/*/person_record.csv', all_varchar=true) "
        "WHERE ethnicity NOT IN ('NS', 'NK')")
    assert irish / stated > 0.95
    assert load_rates(path).nationality_codes == load_rates().nationality_codes
    used = {(r[0], r[1]): r[3] for r in con.all(
        f"SELECT dimension, code, probability, source FROM read_csv("
        f"'{summary.ground_truth}/rates.csv', all_varchar=true)")}
    assert used[("perpetrator_sex", "F")] == "all women"
    assert used[("ethnicity", "14")] == str(path)


@pytest.mark.parametrize(("text", "message"), [
    ("dimension,code\nsex,F\n", "columns"),
    ("dimension,code,weight\nage,12,1\n", "dimension"),
    ("dimension,code,weight\nsex,X,1\n", "cannot be drawn"),
    ("dimension,code,weight\nnationality,XYZ,1\n", "alpha-3"),
    ("dimension,code,weight\nsex,F,lots\n", "not a number"),
])
def test_a_bad_rates_file_is_explained(tmp_path: Path, text: str, message: str) -> None:
    """Each mistake names the file and what is wrong with it."""
    path = tmp_path / "rates.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigurationError, match=message):
        load_rates(path)


def test_perpetrator_ages_are_published_bands_with_their_source() -> None:
    """The bands start at the age of criminal responsibility and name where they come from,
    second-hand figures and assumptions said so."""
    rates = load_rates()
    assert rates.perpetrator_age_bands[0] == "10-17"
    assert rates.perpetrator_age.sum() == pytest.approx(1.0)
    source = rates.sources["perpetrator_age"]
    assert "VKPP" in source and "second-hand" in source and "assumption" in source


@pytest.mark.parametrize(("band", "message"), [
    ("5-17", "age of criminal responsibility"),
    ("adults", "not an age band"),
    ("17-10", "must lie within"),
])
def test_a_bad_perpetrator_age_band_is_explained(tmp_path: Path, band: str,
                                                 message: str) -> None:
    path = tmp_path / "rates.csv"
    path.write_text(f"dimension,code,weight\nperpetrator_age,{band},1\n", encoding="utf-8")
    with pytest.raises(ConfigurationError, match=message):
        load_rates(path)


def test_overlapping_perpetrator_age_bands_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "rates.csv"
    path.write_text("dimension,code,weight\nperpetrator_age,10-20,1\nperpetrator_age,18-30,1\n",
                    encoding="utf-8")
    with pytest.raises(ConfigurationError, match="overlaps"):
        load_rates(path)
