"""Keyed hashing (HMAC-SHA256) of identifiers, computed inside the warehouse's SQL.

Why HMAC with a secret outside the database: a plain hash of an NHS number can be reversed by
hashing every possible number; a keyed hash cannot without the key, and the key never sits in
the warehouse file. The hash is computed in SQL (so pseudonymising a million rows is one
vectorised statement), from the key's inner and outer pads bound as parameters.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from pathlib import Path

from tessera.keyfiles import new_hex_secret, read_or_create_key

_BLOCK = 64


@dataclass(frozen=True)
class PseudonymKey:
    """The secret key, held as the two HMAC pads the SQL expression needs."""

    inner_pad: bytes
    outer_pad: bytes
    fingerprint: str
    """A keyed hash of a constant: shows which key a warehouse was built with, safely."""

    @classmethod
    def from_secret(cls, secret: bytes) -> PseudonymKey:
        """Derive the pads from a secret of any length, as RFC 2104 does."""
        key = hashlib.sha256(secret).digest() if len(secret) > _BLOCK else secret
        key = key.ljust(_BLOCK, b"\0")
        fingerprint = hmac.new(secret, b"tessera-key-fingerprint", hashlib.sha256).hexdigest()
        return cls(bytes(b ^ 0x36 for b in key), bytes(b ^ 0x5C for b in key), fingerprint[:16])


KEY_HEX_DIGITS = 32
"""Keys are HMAC-SHA256 truncated to 128 bits (as HMAC-SHA-256-128, RFC 4868): collisions are
out of reach at any national scale, and keys take half the space in every table and join."""


def hmac_sql(message_sql: str) -> str:
    """SQL computing the key of a text expression, with pads bound as $inner_pad/$outer_pad."""
    return (f"left(sha256($outer_pad || unhex(sha256($inner_pad || encode({message_sql})))), "
            f"{KEY_HEX_DIGITS})")


def load_secret(secret: str | None, key_file: Path) -> PseudonymKey:
    """The pseudonymisation key: from settings, else from a 0600 key file, created if absent.

    A key file that others can read is refused: whoever has the key can re-identify.
    """
    if secret:
        return PseudonymKey.from_secret(secret.encode())
    return PseudonymKey.from_secret(
        read_or_create_key(key_file, "pseudonymisation key", new_hex_secret).strip())


def record_key_sql(entity_name: str, agency_sql: str, value_sql: str) -> str:
    """SQL for a row's key: HMAC of entity, agency and natural key (unique per row)."""
    return hmac_sql(f"'{entity_name}|' || {agency_sql} || '|' || {value_sql}")


def field_key_sql(field_name: str, value_sql: str) -> str:
    """SQL for an identifier's key, the same across agencies so linkage can compare them."""
    return hmac_sql(f"'{field_name}|' || {value_sql}")
