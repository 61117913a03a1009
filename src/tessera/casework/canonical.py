"""Canonical JSON and SHA-256: the one way Tessera turns a value into bytes it signs or chains.

Why one canonical form: a receipt, a ledger entry and a record hash are only checkable if the
verifier rebuilds exactly the bytes that were hashed, so keys are sorted, separators fixed,
text kept as UTF-8 and every timestamp written in UTC to the microsecond.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, date, datetime


def utc_iso(moment: datetime) -> str:
    """A timestamp as ISO 8601 in UTC with microseconds and a Z, e.g. 2025-01-15T09:30:00.000000Z.

    A naive datetime is taken to be UTC already (SQLite keeps no zone).
    """
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _plain(value: object) -> object:
    if isinstance(value, datetime):
        return utc_iso(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def canonical_json(value: object) -> bytes:
    """The canonical UTF-8 JSON bytes of a value of dicts, lists, text, numbers and dates."""
    return json.dumps(_plain(value), sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False).encode("utf-8")


def sha256_hex(value: object) -> str:
    """The SHA-256 (hex) of a value's canonical JSON."""
    return hashlib.sha256(canonical_json(value)).hexdigest()
