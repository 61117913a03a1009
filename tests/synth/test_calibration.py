"""Counts calibrated to the published 2023 figures, at any scale and over several years."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from tessera.synth import SynthSummary, generate
from tessera.synth.calibration import PUBLISHED_MULTIPLE, period, targets

from .conftest import SCALE, Sql


def test_national_targets_are_the_published_figures() -> None:
    """At scale 1: 115,000 offences, 4,000 with more than one perpetrator, 1,100 within the
    family, 300 in institutions, 717 group-based CSE, and about 150 networks."""
    t = targets(1.0, 1)
    assert t.total == 115_000 and t.multiple == 4_000
    assert t.offences["intra_familial"] == 1_100 and t.offences["institutional"] == 300
    assert t.offences["group_based_cse"] == 717 and 120 <= t.networks <= 180
    assert targets(1.0, 3).total == 345_000
    assert targets(0.01, 1).total == 1_150


def test_clean_set_hits_its_targets_exactly(clean: SynthSummary) -> None:
    """With no bad rows the ground-truth counts are the calibration targets, exactly."""
    assert clean.categories == targets(SCALE, 1).offences
    share = sum(PUBLISHED_MULTIPLE.values()) / 115_000
    multiple = clean.offences - clean.categories["single_perpetrator"]
    assert multiple / clean.offences == pytest.approx(share, rel=0.05)
    assert 0.15 <= clean.online / clean.offences <= 0.25


def test_offences_follow_force_population(db: Sql) -> None:
    """Forces record offences in proportion to their population; BTP gets a small share."""
    shares = dict(db.all("SELECT force_code, count(*) / sum(count(*)) OVER () FROM offence "
                             "GROUP BY 1"))
    assert shares["metropolitan"] == pytest.approx(0.14, abs=0.02)
    assert shares["west-yorkshire"] == pytest.approx(0.038, abs=0.01)
    assert shares.get("btp", 0) < 0.015


def test_years_multiply_offences_and_spread_their_dates(tmp_path: Path) -> None:
    """Two years give twice the offences, recorded across both years and no later."""
    summary = generate(tmp_path, scale=0.005, years=2, seed=3, end_year=2022, bad_share=0)
    assert summary.offences == targets(0.005, 2).total
    con = Sql(duckdb.connect())
    years = dict(con.all(
        f"SELECT year(CAST(recorded_date AS DATE)), count(*) FROM read_csv("
        f"'{summary.extracts}/police/*/offence.csv', all_varchar=true) GROUP BY 1"))
    assert set(years) == {2021, 2022}
    assert min(years.values()) > 0.35 * summary.offences
    assert period(2022, 2).extracted_at == "2023-01-15T06:00:00"
