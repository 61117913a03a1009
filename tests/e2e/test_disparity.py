"""The audit finds no ethnic disparity in a national year drawn at population base rates.

Why at scale 1: the generator once misrecorded ethnicity towards small groups and folded Roma
into Gypsy or Irish Traveller, which tripled that group's rates and gave χ² = 628 against the
population; only a national volume has the power to show such a bias, and to show it gone.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from scipy.stats import chisquare

from tessera.analysis.audit import run_audit
from tessera.dataset import codelist
from tessera.sources.delivery import Delivery
from tessera.synth import generate
from tessera.warehouse.engine import Engine
from tessera.warehouse.loading import ingest
from tessera.warehouse.pseudonym import PseudonymKey

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def national_year(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A national year (scale 1) loaded into a fresh warehouse."""
    folder = tmp_path_factory.mktemp("national")
    summary = generate(folder / "synthetic", scale=1.0, seed=2023)
    warehouse = folder / "w.duckdb"
    ingest(Delivery.find([summary.extracts]), warehouse=warehouse,
           key=PseudonymKey.from_secret(b"national"), output=folder / "out")
    return warehouse


@pytest.mark.parametrize("table", ["victim_profile", "offender_profile"])
def test_no_ethnic_group_stands_out_against_its_population(national_year: Path,
                                                           table: str) -> None:
    """χ² of people by ethnic group (19) against the groups' population shares, over groups
    expecting 5 or more: p > 0.01."""
    population = {row["label"]: float(row["population"])
                  for row in codelist("ethnicity").rows if row["population"]}
    with Engine.open(national_year, read_only=True) as engine:
        records = run_audit(engine).tables[table].records()
    people = {str(r["category"]): int(r["people"] or 0) for r in records
              if r["offence_group"] == "All CSA offences"
              and r["characteristic"] == "Ethnic group (19 categories)"
              and r["category"] in population}
    assert set(people) == set(population)
    total_people, total_population = sum(people.values()), sum(population.values())
    expected = {group: total_people * population[group] / total_population
                for group in people}
    kept = [group for group in people if expected[group] >= 5]
    observed = [people[group] for group in kept]
    scale = sum(observed) / sum(expected[group] for group in kept)
    result = chisquare(observed, [expected[group] * scale for group in kept])
    assert result.pvalue > 0.01, (result.statistic, result.pvalue)
