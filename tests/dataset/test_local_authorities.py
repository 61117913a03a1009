"""Checks on the local-authority reference code list (codelists/local_authorities.csv)."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from tessera.dataset import codelist

CSV_PATH = (
    Path(__file__).parent / "../../src/tessera/dataset/codelists/local_authorities.csv"
).resolve()

CODE_RE = re.compile(r"^(E06|E08|E09|E10|W06)\d{6}$")
LA_NUMBER_RE = re.compile(r"^\d{3}$")

TERRITORIAL_FORCES = frozenset(
    row["code"] for row in codelist("police_forces").rows if row["ons_code"]
)


@pytest.fixture(scope="module")
def rows() -> list[dict[str, str]]:
    with CSV_PATH.open(newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        assert reader.fieldnames == ["code", "label", "la_number", "force_code", "source"]
        return list(reader)


def test_forty_three_territorial_forces() -> None:
    """The id list is the 43 territorial forces; a typo here would hide mapping errors."""
    assert len(TERRITORIAL_FORCES) == 43


def test_codes_unique_and_well_formed(rows: list[dict[str, str]]) -> None:
    """Code joins to ONS-coded data, so it must be a valid E/W UTLA code and appear once."""
    codes = [r["code"] for r in rows]
    assert len(codes) == len(set(codes))
    bad = [c for c in codes if not CODE_RE.match(c)]
    assert not bad, bad


def test_every_force_code_is_territorial(rows: list[dict[str, str]]) -> None:
    """Each authority maps to one real territorial force id (btp has no geographic area)."""
    bad = [(r["code"], r["force_code"]) for r in rows if r["force_code"] not in TERRITORIAL_FORCES]
    assert not bad, bad


def test_every_force_has_an_authority(rows: list[dict[str, str]]) -> None:
    """Force areas tile England and Wales, so a force with no authority means a mapping was lost."""
    used = {r["force_code"] for r in rows}
    assert TERRITORIAL_FORCES - used == set()


def test_la_numbers_three_digits_and_unique(rows: list[dict[str, str]]) -> None:
    """LA numbers key CIN headers and UPN chars 2-4; a bad or repeated one misroutes records."""
    nums = [r["la_number"] for r in rows if r["la_number"]]
    bad = [n for n in nums if not LA_NUMBER_RE.match(n)]
    assert not bad, bad
    assert len(nums) == len(set(nums))


def test_row_count_matches_reference_utlas(rows: list[dict[str, str]]) -> None:
    """The list must cover every E/W UTLA in the pinned ONS lookup, no more and no fewer."""
    import qlacref_authorities

    expected = {r["UTLA21CD"] for r in qlacref_authorities.records if CODE_RE.match(r["UTLA21CD"])}
    assert len(rows) == len(expected)
    assert {r["code"] for r in rows} == expected
