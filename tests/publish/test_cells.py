"""How cells are written: the same figure in the terminal, the report and CSV."""

from __future__ import annotations

import pytest

from tessera.analysis.audit import Cell
from tessera.publish.cells import csv_cell, format_cell, is_numeric, is_total

CASES = [
    ("an integer gets thousands separators", 1727665, "Population", "1,727,665"),
    ("a share always shows one decimal", 40.0, "Known (%)", "40.0"),
    ("a rate always shows two decimals", 0.4, "Per 100,000", "0.40"),
    ("an interval bound is a rate", 0.031, "95% interval low", "0.03"),
    ("no value is a dash, never zero", None, "Share of known (%)", "–"),
    ("text is unchanged", "Group-based CSE", "Category", "Group-based CSE"),
]


@pytest.mark.parametrize(("description", "value", "column", "text"), CASES,
                         ids=[c[0] for c in CASES])
def test_format_cell(description: str, value: Cell, column: str, text: str) -> None:
    assert format_cell(value, column) == text


def test_csv_cells_are_raw() -> None:
    assert [csv_cell(v) for v in (1727665, 40.0, None, "x")] == ["1727665", "40.0", "", "x"]


def test_numeric_columns_and_totals() -> None:
    assert is_numeric([1, None, 2.5]) and not is_numeric([None, None])
    assert not is_numeric(["a", 1])
    columns = ("Offence group", "Characteristic", "Category", "People")
    assert is_total(columns, ("All CSA offences", "Sex", "All people", 3))
    assert not is_total(columns, ("All CSA offences", "Sex", "Female", 2))
