"""The pseudonymisation key: kept outside the database, private, and equal to RFC 2104."""

from __future__ import annotations

import hashlib
import hmac
import stat
from pathlib import Path

import pytest

from tessera.errors import ConfigurationError
from tessera.warehouse.engine import Engine
from tessera.warehouse.pseudonym import PseudonymKey, hmac_sql, load_secret


def test_key_file_is_created_private(tmp_path: Path) -> None:
    """On first run a random key is written to a file only its owner can read."""
    path = tmp_path / "keys" / "k"
    first = load_secret(None, path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_secret(None, path).fingerprint == first.fingerprint


def test_a_key_file_others_can_read_is_refused(tmp_path: Path) -> None:
    """Whoever can read the key can re-identify, so a loose file mode is an error."""
    path = tmp_path / "k"
    path.write_text("secret")
    path.chmod(0o644)
    with pytest.raises(ConfigurationError, match="chmod 600"):
        load_secret(None, path)


@pytest.mark.parametrize("secret", [b"short", b"x" * 64, b"y" * 100])
def test_sql_hmac_equals_python_hmac(secret: bytes) -> None:
    """The SQL expression is HMAC-SHA256 (truncated to 128 bits) for keys shorter, equal to
    and longer than a block."""
    key = PseudonymKey.from_secret(secret)
    with Engine.open(None) as engine:
        got = engine.scalar(f"SELECT {hmac_sql('$v')}", {
            "v": "Zoë|9434765919", "inner_pad": key.inner_pad, "outer_pad": key.outer_pad})
    expected = hmac.new(secret, "Zoë|9434765919".encode(), hashlib.sha256).hexdigest()
    assert got == expected[:32]
