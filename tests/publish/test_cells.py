"""How cells are written: the same figure in the terminal, the report and CSV."""

from __future__ import annotations

import pytest

from tessera.analysis.results import Cell, Column
from tessera.publish.cells import csv_cell, format_cell, is_numeric

POPULATION = Column("population", "Population", "count", protected=False)
SHARE = Column("known", "Known (%)", "share", of="known_people", per="people")
RATE = Column("rate", "Per 100,000", "rate", of="offences", per="population")
LOW = Column("low", "95% interval low", "interval_low", of="offences", per="population")
CATEGORY = Column("category", "Category", "dimension")
SCORE = Column("score", "Score", "figure")
COMPLETE = Column("complete", "Complete (%)", "figure", decimals=1)

CASES = [
    ("an integer gets thousands separators", 1727665, POPULATION, "1,727,665"),
    ("a share always shows one decimal", 40.0, SHARE, "40.0"),
    ("a rate always shows two decimals", 0.4, RATE, "0.40"),
    ("an interval bound is a rate", 0.031, LOW, "0.03"),
    ("no value is a dash, never zero", None, SHARE, "–"),
    ("text is unchanged", "Group-based CSE", CATEGORY, "Group-based CSE"),
    ("a figure of its own is written as it is", 87.25, SCORE, "87.25"),
    ("unless it says how many decimals", 40.0, COMPLETE, "40.0"),
]


@pytest.mark.parametrize(("description", "value", "column", "text"), CASES,
                         ids=[c[0] for c in CASES])
def test_format_cell(description: str, value: Cell, column: Column, text: str) -> None:
    assert format_cell(value, column) == text


def test_csv_cells_are_raw() -> None:
    assert [csv_cell(v) for v in (1727665, 40.0, None, "x")] == ["1727665", "40.0", "", "x"]


def test_numeric_columns_by_kind() -> None:
    """Counts and derived figures are numbers even when a symbol stands in for one; a free
    figure is a number only when all its values are."""
    assert is_numeric(POPULATION, ["[c]", 3]) and is_numeric(SHARE, [None])
    assert not is_numeric(CATEGORY, ["1"])
    assert is_numeric(SCORE, [1, None, 2.5]) and not is_numeric(SCORE, [None, None])
    assert not is_numeric(SCORE, ["a", 1])
