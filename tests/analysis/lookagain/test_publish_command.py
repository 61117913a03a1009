"""`tessera publish look-again` as a user meets it: the list published into a casework store
(here a SQLite file; the store's own tests run on PostgreSQL too), a second run superseding the
first, and a bad weights file refused in one line with nothing published."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tessera.casework.publications import publications
from tessera.casework.store import Casework
from tessera.publish.lookagain_publication import PRODUCT
from tessera.warehouse.engine import Engine
from tests.analysis.lookagain.lookagain_fixture import (
    LookAgainWarehouse,
    populate_lookagain_fixture,
)

pytestmark = pytest.mark.slow  # each case starts the CLI in a subprocess: CI runs them,
# the quick loop (-m "not slow") does not


def _setup(tmp_path: Path) -> tuple[list[str], dict[str, str], str]:
    warehouse = tmp_path / "w.duckdb"
    with Engine.open(warehouse) as engine:
        populate_lookagain_fixture(LookAgainWarehouse(engine))
    url = f"sqlite:///{tmp_path / 'casework.db'}"
    env = {**os.environ, "TESSERA_SECRET_KEY": "look-again-test", "COLUMNS": "200"}
    return ["--warehouse", str(warehouse), "--casework-url", url], env, url


def test_publish_twice_keeps_both_and_the_second_supersedes(
        tmp_path: Path, run_cli: Callable[..., Any]) -> None:
    """Each run is one publication of the three eligible cases of two forces, with the rules
    and weights; the second names the first it supersedes."""
    args, env, url = _setup(tmp_path)
    first = run_cli("publish", "look-again", *args, env=env)
    assert first.returncode == 0, first.stderr
    assert "publication 1: 3 cases of 2 forces, 2 with new evidence" in first.stdout
    second = run_cli("publish", "look-again", *args, env=env)
    assert second.returncode == 0, second.stderr
    assert "publication 2; it supersedes publication 1" in second.stdout
    store = Casework.open(url)
    with store.reading() as session:
        latest, earlier = publications(session, PRODUCT)
    store.close()
    assert (latest.supersedes, earlier.supersedes) == (earlier.publication_id, None)
    assert latest.counts == {"cases": 3, "with_evidence": 2, "forces": 2}
    assert latest.published_by.startswith("tessera publish look-again, run by ")
    assert latest.settings["rules_source"].endswith("beaconport_rules.csv")
    assert latest.settings["weights"][0]["feature"] == "later_offence"
    assert latest.settings["communities_supplied"] is True


def test_a_bad_weights_file_publishes_nothing(tmp_path: Path,
                                              run_cli: Callable[..., Any]) -> None:
    args, env, _ = _setup(tmp_path)
    weights = tmp_path / "weights.csv"
    weights.write_text("feature,weight,rationale\nlater_offence,-1,because\n", encoding="utf-8")
    result = run_cli("publish", "look-again", "--weights", str(weights), *args, env=env)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"error: {weights} row 2, field weight: '-1' is not a number of at least 0"]
    assert not (tmp_path / "casework.db").exists()
