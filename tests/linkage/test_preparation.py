"""Preparing person records for linkage: one form for each value, an analyst's column names
only quoted, and the SQL that spots names in the wrong field."""

from __future__ import annotations

import duckdb
import pyarrow as pa
import pytest

from tessera.linkage.preparation import (
    PREPARED,
    VARIANTS,
    names_crossed_sql,
    names_swapped_sql,
    prepared_records_sql,
)
from tessera.warehouse.engine import quote_identifier


def test_an_extra_columns_name_is_escaped_as_an_identifier() -> None:
    """A name that would close the quotes is escaped by the one quoting helper, so DuckDB
    reads it as one column name and runs nothing else."""
    name = 'x" , 1 AS "injected'
    con = duckdb.connect()
    con.execute(f"CREATE TABLE raw (record_id VARCHAR, {quote_identifier(name)} VARCHAR)")
    con.execute("INSERT INTO raw VALUES ('a', 'K1')")
    con.execute(f"CREATE TABLE {VARIANTS} (name VARCHAR, variant VARCHAR)")
    con.execute(prepared_records_sql([], [name]))
    columns = [row[0] for row in con.execute(f"DESCRIBE {PREPARED}").fetchall()]
    assert name in columns and "injected" not in columns
    assert con.execute(f"SELECT {quote_identifier(name)} FROM {PREPARED}").fetchall() == [
        ("k1",)]


def _prepared(rows: list[dict[str, str | None]]) -> duckdb.DuckDBPyConnection:
    """A connection holding `rows` normalised as linkage reads them."""
    con = duckdb.connect()
    con.register("raw", pa.Table.from_pylist(rows))
    con.execute(f"CREATE TABLE {VARIANTS} (variant VARCHAR, name VARCHAR)")
    con.execute(prepared_records_sql([c for c in rows[0] if c != "record_id"]))
    return con


@pytest.mark.parametrize(("raw", "postcode", "district", "why"), [
    ("ls61ab", "LS6 1AB", "LS6", "a UK postcode gets its one spacing"),
    ("SW1A  2AA", "SW1A 2AA", "SW1A", "and its district"),
    ("2617", "2617", None, "a postcode abroad is kept, with no UK district"),
    ("  ", None, None, "blank is missing"),
])
def test_postcodes_are_kept_in_one_form(raw: str, postcode: str | None,
                                        district: str | None, why: str) -> None:
    """Only a blank postcode is dropped: any other still tells one address from another."""
    con = _prepared([{"record_id": "a", "postcode": raw}])
    assert con.execute(f"SELECT postcode, postcode_district FROM {PREPARED}").fetchall() == [
        (postcode, district)], why


@pytest.mark.parametrize(("raw", "name", "why"), [
    ("O'Neill", "oneill", "an apostrophe"),
    ("O Neill", "oneill", "a space"),
    ("Smith-Jones", "smithjones", "a hyphen"),
    ("Zoë", "zoë", "letters beyond ASCII stay"),
    (" - ", None, "no letters at all is missing"),
])
def test_names_are_compared_on_their_letters(raw: str, name: str | None, why: str) -> None:
    """Punctuation and spaces inside a name are how it was typed, not which name it is."""
    con = _prepared([{"record_id": "a", "family_name": raw}])
    assert con.execute(f"SELECT family_name FROM {PREPARED}").fetchall() == [(name,)], why


@pytest.mark.parametrize(("left", "right", "swapped", "crossed", "why"), [
    (("jett", "colegate"), ("colegate", "jett"), True, True, "swapped exactly"),
    (("jett", "colegate"), ("colegatte", "jet"), True, True, "swapped with typos"),
    (("bordin", "brody"), ("joel", "bordin"), False, True, "one name moved, one replaced"),
    (("jett", "colegate"), ("jett", "colegate"), False, False, "not swapped at all"),
    (("jett", "colegate"), ("kate", "colegate"), False, False, "siblings"),
])
def test_swapped_and_crossed_names(left: tuple[str, str], right: tuple[str, str],
                                   swapped: bool, crossed: bool, why: str) -> None:
    """The swap condition needs both names crossed over; the one-way one needs either."""
    con = duckdb.connect()
    row = con.execute(
        f"SELECT {names_swapped_sql()}, {names_crossed_sql()} FROM (SELECT "
        "$gl AS given_name_l, $fl AS family_name_l, $gr AS given_name_r, "
        "$fr AS family_name_r)",
        {"gl": left[0], "fl": left[1], "gr": right[0], "fr": right[1]}).fetchall()
    assert row == [(swapped, crossed)], why
