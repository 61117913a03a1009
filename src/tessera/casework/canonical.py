"""Canonical JSON and SHA-256: the one way Tessera turns a value into bytes it signs or chains.

Why one canonical form: a receipt, a ledger entry and a record hash are only checkable if the
verifier rebuilds exactly the bytes that were hashed, so keys are sorted, separators fixed,
text kept as UTF-8 and every timestamp written in UTC to the microsecond.
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import UTC, date, datetime

from tessera.errors import CaseworkError

MAX_JSON_DEPTH = 16
"""Deepest nesting of arrays and objects accepted in a JSON document from outside. Nothing
Tessera takes is nested more than twice; Python's parser recurses, so a document of a few
thousand brackets would otherwise end in a RecursionError, not an answer."""
MAX_JSON_NUMBER_CHARS = 32
"""Longest number accepted. Python refuses to convert integers of more than 4,300 digits (a
denial-of-service guard), so a longer one would end in a ValueError; nothing Tessera takes
needs more than a few digits."""
_JSON_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')
"""Strings (skipped whole, so brackets inside them do not count) and brackets."""


def utc_iso(moment: datetime) -> str:
    """A timestamp as ISO 8601 in UTC with microseconds and a Z, e.g. 2025-01-15T09:30:00.000000Z.

    A naive datetime is taken to be UTC already (SQLite keeps no zone).
    """
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _plain(value: object) -> object:
    """A timestamp or date as the text canonical JSON writes for it (the encoder asks only for
    what JSON itself has no form for)."""
    if isinstance(value, datetime):
        return utc_iso(value)
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} has no canonical JSON form")


_ENCODER = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                            allow_nan=False, default=_plain)
"""One encoder, built once: a report's filing encodes seven values canonically."""


def canonical_json(value: object) -> bytes:
    """The canonical UTF-8 JSON bytes of a value of dicts, lists, text, numbers and dates.

    Text that is not Unicode (a lone surrogate) has no UTF-8 bytes: refused as bad input, as
    the store refuses it (every field from outside is checked for it before it gets here).
    """
    try:
        return _ENCODER.encode(value).encode("utf-8")
    except UnicodeEncodeError as exc:
        raise CaseworkError("a value holds a character that cannot be stored (half of a "
                            "surrogate pair); remove it and try again") from exc


def sha256_hex(value: object) -> str:
    """The SHA-256 (hex) of a value's canonical JSON."""
    return hashlib.sha256(canonical_json(value)).hexdigest()


def parse_json(document: str | bytes, *, what: str = "the JSON") -> object:
    """Parse JSON sent from outside, refusing what would make the parser itself fail.

    Refused with a `CaseworkError` naming the problem: bytes that are not UTF-8, nesting
    deeper than `MAX_JSON_DEPTH`, a number longer than `MAX_JSON_NUMBER_CHARS`, NaN or
    Infinity, and an object naming the same key twice (which of the two would count is
    ambiguous). Text values are returned as parsed, lone surrogates included: whether a field
    may hold one is the field's rule, so its error can name the field.
    """
    if isinstance(document, bytes):
        try:
            document = document.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise CaseworkError(f"{what} is not UTF-8 text (byte {exc.start})") from exc
    depth = 0
    for token in _JSON_TOKENS.finditer(document):
        bracket = token.group()
        if bracket in "[{":
            depth += 1
            if depth > MAX_JSON_DEPTH:
                raise CaseworkError(f"{what} is nested more than {MAX_JSON_DEPTH} levels deep")
        elif bracket in "]}":
            depth -= 1
    try:
        return json.loads(document, parse_int=_json_int, parse_float=_json_float,
                          parse_constant=_json_constant, object_pairs_hook=_json_object)
    except json.JSONDecodeError as exc:
        raise CaseworkError(f"{what} is not valid JSON ({exc.msg}, line {exc.lineno} column "
                            f"{exc.colno})") from exc
    except _Refused as exc:
        raise CaseworkError(f"{what} {exc}") from None


class _Refused(ValueError):
    """Raised by the parser hooks; `parse_json` turns it into a `CaseworkError`."""


def _json_int(text: str) -> int:
    if len(text) > MAX_JSON_NUMBER_CHARS:
        raise _Refused(f"holds a number of {len(text):,} characters (at most "
                       f"{MAX_JSON_NUMBER_CHARS})")
    return int(text)


def _json_float(text: str) -> float:
    if len(text) > MAX_JSON_NUMBER_CHARS:
        raise _Refused(f"holds a number of {len(text):,} characters (at most "
                       f"{MAX_JSON_NUMBER_CHARS})")
    return float(text)


def _json_constant(name: str) -> float:
    raise _Refused(f"holds {name}, which is not a JSON number")


def _json_object(pairs: list[tuple[str, object]]) -> dict[str, object]:
    result: dict[str, object] = {}
    for key, value in pairs:
        if key in result:
            raise _Refused(f"names {key!r} twice in one object")
        result[key] = value
    return result
