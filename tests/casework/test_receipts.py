"""Receipts verify with the service's public key and fail when anything in them changes."""

from __future__ import annotations

import dataclasses
import os
import stat
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tessera.casework.receipts import Receipt, ReceiptSigner, verify_receipt
from tessera.errors import CaseworkError, ConfigurationError

AT = datetime(2025, 1, 15, 9, 30, tzinfo=UTC)


def test_a_signed_receipt_verifies_and_survives_json(signer: ReceiptSigner) -> None:
    """What the reporter saves as JSON verifies against the published key."""
    receipt = signer.sign("TSR-ABCDEFGHJK", "ab" * 32, AT)
    assert receipt.issued_at == "2025-01-15T09:30:00.000000Z"
    again = Receipt.from_json(receipt.to_json())
    assert again == receipt
    assert verify_receipt(again, signer.public_key_pem())


@pytest.mark.parametrize(("field", "value"), [
    ("reference", "TSR-0000000000"),
    ("content_sha256", "cd" * 32),
    ("issued_at", "2025-01-14T09:30:00.000000Z"),
    ("signature", "A" * 88),
], ids=["another reference", "other content", "back-dated", "forged signature"])
def test_any_change_makes_it_not_valid(signer: ReceiptSigner, field: str, value: str) -> None:
    """A receipt edited in any field no longer verifies."""
    receipt = signer.sign("TSR-ABCDEFGHJK", "ab" * 32, AT)
    assert not verify_receipt(dataclasses.replace(receipt, **{field: value}),
                              signer.public_key_pem())


def test_another_services_key_does_not_verify(signer: ReceiptSigner) -> None:
    """A receipt checked against a different public key is not valid."""
    receipt = signer.sign("TSR-ABCDEFGHJK", "ab" * 32, AT)
    assert not verify_receipt(receipt, ReceiptSigner.generate().public_key_pem())


def test_key_file_is_created_0600_and_reused(tmp_path: Path) -> None:
    """The key is made on first use, readable only by its owner, and the same next time."""
    path = tmp_path / "keys" / "signing.key"
    first = ReceiptSigner.from_file(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert ReceiptSigner.from_file(path).public_key_pem() == first.public_key_pem()
    assert list(path.parent.iterdir()) == [path]


def test_a_key_file_others_can_read_is_refused(tmp_path: Path) -> None:
    """Whoever can read the key can forge receipts, so a loose key file is an error."""
    path = tmp_path / "signing.key"
    ReceiptSigner.from_file(path)
    os.chmod(path, 0o644)
    with pytest.raises(ConfigurationError, match="readable by others"):
        ReceiptSigner.from_file(path)


@pytest.mark.parametrize(("text", "message"), [
    ("not json", "not a receipt: the file is not JSON"),
    ("[1]", "expected a JSON object"),
    ('{"reference": "TSR-1"}', "missing content_sha256, issued_at, key_id, signature"),
], ids=["not JSON", "not an object", "fields missing"])
def test_a_malformed_receipt_says_what_is_wrong(text: str, message: str) -> None:
    """A file that is not a receipt is one clear error."""
    with pytest.raises(CaseworkError, match=message):
        Receipt.from_json(text)
