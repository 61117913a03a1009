"""Canonical JSON: the same value always gives the same bytes, wherever it was read from."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from tessera.casework.canonical import canonical_json, parse_json, sha256_hex, utc_iso
from tessera.errors import CaseworkError


def test_key_order_and_whitespace_do_not_matter() -> None:
    """Dicts built in any order hash the same."""
    assert canonical_json({"b": 1, "a": [True, None]}) == b'{"a":[true,null],"b":1}'
    assert sha256_hex({"a": 1, "b": 2}) == sha256_hex({"b": 2, "a": 1})


def test_timestamps_are_utc_to_the_microsecond_whatever_their_zone() -> None:
    """SQLite returns naive UTC, PostgreSQL aware: both must hash alike."""
    aware = datetime(2025, 1, 15, 10, 30, 0, 5, tzinfo=timezone(timedelta(hours=1)))
    naive_utc = datetime(2025, 1, 15, 9, 30, 0, 5)
    assert utc_iso(aware) == utc_iso(naive_utc) == "2025-01-15T09:30:00.000005Z"
    assert canonical_json({"at": aware}) == canonical_json({"at": naive_utc.replace(tzinfo=UTC)})


def test_text_stays_utf8_and_dates_iso() -> None:
    """Names with accents are hashed as written, dates as YYYY-MM-DD."""
    assert canonical_json({"n": "Zoë", "d": date(2014, 3, 4)}) == (
        '{"d":"2014-03-04","n":"Zoë"}'.encode())


@pytest.mark.parametrize(("document", "problem"), [
    ("[" * 5000 + "]" * 5000, "nested more than 16 levels deep"),
    ('{"a": ' + "9" * 5000 + "}", "holds a number of 5,000 characters"),
    ('{"a": 1e' + "9" * 400 + "}", "holds a number of"),
    ('{"a": NaN}', "holds NaN"),
    ('{"a": 1, "a": 2}', "names 'a' twice"),
    (b'{"a": "\xff"}', "not UTF-8 text"),
    ('{"a": ', "not valid JSON"),
], ids=["deep", "long-int", "long-float", "nan", "duplicate-key", "not-utf8", "truncated"])
def test_json_from_outside_is_refused_before_the_parser_fails(document: str | bytes,
                                                              problem: str) -> None:
    """What would end in a RecursionError or ValueError inside `json` is a clear error."""
    with pytest.raises(CaseworkError, match=problem):
        parse_json(document)


def test_json_that_is_fine_is_parsed_as_json() -> None:
    """Brackets inside strings do not count as nesting; a lone surrogate is left to the field
    rules (so the error can name the field)."""
    assert parse_json('{"a": "[[[[[[[[[[[[[[[[[[[[", "b": [1, 2.5, "\\ud800"]}') == {
        "a": "[[[[[[[[[[[[[[[[[[[[", "b": [1, 2.5, "\ud800"]}
