"""The postcode table: loaded a letter at a time, compact, and exact."""

from __future__ import annotations

from tessera.casework import postcodes
from tessera.casework.postcodes import upper_tier_authority


def test_lookups_are_exact_on_the_compact_key() -> None:
    """A postcode without its space finds its authority; a neighbour that does not exist,
    a Scottish postcode and a first character with no file find nothing."""
    assert upper_tier_authority("TS248AA") == "E06000001"
    assert upper_tier_authority("TS248A") is None
    assert upper_tier_authority("EH11YZ") is None
    assert upper_tier_authority("9AA") is None


def test_a_letter_is_loaded_on_first_use_as_sorted_seven_byte_keys() -> None:
    """The table binary search relies on: sorted, fixed-width, the letter's every postcode."""
    upper_tier_authority("TS248AA")
    assert "T" in postcodes._loaded
    table = postcodes._loaded["T"]
    assert len(table.keys) > 100_000
    assert table.keys.dtype.itemsize == postcodes.KEY_BYTES
    assert list(table.keys) == sorted(table.keys)
