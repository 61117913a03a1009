"""The model's choices measured from the file: which one-field blocking keys it affords."""

from __future__ import annotations

import duckdb
import pyarrow as pa
import pytest

from tessera.linkage.preparation import PREPARED
from tessera.linkage.settings import (
    PAIR_BUDGET_FLOOR,
    PAIRS_PER_RECORD,
    choose_broad_keys,
    key_pairs_sql,
    pair_budget,
)


def test_key_pairs_are_counted_from_group_sizes_without_nulls() -> None:
    """Three records on one date make three pairs, two on another one; a null pairs none."""
    con = duckdb.connect()
    con.register(PREPARED, pa.table({"date_of_birth": [
        "2010-01-01", "2010-01-01", "2010-01-01", "2011-02-02", "2011-02-02", None, None]}))
    assert con.execute(key_pairs_sql(("date_of_birth",))).fetchall() == [(4,)]


@pytest.mark.parametrize(("pairs", "budget", "chosen", "why"), [
    ({("postcode",): 10, ("given_name",): 50}, 100, [("postcode",), ("given_name",)],
     "a small file affords every key"),
    ({("postcode",): 10, ("date_of_birth",): 95, ("family_name",): 60}, 100,
     [("postcode",), ("family_name",)], "fewest pairs first, while they fit"),
    ({("given_name",): 500}, 100, [], "a key beyond the budget is left out"),
])
def test_broad_keys_fit_the_budget(pairs: dict[tuple[str, ...], int], budget: int,
                                   chosen: list[tuple[str, ...]], why: str) -> None:
    """The one-field keys taken are the cheapest that fit together."""
    assert choose_broad_keys(pairs, budget) == chosen, why


def test_the_budget_grows_with_the_file_not_its_square() -> None:
    """A few thousand records get the floor; a million get a fixed number per record."""
    assert pair_budget(5_000) == PAIR_BUDGET_FLOOR
    assert pair_budget(1_000_000) == PAIRS_PER_RECORD * 1_000_000
